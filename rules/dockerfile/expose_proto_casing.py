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
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Word
from dlint.rule import Finding, RuleMeta

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
                )
