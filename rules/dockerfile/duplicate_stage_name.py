"""Two stages have the same name.

## What it does
Reports a `FROM ... AS <name>` whose name an earlier stage already uses.
Stage names are compared case-insensitively, as Docker compares them
(`AS Build` and `AS build` are the same name).

## Why is this bad?
BuildKit refuses to build a Dockerfile with two stages of the same name
("duplicate stage name"). The classic builder accepted it, and then every
`COPY --from=<name>` and `FROM <name>` silently meant the last stage defined
before it, which makes the Dockerfile easy to misread.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/api ./cmd/api

FROM golang:1.23 AS build
RUN go build -o /out/worker ./cmd/worker
```

## Use instead
```dockerfile
FROM golang:1.23 AS build-api
RUN go build -o /out/api ./cmd/api

FROM golang:1.23 AS build-worker
RUN go build -o /out/worker ./cmd/worker
```

## Differences from hadolint
- hadolint compares stage names as written, so `AS build` and `AS Build` pass.
  BuildKit refuses them as duplicates, and dlint reports them.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Stage
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3024",
    name="duplicate-stage-name",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness", "buildkit-check"),
    precision="very-high",
    buildkit=("DuplicateStageName",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    seen: dict[str, Stage] = {}
    for stage in df.stages:
        if stage.name is None or stage.name_span is None:
            continue
        first = seen.get(stage.name)
        if first is None:
            seen[stage.name] = stage
            continue
        ins = stage.from_instruction
        written = ins.args[2].value if ins is not None and len(ins.args) == 3 else stage.name
        yield Finding(
            stage.name_span,
            f"Stage name `{written}` is already used by the stage on line "
            f"{first.head.span.line}: give each stage its own name.",
        )
