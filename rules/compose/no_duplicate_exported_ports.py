"""The same host port is published twice, so the second container cannot start.

## What it does
Reports a `ports:` entry (short or long syntax) whose host port another entry
of the project already publishes, in another service or in the same one
(dclint's `no-duplicate-exported-ports`), and a fixed host port on a service
that runs more than one container (`deploy.replicas` or `scale` above 1). The
finding is on the later entry (the short-syntax string, or the long syntax's
`published` value) and names the service that published the port first.

Ports are compared the way Docker binds them:
- ranges are expanded: `8000-8010:8000-8010` takes 8005, as `8005:80` does;
- per protocol: `53:53/udp` and `53:53/tcp` do not clash;
- per host address: `127.0.0.1:80` and `127.0.0.2:80` do not clash, but a port
  without an address (every interface), `0.0.0.0` or `::` clashes with any
  address of its family on the same port.

Not reported: a port without a host port, or with a range of host ports for
one container port (`8000-8010:80`: Docker picks a free one); a value with a
variable that has no value; services that never run together (each has
`profiles:` and they share none); services in the host's, another
container's or no network (`network_mode: host`, `service:...`,
`container:...`, `none`: Docker publishes none of their `ports:`, see
`ports-with-shared-network-mode`); and the same mapping written twice in one
service, in one file or in an override file (Compose keeps one).

## Why is this bad?
A host port (on one address and protocol) can be bound by one container
only: `docker compose up` starts the first service and fails on the second
with "Bind for 0.0.0.0:8080 failed: port is already allocated", leaving the
project half started. Replicas of a service all ask for the same fixed host
port, so only the first can start.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
  api:
    image: ghcr.io/acme/api:1.4
    ports:
      - "8080:3000"
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
  api:
    image: ghcr.io/acme/api:1.4
    ports:
      - "8081:3000"
```

## Known limitations
Only the ports of one Compose project are compared: another project, or a
program on the host, that holds the port is not seen.

## Differences from dclint
dclint ignores the host address, so it reports `127.0.0.1:80:80` beside
`127.0.0.2:80:80`, and it reads `- "80"` (a container port on a random host
port) as host port 80. dlint compares addresses, never reports random host
ports, skips services of disjoint profiles and in another network namespace,
reads merged override files, and also reports fixed host ports on replicated
services.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YScalar
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import port_items, replica_counts, run_together

if TYPE_CHECKING:
    from dlint.ir.compose import Port, Service
    from dlint.ir.yaml import YNode

META = RuleMeta(
    code="DC008",
    name="no-duplicate-exported-ports",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("compose", "networking", "correctness"),
    precision="very-high",
    dclint=True,
)

_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
_SHARED_MODES = ("host", "service", "container", "none")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class _Binding:
    service: str
    profiles: frozenset[str]
    first: int
    last: int
    offset: int  # container port minus host port
    protocol: str
    address: Address | None  # None: every interface of both families
    shown: str  # as the file writes it
    node: YScalar  # where a finding goes
    substituted: bool  # a variable gave part of it: its numbers stay out of messages


def _range(text: str | None) -> tuple[int, int] | None:
    m = _RANGE.match(text or "")
    if m is None:
        return None
    first = int(m[1])
    last = int(m[2]) if m[2] else first
    return (first, last) if first <= last else None


def _address(text: str | None) -> Address | bool | None:
    """The host address; None for every interface; False when it is not an address."""
    text = (text or "").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return False


def _binding(service: Service, port: Port, item: YNode | None) -> _Binding | None:
    """The host port a ``ports:`` entry binds, when it is a fixed, known one."""
    if isinstance(item, YScalar):
        node, parts = item, [item]
        shown = quote(item.written)
    elif isinstance(item, YMapping):
        published = item.get("published")
        if not isinstance(published, YScalar):
            return None
        node = published
        parts = [v for _, v in item.pairs if isinstance(v, YScalar)]
        host_ip = item.get("host_ip")
        shown = f"`published: {published.written}`"
        if isinstance(host_ip, YScalar):
            shown = f"`host_ip: {host_ip.written}, published: {published.written}`"
    else:
        return None
    if any(p.unresolved for p in parts):
        return None
    host = _range(port.published)
    target = _range(port.target)
    address = _address(port.host_ip)
    if host is None or target is None or address is False:
        return None
    if host[1] - host[0] != target[1] - target[0]:
        return None  # a pool of host ports: Docker picks a free one
    return _Binding(
        service.name,
        frozenset(service.profiles),
        host[0],
        host[1],
        target[0] - host[0],
        (port.protocol or "tcp").lower(),
        address if isinstance(address, Address) else None,
        shown,
        node,
        any(p.raw is not None for p in parts),
    )


def _same_address(a: Address | None, b: Address | None) -> bool:
    if a is None or b is None:
        return True
    if a.version != b.version:
        return False
    return a.is_unspecified or b.is_unspecified or a == b


def _repeated(new: _Binding, old: _Binding) -> bool:
    """Whether a service writes the same mapping twice: Compose keeps one (it expands
    ranges, then drops entries of the same address, host port, container port and
    protocol, an address left out being 0.0.0.0)."""
    unspecified = ipaddress.ip_address("0.0.0.0")
    return new.offset == old.offset and (new.address or unspecified) == (old.address or unspecified)


def _clash(new: _Binding, old: _Binding) -> bool:
    if new.protocol != old.protocol or new.last < old.first or old.last < new.first:
        return False
    if not _same_address(new.address, old.address):
        return False
    if new.service == old.service:
        return not _repeated(new, old)
    return run_together(new.profiles, old.profiles)


def _port_text(new: _Binding, old: _Binding) -> str:
    if new.substituted or old.substituted:
        return "the same host port"
    first, last = max(new.first, old.first), min(new.last, old.last)
    numbers = str(first) if first == last else f"{first}-{last}"
    return f"host port{'s' if first != last else ''} {numbers}/{new.protocol}"


def _pool(binding: _Binding, count: int) -> str:
    """An example of a pool of host ports for ``count`` replicas of the binding."""
    if binding.substituted or binding.first != binding.last:
        return "such as `8080-8082:80`"
    first, target = binding.first, binding.first + binding.offset
    return f"`{first}-{first + count - 1}:{target}`"


def _replicas(service: Service) -> tuple[int, str] | None:
    """How many containers the service runs, and the key that says so, when above 1."""
    best = max(((count, key) for key, count, _ in replica_counts(service)), default=None)
    return best if best is not None and best[0] > 1 else None


def _shared_network(service: Service) -> bool:
    mode = service.network_mode
    return mode is not None and mode.value.split(":", 1)[0] in _SHARED_MODES


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        earlier: list[_Binding] = []
        for service in compose.services:
            if _shared_network(service):
                continue
            replicas = _replicas(service)
            written = port_items(service)
            for port in service.ports:
                binding = _binding(service, port, written.get((port.file, port.span)))
                if binding is None:
                    continue
                node = binding.node
                where = (node.file, node.span.line, node.span.column)
                old = next((b for b in earlier if _clash(binding, b)), None)
                earlier.append(binding)
                if where in seen:
                    continue
                if old is not None:
                    seen.add(where)
                    who = (
                        "it already publishes"
                        if old.service == service.name
                        else f"service {old.service!r} already publishes"
                    )
                    yield Finding(
                        node.span,
                        f"service {service.name!r} publishes {binding.shown}, on "
                        f"{_port_text(binding, old)} that {who} with {old.shown}: Docker "
                        "cannot bind it twice (port is already allocated); give one of them "
                        "another host port.",
                        path=node.file,
                    )
                elif replicas is not None:
                    seen.add(where)
                    count, key = replicas
                    yield Finding(
                        node.span,
                        f"service {service.name!r} runs {count} containers ({key}) but "
                        f"publishes {binding.shown} on a fixed host port: only the first "
                        "container can bind it; publish a range of host ports as wide as the "
                        f"replicas ({_pool(binding, count)}) or drop the host port.",
                        path=node.file,
                    )
