"""A label the schema types `rfc3339` has a value that is not one.

## What it does
When `label-schema` gives a label the format `rfc3339`, reports each `LABEL`
value of it that is not an RFC 3339 timestamp, such as `2024-05-01T12:00:00Z`
or `2024-05-01T14:00:00.5+02:00`, after build arguments and environment
variables are substituted. Empty values are left to `empty-label`, and a value
that holds a variable with no known value (an `ARG` without a default) is not
checked.

## Why is this bad?
Tools sort and compare images by their creation time: a value that is not a
timestamp breaks that quietly.

## Example
Options: {"label-schema": {"org.opencontainers.image.created": "rfc3339"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.created="yesterday"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.created": "rfc3339"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.created="2024-05-01T12:00:00Z"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must be of the format `rfc3339` are those it maps to `rfc3339`;
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
    code="DL3053",
    name="invalid-label-rfc3339",
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
            "Labels mapped to the format of their value; those typed `rfc3339` are checked. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from format_findings(df, options, "rfc3339")
