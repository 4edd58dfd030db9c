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
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DF603",
    name="consistent-instruction-casing",
    redirects=("inconsistent-keyword-casing",),
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "buildkit-check"),
    precision="very-high",
    buildkit=("ConsistentInstructionCasing",),
)


def _keywords(df: Dockerfile) -> Iterator[Instruction]:
    for ins in df.instructions:
        yield ins
        if ins.trigger is not None:
            yield ins.trigger


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
            yield Finding(
                ins.keyword_span,
                f"Command '{text}' should match the case of the command majority ({expected})",
            )
