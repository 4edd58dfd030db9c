"""A stage name is not written in lower case.

## What it does
Reports a `FROM ... AS <name>` whose name has upper-case letters
(`AS Builder`, `AS BUILD`), as BuildKit's `StageNameCasing` check does.

## Why is this bad?
Docker lower-cases stage names: `AS Builder` names the stage `builder`, and
`COPY --from=BUILDER`, `FROM builder` and `--target builder` all reach it. A
name written in capitals suggests a distinction that does not exist, and the
same stage ends up spelt several ways across the Dockerfile, the CI scripts
and the compose files that name a build target.

## Example
```dockerfile
FROM golang:1.23 AS Builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=Builder /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.23 AS builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import on_first_line

META = RuleMeta(
    code="DF604",
    name="stage-name-casing",
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "buildkit-check"),
    precision="very-high",
    buildkit=("StageNameCasing",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ins = stage.from_instruction
        if ins is None or len(ins.args) != 3:
            continue
        written = ins.args[2]
        if written.value == written.value.lower():
            continue
        lower = written.value.lower()
        yield Finding(
            on_first_line(ins, written.span),
            f"Stage name `{written.value}` is not lower case (Docker reads it as "
            f"`{lower}`): write `{ins.args[1].value} {lower}`.",
        )
