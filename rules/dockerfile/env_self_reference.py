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

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef, Word
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3044",
    name="env-self-reference",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness", "variables"),
    precision="high",
)

_NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_NAME_CHARS = _NAME_START + "0123456789"


def _references(raw: str, escape: str) -> Iterator[tuple[str, int, int]]:
    """(name, start, end) of each ``$NAME`` / ``${NAME...}`` that Docker substitutes in
    ``raw`` (a word as written: quotes and escapes still in it)."""
    i, quote = 0, None
    while i < len(raw):
        c = raw[i]
        if c == escape and quote != "'":
            i += 2
            continue
        if c in "\"'" and quote in (None, c):
            quote = None if quote else c
            i += 1
            continue
        if c != "$" or quote == "'":
            i += 1
            continue
        if raw.startswith("${", i):
            j = i + 2
            while j < len(raw) and raw[j] in _NAME_CHARS:
                j += 1
            name = raw[i + 2 : j]
            close = raw.find("}", j)
            end = close + 1 if close >= 0 else len(raw)
            if name and name[0] in _NAME_START:
                yield name, i, end
            i = end
            continue
        j = i + 1
        if j < len(raw) and raw[j] in _NAME_START:
            while j < len(raw) and raw[j] in _NAME_CHARS:
                j += 1
            yield raw[i + 1 : j], i, j
        i = max(j, i + 1)


def _sub_span(word: Word, start: int, end: int) -> Span:
    """The span of ``word.value[start:end]`` (the whole word when it is not written on
    one line as its value reads)."""
    span = word.span
    if span.line == span.end_line and span.end_column - span.column == len(word.value):
        return Span(span.line, span.column + start, span.line, span.column + end)
    return span


def _inherited(df: Dockerfile, stage: Stage) -> set[str]:
    """Variables a stage starts with: the ENV of the stages it is built from (and, for the
    instructions before any FROM, the global ARGs)."""
    if stage.from_instruction is None:
        return {name.value for ins in df.global_args for name, _ in ins.declarations}
    base = stage.base
    if isinstance(base, StageRef) and 0 <= base.index < len(df.stages):
        return {key for key, _ in df.stages[base.index].env}
    return set()


def _check_env(ins: Instruction, known: set[str], escape: str) -> Iterator[Finding]:
    pairs = ins.pairs
    for i, (_key, value, _eq) in enumerate(pairs):
        # the names the other pairs set: this pair may read its own old value
        others = {k.value for j, (k, _v, _e) in enumerate(pairs) if j != i}
        for name, start, end in _references(value.value, escape):
            if name not in others or name in known:
                continue
            yield Finding(
                _sub_span(value, start, end),
                f"`{value.value[start:end]}` reads the value `{name}` had before this ENV, "
                "not the one this ENV sets (Docker substitutes the values before setting "
                f"any): set `{name}` in an ENV of its own before this one.",
            )


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        known = _inherited(df, stage)
        for ins in stage.instructions:
            if ins.keyword == "ENV":
                yield from _check_env(ins, known, df.escape)
                known.update(key.value for key, _value, _eq in ins.pairs)
            elif ins.keyword == "ARG":
                known.update(name.value for name, _default in ins.declarations)
