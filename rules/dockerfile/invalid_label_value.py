"""A label's value does not have the format the label schema gives it.

## What it does
When `label-schema` is set, checks the value of each `LABEL` pair whose key
the schema names against the label's format, after build arguments and
environment variables are substituted:

- `url`: an absolute URI (RFC 3986), such as `https://github.com/org/app`;
- `rfc3339`: a timestamp such as `2024-05-01T12:00:00Z` or
  `2024-05-01T14:00:00.5+02:00`;
- `spdx`: an SPDX license expression: an identifier of the SPDX License List
  (`MIT`, `Apache-2.0`), or several joined with `AND`, `OR`, `WITH` and
  parentheses (`(MIT OR Apache-2.0) AND BSD-3-Clause`), or a `LicenseRef-`;
- `hash`: a git commit hash, 7 or 40 lowercase hexadecimal digits;
- `semver`: a semantic version (SemVer 2.0.0), such as `1.2.3` or
  `2.0.0-rc.1+build.5`;
- `email`: an email address (RFC 5322 `addr-spec`), such as `team@example.com`
  (a display name, `Team <team@example.com>`, is not accepted);
- `text`: anything.

Empty values are left to `empty-label`, and a value that holds a variable
with no known value (an `ARG` without a default) is not checked.

## Why is this bad?
Tools read these labels by their schema: a registry links the source URL, a
compliance scan parses the license expression, a deployment compares
versions. A value in the wrong format breaks them quietly (a link that goes
nowhere, an unknown license, a version that does not sort).

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
- `label-schema` (table of label name to format, default `{}`): the format of
  each label's value: `text`, `url`, `rfc3339`, `spdx`, `hash`, `semver` or
  `email`; empty: the rule is off. hadolint's `label-schema` (its DL3052
  url, DL3053 rfc3339, DL3054 spdx, DL3055 hash, DL3056 semver and DL3058
  email).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Option, RuleMeta

from .._shared.labels import all_labels, format_problem, schema

META = RuleMeta(
    code="DF504",
    name="invalid-label-value",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("metadata", "labels"),
    precision="high",
    hadolint=("DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058"),
    options=(
        Option(
            "label-schema",
            "dict[str,str]",
            {},
            "Labels mapped to the format of their value (text, url, rfc3339, spdx, hash, "
            "semver, email); empty: the rule is off.",
            required=True,
        ),
    ),
)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    formats = schema(options)
    if not formats:
        return
    for label in all_labels(df):
        fmt = formats.get(label.key)
        if fmt is None or not label.value or not label.value_known:
            continue
        problem = format_problem(fmt, label.value)
        if problem is not None:
            yield Finding(
                label.value_span,
                f"label `{label.key}` ({fmt}) is {problem}: `{label.value}`.",
            )
