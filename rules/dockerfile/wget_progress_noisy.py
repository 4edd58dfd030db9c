"""`wget` runs without `--progress` or a quiet option, and floods the build log.

## What it does
Reports each `wget` in a `RUN` (or `ONBUILD RUN`), also through `sudo` or
`env`, that has none of `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose`,
`-o`/`--output-file`, `-a`/`--append-output` or `-b`/`--background`, at the
word `wget`. Options held in a variable the script or the stage sets
(`WGET_OPTS="-q"; wget $WGET_OPTS ...`) count; a word whose value dlint cannot
know is read as it is written.

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

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.runs import Run, runs

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


def _quiet(run: Run, args: tuple[ShellWord, ...]) -> bool:
    """Whether wget's arguments set a progress style or silence it (a word dlint cannot
    expand is read as written)."""
    for word in args:
        fields = run.fields(word)
        for text in fields if fields is not None else (word.literal,):
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
    for run in runs(df, dialects=("posix", "exec")):
        for cmd in run.script.calls("wget"):
            argv = cmd.unwrapped()
            if not _quiet(run, argv[1:]):
                yield Finding(
                    argv[0].span,
                    "`wget` without `--progress` or a quiet option floods the build log with "
                    "progress dots: add `--progress=dot:giga`, `-nv` or `-q`.",
                )
