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

## Fix
Writes `=` in place of the blanks between the key and the value (safe). The value
means what it meant: one with blanks is put in double quotes (`ENV JAVA_OPTS -Xmx1g
-Xss1m` becomes `ENV JAVA_OPTS="-Xmx1g -Xss1m"`; variables in it are still
substituted), one that is a single word already (`/opt/bin:$PATH`, `"an api server"`)
is kept as written. No fix when the value has blanks and quotes or escapes
(`ENV GREETING Hello "World"`), when the key is not a plain name, or when the key
and the value are not on one line.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Word
from dlint.rule import Edit, Finding, Fix, RuleMeta

from .._shared.buildkit import on_first_line

META = RuleMeta(
    code="DF606",
    name="legacy-key-value-format",
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "deprecated", "buildkit-check"),
    precision="very-high",
    buildkit=("LegacyKeyValueFormat",),
    fixable=True,
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


def _one_word(text: str, escape: str) -> bool | None:
    """Whether BuildKit's word splitting (``parseWords``) reads ``text`` as one word, quotes
    and escapes kept; None when a quote is left open or the text ends with an escape."""
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == escape and quote != "'":
            if i + 1 == len(text):
                return None  # BuildKit would drop it
            i += 2
            continue
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch.isspace():
            return False
        i += 1
    return None if quote else True


def _written(df: Dockerfile, word: Word) -> bool:
    """Whether ``word`` is written on one line as its value reads."""
    span = word.span
    if span.line != span.end_line or not 0 < span.line <= len(df.lines):
        return False
    return df.lines[span.line - 1][span.column - 1 : span.end_column - 1] == word.value


def _fix(df: Dockerfile, key: Word, value: Word) -> Fix | None:
    """``key=value``, the value meaning what it meant in the legacy form: BuildKit
    substitutes variables in it and removes its quotes and escapes in both forms, so it
    is kept as written when it is one word, and put in double quotes when it has blanks
    and nothing else that double quotes would read otherwise."""
    text = value.value
    if not key.value or any(c.isspace() or c in "\"'$=" or c == df.escape for c in key.value):
        return None
    if key.span.end_line != value.span.line or not (_written(df, key) and _written(df, value)):
        return None
    between = Span(key.span.end_line, key.span.end_column, value.span.line, value.span.column)
    one = _one_word(text, df.escape)
    if one is None:
        return None
    if one:
        return Fix("Write `key=value`", (Edit(between, "="),))
    if any(c in "\"'" or c == df.escape for c in text):
        return None  # blanks and quotes or escapes: the quoting would take a lexer
    end = Span.point(value.span.end_line, value.span.end_column)
    return Fix("Write `key=value`", (Edit(between, '="'), Edit(end, '"')))


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
                    fix=_fix(df, key, value),
                )
