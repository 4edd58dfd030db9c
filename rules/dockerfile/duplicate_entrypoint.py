"""A stage has more than one ENTRYPOINT; only the last one takes effect.

## What it does
Reports each `ENTRYPOINT` of a build stage that a later `ENTRYPOINT` of the
same stage replaces: the one that has no effect, as BuildKit's
`MultipleInstructionsDisallowed` check reports it (hadolint's DL4004 finds the
same problem). A stage built from another one (`FROM base`) starts over: its
`ENTRYPOINT` replaces the parent's, which is what it is for.

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

## Differences from hadolint
- hadolint reports the later `ENTRYPOINT`; dlint reports the earlier one, the
  `ENTRYPOINT` to delete, where BuildKit reports it. A
  `# hadolint ignore=DL4004` comment above the later `ENTRYPOINT` no longer
  covers the finding: move it above the earlier one.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import replaced

META = RuleMeta(
    code="DL4004",
    name="duplicate-entrypoint",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
    # BuildKit's check, split here in three rules (CMD, ENTRYPOINT, HEALTHCHECK)
    buildkit=("MultipleInstructionsDisallowed",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for earlier, later in replaced(df, "ENTRYPOINT"):
        yield Finding(
            earlier.span,
            f"The ENTRYPOINT on line {later.span.line} replaces this one: only the last ENTRYPOINT "
            "of a stage takes effect, so delete this one.",
        )
