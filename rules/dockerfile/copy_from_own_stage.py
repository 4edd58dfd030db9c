"""COPY --from names the stage it is in.

## What it does
Reports a `COPY --from=<name>` inside the stage called `<name>` (compared
case-insensitively, after `ARG` and `ENV` substitution), or
`COPY --from=<number>` inside stage number `<number>`.

## Why is this bad?
A stage cannot copy from itself: its files are not built yet. Docker does not
read the value as the stage at all; it looks for an image of that name to
pull, and the build fails or copies from an unrelated image. The intended
source is usually another stage whose name was mistyped, or a file of the
build context (plain `COPY`).

## Example
```dockerfile
FROM node:22-alpine AS build
RUN npm ci && npm run build
COPY --from=build /app/dist /srv/www
```

## Use instead
```dockerfile
FROM node:22-alpine AS build
RUN npm ci && npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /srv/www
```

## Differences from hadolint
- hadolint compares the name as written and only with stage names. dlint
  substitutes the variables it knows, and also reports a stage number that is
  the stage's own (`COPY --from=1` in the second stage).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.image import ImageRef
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3023",
    name="copy-from-own-stage",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        for layer in stage.layers:
            ref = layer.copy_from
            if layer.kind != "copy" or not isinstance(ref, ImageRef) or ref.unresolved:
                continue
            flag = layer.instruction.flag("from")
            if flag is None or not flag.value:
                continue
            name = ref.text
            own = (stage.name is not None and name.lower() == stage.name) or (
                name.isdigit() and int(name) == stage.index
            )
            if own:
                shown = f"`{name}` (`{flag.value}`)" if "$" in flag.value else f"`{name}`"
                yield Finding(
                    flag.value_span or flag.span,
                    f"COPY --from={shown} names the stage it is in, which cannot copy from "
                    "itself: copy from another stage, or from the build context.",
                )
