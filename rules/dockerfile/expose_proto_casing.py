"""An EXPOSE protocol is not written in lower case.

## What it does
Reports an `EXPOSE` port whose protocol is `tcp`, `udp` or `sctp` written with
capitals (`EXPOSE 53/UDP`, `EXPOSE 80/Tcp`), as BuildKit's `ExposeProtoCasing`
check does. Ports are read after `ARG` and `ENV` substitution, as BuildKit
reads them.

## Why is this bad?
Docker accepts the protocol in any case, but the image configuration then
records `53/UDP`, while `docker run -p`, compose files and the rest of the
tooling write and compare `53/udp`. Lower case is the form every reference
uses, and the one that matches what the other tools print.

## Example
```dockerfile
FROM coredns/coredns:1.11.3
EXPOSE 53/UDP 53/TCP
```

## Use instead
```dockerfile
FROM coredns/coredns:1.11.3
EXPOSE 53/udp 53/tcp
```

## Fix
Writes the protocol in lower case (`53/UDP` becomes `53/udp`; safe). No fix when the
port comes from a variable (`EXPOSE 53/${PROTO}`): the variable's value is not edited.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Word
from dlint.rule import Edit, Finding, Fix, RuleMeta

from .._shared.buildkit import on_first_line
from .._shared.instructions import exposed

META = RuleMeta(
    code="DF607",
    name="expose-proto-casing",
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "networking", "buildkit-check"),
    precision="very-high",
    buildkit=("ExposeProtoCasing",),
    fixable=True,
)

_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


def _span(word: Word, value: str, start: int) -> Span:
    """``value[start:]`` inside the word, when the word reads as written on one line;
    the whole word otherwise."""
    span = word.span
    literal = word.value == value and not any(c in value for c in "\"'\\$")
    if literal and span.line == span.end_line and span.end_column - span.column == len(value):
        return Span(span.line, span.column + start, span.line, span.end_column)
    return span


def _fix(df: Dockerfile, word: Word, port: str, protocol: str) -> Fix | None:
    """The protocol in lower case, when the word is the port as written on one line."""
    span = _span(word, port, len(port) - len(protocol))
    if span == word.span or not 0 < span.line <= len(df.lines):
        return None  # from a variable, or not written as it reads
    if df.lines[span.line - 1][span.column - 1 : span.end_column - 1] != protocol:
        return None
    return Fix(f"Write `{protocol.lower()}`", (Edit(span, protocol.lower()),))


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword != "EXPOSE":
                continue
            for word, port in exposed(df, ins):
                container = port.rsplit(":", 1)[-1]
                number, _, protocol = container.partition("/")
                if not number or protocol.lower() not in _PROTOCOLS or protocol.islower():
                    continue
                at = len(port) - len(protocol)
                shown = f"`{port}` (`{word.value}`)" if word.value != port else f"`{port}`"
                yield Finding(
                    on_first_line(ins, _span(word, port, at)),
                    f"EXPOSE {shown} writes the protocol in capitals: write `{protocol.lower()}`.",
                    fix=_fix(df, word, port, protocol),
                )
