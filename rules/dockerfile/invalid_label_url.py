"""A label the schema types `url` has a value that is not one.

## What it does
When `label-schema` gives a label the format `url`, reports each `LABEL` value
of it that is not an absolute URI (RFC 3986), such as
`https://github.com/org/app`, after build arguments and environment variables
are substituted. Empty values are left to `empty-label`, and a value that
holds a variable with no known value (an `ARG` without a default) is not
checked.

## Why is this bad?
A registry turns the source label into a link: a value that is not a URI links
nowhere.

## Example
Options: {"label-schema": {"org.opencontainers.image.source": "url"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="github.com/acme/app"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.source": "url"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/acme/app"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must be of the format `url` are those it maps to `url`;
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
    code="DL3052",
    name="invalid-label-url",
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
            "Labels mapped to the format of their value; those typed `url` are checked. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from format_findings(df, options, "url")
