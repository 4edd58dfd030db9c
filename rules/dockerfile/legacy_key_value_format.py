"""ENV or LABEL is written in the legacy `key value` form.

## What it does
Reports an `ENV` or `LABEL` that separates its key from its value with a space
(`ENV PATH /opt/bin:$PATH`) instead of `=` (`ENV PATH=/opt/bin:$PATH`), as
BuildKit's `LegacyKeyValueFormat` check does. `ARG` has no such form and is
not concerned.

## Why is this bad?
In the legacy form the first word is the key and the rest of the line, spaces
and `=` signs included, is one value: `ENV A 1 B 2` sets `A` to `1 B 2`, where
a reader may expect two variables. The form sets a single key per
instruction, reads differently from every other `key=value` in the file, and
Docker documents it as deprecated: it may be removed in a future release.

## Example
```dockerfile
FROM eclipse-temurin:21-jre
ENV JAVA_HOME /opt/java/openjdk
LABEL maintainer "Jane Doe <jane@example.com>"
```

## Use instead
```dockerfile
FROM eclipse-temurin:21-jre
ENV JAVA_HOME=/opt/java/openjdk
LABEL maintainer="Jane Doe <jane@example.com>"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Word
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import on_first_line

META = RuleMeta(
    code="DF606",
    name="legacy-key-value-format",
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "deprecated", "buildkit-check"),
    precision="very-high",
    buildkit=("LegacyKeyValueFormat",),
)

_SHOWN = 40  # longest value the message spells out


def _rewrite(key: Word, value: Word) -> str | None:
    """``key=value`` as the message suggests it: the value in double quotes when it has
    blanks; None when quoting it would take more care (quotes or escapes in it)."""
    text = value.value
    quoted = len(text) > 1 and text[0] == text[-1] and text[0] in "\"'"
    if any(c.isspace() for c in text) and not quoted:
        if any(c in text for c in "\"'\\"):
            return None
        text = f'"{text}"'
    return f"{key.value}={text}"


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword not in ("ENV", "LABEL"):
                continue
            for key, value, equals in ins.pairs:
                if equals:
                    continue
                rewrite = _rewrite(key, value)
                fits = rewrite is not None and len(rewrite) <= _SHOWN
                shown = f"`{ins.keyword} {rewrite}`" if fits else "`key=value`"
                yield Finding(
                    on_first_line(ins, key.span.cover(value.span)),
                    f"This {ins.keyword} separates the key `{key.value}` from its value with "
                    f"a space, a deprecated legacy form: write {shown}.",
                )
