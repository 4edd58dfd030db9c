"""A published port does not name the host address it listens on.

## What it does
Reports each `ports` entry of a service that does not bind the published port
to a host IP address (dclint's `no-unbound-port-interfaces`): a short-syntax
entry that does not start with an IP (`8080:80`, `80`, `9000-9010:9000-9010`)
and a long-syntax entry without `host_ip`. The merged project is checked:
entries of override and extended files are reported where they are written,
once. An entry whose host part comes from a variable with no value is not
reported (it may hold an address); one whose variable has a default IP
(`${BIND:-127.0.0.1}:8080:80`) is judged by that value.

DC308 (`sensitive-port-published`, on by default) reports the dangerous subset
of these: databases, admin consoles and remote shells published on all
interfaces. This rule asks for an explicit address on every port.

## Why is this bad?
Without a host address Docker publishes the port on every interface of the
host, `0.0.0.0` and `::`: a service meant for the developer's browser or for a
reverse proxy on the same machine is reachable from the network, and Docker's
own firewall rules bypass host firewalls such as `ufw`. Naming the address
(`127.0.0.1:` for local use, or the one public interface on purpose) makes the
exposure a decision that a reviewer can see.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "127.0.0.1:8080:80"
```

## Known limitations
A service with `network_mode: host` (whose `ports` Docker ignores) is reported
like dclint does: its `ports` entries are still misleading.

## Differences from dclint
dclint reads the host part of an entry with its variables unexpanded, so it
reports `${BIND:-127.0.0.1}:8080:80` and `${BIND}:8080:80`; dlint expands them
first and reports neither. dclint reads each file alone, so it also reports a
base file's port that an override file replaces (`ports: !override`, `!reset`);
dlint checks the ports Compose publishes. dclint reports at the `ports:` line;
dlint at each entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity, Span
from dlint.ir.project import Project
from dlint.ir.text import clip
from dlint.ir.yaml import YMapping, YNode, YScalar
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import port_items

if TYPE_CHECKING:  # the Compose IR is imported only when a Compose file is linted
    pass

META = RuleMeta(
    code="DC509",
    name="no-unbound-port-interfaces",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("compose", "security", "networking"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
    security_severity=4.0,
)


def _unknown(item: YNode | None) -> bool:
    """Whether a variable with no value decides the host part of ``item``."""
    if isinstance(item, YScalar):
        return bool(item.unresolved)
    if isinstance(item, YMapping):
        host = item.get("host_ip")
        return isinstance(host, YScalar) and bool(host.unresolved)
    return False


def _where(item: YNode | None, span: Span) -> Span:
    """The published port of a long-syntax entry (else its target), or the entry."""
    if isinstance(item, YMapping):
        for key in ("published", "target"):
            node = item.get(key)
            if isinstance(node, YScalar):
                return node.span
    return span


def _written(node: YNode | None) -> str | None:
    return clip(node.written) if isinstance(node, YScalar) else None


def _message(service: str, item: YNode | None, published: bool) -> str:
    """What is wrong and how to bind the port, quoting only what the file writes."""
    where = "every interface of the host (0.0.0.0 and ::)"
    if not published:
        where = f"a random port on {where}"
    if isinstance(item, YScalar):
        text = clip(item.written)
        bound = f"127.0.0.1:{text}" if published else f"127.0.0.1::{text}"
        return (
            f"port `{text}` of service {service!r} is published on {where}: bind it to an "
            f"address, such as `{bound}`."
        )
    if isinstance(item, YMapping):
        target = _written(item.get("target")) or "?"
        host = _written(item.get("published"))
        shown = f"{host}:{target}" if host else target
        return (
            f"port `{shown}` of service {service!r} is published on {where}: bind it to an "
            "address with `host_ip:` (such as `host_ip: 127.0.0.1`)."
        )
    return f"a port of service {service!r} is published on {where}: bind it to an address."


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        for service in compose.services:
            written = port_items(service)
            for port in service.ports:
                if port.host_ip:
                    continue
                item = written.get((port.file, port.span))
                if _unknown(item):
                    continue
                span = _where(item, port.span)
                where = (port.file, span.line, span.column)
                if where in seen:  # a file of several projects, or an anchor used twice
                    continue
                seen.add(where)
                yield Finding(
                    span, _message(service.name, item, port.published is not None), path=port.file
                )
