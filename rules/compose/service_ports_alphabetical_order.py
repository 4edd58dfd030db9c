"""The `ports` of a service are not in order.

## What it does
Reports a service's `ports` list that is not sorted, once per list, at the
first entry that sorts before an entry above it, and says which entry it
should come before (dclint's `service-ports-alphabetical-order`). As in
dclint, each entry sorts by its host port: `127.0.0.1:8080:80` and
`8080:80` by `8080`, a bare `80` by `80`, a long-syntax entry by its
`published`; digits compare as numbers, so `80` comes before `443` and `443`
before `8080`. Every Compose file of the project is read as it is written
(override, included and extended files too). As in dclint, a `ports` written as an
alias (`ports: *shared`) is not checked.

## Why is this bad?
Sorted ports show at a glance which host ports a service takes and make a
port used twice easy to spot. It is a convention, not a correctness matter:
the rule is off by default.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8443:443"
      - "8080:80"
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
      - "8443:443"
```

## Fix
Moves the entries of the `ports` list into order by host port (safe: the order of
the list changes nothing Compose publishes). Each entry moves with the comments at
its indent directly above it and the more indented comments after it; blank lines
between entries stay where they are. No fix is offered for a list in flow style
(`["8443:443", "8080:80"]`), an entry written as an alias (`- *port`) or whose
alias would come before its anchor, a `<<` merge key or a less indented comment
between entries.

## Known limitations
Entries are compared as written: a `${PORT}` is not replaced by its value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence
from dlint.rule import Finding, RuleMeta

from .._shared.ordering import (
    collation_key,
    misplaced,
    name_of,
    written_member,
    written_services,
)
from .._shared.reorder import documents_with_text, reorder, sequence_entries, sorted_order

META = RuleMeta(
    code="DC505",
    name="service-ports-alphabetical-order",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
    fixable=True,
)

_COLON = re.compile(r":(?![^\[]*\])")  # a colon outside [brackets]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _port(item: YNode) -> str:
    """The part of an entry dclint sorts by: the host port when there is one."""
    if isinstance(item, YScalar):
        parts: list[str] = [str(p) for p in _COLON.split(name_of(item).split("/")[0])]
        first = parts[0][1:-1] if parts[0].startswith("[") and parts[0].endswith("]") else parts[0]
        if _is_ip(first):
            return parts[1] if len(parts) > 1 else "undefined"
        return first
    if isinstance(item, YMapping):
        published = item.get("published")
        if isinstance(published, YScalar) and published.value not in (None, "", False):
            return name_of(published)
    return ""


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()  # an entry an alias brings to several services
    for root, text in documents_with_text(project):
        for key, service in written_services(root):
            found = written_member(service, "ports")
            if found is None or not isinstance(found[1], YSequence):
                continue
            ports = found[1]
            names = [_port(item) for item in ports.items]
            first = next(misplaced(names, numeric=True), None)
            if first is None:
                continue
            at, before = first
            item = ports.items[at]
            other = ports.items[names.index(before)]
            where = (item.file, item.span.line, item.span.column)
            if where not in seen:
                seen.add(where)
                fix = None
                if text is not None:
                    order = sorted_order([collation_key(n, numeric=True) for n in names])
                    entries = sequence_entries(ports.items)
                    fix = reorder(text, ports, entries, order, "Sort the ports by host port")
                yield Finding(
                    item.span,
                    f"{_shown(item)} of service {name_of(key)!r} should come "
                    f"before {_shown(other)}: keep ports sorted by host port.",
                    path=item.file,
                    fix=fix,
                )


def _shown(item: YNode) -> str:
    if isinstance(item, YScalar):
        return f"port {item.written!r}"
    published = item.get("published") if isinstance(item, YMapping) else None
    if isinstance(published, YScalar):
        return f"the port published on {name_of(published)!r}"
    return "the port without a published one"
