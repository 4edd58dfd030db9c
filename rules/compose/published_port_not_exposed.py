"""A service publishes a container port that its image does not EXPOSE.

## What it does
For each Compose service that builds a Dockerfile dlint read, compares the
container ports under `ports:` with the ports the service exposes: the
`EXPOSE` instructions of the stage it builds (its `target`, else the last
stage) and of the stages that stage is built on, the ports its base image
exposes, and the service's own `expose:` list. When it exposes some ports and
publishes none of them, each published container port is reported at its
`ports:` entry: the two lists disagree on where the application listens.

Not reported, to stay clear of false alarms:

- a service that publishes at least one exposed port: its other published
  ports are extras (a debugger, metrics), which need no `EXPOSE`;
- a service whose image exposes nothing at all: its Dockerfile simply does not
  document ports;
- a service whose ports dlint cannot know to the last one: a base image that is
  not in its small table of official images (`nginx`, `httpd`, `php`,
  `tomcat`, `redis`, `postgres`, `mysql`, `mariadb`, `mongo`, and images that
  expose nothing such as `python`, `node`, `golang`, `debian`, `alpine` or the
  distroless images), an `EXPOSE` or a `ports:` entry dlint cannot resolve, or
  an `EXPOSE` with a variable that the service's `build.args` may change;
- `network_mode: host` or another container's network, where `ports:` do not
  apply.

Only this direction is reported. A port that the Dockerfile exposes and the
service does not publish is normal: services reach each other on the Compose
network without `ports:`, and only the ports meant for the host are published.

## Why is this bad?
`EXPOSE` documents the port the application listens on. A published port that
the image does not expose is most often a mismatch: the app listens on `8000`
while Compose forwards the host to `3000`, and the connection is refused. When
the port is right, the image should say so, for the next reader and for tools
(`docker run -P`, reverse proxies) that rely on `EXPOSE`.

## Example
```yaml
# file: compose.yaml
services:
  api:
    build: ./api
    ports:
      - "8080:3000"
```

```dockerfile
# file: api/Dockerfile
FROM node:22-alpine
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["node", "server.js"]
```

## Use instead
```yaml
# file: compose.yaml
services:
  api:
    build: ./api
    ports:
      - "8080:8000"
```

```dockerfile
# file: api/Dockerfile
FROM node:22-alpine
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.image import ImageRef
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

from .._shared.stages import ancestry

if TYPE_CHECKING:
    from dlint.ir.compose import Port, Service
    from dlint.ir.yaml import YNode

META = RuleMeta(
    code="DF702",
    name="published-port-not-exposed",
    scope="project",
    reads=("compose",),
    severity=Severity.INFO,
    tags=("correctness", "networking", "project"),
    precision="medium",
    preview=True,
)

Exposed = frozenset[tuple[int, str]]  # (port, protocol)
_NOTHING: Exposed = frozenset()
_RANGE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_MAX_RANGE = 1024  # a wider range of ports is not checked

# Official images that EXPOSE nothing (their Dockerfiles in docker-library, and the
# distroless images)
_SILENT = frozenset(
    {
        "alpine", "busybox", "debian", "ubuntu", "fedora", "centos", "rockylinux",
        "almalinux", "amazonlinux", "oraclelinux", "python", "node", "golang", "ruby",
        "rust", "openjdk", "eclipse-temurin", "amazoncorretto", "maven", "gradle",
    }
)  # fmt: skip
_EXPOSING: dict[str, Exposed] = {
    "nginx": frozenset({(80, "tcp")}),
    "httpd": frozenset({(80, "tcp")}),
    "tomcat": frozenset({(8080, "tcp")}),
    "redis": frozenset({(6379, "tcp")}),
    "postgres": frozenset({(5432, "tcp")}),
    "mysql": frozenset({(3306, "tcp"), (33060, "tcp")}),
    "mariadb": frozenset({(3306, "tcp")}),
    "mongo": frozenset({(27017, "tcp")}),
}


def _base_ports(ref: ImageRef) -> Exposed | None:
    """The ports a base image exposes; None when dlint does not know."""
    if ref.unresolved or not ref.valid:
        return None
    name = ref.name
    tag = (ref.tag or "latest").lower()
    if ref.registry == "gcr.io" and ref.repository.startswith("distroless/"):
        return _NOTHING
    if name in _SILENT:
        return _NOTHING
    if name in _EXPOSING:
        return _EXPOSING[name]
    if name == "php":
        if "apache" in tag:
            return frozenset({(80, "tcp")})
        if "fpm" in tag:
            return frozenset({(9000, "tcp")})
        return _NOTHING  # the cli and zts variants
    return None


def _ports(text: str, default_protocol: str = "tcp") -> list[tuple[int, str]] | None:
    """The ports ``80``, ``80/udp`` or ``8000-8010/tcp`` stands for; None when it is
    not one of those (or too wide a range)."""
    spec, _, protocol = text.strip().partition("/")
    spec = spec.rsplit(":", 1)[-1]  # `EXPOSE 80:80`: BuildKit keeps the container port
    m = _RANGE.match(spec)
    if m is None:
        return None
    low = int(m.group(1))
    high = int(m.group(2) or low)
    if high < low or high - low > _MAX_RANGE:
        return None
    proto = (protocol or default_protocol).lower()
    return [(p, proto) for p in range(low, high + 1)]


def _exposed_by(ins: Instruction) -> list[tuple[int, str]] | None:
    if ins.unresolved or ins.expanded is None:
        return None
    out: list[tuple[int, str]] = []
    for value in ins.expanded:
        for item in value.split():
            ports = _ports(item)
            if ports is None:
                return None
            out.extend(ports)
    return out


def _image_ports(df: Dockerfile, stage: Stage, args_given: bool) -> Exposed | None:
    """What the image built from ``stage`` exposes; None when dlint cannot tell."""
    chain = ancestry(df, stage)
    root = chain[-1].base
    if isinstance(root, StageRef):
        return None
    found: set[tuple[int, str]] = set()
    if root is not None:
        base = _base_ports(root)
        if base is None:
            return None
        found |= base
    for link in chain:
        for ins in link.instructions:
            target = ins.trigger if ins.trigger is not None and link is not stage else ins
            if target.keyword != "EXPOSE":
                continue
            if args_given and "$" in target.text:
                return None  # a build argument may change it
            ports = _exposed_by(target)
            if ports is None:
                return None
            found.update(ports)
    return frozenset(found)


def _listed(node: YNode | None) -> list[tuple[int, str]] | None:
    """The ports of a service's ``expose:`` list; None when one is not readable."""
    from dlint.ir.yaml import YSequence, node_text  # loaded with any compose file

    if node is None:
        return []
    if not isinstance(node, YSequence):
        return None
    out: list[tuple[int, str]] = []
    for item in node.items:
        text = node_text(item)
        ports = _ports(text) if text is not None else None
        if ports is None:
            return None
        out.extend(ports)
    return out


