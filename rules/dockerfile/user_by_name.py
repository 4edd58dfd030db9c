"""USER names the user instead of giving a numeric UID.

## What it does
Reports the `USER` the image runs as when its user part, before any `:group`,
is a name rather than a number (hadolint's DL3066). That `USER` is the last one
of the last stage, or, when the last stage has none, the last one of the stage
it is built `FROM`. A `USER` that a later `USER` replaces only sets who runs
the next build steps, where the name always resolves, and the stages before the
last one build intermediate images: neither is reported.

Not reported: a user that comes from a build argument (`USER ${APP_UID}`,
which the build can set to a number), a variable with no known value, and
Windows images, whose users (`ContainerUser`, `ContainerAdministrator`) have
no numeric ids. A variable set by `ENV` is read through: `ENV APP_USER=app`
then `USER $APP_USER` is reported.

## Why is this bad?
A name is resolved through the image's `/etc/passwd` when the container starts.
Anything that looks at the image from outside cannot do that: Kubernetes'
`runAsNonRoot` refuses to start a container whose user is a name ("cannot
verify user is non-root"), and volume permissions on the host are set by
number. A numeric UID (and GID) means the same everywhere.

## Example
```dockerfile
FROM node:22-alpine
USER node
```

## Use instead
```dockerfile
FROM node:22-alpine
USER 1000:1000
```

## Differences from hadolint
hadolint 2.15 reports every `USER`, including `USER root` before a few build
steps followed by `USER 1000`, and the users of the stages before the last one;
a later change to hadolint's rule (and its test cases) accepts both, as dlint
does.
hadolint also reports Windows users, which have no numeric id to use instead,
and any user written with a variable that no `ARG` declares (such as `USER
${NB_UID}` with `NB_UID` set by the base image), whose value dlint cannot
know. `ONBUILD USER` is not checked (nor is it by hadolint).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PureWindowsPath

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, Word
from dlint.ir.text import clip
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import Reference, last, references
from .._shared.labels import unquote
from .._shared.stages import ancestry

META = RuleMeta(
    code="DL3066",
    name="user-by-name",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("security", "portability"),
    precision="high",
)

# the users of a Windows image: they have no numeric ids
_WINDOWS_USERS = frozenset({"containeruser", "containeradministrator"})
_WINDOWS_SHELLS = frozenset({"cmd", "powershell"})


def _windows(df: Dockerfile, stage: Stage) -> bool:
    """Whether a stage builds a Windows image: by its base image or the file's escape
    (``Stage.windows``), or by a SHELL of it or of a stage it is built from that runs
    ``cmd`` or ``powershell`` (which ``Stage.windows`` does not count)."""
    return stage.windows or any(
        ins.keyword == "SHELL"
        and ins.args
        and PureWindowsPath(ins.args[0].value.lower()).stem in _WINDOWS_SHELLS
        for s in ancestry(df, stage)
        for ins in s.instructions
    )


def _user_part(raw: str, refs: tuple[Reference, ...]) -> str:
    """``raw`` up to its first ``:`` that is not inside a variable reference."""
    start = 0
    for ref in refs:
        colon = raw.find(":", start, ref.start)
        if colon >= 0:
            return raw[:colon]
        start = max(start, ref.end)
    colon = raw.find(":", start)
    return raw if colon < 0 else raw[:colon]


def _user(
    stage: Stage, ins: Instruction, part: str, refs: tuple[Reference, ...], escape: str
) -> str | None:
    """The user part of a USER as Docker reads it; None when it is not known or comes
    from a build argument (the build can set it to a number)."""
    names = [ref.name for ref in refs if ref.start < len(part)]
    if not names:
        return unquote(part, escape)
    for name in names:
        variable = stage.variables.at(name, ins.span)
        if variable is None or variable.value is None or variable.kind == "arg":
            return None
    return ins.expanded[0].partition(":")[0] if ins.expanded else None


def _span(word: Word, part: str) -> Span:
    span = word.span
    if span.line == span.end_line and span.end_column - span.column == len(word.value):
        return Span(span.line, span.column, span.line, span.column + len(part))
    return span


def check(df: Dockerfile) -> Iterator[Finding]:
    # the image is the last stage (the instructions of a file with no FROM stand for it)
    final = df.stages[-1] if df.stages else df.orphan
    if final is None:
        return
    # the last USER of the stage, or of the nearest stage it is built from that has one
    found = next(
        ((s, ins) for s in ancestry(df, final) if (ins := last(s, "USER")) is not None), None
    )
    if found is None:
        return
    stage, ins = found
    if not ins.args or _windows(df, stage):
        return
    refs = references(ins.args[0].value, df.escape)
    part = _user_part(ins.args[0].value, refs)
    user = _user(stage, ins, part, refs, df.escape)
    if not user or (user.isascii() and user.isdigit()) or user.lower() in _WINDOWS_USERS:
        return
    yield Finding(
        _span(ins.args[0], part),
        f"USER `{clip(user)}` is a name, not a numeric UID: tools outside the image cannot "
        "resolve it (Kubernetes' runAsNonRoot refuses it); use the numeric UID (and GID).",
    )
