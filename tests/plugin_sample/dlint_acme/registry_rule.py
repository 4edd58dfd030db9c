"""A base image does not come from the company's registry.

## What it does
Reports a `FROM` image, and a Compose service's `image:`, that does not come from
the registry the option `registry` names.

## Why is this bad?
Images from elsewhere have not been scanned and mirrored by the company.

## Example
```dockerfile
FROM python:3.12-slim
```

## Use instead
```dockerfile
FROM registry.acme.example/python:3.12-slim
```

## Fix
Prefixes the registry (unsafe: another image is pulled).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.image import ImageRef
from dlint.rule import Edit, Finding, Fix, Option, RuleMeta

META = RuleMeta(
    code="ACME001",
    name="image-outside-acme-registry",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("supply-chain",),
    fixable=True,
    docs_url="https://acme.example/dlint/ACME001",
    options=(
        Option("registry", "str", "", "The registry every image must come from.", required=True),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    registry = str(options.get("registry") or "")
    if not registry:
        return
    for stage in df.stages:
        ref = stage.base
        if not isinstance(ref, ImageRef) or ref.unresolved or ref.registry == registry:
            continue
        prefix = Edit(Span.point(ref.span.line, ref.span.column), f"{registry}/")
        yield Finding(
            ref.span,
            f"`{ref.text}` does not come from {registry}",
            fix=Fix(f"Pull it from {registry}", (prefix,), safe=False),
        )
