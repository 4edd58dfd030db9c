"""A label the schema types `email` has a value that is not one.

## What it does
When `label-schema` gives a label the format `email`, reports each `LABEL`
value of it that is not an email address (RFC 5322 `addr-spec`), such as
`team@example.com` (a display name, `Team <team@example.com>`, is not
accepted), after build arguments and environment variables are substituted.
Empty values are left to `empty-label`, and a value that holds a variable with
no known value (an `ARG` without a default) is not checked.

## Why is this bad?
People and tools contact an image's authors through this label: a value that
is not an address reaches no one.

## Example
Options: {"label-schema": {"org.opencontainers.image.authors": "email"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="the ops team"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.authors": "email"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="ops@example.com"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must be of the format `email` are those it maps to `email`;
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
    code="DL3058",
    name="invalid-label-email",
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
            "Labels mapped to the format of their value; those typed `email` are checked. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from format_findings(df, options, "email")
