"""A label the label schema names is set to an empty value.

## What it does
When `label-schema` is set, reports each `LABEL` pair whose key the schema
names and whose value is empty (`LABEL version=""`, `LABEL version=`), after
build arguments and environment variables are substituted. A value that holds
a variable with no known value (an `ARG` without a default) is not reported.

## Why is this bad?
An empty label satisfies a check that the label exists while saying nothing:
tools that read it (a registry showing the image's source, a scanner looking
up its license) get an empty string. It usually means a build argument that
was meant to fill it was not passed.

## Example
Options: {"label-schema": {"org.opencontainers.image.description": "text"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.description=""
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.description": "text"}}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.description="Nightly report generator"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  whose value must not be empty; empty: the rule is off. hadolint's
  `label-schema`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Option, RuleMeta

from .._shared.labels import all_labels, schema

META = RuleMeta(
    code="DL3051",
    name="empty-label",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("metadata", "labels"),
    redirects=("DF503",),
    precision="very-high",
    options=(
        Option(
            "label-schema",
            "dict[str,str]",
            {},
            "Labels mapped to the format of their value; these must not be empty. "
            "Empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    required = schema(options)
    if not required:
        return
    for label in all_labels(df):
        if label.key not in required or label.value or not label.value_known:
            continue
        yield Finding(label.span, f"label `{label.key}` is empty.")
