"""An instruction other than ARG comes before the first FROM.

## What it does
Reports each instruction before the first `FROM` that is not `ARG` (hadolint's
DL3061). Comments and parser directives (`# syntax=`, `# escape=`) may come
first, and so may `ARG`, which declares a variable the `FROM` lines can use.

## Why is this bad?
A build stage starts at `FROM`: an instruction before it belongs to no stage,
and BuildKit stops with "no build stage in current context". Often the file is
a fragment meant to be included elsewhere, or its lines were reordered by
mistake.

## Example
```dockerfile
LABEL org.opencontainers.image.authors="jane@example.com"
FROM alpine:3.20
```

## Use instead
```dockerfile
ARG ALPINE_VERSION=3.20
FROM alpine:${ALPINE_VERSION}
LABEL org.opencontainers.image.authors="jane@example.com"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3061",
    name="instruction-before-from",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    if df.orphan is None:
        return
    for ins in df.orphan.instructions:
        if ins.keyword == "ARG":
            continue
        if df.stages:
            message = (
                f"{ins.keyword} comes before the first FROM: only ARG, comments and parser "
                "directives may come before FROM; move it into a build stage."
            )
        else:
            message = (
                f"{ins.keyword} is not in any build stage: this Dockerfile has no FROM; start "
                "it with one (only ARG, comments and parser directives may come before FROM)."
            )
        yield Finding(ins.keyword_span, message)
