"""The first WORKDIR of a stage is a relative path.

## What it does
Reports a `WORKDIR` whose path is relative (`WORKDIR app`) when no earlier
`WORKDIR` of the stage, or of the stage it is built from (`FROM build`), has
set the working directory yet. The path is judged after `ARG` and `ENV`
substitution; a path that starts with a variable dlint cannot resolve (such as
`$HOME`, set by the base image) is not reported. Windows paths (`C:\app`,
`C:/app`, `\app`) count as absolute.

## Why is this bad?
A relative `WORKDIR` is resolved against the working directory of the base
image, which this Dockerfile does not control: it is `/` for most images but
not all, and it can change when the base image is updated. Every later `RUN`,
`COPY` and `CMD` then runs somewhere unexpected. An absolute path says where
the files go, whatever the base image does.

## Example
```dockerfile
FROM node:22-alpine
WORKDIR app
COPY . .
```

## Use instead
```dockerfile
FROM node:22-alpine
WORKDIR /app
COPY . .
```

## Differences from hadolint
- hadolint reports every relative `WORKDIR`. dlint, like BuildKit's
  `WorkdirRelativePath` check, reports only the first `WORKDIR` of a stage:
  once a `WORKDIR` has set the directory, a relative one (`WORKDIR /app` then
  `WORKDIR src`) is resolved against a path the Dockerfile itself chose, and
  fixing the first relative `WORKDIR` fixes the ones after it. BuildKit's own
  tests require this: `WORKDIR subdir/` in a stage built on one that set
  `WORKDIR /app` must pass.
- hadolint accepts any path that starts with `$`. dlint substitutes the
  `ARG`s and `ENV`s it knows, so `ARG DIR=app` then `WORKDIR $DIR` is
  reported, and `ENV APP=/srv/app` then `WORKDIR $APP` is not.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

from .._shared.stages import nearest, parent

META = RuleMeta(
    code="DL3000",
    name="workdir-relative-path",
    redirects=("relative-workdir",),
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("best-practice", "buildkit-check"),
    precision="very-high",
    buildkit=("WorkdirRelativePath",),
)


def _path(ins: Instruction) -> str | None:
    """The WORKDIR path after substitution; None when a variable has no known value."""
    if not ins.args or ins.unresolved:
        return None
    value = ins.expanded[0] if ins.expanded else ins.args[0].value
    # a word BuildKit's lexer refuses (``"C:\"``) is left as written: drop its quotes
    return value.strip("\"'")


def _absolute(path: str) -> bool:
    """``/app``, or a Windows path: ``\\app``, ``C:\\app``, ``C:/app``."""
    drive = path[:1]
    return path.startswith(("/", "\\")) or (
        path[1:2] == ":" and drive.isascii() and drive.isalpha()
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    first: dict[int, Instruction] = {}  # stage index -> its first WORKDIR
    for stage in df.all_stages:
        found = next((i for i in stage.instructions if i.keyword == "WORKDIR" and i.args), None)
        if found is not None:
            first[stage.index] = found
    set_before = nearest(df, first)
    for stage in df.all_stages:
        ins = first.get(stage.index)
        path = _path(ins) if ins is not None else None
        if ins is None or not path or _absolute(path):
            continue
        # a stage built on others starts where they left it: set, when one has a WORKDIR
        up = parent(df, stage)
        if up is not None and up.index in set_before:
            continue
        written = ins.args[0].value
        shown = f"`{written}` (`{path}`)" if "$" in written else f"`{path}`"
        yield Finding(
            ins.args[0].span,
            f"WORKDIR {shown} is relative, so it depends on the base "
            "image's working directory: use an absolute path.",
        )
