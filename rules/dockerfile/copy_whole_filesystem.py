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

Not reported, as the copy is deliberate there:
- the source is a stage built `FROM scratch` (directly or through other
  stages), which holds only the files put into it, such as a stage that
  collects binaries;
- the source is an image that is not a Docker Hub official image
  (`tonistiigi/xx`, `docker/buildx-bin`): such helper images are usually built
  from `scratch` to be copied whole, and dlint cannot see inside them;
- the copy goes into a stage built `FROM scratch`, which has nothing to
  overwrite (the way to squash an image into one layer).

## Differences from hadolint
hadolint reports every `COPY --from=... / /`, including the cases above
(`COPY --from=xx / /` is how the `xx` cross-compilation helpers are meant to be
used).

## Known limitations
Only the exact root counts: `COPY --from=build /usr /usr` or
`COPY --from=build / /target` are not reported. An image, or a stage built on
an image, whose name holds a variable with no known value is not reported.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer, StageRef
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


_SCRATCH = "scratch"


def _origin(df: Dockerfile, ref: StageRef | ImageRef | None) -> ImageRef | str | None:
    """The image a stage (or image) reference starts from: an image, ``"scratch"``, or
    None when it is not known (a variable, a loop)."""
    seen: set[int] = set()
    while isinstance(ref, StageRef):
        if ref.index in seen or not 0 <= ref.index < len(df.stages):
            return None
        seen.add(ref.index)
        ref = df.stages[ref.index].base
    if ref is None:
        return _SCRATCH
    if ref.unresolved or not ref.valid:
        return None
    return ref


def _full_image(image: ImageRef | str | None) -> bool:
    """Whether an image holds a whole distribution: a Docker Hub official image."""
    return (
        isinstance(image, ImageRef)
        and image.registry == DEFAULT_REGISTRY
        and image.repository.startswith("library/")
        and image.repository != "library/scratch"
    )


def _source(df: Dockerfile, ins: Instruction, value: str, layer: Layer | None) -> bool:
    """Whether ``--from=value`` names a full filesystem (see the module docs)."""
    if layer is not None:
        return _full_image(_origin(df, layer.copy_from))
    if "$" in value:
        return False
    stage = df.stage_named(value)
    if stage is not None:
        return _full_image(_origin(df, StageRef(stage.index, stage.name)))
    if value.isdigit():
        index = int(value)
        return index < len(df.stages) and _full_image(_origin(df, StageRef(index, None)))
    return _full_image(ImageRef.parse(value, ins.span))


def _copies(df: Dockerfile) -> Iterator[tuple[Instruction, Layer | None]]:
    """Each COPY with ``--from`` (ONBUILD too) and its layer (None for ONBUILD), except
    in stages built from ``scratch``, where there is nothing to copy over."""
    for stage in df.all_stages:
        if stage.from_instruction is not None and _origin(df, stage.base) == _SCRATCH:
            continue
        layers = {layer.instruction.span: layer for layer in stage.layers}
        for ins in stage.instructions:
            if ins.keyword == "COPY" and ins.flag("from") is not None:
                yield ins, layers.get(ins.span)
            elif ins.keyword == "ONBUILD" and ins.trigger and ins.trigger.keyword == "COPY":
                yield ins.trigger, None


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins, layer in _copies(df):
        flag = ins.flag("from")
        if flag is None or not flag.value or len(ins.args) < 2:
            continue
        paths = _paths(ins, df.escape)
        if not _root(paths[-1]):
            continue
        first = next((i for i, p in enumerate(paths[:-1]) if _root(p)), None)
        if first is None or not _source(df, ins, flag.value, layer):
            continue
        yield Finding(
            ins.args[first].span.cover(ins.args[-1].span),
            f"COPY --from={clip(flag.value)} copies a whole filesystem onto `/`, over this "
            "stage's own files: copy only the files the image needs (or build FROM that "
            "stage).",
        )
