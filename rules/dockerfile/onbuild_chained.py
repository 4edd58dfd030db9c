"""ONBUILD triggers ONBUILD, FROM or MAINTAINER, which Docker refuses.

## What it does
Reports an `ONBUILD` instruction whose trigger is `ONBUILD`, `FROM` or
`MAINTAINER` (hadolint's DL3043).

## Why is this bad?
An `ONBUILD` trigger runs when another image is built `FROM` this one. Docker
does not allow a trigger to add another trigger (`ONBUILD ONBUILD`), to start a
new build stage (`ONBUILD FROM`) or to set the deprecated author field
(`ONBUILD MAINTAINER`): the build fails with a parse error as soon as the
Dockerfile is read.

## Example
```dockerfile
FROM node:22-alpine
ONBUILD ONBUILD COPY . /app
ONBUILD FROM debian:bookworm
```

## Use instead
```dockerfile
FROM node:22-alpine
ONBUILD COPY . /app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3043",
    name="onbuild-chained",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness", "onbuild"),
    precision="very-high",
)

_FORBIDDEN = {
    "ONBUILD": "a trigger cannot add another trigger; remove the inner ONBUILD",
    "FROM": "a trigger cannot start a build stage; remove it",
    "MAINTAINER": "set the author with LABEL org.opencontainers.image.authors instead",
}


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        trigger = ins.trigger
        if ins.keyword != "ONBUILD" or trigger is None or trigger.keyword not in _FORBIDDEN:
            continue
        yield Finding(
            trigger.keyword_span,
            f"`ONBUILD {trigger.keyword}` is not allowed: {_FORBIDDEN[trigger.keyword]}.",
        )
