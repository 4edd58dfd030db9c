"""CMD, ENTRYPOINT or HEALTHCHECK CMD is written in shell form.

## What it does
Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` written as a plain command
line (shell form, `CMD npm start`) instead of a JSON array (exec form,
`CMD ["npm", "start"]`), including one that looks like a JSON array but is not
valid JSON (`CMD ['npm', 'start']`: Docker runs that through the shell too).

A `CMD` that starts with `exec` (`CMD exec gunicorn app:app`) is not
reported: the shell replaces itself with the program, which then receives
the signals.

Not reported: stages whose shell is not a POSIX one, because a `SHELL`
instruction switched to `cmd`, `powershell` or `pwsh`, or because the stage
is built on a Windows image (a `# escape=` backtick file, or a base image
named `windows`, `nanoserver` or `servercore`): there, shell form is the usual
way to write a command, and POSIX signals do not apply.

## Why is this bad?
Docker runs a shell-form command as `/bin/sh -c "<command>"`. The shell, not
your program, is then the container's main process: it does not pass on
`SIGTERM`, so `docker stop` waits for its timeout and kills the program
without a clean shutdown, and a shell-form `ENTRYPOINT` ignores the
arguments of `docker run` and the `CMD`. Exec form runs the program directly.
When the command needs the shell (variables, `&&`), write the shell in
the array and start the program with `exec`:
`CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:$PORT app:app"]`. A
shell-form `HEALTHCHECK CMD` needs `/bin/sh` in the image: on a distroless
or `scratch` image every check fails and the container is marked unhealthy.

## Example
```dockerfile
FROM node:22-alpine
CMD npm start
```

## Use instead
```dockerfile
FROM node:22-alpine
CMD ["npm", "start"]
```

## Fix
Writes the command as a JSON array (`CMD npm start` becomes `CMD ["npm", "start"]`),
only when the command is one line of plain words: letters, digits and
`_ - . / : = , + @ %`, with no variables, quotes, escapes, globs, redirections,
`&&`, `|` or `;`, and not starting with an assignment or a shell builtin (`cd`,
`exec`, `export`...). Unsafe: the program then runs without `/bin/sh -c` (it gets the
signals, which is the point, but it no longer goes through the shell), and an
`ENTRYPOINT` in exec form takes the `CMD` and the arguments of `docker run`, which a
shell-form one ignored. No fix for text that looks like a JSON array but is not
valid JSON, nor for a command written over several lines.

## Differences from hadolint
- hadolint reports `CMD exec program ...`, whose program does get the
  signals. dlint does not.
- hadolint reports shell form on Windows images too, where `cmd` or
  PowerShell is the shell and the signal problem does not exist, and after a
  `SHELL` that switches to a shell other than a POSIX one. dlint does not,
  nor does BuildKit's `JSONArgsRecommended` check after such a `SHELL`.
- hadolint's parser reads a valid JSON array as shell form when one of its
  strings has an escaped backslash before a quote (`CMD ["echo", "a\\\\"]`),
  and text that is not valid JSON as exec form (`CMD ["app"] --debug`). dlint
  reads both as Docker does: the first is exec form and is not reported, the
  second runs through the shell and is.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage
from dlint.rule import Edit, Finding, Fix, RuleMeta

from .._shared.stages import nearest, parent

META = RuleMeta(
    code="DL3025",
    name="json-args-recommended",
    redirects=("shell-form-cmd",),
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("best-practice", "buildkit-check"),
    precision="high",
    buildkit=("JSONArgsRecommended",),
    fixable=True,
)

# the IR gives the shell of a RUN (its script's dialect), not of a CMD: read SHELL here
_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})


def _posix(shell: Instruction) -> bool:
    """Whether a SHELL instruction switches to a POSIX shell (one not in JSON form
    changes nothing)."""
    if not shell.json or not shell.args:
        return True
    program = posixpath.basename(shell.args[0].value.replace("\\", "/")).lower()
    return program.removesuffix(".exe") in _POSIX_SHELLS


def _inherited(
    df: Dockerfile, stage: Stage, shells: dict[int, Instruction], near: dict[int, int]
) -> bool:
    """Whether a stage starts with a POSIX shell: the last SHELL of the nearest stage it
    is built on that has one (``near``), else its image's (not on Windows)."""
    up = parent(df, stage)
    if up is not None and up.index in near:
        return _posix(shells[near[up.index]])
    return not stage.windows


