"""An instruction keyword is not in the case most of the file uses.

## What it does
Counts the instruction keywords written all in upper case and all in lower
case, and reports each keyword that does not follow the majority (BuildKit's
`ConsistentInstructionCasing` check). Upper case wins a tie.

## Why is this bad?
Dockerfile keywords are case-insensitive, so mixed casing is only noise for the
reader; most Dockerfiles write them in upper case.

## Example
```dockerfile
FROM alpine:3.20
RUN echo one
run echo two
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN echo one
RUN echo two
```

## Fix
Writes the keyword in the case of the majority, `RUN` or `run` (safe). The rest of the
instruction is left as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Edit, Finding, Fix, RuleMeta

META = RuleMeta(
    code="DF603",
    name="consistent-instruction-casing",
    redirects=("inconsistent-keyword-casing",),
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "buildkit-check"),
    precision="very-high",
    buildkit=("ConsistentInstructionCasing",),
    fixable=True,
)


def _keywords(df: Dockerfile) -> Iterator[Instruction]:
    for ins in df.instructions:
        yield ins
        if ins.trigger is not None:
            yield ins.trigger


def _fix(df: Dockerfile, ins: Instruction, written: str) -> Fix | None:
    """``written`` in place of the keyword, when the keyword is written where its span says."""
    span = ins.keyword_span
    if not written.isascii() or span.line != span.end_line or not 0 < span.line <= len(df.lines):
        return None
    if df.lines[span.line - 1][span.column - 1 : span.end_column - 1] != ins.keyword_text:
        return None
    return Fix(f"Write `{written}`", (Edit(span, written),))


def check(df: Dockerfile) -> Iterator[Finding]:
    keywords = list(_keywords(df))
    upper = sum(1 for i in keywords if i.keyword_text.isupper())
    lower = sum(1 for i in keywords if i.keyword_text.islower())
    majority_lower = lower > upper
    expected = "lowercase" if majority_lower else "uppercase"
    for ins in keywords:
        text = ins.keyword_text
        ok = text.islower() if majority_lower else text.isupper()
        if not ok:
            written = text.lower() if majority_lower else text.upper()
            yield Finding(
                ins.keyword_span,
                f"Command '{text}' should match the case of the command majority ({expected})",
                fix=_fix(df, ins, written),
            )
