"""A label is not in the label schema while `strict-labels` is on.

## What it does
When `strict-labels` is true, reports each `LABEL` key that the
`label-schema` option does not name, at the key. With `strict-labels` on and
no schema, every label is reported. Keys that hold a variable with no known
value are not reported.

## Why is this bad?
A strict label schema is a contract: images carry exactly the labels the
organisation defined, under their agreed names. A label outside it is usually
a typo of a schema label (`org.opencontainers.image.licence`), a leftover from
an older convention, or data the schema's owners did not agree to publish.

## Example
Options: {"label-schema": {"org.opencontainers.image.version": "semver"}, "strict-labels": true}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.4.0" build-host="ci-runner-7"
```

## Use instead
Options: {"label-schema": {"org.opencontainers.image.version": "semver"}, "strict-labels": true}
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.4.0"
```

## Options
- `label-schema` (table of label name to format, default `{}`): the labels
  images may carry. hadolint's `label-schema`.
- `strict-labels` (boolean, default `false`): report labels the schema does
  not name; off, the rule reports nothing. hadolint's `strict-labels`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Option, RuleMeta

from .._shared.labels import all_labels, schema

META = RuleMeta(
    code="DL3050",
    name="superfluous-label",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("metadata", "labels"),
    redirects=("DF502",),
    precision="very-high",
    options=(
        Option(
            "label-schema",
            "dict[str,str]",
            {},
            "The labels images may carry, mapped to the format of their value.",
            required=True,
        ),
        Option(
            "strict-labels",
            "bool",
            False,
            "Report labels that the label schema does not name; off: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    if options.get("strict-labels") is not True:
        return
    allowed = schema(options)
    for label in all_labels(df):
        if label.key in allowed or not label.key_known:
            continue
        yield Finding(
            label.key_span,
            f"label `{label.key}` is not in the label schema (strict-labels is on).",
        )
