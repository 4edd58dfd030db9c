"""A RUN downloads a script and pipes it straight into a shell, unverified.

## What it does
Reports a pipeline in a `RUN` (or `ONBUILD RUN`) whose download command
(`curl`, or `wget` writing to standard output: `-O-`, `-qO -`,
`--output-document=-`) feeds an interpreter that runs what it reads: `sh`,
`bash`, `dash`, `ash`, `zsh`, `ksh` (also with `-s` and arguments, through
`sudo`), or `python`, `perl`, `ruby`, `node` reading standard input (no
script file, or `-`). The finding is on the interpreter.

Not reported: a download saved to a file (`curl -o`, `-O`, `wget` without
`-O-`), an interpreter given a script file or a `-c` string (it does not run
standard input), and scripts run by PowerShell or cmd.

## Why is this bad?
The script is whatever the server sends at build time: a changed or
compromised file, or a man-in-the-middle on a mirror, runs with the build's
rights, and nothing in the Dockerfile says which script ran. Most install
scripts are fetched from a moving branch (`.../master/install.sh`), so two
builds of the same Dockerfile can run different code. Download the script to
a file, check it against a checksum you recorded (`sha256sum -c`), then run
it; or install a released artifact whose checksum you pin (`ADD --checksum=`).

## Example
```dockerfile
FROM debian:bookworm-slim
RUN curl -sSf https://example.com/install.sh | bash
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN curl -sSfo /tmp/install.sh https://example.com/v1.4.2/install.sh \
 && echo "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  /tmp/install.sh" | sha256sum -c - \
 && bash /tmp/install.sh \
 && rm /tmp/install.sh
```

## Known limitations
A download run through process substitution (`bash <(curl ...)`) is not
recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

META = RuleMeta(
    code="DF805",
    name="remote-script-piped-to-shell",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("security", "supply-chain", "reproducibility"),
    precision="high",
    preview=True,
)

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_INTERPRETERS = re.compile(r"^(?:python[0-9.]*|perl|ruby|node)$")
# curl options that write the body to a file instead of standard output
_CURL_TO_FILE = frozenset({"-o", "--output", "-O", "--remote-name", "--remote-name-all"})


def _curl_prints(argv: tuple[ShellWord, ...]) -> bool:
    """Whether curl writes what it downloads to standard output."""
    for word in argv[1:]:
        text = word.value or ""
        if text in _CURL_TO_FILE or text.startswith("--output="):
            return False
        if text.startswith("-") and not text.startswith("--") and any(c in "oO" for c in text[1:]):
            return False  # grouped short options: -sSLo, -fsSLO
    return True


def _wget_prints(argv: tuple[ShellWord, ...]) -> bool:
    """Whether wget writes what it downloads to standard output (``-O -``)."""
    words = [w.value or "" for w in argv[1:]]
    for i, text in enumerate(words):
        if text in ("-O-", "--output-document=-"):
            return True
        if text in ("-O", "--output-document") and i + 1 < len(words) and words[i + 1] == "-":
            return True
        if text.startswith("-") and not text.startswith("--") and text.endswith("O-"):
            return True  # grouped: -qO-
        grouped = text.startswith("-") and not text.startswith("--") and text.endswith("O")
        if grouped and i + 1 < len(words) and words[i + 1] == "-":
            return True  # grouped: -qO -
    return False


def _downloads(cmd: ShellCommand) -> bool:
    argv = cmd.unwrapped()
    program = cmd.unwrapped_program()
    return (program == "curl" and _curl_prints(argv)) or (program == "wget" and _wget_prints(argv))


def _runs_stdin(cmd: ShellCommand) -> ShellWord | None:
    """The interpreter word of a command that runs the script it reads on standard
    input (None: it runs none, or a file or string of its own)."""
    argv = cmd.unwrapped()
    program = cmd.unwrapped_program() or ""
    if program in _SHELLS:
        for word in argv[1:]:
            text = word.value
            if text is None:
                return None  # an argument dlint cannot read: maybe a script file
            if text == "-s" or (text.startswith("-") and not text.startswith("--") and "s" in text):
                return argv[0]  # `sh -s -- args`: the script still comes from stdin
            if text == "-c" or (text.startswith("-") and not text.startswith("--") and "c" in text):
                return None
            if text in ("-", "--"):
                return argv[0]
            if not text.startswith("-"):
                return None  # `bash install.sh`: a script file
        return argv[0]
    if _INTERPRETERS.match(program):
        rest = [w.value for w in argv[1:]]
        if not rest or rest == ["-"] or (rest[0] == "-" and None not in rest):
            return argv[0]
    return None


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        piped: dict[int, list[ShellCommand]] = {}
        for cmd in run.script.commands:
            if cmd.pipeline is not None:
                piped.setdefault(cmd.pipeline, []).append(cmd)
        for commands in piped.values():
            for i, cmd in enumerate(commands):
                if not _downloads(cmd):
                    continue
                for later in commands[i + 1 :]:
                    interpreter = _runs_stdin(later)
                    if interpreter is not None:
                        fetcher = cmd.unwrapped_program()
                        yield Finding(
                            interpreter.span,
                            f"`{interpreter.value}` runs a script `{fetcher}` downloads, "
                            "unverified: save it to a file, check its checksum, then run it.",
                        )
                        break
                break
