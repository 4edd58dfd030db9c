"""A stage has more than one CMD; only the last one takes effect.

## What it does
Reports each `CMD` of a build stage that a later `CMD` of the same stage
replaces: the one that has no effect, as BuildKit's
`MultipleInstructionsDisallowed` check reports it (hadolint's DL4003 finds the
same problem). A stage built from another one (`FROM base`) starts over: its
`CMD` replaces the parent's, which is what it is for. A `CMD` of an `ONBUILD`
or a `HEALTHCHECK` is not the image's command.

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

## Differences from hadolint
- hadolint reports the later `CMD`; dlint reports the earlier one, the `CMD`
  to delete, where BuildKit reports it. A `# hadolint ignore=DL4003` comment
  above the later `CMD` no longer covers the finding: move it above the
  earlier one.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import replaced

META = RuleMeta(
    code="DL4003",
    name="duplicate-cmd",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness",),
    precision="very-high",
    # BuildKit's check, split here in three rules (CMD, ENTRYPOINT, HEALTHCHECK)
    buildkit=("MultipleInstructionsDisallowed",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for earlier, later in replaced(df, "CMD"):
        yield Finding(
            earlier.span,
            f"The CMD on line {later.span.line} replaces this one: only the last CMD of a "
            "stage takes effect, so delete this one.",
        )
