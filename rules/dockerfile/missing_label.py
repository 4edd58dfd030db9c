"""A stage's image lacks a label the label schema requires.

## What it does
When `label-schema` is set, reports each stage that does not set every label
the schema names, at the stage's `FROM`, once per missing label. A stage built
on another stage (`FROM build`) inherits that stage's labels.

A stage that is only a step towards another image is not reported: one that
a later stage copies from (`COPY --from=build`, `RUN --mount=from=build`), or
one that a later stage builds on (directly or through other stages) when that
later stage has the label. With an empty schema (the default) the rule
reports nothing.

## Why is this bad?
Labels are how registries, scanners and people find out what an image is:
where its source lives, which commit and version it was built from, who
maintains it and under which license it ships. An image that lacks a label
your organisation relies on drops out of those inventories and policies.

## Example
Options: {"label-schema": {"org.opencontainers.image.source": "url"}}
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.source": "url"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app"
RUN apk add --no-cache curl
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  every image must have; the format (`text`, `url`, `rfc3339`, `spdx`,
  `hash`, `semver`, `email`) is checked by `invalid-label-value`. hadolint's
  `label-schema`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Stage, StageRef
from dlint.rule import Finding, Option, RuleMeta

from .._shared.labels import labels, schema

META = RuleMeta(
    code="DL3049",
    name="missing-label",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("metadata", "labels"),
    redirects=("DF501",),
    precision="high",
    options=(
        Option(
            "label-schema",
            "dict[str,str]",
            {},
            "Labels every image must have, mapped to the format of their value "
            "(text, url, rfc3339, spdx, hash, semver, email); empty: the rule is off.",
            required=True,
        ),
    ),
)


def _copied_from(df: Dockerfile) -> set[int]:
    """Stages a later stage reads files from (COPY --from, RUN --mount=from)."""
    out: set[int] = set()
    for stage in df.stages:
        for layer in stage.layers:
            if isinstance(layer.copy_from, StageRef):
                out.add(layer.copy_from.index)
            for mount in layer.mounts:
                source = (mount.from_ or "").strip()
                if source.isdigit() and int(source) < stage.index:
                    out.add(int(source))
                elif source:
                    named = df.stage_named(source)
                    if named is not None and named.index < stage.index:
                        out.add(named.index)
    return out


def _parent(stage: Stage) -> int | None:
    return stage.base.index if isinstance(stage.base, StageRef) else None


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    required = schema(options)
    if not required:
        return
    sets: list[set[str]] = []
    unknown: list[bool] = []  # a LABEL key holds a variable with no known value
    for stage in df.stages:
        pairs = [p for ins in stage.instructions for p in labels(ins, df.escape)]
        sets.append({p.key for p in pairs})
        unknown.append(any(not p.key_known for p in pairs))
    copied = _copied_from(df)
    for name in required:
        has: list[bool] = []
        for stage in df.stages:
            parent = _parent(stage)
            inherited = parent is not None and parent < len(has) and has[parent]
            has.append(name in sets[stage.index] or inherited)
        excused = set(copied)
        for stage in df.stages:
            if not has[stage.index]:
                continue
            parent = _parent(stage)
            while parent is not None and parent < stage.index:
                excused.add(parent)
                parent = _parent(df.stages[parent])
        for stage in df.stages:
            i = stage.index
            if has[i] or unknown[i] or i in excused:
                continue
            where = f"stage `{stage.name}`" if stage.name else f"stage {i}"
            yield Finding(
                stage.head.span,
                f"label `{name}` is missing: {where} neither sets it nor builds on a stage "
                f"that does (the label schema requires it).",
            )
