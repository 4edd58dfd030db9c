"""`FROM --platform=$TARGETPLATFORM` says what FROM does anyway.

## What it does
Reports a `FROM` whose `--platform` is exactly `$TARGETPLATFORM` or
`${TARGETPLATFORM}`: hadolint's DL3065 and BuildKit's
`RedundantTargetPlatform` check.

## Why is this bad?
A base image is pulled for the target platform unless `--platform` says
otherwise, so the flag changes nothing. It clutters the file, and readers may
mistake it for the `--platform=$BUILDPLATFORM` that cross-compiling stages
need.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3065",
    name="redundant-target-platform",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("style", "buildkit-check"),
    precision="very-high",
    buildkit=("RedundantTargetPlatform",),
)

_REDUNDANT = ("$TARGETPLATFORM", "${TARGETPLATFORM}")


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ins = stage.from_instruction
        flag = ins.flag("platform") if ins is not None else None
        if flag is None or flag.value is None:
            continue
        value = flag.value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value in _REDUNDANT:
            yield Finding(
                flag.span,
                f"`--platform={value}` is the default: a base image is pulled for the "
                "target platform anyway; remove the flag.",
            )
