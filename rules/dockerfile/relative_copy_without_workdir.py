"""COPY to a relative destination before any WORKDIR is set.

## What it does
Reports a `COPY` whose destination is a relative path when no `WORKDIR` has
been set yet, neither in the stage nor in the stages it is built `FROM`
(hadolint's DL3045). `ONBUILD COPY` is checked too: its trigger runs in the
image built from this one, so a `WORKDIR` anywhere in the stage (or an earlier
`ONBUILD WORKDIR`) sets its directory.

Absolute destinations (`/app`, Windows `C:\app` or `C:/app`) are fine, and so
is a destination that starts with a variable with no known value (`$HOME/`).
Stages built `FROM scratch` (directly or through other stages) are not
checked: their working directory is `/`, whatever the base.

## Why is this bad?
A relative destination is resolved against the working directory, which then
comes from the base image: `/` for most images, but anything the image's author
chose for others, and it can change with a new version of the base image.
Files silently land somewhere else. Setting `WORKDIR` (or writing the full path)
makes the destination explicit.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```

## Differences from hadolint
hadolint does not check `ONBUILD COPY`. A destination written with a variable
is checked after substitution when the variable has a known value (`ENV
APP=app` then `COPY . $APP` is relative); hadolint accepts any destination
that starts with `$`. hadolint also reports stages built `FROM scratch`,
although no base image can move their working directory: it is `/`.

## Known limitations
A `WORKDIR` set by an external base image is unknown: the rule reports a
relative destination even when the base image sets one (hadolint does the
same). `ADD` is not checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage
from dlint.ir.text import clip
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import last, references
from .._shared.labels import unquote
from .._shared.stages import nearest, parent

META = RuleMeta(
    code="DL3045",
    name="relative-copy-without-workdir",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "portability"),
    precision="high",
)


def _absolute(path: str) -> bool:
    if path.startswith(("/", "\\")):
        return True
    # a Windows drive: C:\ or C:/
    return len(path) >= 3 and path[0].isalpha() and path[1] == ":" and path[2] in "/\\"


def _relative_destination(ins: Instruction, escape: str, substituted: bool) -> str | None:
    """The destination when it is a relative path (None: absolute, or unknown)."""
    if len(ins.args) < 2:
        return None
    raw = ins.args[-1].value
    plain = raw.strip("\"'")  # as written: `C:\app` keeps its backslash
    if _absolute(plain):
        return None
    names = {ref.name for ref in references(raw, escape)}
    if not names:
        return raw if ins.json else unquote(raw, escape)
    expanded = ins.expanded if substituted else None
    if expanded is not None and not names.intersection(ins.unresolved):
        return None if _absolute(expanded[-1]) else expanded[-1]
    if plain.startswith("$") or plain[1:2] == ":":
        return None  # the variable's value decides
    # written text before the variable: relative whatever the value (`app/$NAME`)
    return plain


def _known_workdir(
    df: Dockerfile, stage: Stage, workdirs: dict[int, int], scratch: dict[int, int]
) -> bool:
    """Whether the stage starts in a known directory: a stage it is built from sets a
    WORKDIR, or it is built from ``scratch`` (which starts in ``/``)."""
    if stage.from_instruction is None:
        return False
    up = parent(df, stage)
    return (up is not None and up.index in workdirs) or stage.index in scratch


def _finding(ins: Instruction, dest: str) -> Finding:
    return Finding(
        ins.args[-1].span,
        f"COPY to the relative destination `{clip(dest)}` before any WORKDIR is set: the files "
        "land in the base image's working directory; set WORKDIR first or write an "
        "absolute path.",
    )


def _stage(
    df: Dockerfile, stage: Stage, workdirs: dict[int, int], scratch: dict[int, int]
) -> Iterator[Finding]:
    inherited = _known_workdir(df, stage, workdirs, scratch)
    anywhere = inherited or stage.index in workdirs
    workdir = inherited
    onbuild_workdir = False
    for ins in stage.instructions:
        if ins.keyword == "WORKDIR":
            workdir = True
        elif ins.keyword == "COPY" and not workdir:
            dest = _relative_destination(ins, df.escape, substituted=True)
            if dest is not None:
                yield _finding(ins, dest)
        elif ins.keyword == "ONBUILD" and ins.trigger is not None:
            trigger = ins.trigger
            if trigger.keyword == "WORKDIR":
                onbuild_workdir = True
            elif trigger.keyword == "COPY" and not (anywhere or onbuild_workdir):
                dest = _relative_destination(trigger, df.escape, substituted=False)
                if dest is not None:
                    yield _finding(trigger, dest)


def check(df: Dockerfile) -> Iterator[Finding]:
    workdirs = nearest(df, (s.index for s in df.all_stages if last(s, "WORKDIR") is not None))
    # the stages built on scratch, which starts in ``/``
    scratch = nearest(df, (s.index for s in df.stages if s.base is None))
    for stage in df.all_stages:
        yield from _stage(df, stage, workdirs, scratch)
