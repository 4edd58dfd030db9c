"""A label the schema types `semver` has a value that is not one.

## What it does
When `label-schema` gives a label the format `semver`, reports each `LABEL`
value of it that is not a semantic version (SemVer 2.0.0), such as `1.2.3` or
`2.0.0-rc.1+build.5`, after build arguments and environment variables are
substituted. Empty values are left to `empty-label`, and a value that holds a
variable with no known value (an `ARG` without a default) is not checked.

## Why is this bad?
Deployments compare image versions: a value that is not SemVer does not sort
as a version.

## Example
Options: {"label-schema": {"org.opencontainers.image.version": "semver"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.2"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.version": "semver"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.2.0"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must be of the format `semver` are those it maps to `semver`;
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
    code="DL3056",
    name="invalid-label-semver",
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
            "Labels mapped to the format of their value; those typed `semver` are checked. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from format_findings(df, options, "semver")
