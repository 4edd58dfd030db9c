"""A RUN pipes commands without `pipefail`, so a failure before the last pipe is hidden.

## What it does
Reports a `RUN` with a pipe (`a | b`) when `pipefail` is not on for it, at
the first command whose failure the pipe hides (a command before the last
one of a pipeline). `pipefail` is on when:

- the stage's `SHELL` (or the `SHELL` of the stage it is built `FROM`) runs
  bash, zsh or ash with `-o pipefail` (`SHELL ["/bin/bash", "-eo", "pipefail",
  "-c"]`), or
- the `RUN` itself runs `set -o pipefail` (`set -euo pipefail`...) before the
  pipe.

`SHELL ["/bin/sh", "-o", "pipefail", "-c"]` does not count: which shell
`/bin/sh` is depends on the image (dash on Debian and Ubuntu, BusyBox ash on
Alpine), so name the shell. A `RUN <<EOF` script that starts with `#!` runs
as a program of its own, without the `SHELL`: only its own `set -o pipefail`
counts.

Not reported: a pipe fed by `yes` alone (`yes | apt-get ...`), pipelines
inside a command substitution that is an argument of another command
(`cp a "$(uname -m | tr A-Z a-z)"`: its status is dropped with or without
`pipefail`), pipes inside `sh -c '...'` strings, exec-form `RUN`s, and
`RUN`s run by PowerShell or cmd (a `SHELL` naming them, a Windows base image,
or `# hadolint shell=pwsh`). One finding per `RUN`.

## Why is this bad?
A shell reports the status of the last command of a pipeline only. In
`RUN curl -fsSL https://example.com/install.sh | sh`, a failed download pipes
nothing into `sh`, which happily succeeds, and the build goes on with a step
that did nothing. With `pipefail` the pipeline fails when any of its commands
fails, and the build stops there.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg
```

## Differences from hadolint
- hadolint ignores `set -o pipefail` inside the `RUN` (Docker's own best
  practices suggest exactly that); dlint honours it.
- hadolint forgets the `SHELL` at each `FROM`; dlint keeps it for a stage
  built from another stage, which inherits its shell, as Docker does.
- hadolint reports any pipe; dlint leaves out two where `pipefail` does no
  good: a pipe in a command substitution whose status is dropped anyway (an
  argument of another command), and `yes | cmd`, which `pipefail` would fail
  as soon as `cmd` stops reading (`yes` then dies of SIGPIPE).
- hadolint trusts a pipefail `SHELL` also for a `RUN <<EOF` script with its
  own `#!` line, which BuildKit runs without that `SHELL`; dlint does not.
- hadolint reads the `RUN`s of a Windows base image without `SHELL`, or
  under `# hadolint shell=pwsh`, as sh; dlint knows they run in cmd or
  PowerShell, where there is no `pipefail` to set.
- hadolint reads an exec-form `RUN ["sh", "-c", "a | b"]` as one shell line
  and reports its pipe; dlint does not look into the string, as for
  `RUN sh -c "a | b"`, which hadolint does not report either.
- The finding is at the command whose failure is hidden, not at the `RUN`.

"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand, ShellScript
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

META = RuleMeta(
    code="DL4006",
    name="pipe-without-pipefail",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "shell"),
    precision="high",
)

# Shells whose ``-o pipefail`` a SHELL instruction is trusted with (hadolint's list).
_PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash"})
# Feeders whose failure is no failure: ``yes`` runs until the reader stops, then dies of
# SIGPIPE, which pipefail would turn into a failed step.
_ENDLESS = frozenset({"yes"})


def _sets_pipefail(words: tuple[str, ...]) -> bool:
    """Whether shell options ``-o pipefail`` (also ``-eo pipefail``) are among ``words``."""
    return any(
        words[i + 1] == "pipefail"
        and words[i].startswith("-")
        and not words[i].startswith("--")
        and "o" in words[i]
        for i in range(len(words) - 1)
    )


def _shell_pipefail(shell: tuple[str, ...]) -> bool:
    """Whether the SHELL (or ``#!`` line) running a script is bash, zsh or ash with
    ``-o pipefail``."""
    if not shell:
        return False
    program = posixpath.basename(shell[0].replace("\\", "/")).lower()
    return program in _PIPEFAIL_SHELLS and _sets_pipefail(shell[1:])


def _inside(span: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (span.line, span.column) and (
        span.end_line,
        span.end_column,
    ) <= (outer.end_line, outer.end_column)


def _hidden_pipe(script: ShellScript) -> ShellCommand | None:
    """The first command whose failure a pipe hides (one before the last of its
    pipeline, other than ``yes``), unless the script runs ``set -o pipefail`` before it.

    A pipeline inside a command substitution that is an argument of another command is
    left out (its status is dropped with or without pipefail), as are the commands in
    the substitutions of a pipeline's own commands (they share its number)."""
    commands = [c for c in script.commands if not c.nested]
    # The command each one is written in, if any (its ``$(...)``): commands come in
    # source order, each before those written inside it.
    outer: list[int | None] = []
    stack: list[int] = []
    for i, cmd in enumerate(commands):
        while stack and not (
            commands[stack[-1]].span != cmd.span and _inside(cmd.span, commands[stack[-1]].span)
        ):
            stack.pop()
        outer.append(stack[-1] if stack else None)
        stack.append(i)
    pipelines: dict[int, list[int]] = {}  # the commands each pipeline is made of
    for i, cmd in enumerate(commands):
        if cmd.pipeline is None:
            continue
        o = outer[i]
        if o is None or commands[o].pipeline != cmd.pipeline:
            pipelines.setdefault(cmd.pipeline, []).append(i)
    for i, cmd in enumerate(commands):
        if cmd.program == "set" and _sets_pipefail(tuple(w.literal for w in cmd.args)):
            return None
        members = pipelines.get(cmd.pipeline) if cmd.pipeline is not None else None
        if not members or members[0] != i or (cmd.substituted and outer[i] is not None):
            continue
        for m in members[:-1]:
            if commands[m].program not in _ENDLESS:
                return commands[m]
    return None


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        # an ONBUILD trigger runs under the SHELL of the image built from this one
        if run.onbuild is not None or _shell_pipefail(run.script.shell):
            continue
        cmd = _hidden_pipe(run.script)
        if cmd is None:
            continue
        name = f"`{cmd.program}`" if cmd.program else "the first command"
        yield Finding(
            cmd.span,
            "Without pipefail only the last command of this pipe sets its status, so "
            f"the failure of {name} goes unnoticed: set "
            '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before this RUN, or start it '
            "with `set -o pipefail &&`.",
        )
