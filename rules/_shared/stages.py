"""How the stages of a Dockerfile relate: which ones make the image, which ones other
stages use, which ones a stage is built on."""

from __future__ import annotations

from collections.abc import Iterable

from dlint.ir.dockerfile import Dockerfile, Stage, StageRef


def ancestry(df: Dockerfile, stage: Stage) -> tuple[Stage, ...]:
    """``stage`` and the stages it is built FROM, nearest first."""
    out = [stage]
    seen = {stage.index}
    base = stage.base
    while isinstance(base, StageRef) and 0 <= base.index < len(df.stages):
        parent = df.stages[base.index]
        if parent.index in seen:
            break
        out.append(parent)
        seen.add(parent.index)
        base = parent.base
    return tuple(out)


def parent(df: Dockerfile, stage: Stage) -> Stage | None:
    """The stage ``stage`` is built FROM (None: it starts from an image or scratch)."""
    base = stage.base
    if isinstance(base, StageRef) and 0 <= base.index < stage.index:
        return df.stages[base.index]
    return None


def nearest(df: Dockerfile, marked: Iterable[int]) -> dict[int, int]:
    """For each stage that is in ``marked`` or built FROM one (at any depth): the index
    of the nearest such stage, itself included. One pass in file order, so rules that
    ask it of every stage stay linear on long FROM chains."""
    out = {i: i for i in marked}
    for stage in df.stages:  # a stage comes after the stage it is built FROM
        if stage.index not in out:
            up = parent(df, stage)
            if up is not None and up.index in out:
                out[stage.index] = out[up.index]
    return out


def shipped(df: Dockerfile) -> frozenset[int]:
    """Indexes of the stages whose layers are in the image a plain build makes: the last
    stage and those it is built FROM (-1: the instructions before any FROM, when the
    file has none)."""
    if not df.stages:
        return frozenset({-1})
    return frozenset(s.index for s in ancestry(df, df.stages[-1]))


def used(df: Dockerfile) -> frozenset[int]:
    """Indexes of the stages a later stage uses: as its base, in ``COPY --from`` or in a
    ``RUN --mount=from=``."""
    out: set[int] = set()
    for stage in df.stages:
        if isinstance(stage.base, StageRef):
            out.add(stage.base.index)
        for layer in stage.layers:
            if isinstance(layer.copy_from, StageRef):
                out.add(layer.copy_from.index)
            for mount in layer.mounts:
                if isinstance(mount.from_ref, StageRef):
                    out.add(mount.from_ref.index)
    return frozenset(out)
