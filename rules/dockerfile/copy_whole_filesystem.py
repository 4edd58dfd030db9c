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
    """The arguments after substitution (an ONBUILD trigger's as written, quotes removed:
    it is substituted in the image built from this one)."""
    if ins.expanded is not None and len(ins.expanded) == len(ins.args):
        return list(ins.expanded)
    return [w.value if ins.json else unquote(w.value, escape) for w in ins.args]


# images known to hold a few files only: built FROM scratch to be copied whole
_PARTIAL_IMAGES = frozenset({"tonistiigi/xx"})

Ref = StageRef | ImageRef | None  # None: scratch
# for each stage, whether it holds only some files, not a whole filesystem (None: not
# known, such as an image named by a variable with no known value)
Partial = dict[int, bool | None]


def _ref_partial(ref: Ref, partial: Partial) -> bool | None:
    """Whether what ``ref`` names holds only some files."""
    if ref is None:
        return True
    if isinstance(ref, ImageRef):
        if ref.unresolved or not ref.valid:
            return None
        return ref.registry == DEFAULT_REGISTRY and (
            ref.repository in _PARTIAL_IMAGES or ref.repository == "library/scratch"
        )
    return partial.get(ref.index)


def _received(layer: Layer, partial: Partial) -> bool | None:
    """Whether a stage that holds only some files still does after ``layer``: not after
    an ADD (an archive may well be a root filesystem), nor after a COPY of the root of
    a whole filesystem."""
    if layer.kind == "add":
        return False
    if layer.kind != "copy" or layer.copy_from is None:
        return True
    if not any(_root(source.path) for source in layer.sources):
        return True
    return _ref_partial(layer.copy_from, partial)


def _partials(df: Dockerfile) -> Partial:
    """Which stages hold only some files: those that start from scratch (or from such a
    stage) and receive no whole filesystem. A stage is built from earlier stages only,
    so one pass in file order finds them all."""
    partial: Partial = {}
    for stage in df.stages:
        state = _ref_partial(stage.base, partial)
        for layer in stage.layers:
            if state is not True:
                break
            state = _received(layer, partial)
        partial[stage.index] = state
    return partial


def _trigger_source(df: Dockerfile, ins: Instruction) -> Ref | str:
    """What the ``--from`` of an ONBUILD COPY names (the IR resolves it for COPY
    only); ``"unknown"`` when it cannot be told."""
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


def _finding(
    df: Dockerfile, ins: Instruction, source: Ref | str, partial: Partial
) -> Finding | None:
    """A finding for a COPY --from whose source holds a whole filesystem and that copies
    its root onto ``/``."""
    flag = ins.flag("from")
    if flag is None or not flag.value or len(ins.args) < 2:
        return None
    paths = _paths(ins, df.escape)
    if not _root(paths[-1]):
        return None
    first = next((i for i, p in enumerate(paths[:-1]) if _root(p)), None)
    if first is None or isinstance(source, str) or _ref_partial(source, partial) is not False:
        return None  # the source holds a few files only, or is not known
    return Finding(
        ins.args[first].span.cover(ins.args[-1].span),
        f"COPY --from={clip(flag.value)} copies a whole filesystem onto `/`, over this "
        "stage's own files: copy only the files the image needs (or build FROM that "
        "stage).",
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    partial = _partials(df)
    for stage in df.all_stages:
        # a stage built directly FROM scratch holds nothing to overwrite until it
        # receives a whole filesystem
        empty = stage.from_instruction is not None and stage.base is None
        for layer in stage.layers:
            if layer.kind == "copy" and not empty:
                finding = _finding(df, layer.instruction, layer.copy_from, partial)
                if finding is not None:
                    yield finding
            empty = empty and _received(layer, partial) is True
        for ins in stage.instructions:
            trigger = ins.trigger
            if ins.keyword == "ONBUILD" and trigger is not None and trigger.keyword == "COPY":
                finding = _finding(df, trigger, _trigger_source(df, trigger), partial)
                if finding is not None:
                    yield finding
