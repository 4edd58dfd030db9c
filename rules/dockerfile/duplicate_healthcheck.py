"""A stage has more than one HEALTHCHECK.

## What it does
Reports every `HEALTHCHECK` of a stage after the first one
(`HEALTHCHECK NONE` included). A `HEALTHCHECK` in a stage built from another
stage (`FROM base`) is not a duplicate of the parent's one: overriding an
inherited health check is what it is for.

## Why is this bad?
Only the last `HEALTHCHECK` of a stage takes effect; the earlier ones are
silently dropped. Two of them in one stage is usually a leftover from an edit,
and whoever reads the first one is misled about how the container is checked.

## Example
```dockerfile
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD curl -f http://localhost/health || exit 1
```

## Use instead
```dockerfile
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/health || exit 1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3012",
    name="duplicate-healthcheck",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        first = None
        for ins in stage.instructions:
            if ins.keyword != "HEALTHCHECK":
                continue
            if first is None:
                first = ins
                continue
            yield Finding(
                ins.span,
                f"A second HEALTHCHECK in this stage (the first is on line {first.span.line}): "
                "only the last one takes effect, so keep one.",
            )
