"""MAINTAINER is deprecated; use a label.

## What it does
Reports each `MAINTAINER` instruction (BuildKit's `MaintainerDeprecated` check,
hadolint's DL4000).

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13: the author of an image goes
in the `org.opencontainers.image.authors` label, which tools know how to read.

## Example
```dockerfile
FROM alpine:3.20
MAINTAINER jane@example.com
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="jane@example.com"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL4000",
    name="maintainer-deprecated",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("deprecated", "buildkit-check"),
    redirects=("DF601", "maintainer-instruction"),
    precision="very-high",
    buildkit=("MaintainerDeprecated",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        if ins.keyword == "MAINTAINER":
            yield Finding(
                ins.span,
                "Maintainer instruction is deprecated in favor of using label: write "
                'LABEL org.opencontainers.image.authors="..."',
            )
