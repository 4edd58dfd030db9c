"""A stage has more than one ENTRYPOINT; only the last one takes effect.

## What it does
Reports each `ENTRYPOINT` after the first in the same build stage (hadolint's
DL4004). BuildKit's `MultipleInstructionsDisallowed` check finds the same
problem but reports the earlier `ENTRYPOINT` (the one with no effect); dlint reports
the later ones, as hadolint does, so `# hadolint ignore=DL4004` comments keep
working.

## Why is this bad?
An image has one entrypoint: each `ENTRYPOINT` replaces the one before it, so
all but the last are dead code, and a reader may believe the first still runs
(a setup script, say, that the second was meant to call).

## Example
```dockerfile
FROM nginx:1.27
ENTRYPOINT ["/docker-entrypoint.sh"]
ENTRYPOINT ["nginx", "-g", "daemon off;"]
```

## Use instead
```dockerfile
FROM nginx:1.27
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import repeats

META = RuleMeta(
    code="DL4004",
    name="duplicate-entrypoint",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for first, again in repeats(df, "ENTRYPOINT"):
        yield Finding(
            again.span,
            f"Another ENTRYPOINT in this stage (the first is on line {first.span.line}): only the "
            "last ENTRYPOINT takes effect; keep one.",
        )
