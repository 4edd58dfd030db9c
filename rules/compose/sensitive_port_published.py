"""A database, cache, broker or admin port is published on all the host's interfaces.

## What it does
Reports a `ports:` entry (short or long syntax, a range included) that
publishes, on every interface of the host (no host IP, `0.0.0.0` or `::`),
a container port that is the default port of a database, a cache, a message
broker or an admin interface:

- databases: MySQL and MariaDB (3306, 33060), PostgreSQL (5432), MongoDB
  (27017), CouchDB (5984), Cassandra (9042), SQL Server (1433), Oracle
  (1521), InfluxDB (8086), Elasticsearch and OpenSearch (9200, 9300);
- caches and brokers: Redis (6379), Memcached (11211), RabbitMQ (5672 and its
  management interface 15672), Kafka (9092), ZooKeeper (2181), etcd (2379);
- control planes: the Docker daemon (2375, 2376) and the Kubernetes API
  (6443).

The container port decides (`15432:5432` is PostgreSQL). Not reported: a port
bound to an address (`127.0.0.1:5432:5432`, `host_ip: 127.0.0.1`), a UDP or
SCTP port, a range of more than 100 ports (a pool for passive FTP or RTP media,
not a service's port), a port whose address or number comes from a variable
without a value, and a service in the host's or another container's network
(`ports:` are ignored there).

## Why is this bad?
A port published without an address listens on every interface of the host,
so the database or broker is reachable from the network, not only from the
machine. Docker writes its own firewall rules, which pass before the host's
firewall (`ufw`, `firewalld`): the port is open even when the firewall says
otherwise. These services are scanned for all the time and often run with
default or no credentials (Redis, Memcached, Elasticsearch and the Docker
daemon have none by default). Other services of the project reach them on the
Compose network without any `ports:`.

## Example
```yaml
services:
  db:
    image: postgres:16
    ports:
      - "5432:5432"
```

## Use instead
```yaml
services:
  db:
    image: postgres:16
    ports:
      - "127.0.0.1:5432:5432"
```

## Known limitations
The rule knows each product by its default port: a database moved to another
port is not found, and another program listening on one of these ports is
reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YScalar
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import port_items

if TYPE_CHECKING:
    from dlint.ir.compose import Port, Service
    from dlint.ir.yaml import YNode

META = RuleMeta(
    code="DC308",
    name="sensitive-port-published",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "networking"),
    precision="high",
    security_severity=6.5,
)

# default ports of the official images and the products' documentation
_SENSITIVE: dict[int, str] = {
    1433: "SQL Server",
    1521: "Oracle Database",
    2181: "ZooKeeper",
    2375: "the Docker daemon (unencrypted)",
    2376: "the Docker daemon",
    2379: "etcd",
    3306: "MySQL/MariaDB",
    33060: "the MySQL X protocol",
    5432: "PostgreSQL",
    5672: "RabbitMQ",
    5984: "CouchDB",
    6379: "Redis",
    6443: "the Kubernetes API",
    8086: "InfluxDB",
    9042: "Cassandra",
    9092: "Kafka",
    9200: "Elasticsearch/OpenSearch",
    9300: "Elasticsearch/OpenSearch (transport)",
    11211: "Memcached",
    15672: "the RabbitMQ management interface",
    27017: "MongoDB",
}
_ALL_INTERFACES = {None, "", "0.0.0.0", "::", "[::]"}
_MAX_RANGE = 100


def _range(text: str) -> tuple[int, int] | None:
    first, _, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    return int(first), int(last or first)


def _sensitive(port: Port) -> int | None:
    bounds = _range(port.target)
    if bounds is None or bounds[1] - bounds[0] >= _MAX_RANGE:
        return None
    return next((p for p in sorted(_SENSITIVE) if bounds[0] <= p <= bounds[1]), None)


def _unresolved(node: YNode) -> bool:
    if isinstance(node, YScalar):
        return bool(node.unresolved)
    if isinstance(node, YMapping):
        return any(_unresolved(v) for _, v in node.pairs)
    return False


def _written(node: YNode) -> str:
    if isinstance(node, YScalar):
        return quote(node.written)
    parts = []
    if isinstance(node, YMapping):
        for key in ("published", "target"):
            value = node.get(key)
            if isinstance(value, YScalar):
                parts.append(f"{key}: {value.written}")
    return f"`{', '.join(parts)}`"


def _check(service: Service, seen: set[tuple[str, int, int]]) -> Iterator[Finding]:
    mode = service.network_mode
    if mode is not None and mode.value.split(":", 1)[0] in ("host", "service", "container"):
        return
    written = port_items(service)
    for port in service.ports:
        if port.protocol != "tcp" or port.host_ip not in _ALL_INTERFACES:
            continue
        found = _sensitive(port)
        if found is None:
            continue
        node = written.get((port.file, port.span))
        if node is None or _unresolved(node):
            continue
        key = (port.file, port.span.line, port.span.column)
        if key in seen:
            continue
        seen.add(key)
        where = "a random host port" if port.published is None else "a host port"
        yield Finding(
            port.span,
            f"service {service.name!r} publishes {_written(node)}, container port {found} "
            f"({_SENSITIVE[found]}), on {where} of every interface, reachable from the network "
            "past the host's firewall: bind it to 127.0.0.1 "
            "(`127.0.0.1:HOST:CONTAINER`) or drop it and use the Compose network.",
            path=port.file,
        )


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        for service in compose.services:
            yield from _check(service, seen)
