"""The `AS` of a `FROM ... AS name` is not written in the same case as `FROM`.

## What it does
Reports a `FROM image AS name` whose `FROM` and `AS` keywords use different
casing (`FROM x as y`, `from x AS y`), as BuildKit's `FromAsCasing` check does.

## Why is this bad?
Mixed casing makes a Dockerfile harder to read and search; BuildKit warns about
it on every build.

## Example
```dockerfile
FROM golang:1.23 as build
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
```

## Fix
Writes `AS` in the case of `FROM` (safe).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Edit, Finding, Fix, RuleMeta

META = RuleMeta(
    code="DF602",
    name="from-as-casing",
    redirects=("mismatched-as-casing",),
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "buildkit-check"),
    precision="very-high",
    buildkit=("FromAsCasing",),
    fixable=True,
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ins = stage.from_instruction
        if ins is None:
            continue
        if len(ins.args) != 3:
            continue
        keyword, as_word = ins.keyword_text, ins.args[1]
        if (keyword.isupper() and as_word.value.islower()) or (
            keyword.islower() and as_word.value.isupper()
        ):
            written = "AS" if keyword.isupper() else "as"
            yield Finding(
                as_word.span,
                f"'{as_word.value}' and '{keyword}' keywords' casing do not match",
                fix=Fix(f"Write `{written}`", (Edit(as_word.span, written),)),
            )
