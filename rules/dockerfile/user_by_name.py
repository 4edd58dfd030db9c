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

import re
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.image import ImageRef
from dlint.ir.text import clip
from dlint.rule import Finding, RuleMeta

from .._shared.labels import unquote

META = RuleMeta(
    code="DL3066",
    name="user-by-name",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("security", "portability"),
    precision="high",
)

_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
# base image names that mean Windows (the parser's own hint list: not in the IR)
_WINDOWS_IMAGES = ("windows", "nanoserver", "servercore")
_WINDOWS_USERS = frozenset({"containeruser", "containeradministrator"})


def _user_part(raw: str) -> str:
    """``raw`` up to its first ``:`` that is not inside ``${...}``."""
    depth = 0
    for i, c in enumerate(raw):
        if raw.startswith("${", i):
            depth += 1
        elif c == "}" and depth:
            depth -= 1
        elif c == ":" and not depth:
            return raw[:i]
    return raw


def _windows(df: Dockerfile, stage: Stage) -> bool:
    """Whether a stage builds a Windows image (by its base images or its shell)."""
    if df.escape == "`":
        return True
    seen: set[int] = set()
    current: Stage | None = stage
    while current is not None and current.index not in seen:
        seen.add(current.index)
        for ins in current.instructions:
            if ins.keyword == "SHELL" and ins.args:
                program = ins.args[0].value.lower().replace("\\", "/").rsplit("/", 1)[-1]
                if program.removesuffix(".exe") in ("cmd", "powershell"):
                    return True
        base = current.base
        if isinstance(base, ImageRef):
            return any(hint in base.text.lower() for hint in _WINDOWS_IMAGES)
        current = (
            df.stages[base.index]
            if isinstance(base, StageRef) and 0 <= base.index < len(df.stages)
            else None
        )
    return False


def _user(ins: Instruction, escape: str, args: set[str]) -> str | None:
    """The user part of a USER, as Docker reads it; None when it is not known."""
    if not ins.args:
        return None
    raw = _user_part(ins.args[0].value)
    if "$" not in raw:
        return unquote(raw, escape)
    names = set(_VARIABLE.findall(raw))
    if ins.expanded is None or names & (args | set(ins.unresolved)):
        return None  # from a build argument, or unknown
    return _user_part(ins.expanded[0])


def _span(ins: Instruction) -> Span:
    word = ins.args[0]
    part = _user_part(word.value)
    span = word.span
    if span.line == span.end_line and span.end_column - span.column == len(word.value):
        return Span(span.line, span.column, span.line, span.column + len(part))
    return span


def _last_user(stage: Stage, args: set[str]) -> tuple[Instruction, set[str]] | None:
    """The last USER of a stage, with the build arguments declared before it."""
    found: tuple[Instruction, set[str]] | None = None
    for ins in stage.instructions:
        if ins.keyword == "ARG":
            args = args | {name.value for name, _default in ins.declarations}
        elif ins.keyword == "USER":
            found = (ins, args)
    return found


def _effective_user(
    df: Dockerfile, stage: Stage, global_args: set[str]
) -> tuple[Stage, Instruction, set[str]] | None:
    """The USER an image built from ``stage`` runs as (its own, or its parents')."""
    seen: set[int] = set()
    current: Stage | None = stage
    while current is not None and current.index not in seen:
        seen.add(current.index)
        found = _last_user(current, global_args)
        if found is not None:
            return current, found[0], found[1]
        base = current.base
        current = (
            df.stages[base.index]
            if isinstance(base, StageRef) and 0 <= base.index < len(df.stages)
            else None
        )
    return None


def check(df: Dockerfile) -> Iterator[Finding]:
    # the image is the last stage (the instructions of a file with no FROM stand for it)
    final = df.stages[-1] if df.stages else df.orphan
    if final is None:
        return
    global_args = {name.value for ins in df.global_args for name, _ in ins.declarations}
    effective = _effective_user(df, final, global_args)
    if effective is None:
        return
    owner, ins, args = effective
    if _windows(df, owner):
        return
    user = _user(ins, df.escape, args)
    if not user or (user.isascii() and user.isdigit()) or user.lower() in _WINDOWS_USERS:
        return
    yield Finding(
        _span(ins),
        f"USER `{clip(user)}` is a name, not a numeric UID: tools outside the image cannot "
        "resolve it (Kubernetes' runAsNonRoot refuses it); use the numeric UID (and GID).",
    )
