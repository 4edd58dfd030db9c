"""`wget` runs without `--progress` or a quiet option, and floods the build log.

## What it does
Reports each `wget` in a `RUN` (or `ONBUILD RUN`), also through `sudo` or
`env`, that has none of `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose`,
`-o`/`--output-file`, `-a`/`--append-output` or `-b`/`--background`, at the
word `wget`.

## Why is this bad?
Without a terminal, GNU wget falls back to its "dot" progress display: one
dot per kilobyte, a line per 50 KB, so a 100 MB download writes two thousand
lines to the build log and buries everything else. `--progress=dot:giga`
keeps a progress display with one dot per megabyte; `-nv` prints one line per
file; `-q` prints nothing.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN wget https://example.com/app.tar.gz
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN wget --progress=dot:giga https://example.com/app.tar.gz
```

## Differences from hadolint
hadolint matches the command name exactly and reports once per `RUN`; dlint
also finds `wget` behind `sudo` or `env` and from a path, reports each
`wget`, and accepts `-b`/`--background` (which logs to a file) as quiet.

## Known limitations
BusyBox `wget` (Alpine's default) draws a progress bar instead of dots and
knows fewer options (`-q` works in both); dlint does not tell the two apart.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.ir.shell import ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3047",
    name="wget-progress-noisy",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("build-log",),
    precision="high",
)

_LONG = ("--progress", "--quiet", "--no-verbose", "--output-file", "--append-output",
         "--background")  # fmt: skip
_SHORT = frozenset("qoab")  # -q, -o FILE, -a FILE, -b
# wget's short options that take a value: a quiet letter after them is part of it
_SHORT_VALUED = frozenset("OoaePUTtwYlABDXIQ")


def _runs(df: Dockerfile) -> Iterator[tuple[Instruction, ShellScript]]:
    """Each RUN with its script, ``ONBUILD RUN`` triggers included."""
    for ins in df.instructions:
        run = ins.trigger if ins.keyword == "ONBUILD" else ins
        if run is not None and run.keyword == "RUN" and run.script is not None:
            yield run, run.script


def _quiet(args: tuple[ShellWord, ...]) -> bool:
    """Whether wget's arguments set a progress style or silence it."""
    for word in args:
        text = word.literal
        if text == "--":
            return False
        if text.startswith("--"):
            if text.partition("=")[0] in _LONG:
                return True
            continue
        if not text.startswith("-") or len(text) < 2:
            continue
        if text.startswith("-nv"):
            return True
        for letter in text[1:]:
            if letter in _SHORT:
                return True
            if letter in _SHORT_VALUED or letter == "n":
                break
    return False


def check(df: Dockerfile) -> Iterator[Finding]:
    for _ins, script in _runs(df):
        for cmd in script.commands:
            argv = cmd.unwrapped()
            if not argv or argv[0].value is None:
                continue
            if posixpath.basename(argv[0].value) != "wget":
                continue
            if _quiet(argv[1:]):
                continue
            yield Finding(
                argv[0].span,
                "`wget` without `--progress` or a quiet option floods the build log with "
                "progress dots: add `--progress=dot:giga`, `-nv` or `-q`.",
            )
