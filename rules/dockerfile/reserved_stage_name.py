"""A build stage is named `scratch` or `context`, names BuildKit reserves.

## What it does
Reports `FROM ... AS scratch` and `FROM ... AS context` (in any case):
hadolint's DL3063 and BuildKit's `ReservedStageName` check.

## Why is this bad?
`scratch` is the empty image and `context` is the build context: `FROM
scratch`, `COPY --from=context` and `--build-context` mean those, not a stage
that happens to share the name. A stage with such a name cannot be referred to
reliably, and readers (and tools) will take it for the reserved meaning.

## Example
```dockerfile
FROM golang:1.22 AS scratch
RUN go build -o /out/app ./cmd/app

FROM alpine:3.20
COPY --from=scratch /out/app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3063",
    name="reserved-stage-name",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "buildkit-check"),
    precision="very-high",
    buildkit=("ReservedStageName",),
)

_RESERVED = {
    "scratch": "the empty base image",
    "context": "the build context",
}


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        if stage.name is None or stage.name_span is None:
            continue
        meaning = _RESERVED.get(stage.name.lower())
        if meaning is None:
            continue
        yield Finding(
            stage.name_span,
            f"Stage name `{stage.name}` is reserved (it means {meaning}): choose another "
            "name for the stage.",
        )
