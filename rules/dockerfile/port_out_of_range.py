"""An EXPOSE port is above 65535.

## What it does
Reports each port of an `EXPOSE` instruction, or each bound of a port range
(`8000-70000`), that is above 65535, the largest TCP or UDP port. Ports are
judged after `ARG` and `ENV` substitution; a port that holds a variable with
no known value is not reported.

## Why is this bad?
Ports are 16-bit numbers: a larger value cannot be exposed, published or
listened on, so the instruction documents a port the container can never
use. It is almost always a typo (`80000` for `8000`).

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80000
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 8000
```

## Differences from hadolint
- hadolint skips ports written with a variable. dlint substitutes the `ARG`s
  and `ENV`s it knows, so `ARG PORT=80800` then `EXPOSE $PORT` is reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Word
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3011",
    name="port-out-of-range",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
)

_MAX_PORT = 65535


def _unknown(ins: Instruction, word: Word) -> bool:
    """Whether ``word`` uses a variable that has no known value here (the IR keeps
    them for the whole instruction)."""
    return any(f"${n}" in word.value or "${" + n in word.value for n in ins.unresolved)


def _ports(ins: Instruction) -> Iterator[tuple[Word, str, int]]:
    """(word, port as written, offset of the port in the word's value) for each port of
    ``[ip:][host-port:]port[-port][/protocol]``: the container port is after the last
    ``:``."""
    for i, word in enumerate(ins.args):
        if _unknown(ins, word):
            continue
        value = ins.expanded[i] if ins.expanded and i < len(ins.expanded) else word.value
        value = value.strip("\"'")
        start = value.rfind(":") + 1
        ports, _, protocol = value[start:].partition("/")
        if protocol and not (protocol.isascii() and protocol.isalpha()):
            continue
        low, dash, high = ports.partition("-")
        if not low.isdecimal() or (dash and not high.isdecimal()):
            continue
        yield word, low, start
        if dash:
            yield word, high, start + len(low) + 1


def _span(word: Word, offset: int, length: int) -> Span:
    """The port inside its word, when the word is written as it reads on one line."""
    span = word.span
    literal = "$" not in word.value and not word.value.startswith(("'", '"'))
    if literal and span.line == span.end_line and span.end_column - span.column == len(word.value):
        return Span(span.line, span.column + offset, span.line, span.column + offset + length)
    return span


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        if ins.keyword != "EXPOSE":
            continue
        for word, digits, offset in _ports(ins):
            if int(digits) > _MAX_PORT:
                also = f" (`{word.value}`)" if "$" in word.value else ""
                yield Finding(
                    _span(word, offset, len(digits)),
                    f"Port {digits}{also} is out of range: valid ports are 0 to 65535.",
                )