def _exec(command: str) -> bool:
    """``exec program ...``: the shell replaces itself with the program."""
    return command.split(maxsplit=1)[:1] == ["exec"]


def _shell_form(ins: Instruction) -> tuple[str, Span, str] | None:
    """An instruction in shell form: its name, the command's span and the command."""
    if ins.json or not ins.args:
        return None
    if ins.keyword == "CMD" and _exec(ins.text):
        return None  # the program replaces the shell and gets the signals
    if ins.keyword in ("CMD", "ENTRYPOINT"):
        return ins.keyword, ins.text_span, ins.text
    if ins.keyword == "HEALTHCHECK" and ins.args[0].value.upper() == "CMD" and len(ins.args) > 1:
        command = " ".join(a.value for a in ins.args[1:])
        return "HEALTHCHECK CMD", ins.args[1].span.cover(ins.args[-1].span), command
    return None


def _json_like(command: str) -> bool:
    """Text that opens a JSON array of strings (``['a', 'b']``, ``["a"`` with no ``]``)."""
    rest = command.lstrip()
    return rest.startswith("[") and rest[1:].lstrip()[:1] in ('"', "'")


def _message(name: str, command: str) -> str:
    if _json_like(command):
        return (
            f"{name} looks like a JSON array but is not valid JSON (JSON needs double "
            "quotes and a closing `]`), so Docker runs it through a shell: fix the array."
        )
    if name.startswith("HEALTHCHECK"):
        return (
            f"{name} in shell form runs through `/bin/sh -c`, which the image must have: "
            f'write it as a JSON array, e.g. {name} ["program", "arg"].'
        )
    return (
        f"{name} in shell form runs under a shell (`/bin/sh -c`), which does not pass "
        f'signals on to the program: write it as a JSON array, e.g. {name} ["program", "arg"].'
    )


# a word the shell passes on as written: no expansion, quoting, globbing or operator
_PLAIN = re.compile(r"[A-Za-z0-9_./:=,+@%-]+")
# words the shell runs itself, which are no program that exec form could start
_SHELL_WORDS = frozenset(
    {
        *("!", ".", ":", "alias", "bg", "break", "case", "cd", "command", "continue"),
        *("coproc", "declare", "do", "done", "elif", "else", "esac", "eval", "exec", "exit"),
        *("export", "fc", "fg", "fi", "for", "function", "getopts", "hash", "if", "in"),
        *("jobs", "let", "local", "read", "readonly", "return", "select", "set", "shift"),
        *("source", "then", "time", "times", "trap", "type", "typeset", "ulimit", "umask"),
        *("unalias", "unset", "until", "wait", "while"),
    }
)


def _fix(df: Dockerfile, span: Span, command: str) -> Fix | None:
    """The command as a JSON array, when it is one line of plain words (unsafe)."""
    if span.line != span.end_line or not 0 < span.line <= len(df.lines):
        return None
    if df.lines[span.line - 1][span.column - 1 : span.end_column - 1] != command:
        return None
    words = command.split(" ")
    if not all(_PLAIN.fullmatch(w) for w in words if w):
        return None  # shell syntax, or a blank other than a space
    words = [w for w in words if w]
    first = words[0]
    if "=" in first or first.startswith("-") or first in _SHELL_WORDS:
        return None  # an assignment, an option of the shell, or a word the shell runs
    array = "[" + ", ".join(f'"{w}"' for w in words) + "]"
    return Fix("Write the command as a JSON array", (Edit(span, array),), safe=False)


def check(df: Dockerfile) -> Iterator[Finding]:
    shells: dict[int, Instruction] = {}  # stage index -> its last SHELL
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword == "SHELL":
                shells[stage.index] = ins
    near = nearest(df, shells)
    for stage in df.all_stages:
        posix: bool | None = None  # None: the shell it starts with, worked out when needed
        for ins in stage.instructions:
            if ins.keyword == "SHELL":
                posix = _posix(ins)
                continue
            found = _shell_form(ins)
            if found is None:
                continue
            if posix is None:
                posix = _inherited(df, stage, shells, near)
            if posix:
                name, span, command = found
                yield Finding(span, _message(name, command), fix=_fix(df, span, command))
