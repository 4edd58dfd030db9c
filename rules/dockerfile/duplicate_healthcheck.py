"""A stage has more than one HEALTHCHECK.

## What it does
Reports each `HEALTHCHECK` of a build stage (`HEALTHCHECK NONE` included) that
a later `HEALTHCHECK` of the same stage replaces: the one that has no effect,
as BuildKit's `MultipleInstructionsDisallowed` check reports it (hadolint's
DL3012 finds the same problem). A stage built from another one (`FROM base`)
starts over: its `HEALTHCHECK` overrides the inherited one, which is what it
is for.

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

## Differences from hadolint
- hadolint reports the later `HEALTHCHECK`; dlint reports the earlier one, the
  `HEALTHCHECK` to delete, where BuildKit reports it. A
  `# hadolint ignore=DL3012` comment above the later `HEALTHCHECK` no longer
  covers the finding: move it above the earlier one.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import replaced

META = RuleMeta(
    code="DL3012",
    name="duplicate-healthcheck",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
    # BuildKit's check, split here in three rules (CMD, ENTRYPOINT, HEALTHCHECK)
    buildkit=("MultipleInstructionsDisallowed",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for earlier, later in replaced(df, "HEALTHCHECK"):
        yield Finding(
            earlier.span,
            f"The HEALTHCHECK on line {later.span.line} replaces this one: only the last HEALTHCHECK "
            "of a stage takes effect, so delete this one.",
        )
