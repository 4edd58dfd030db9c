"""A FROM image uses the tag latest.

## What it does
Reports a `FROM` whose image is tagged `latest` and has no digest
(`FROM node:latest`). The image is judged after substitution of the global
`ARG`s: `ARG TAG=latest` then `FROM node:${TAG}` is reported. An image pinned
by digest as well (`node:latest@sha256:...`) is not reported: the digest
decides what is pulled.

## Why is this bad?
`latest` is not a version: it moves to each new release, so two builds of the
same Dockerfile can get different base images, and a new major release can
break the build or the application without any change to the Dockerfile. It
also hides which version is in use, which makes vulnerability reports and
rollbacks harder.

## Example
```dockerfile
FROM node:latest
RUN npm ci
```

## Use instead
```dockerfile
FROM node:22.11-bookworm-slim
RUN npm ci
```

## Differences from hadolint
- hadolint reads the tag as written, so `FROM node:${TAG}` passes whatever
  `TAG` holds. dlint substitutes the global `ARG`s it knows and judges the
  result, and skips only an image whose variables have no known value.
- hadolint reads the port of a registry as the tag, so
  `FROM localhost:5000/team/app:latest` passes. dlint reports it.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.image import ImageRef
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3007",
    name="latest-tag",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain"),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ref, ins = stage.base, stage.from_instruction
        if not isinstance(ref, ImageRef) or ins is None or not ins.args:
            continue
        if ref.unresolved or ref.tag != "latest" or ref.digest is not None:
            continue
        written = ins.args[0].value
        also = f" (`{written}`)" if written != ref.text else ""
        yield Finding(
            ref.span,
            f"Base image `{ref.text}`{also} uses the tag `latest`, which moves to each new "
            "release: pin a version tag (or a digest).",
        )
