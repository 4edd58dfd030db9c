"""A label the schema types `spdx` has a value that is not one.

## What it does
When `label-schema` gives a label the format `spdx`, reports each `LABEL`
value of it that is not an SPDX license expression: an identifier of the SPDX
License List (`MIT`, `Apache-2.0`), several joined with `AND`, `OR`, `WITH`
and parentheses (`(MIT OR Apache-2.0) AND BSD-3-Clause`), or a `LicenseRef-`,
after build arguments and environment variables are substituted. Empty values
are left to `empty-label`, and a value that holds a variable with no known
value (an `ARG` without a default) is not checked.

## Why is this bad?
Compliance scans parse the license label: an expression they cannot read
counts as an unknown license.

## Example
Options: {"label-schema": {"org.opencontainers.image.licenses": "spdx"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.licenses="Apache 2"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.licenses": "spdx"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.licenses="Apache-2.0"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must be of the format `spdx` are those it maps to `spdx`;
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
    code="DL3054",
    name="invalid-label-spdx",
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
            "Labels mapped to the format of their value; those typed `spdx` are checked. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    yield from format_findings(df, options, "spdx")
