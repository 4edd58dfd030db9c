"""A stage has more than one CMD; only the last one takes effect.

## What it does
Reports each `CMD` after the first in the same build stage (hadolint's
DL4003). BuildKit's `MultipleInstructionsDisallowed` check finds the same
problem but reports the earlier `CMD` (the one with no effect); dlint reports
the later ones, as hadolint does, so `# hadolint ignore=DL4003` comments keep
working.

## Why is this bad?
An image has one default command: each `CMD` replaces the one before it, so
all but the last are dead code. Often the author meant to run the earlier
command at build time (`RUN`) or to combine both.

## Example
```dockerfile
FROM python:3.12-slim
CMD ["python", "-m", "migrate"]
CMD ["python", "-m", "app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
CMD ["sh", "-c", "python -m migrate && exec python -m app"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import repeats

META = RuleMeta(
    code="DL4003",
    name="duplicate-cmd",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness",),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for first, again in repeats(df, "CMD"):
        yield Finding(
            again.span,
            f"Another CMD in this stage (the first is on line {first.span.line}): only the "
            "last CMD takes effect; keep one.",
        )
