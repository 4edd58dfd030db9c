"""An ENV value uses a variable that another pair of the same ENV sets.

## What it does
Reports a `$NAME` or `${NAME}` in the value of an `ENV` pair when another
pair of the same `ENV` instruction sets `NAME`, and no `ENV` or `ARG` before
the instruction did (hadolint's DL3044). A pair may read its own variable
(`ENV PATH=/opt/app/bin:$PATH`): that reads the old value on purpose.

## Why is this bad?
Docker substitutes every value of an `ENV` instruction with the variables as
they were *before* the instruction. In `ENV DIR=/opt/app BIN=$DIR/bin`, `$DIR`
is not `/opt/app`: it is empty (or whatever the base image set), so `BIN`
becomes `/bin`. Splitting the pairs into two `ENV` instructions gives the value
the author meant. The same goes for a reference to a variable that a later
pair sets (`ENV BIN=$DIR/bin DIR=/opt/app`): the pairs are not definitions
that can come in any order.

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/opt/app APP_BIN=${APP_HOME}/bin
```

## Use instead
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/opt/app
ENV APP_BIN=${APP_HOME}/bin
```

## Differences from hadolint
Earlier `ENV` and `ARG` instructions count only where Docker would see them:
`ENV` in the stage and the stages it is built `FROM`, `ARG` declared in the
stage (a global `ARG` before the first `FROM` is not visible in a stage that
does not declare it again), while hadolint counts any earlier `ENV` or `ARG`
of the file. hadolint reports an `ENV` once; dlint reports each reference.

## Known limitations
Variables set by the base image are unknown: a variable that the base image
sets and another pair sets again is reported, although the reference reads
the base image's value (which is still not the value of the other pair).
`ONBUILD ENV` is not checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, Word
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import references

META = RuleMeta(
    code="DL3044",
    name="env-self-reference",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness", "variables"),
    precision="high",
)


def _sub_span(word: Word, start: int, end: int) -> Span:
    """The span of ``word.value[start:end]`` (the whole word when it is not written on
    one line as its value reads)."""
    span = word.span
    if span.line == span.end_line and span.end_column - span.column == len(word.value):
        return Span(span.line, span.column + start, span.line, span.column + end)
    return span


def _global_args(df: Dockerfile) -> dict[str, tuple[int, int]]:
    """Where each ARG before the first FROM is first declared. The instructions before
    any FROM (``Dockerfile.orphan``) see them all, but ``Stage.variables`` of the orphan
    holds only those with a value declared before its first instruction."""
    out: dict[str, tuple[int, int]] = {}
    for ins in df.global_args:
        for name, _default in ins.declarations:
            out.setdefault(name.value, (ins.span.line, ins.span.column))
    return out


def _check_env(
    df: Dockerfile, stage: Stage, ins: Instruction, global_args: dict[str, tuple[int, int]]
) -> Iterator[Finding]:
    pairs = ins.pairs
    keys = Counter(key.value for key, _value, _eq in pairs)
    for key, value, _eq in pairs:
        for ref in references(value.value, df.escape):
            # the names the other pairs set: this pair may read its own old value
            if keys[ref.name] - (ref.name == key.value) == 0:
                continue
            if stage.variables.at(ref.name, ins.span) is not None:
                continue  # an ENV or ARG before this one set it
            declared = global_args.get(ref.name) if stage.from_instruction is None else None
            if declared is not None and declared < (ins.span.line, ins.span.column):
                continue
            text = value.value[ref.start : ref.end]
            yield Finding(
                _sub_span(value, ref.start, ref.end),
                f"`{text}` reads the value `{ref.name}` had before this ENV, not the one "
                "this ENV sets (Docker substitutes the values before setting any): set "
                f"`{ref.name}` in an ENV of its own before this one.",
            )


def check(df: Dockerfile) -> Iterator[Finding]:
    global_args = _global_args(df) if df.orphan is not None else {}
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword == "ENV":
                yield from _check_env(df, stage, ins, global_args)
