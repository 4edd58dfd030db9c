"""COPY --from copies a whole filesystem (`/`) onto `/`.

## What it does
Reports a `COPY --from=...` (also under `ONBUILD`) that copies `/` to `/`
(hadolint's DL3067).

## Why is this bad?
Copying the root of another stage or image brings everything along: its
package database, caches, compilers, shells and configuration, laid over the
files of this stage. The result is as large as both images together, hides
which files the image needs, and can overwrite this stage's system files
(`/etc/passwd`, libraries) with incompatible ones. Copy the files you need, or
build `FROM` that stage instead.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build / /
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

Not reported, as no whole filesystem is copied or overwritten there:
- the source holds only a few files that were put into it: a stage built
  `FROM scratch` (directly or through other stages) that received no whole
  filesystem (no `ADD`, no `COPY` of another filesystem's `/`), such as a stage
  that collects binaries, or the image `tonistiigi/xx`, which is built `FROM
  scratch` with nothing but its helper scripts in `/usr/bin`, to be copied
  whole;
- the copy goes into a stage built directly `FROM scratch` that holds no
  filesystem yet, so there is nothing to overwrite (the way to squash an image
  into one layer).

## Differences from hadolint
hadolint reports every `COPY --from=... / /`, including the two cases above
(`COPY --from=xx / /` is how the `xx` cross-compilation helpers are meant to be
used).

## Known limitations
Only the exact root counts: `COPY --from=build /usr /usr` or
`COPY --from=build / /target` are not reported. A source whose name holds a
variable with no known value is not reported.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer, Stage, StageRef
from dlint.ir.image import DEFAULT_REGISTRY, ImageRef
from dlint.ir.text import clip
from dlint.rule import Finding, RuleMeta

from .._shared.labels import unquote

META = RuleMeta(
    code="DL3067",
    name="copy-whole-filesystem",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("performance", "image-size"),
    precision="very-high",
)


def _root(path: str) -> bool:
    return path.startswith("/") and posixpath.normpath(path) in ("/", "//")


def _paths(ins: Instruction, escape: str) -> list[str]:
    if ins.expanded is not None and len(ins.expanded) == len(ins.args):
        return list(ins.expanded)
    return [w.value if ins.json else unquote(w.value, escape) for w in ins.args]


# images known to hold a few files only: built FROM scratch to be copied whole
_PARTIAL_IMAGES = frozenset({"tonistiigi/xx"})

Ref = StageRef | ImageRef | None  # None: scratch


def _ref_partial(df: Dockerfile, ref: Ref, seen: frozenset[int]) -> bool | None:
    """Whether what ``ref`` names holds only some files, not a whole filesystem (None:
    not known, such as an image named by a variable with no known value)."""
    if ref is None:
        return True
    if isinstance(ref, ImageRef):
        if ref.unresolved or not ref.valid:
            return None
        return ref.registry == DEFAULT_REGISTRY and (
            ref.repository in _PARTIAL_IMAGES or ref.repository == "library/scratch"
        )
    if ref.index in seen or not 0 <= ref.index < len(df.stages):
        return None
    stage = df.stages[ref.index]
    return _stage_partial(df, stage, len(stage.instructions), seen | {ref.index})


def _copy_source(df: Dockerfile, ins: Instruction, layer: Layer | None) -> Ref | str:
    """What a COPY's ``--from`` names; ``"unknown"`` when it cannot be told."""
    if layer is not None:
        return layer.copy_from
    flag = ins.flag("from")
    value = flag.value if flag is not None else None
    if not value or "$" in value:
        return "unknown"
    stage = df.stage_named(value)
    if stage is not None:
        return StageRef(stage.index, stage.name)
    if value.isdigit():
        index = int(value)
        return StageRef(index, None) if index < len(df.stages) else "unknown"
    return ImageRef.parse(value, ins.span)


def _stage_partial(df: Dockerfile, stage: Stage, upto: int, seen: frozenset[int]) -> bool | None:
    """Whether a stage, after its first ``upto`` instructions, holds only some files:
    it starts from scratch (or from such a stage) and received no whole filesystem."""
    base = _ref_partial(df, stage.base, seen)
    if base is not True:
        return base
    layers = {layer.instruction.span: layer for layer in stage.layers}
    for ins in stage.instructions[:upto]:
        if ins.keyword == "ADD":
            return False  # an archive may well be a root filesystem
        if ins.keyword != "COPY" or ins.flag("from") is None:
            continue
        if not any(_root(p) for p in _paths(ins, df.escape)[:-1]):
            continue
        source = _copy_source(df, ins, layers.get(ins.span))
        partial = None if isinstance(source, str) else _ref_partial(df, source, seen)
        if partial is not True:
            return partial
    return True


def _copies(df: Dockerfile) -> Iterator[tuple[Stage, int, Instruction, Layer | None]]:
    """Each COPY with ``--from`` (ONBUILD too), with its stage, its position there and its
    layer (None for ONBUILD)."""
    for stage in df.all_stages:
        layers = {layer.instruction.span: layer for layer in stage.layers}
        for i, ins in enumerate(stage.instructions):
            if ins.keyword == "COPY" and ins.flag("from") is not None:
                yield stage, i, ins, layers.get(ins.span)
            elif ins.keyword == "ONBUILD" and ins.trigger and ins.trigger.keyword == "COPY":
                yield stage, i, ins.trigger, None


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage, position, ins, layer in _copies(df):
        flag = ins.flag("from")
        if flag is None or not flag.value or len(ins.args) < 2:
            continue
        paths = _paths(ins, df.escape)
        if not _root(paths[-1]):
            continue
        first = next((i for i, p in enumerate(paths[:-1]) if _root(p)), None)
        if first is None:
            continue
        source = _copy_source(df, ins, layer)
        if isinstance(source, str) or _ref_partial(df, source, frozenset()) is not False:
            continue  # the source holds a few files only, or is not known
        # a stage built directly FROM scratch that holds nothing yet: nothing to overwrite
        if (
            ins is stage.instructions[position]
            and stage.from_instruction is not None
            and stage.base is None
            and _stage_partial(df, stage, position, frozenset()) is True
        ):
            continue
        yield Finding(
            ins.args[first].span.cover(ins.args[-1].span),
            f"COPY --from={clip(flag.value)} copies a whole filesystem onto `/`, over this "
            "stage's own files: copy only the files the image needs (or build FROM that "
            "stage).",
        )
