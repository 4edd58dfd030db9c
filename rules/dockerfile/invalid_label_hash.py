"""A label the schema types `hash` has a value that is not one.

## What it does
When `label-schema` gives a label the format `hash`, reports each `LABEL`
value of it that is not a git commit hash: 7 or 40 lowercase hexadecimal
digits, after build arguments and environment variables are substituted. Empty
values are left to `empty-label`, and a value that holds a variable with no
known value (an `ARG` without a default) is not checked.

## Why is this bad?
The revision label ties an image to its source commit: a value that is not a
commit hash ties it to nothing.

## Example
Options: {"label-schema": {"org.opencontainers.image.revision": "hash"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.revision="abc12"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.revision": "hash"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.revision="8f936c5"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must be of the format `hash` are those it maps to `hash`;
  empty: the rule is off. hadolint's `label-schema`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Option, RuleMeta

from .._shared.labels import format_findings

META = RuleMeta(
    code="DL3055",
    name="invalid-label-hash",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("metadata", "labels"),
    redirects=("DF504", "invalid-label-value"),
    precision="high",
    options=(
        Option(
            "label-schema",
            "dict[str,str]",
            {},
            "Labels mapped to the format of their value; those typed `hash` are checked. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from format_findings(df, options, "hash")