def _build_args(service: Service) -> bool:
    from dlint.ir.yaml import YMapping

    node = service.get("build")
    return isinstance(node, YMapping) and node.get("args") is not None


def _shown(ports: Exposed) -> str:
    listed = sorted(ports)
    text = ", ".join(f"{p}" if proto == "tcp" else f"{p}/{proto}" for p, proto in listed[:6])
    return text + (", ..." if len(listed) > 6 else "")


_Memo = dict[tuple[int, int, bool], "Exposed | None"]


def _check_service(service: Service, memo: _Memo) -> Iterator[Finding]:
    build = service.build
    if build is None or build.image is None or build.stage is None or build.gap is not None:
        return
    if service.network_mode is not None or not service.ports:
        return  # host or another container's network: `ports:` do not apply
    key = (id(build.image), build.stage.index, _build_args(service))
    if key not in memo:
        memo[key] = _image_ports(build.image, build.stage, key[2])
    image = memo[key]
    listed = _listed(service.get("expose"))
    if image is None or listed is None:
        return
    exposed = image | frozenset(listed)
    if not exposed:
        return  # a Dockerfile without EXPOSE documents no port: nothing to compare
    missing: list[Port] = []
    for port in service.ports:
        wanted = _ports(port.target, port.protocol)
        if wanted is None:
            return  # a port dlint cannot read: it may be the exposed one
        if all(p in exposed for p in wanted):
            return  # it publishes an exposed port: the others are extras (debug...)
        missing.append(port)
    stage = build.stage
    where = build.image.path + (f" (stage `{stage.name}`)" if build.target is not None else "")
    declared = []
    if image:
        declared.append(f"the image it builds from {where} exposes {_shown(image)}")
    if listed:
        declared.append(f"its `expose:` lists {_shown(frozenset(listed))}")
    said = " and ".join(declared)
    for port in missing:
        other = any(proto != port.protocol for _, proto in exposed)
        proto = "" if port.protocol == "tcp" and not other else f"/{port.protocol}"
        yield Finding(
            port.span,
            f"Service {service.name!r} publishes container port {port.target}{proto}, but "
            f"{said}, and none of the ports it publishes: check the port the application "
            "listens on, and make `ports:` and EXPOSE agree.",
            path=port.file,
        )


def check(project: Project) -> Iterator[Finding]:
    memo: _Memo = {}  # services that build the same stage
    for compose in project.compose:
        for service in compose.services:
            yield from _check_service(service, memo)
