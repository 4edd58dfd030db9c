"""A RUN pipes commands without `pipefail`, so a failure before the last pipe is hidden.

## What it does
Reports a `RUN` with a pipe (`a | b`) when `pipefail` is not on for it, at
the first command whose failure the pipe hides (a command before the last
one of a pipeline). `pipefail` is on when:

- the stage's `SHELL` (or the `SHELL` of the stage it is built `FROM`) runs
  a POSIX shell with `-o pipefail` (`SHELL ["/bin/bash", "-eo", "pipefail",
  "-c"]`), or
- the `RUN` itself runs `set -o pipefail` (`set -euo pipefail`...) before the
  pipe.

Not reported: pipelines fed only by commands that cannot fail (`echo`,
`printf`, `yes`, `true`), pipelines inside a command substitution that is an
argument of another command (`cp a "$(uname -m | tr A-Z a-z)"`: its status is
dropped with or without `pipefail`), pipes inside `sh -c '...'` strings,
exec-form `RUN`s, and `RUN`s run by PowerShell or cmd (a `SHELL` naming them,
a Windows base image, or `# hadolint shell=pwsh`). One finding per `RUN`.

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
- hadolint accepts `-o pipefail` for bash, zsh and ash only; dlint for any
  POSIX shell (`/bin/sh -o pipefail` either turns it on, as BusyBox does, or
  fails every `RUN` at once, which nobody misses).
- hadolint reports any pipe; dlint leaves out the pipes where `pipefail`
  changes nothing (fed by `echo`, `printf`, `yes` or `true`; in a command
  substitution whose status is dropped). With `yes | cmd`, `pipefail` would
  even fail the step when `cmd` stops reading.
- The finding is at the command whose failure is hidden, not at the `RUN`.

"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellScript
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL4006",
    name="pipe-without-pipefail",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "shell"),
    precision="high",
)

_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
# Commands that feed a pipe and cannot fail in a way pipefail would report usefully
# (``yes`` even fails with SIGPIPE under pipefail when the reader stops).
_CANNOT_FAIL = frozenset({"echo", "printf", "yes", "true", ":"})


def _sets_pipefail(words: list[str]) -> bool:
    """Whether shell options ``-o pipefail`` (also ``-eo pipefail``) are among ``words``."""
    return any(
        words[i + 1] == "pipefail"
        and words[i].startswith("-")
        and not words[i].startswith("--")
        and "o" in words[i]
        for i in range(len(words) - 1)
    )


def _shell_pipefail(ins: Instruction) -> bool:
    """Whether a SHELL instruction runs a POSIX shell with ``-o pipefail``."""
    if not ins.json or not ins.args:
        return False
    words = [a.value for a in ins.args]
    program = posixpath.basename(words[0].replace("\\", "/")).lower()
    return program in _POSIX_SHELLS and _sets_pipefail(words[1:])


def _set_pipefail(cmd: ShellCommand) -> bool:
    return cmd.program == "set" and _sets_pipefail([w.literal for w in cmd.args])


def _shebang(ins: Instruction) -> bool:
    """``RUN <<EOF`` whose body starts with ``#!``: run as a file, without the SHELL."""
    return (
        bool(ins.heredocs)
        and ins.text.strip().startswith("<<")
        and (ins.heredocs[0].text.startswith("#!"))
    )


def _inside(span: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (span.line, span.column) and (
        span.end_line,
        span.end_column,
    ) <= (outer.end_line, outer.end_column)


def _hidden(members: list[ShellCommand], commands: list[ShellCommand]) -> ShellCommand | None:
    """The first command of a pipeline whose failure pipefail would report: one before
    the last that can fail, when the pipeline's status is not thrown away anyway (as in a
    command substitution among another command's arguments)."""
    first = members[0]
    for other in commands:
        if other.pipeline != first.pipeline and _inside(first.span, other.span):
            return None
    direct = [
        m
        for m in members
        if not any(o is not m and o.span != m.span and _inside(m.span, o.span) for o in members)
    ]
    for member in direct[:-1]:
        if member.program not in _CANNOT_FAIL:
            return member
    return None


def _hidden_pipe(script: ShellScript) -> ShellCommand | None:
    """The first command whose failure a pipe hides, unless the script runs
    ``set -o pipefail`` before it."""
    commands = [c for c in script.commands if not c.nested]
    pipelines: dict[int, list[ShellCommand]] = {}
    for cmd in commands:
        if cmd.pipeline is not None:
            pipelines.setdefault(cmd.pipeline, []).append(cmd)
    for cmd in commands:
        if _set_pipefail(cmd):
            return None
        members = pipelines.get(cmd.pipeline) if cmd.pipeline is not None else None
        if members and members[0] is cmd:
            hidden = _hidden(members, commands)
            if hidden is not None:
                return hidden
    return None


def _stage(stage: Stage, inherited: bool) -> tuple[list[Finding], bool]:
    """Findings of one stage, and whether its SHELL has pipefail at its end."""
    pipefail = inherited
    findings: list[Finding] = []
    for ins in stage.instructions:
        if ins.keyword == "SHELL":
            pipefail = _shell_pipefail(ins)
            continue
        script = ins.script
        if ins.keyword != "RUN" or script is None or script.dialect != "posix":
            continue
        if pipefail and not _shebang(ins):
            continue
        cmd = _hidden_pipe(script)
        if cmd is None:
            continue
        name = f"`{cmd.program}`" if cmd.program else "the first command"
        findings.append(
            Finding(
                cmd.span,
                f"A pipe hides the failure of {name}: only the last command's status counts "
                'without pipefail. Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before '
                "this RUN, or start it with `set -o pipefail &&`.",
            )
        )
    return findings, pipefail


def check(df: Dockerfile) -> Iterator[Finding]:
    ends: list[bool] = []  # per stage: pipefail at its end
    for stage in df.all_stages:
        inherited = False
        if isinstance(stage.base, StageRef) and stage.base.index < len(ends):
            inherited = ends[stage.base.index]
        findings, end = _stage(stage, inherited)
        if stage.from_instruction is not None:
            ends.append(end)
        yield from findings
