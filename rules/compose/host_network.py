"""A container or build step shares the host's network namespace.

## What it does
Reports a service with `network_mode: host`, a service attached to an external
network whose Docker name is `host`, a `build:` with `network: host`, and a
Dockerfile `RUN --network=host` (in ONBUILD triggers too). `network_mode:
service:...` and `container:...` share another container's namespace, not the
host's, and are not reported.

## Why is this bad?
In the host's namespace a container has no network isolation: it can reach
every service listening on the host's loopback, it binds its ports straight
on the host's interfaces (where they can clash with other processes), and
Docker ignores the `ports:` it publishes. A build step with host networking
can reach the host's private services while it runs untrusted install scripts.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    network_mode: host
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
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Instruction
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject, Service

META = RuleMeta(
    code="DC101",
    name="host-network",
    scope="project",
    severity=Severity.WARNING,
    tags=("security", "networking"),
    precision="very-high",
    security_severity=5.0,
)

_COST = "no network isolation from the host, and its ports bind directly on the host's interfaces"


def _ports_note(service: Service) -> str:
    if not service.ports:
        return ""
    n = len(service.ports)
    return f"; the {n} port{'s' if n > 1 else ''} under `ports:` {'are' if n > 1 else 'is'} ignored"


def _services(project: ComposeProject) -> Iterator[Finding]:
    host_networks = {n.key for n in project.networks if n.external and n.name == "host"}
    for service in project.services:
        mode = service.network_mode
        if mode is not None and mode.value == "host":
            yield Finding(
                mode.span,
                f"service {service.name!r} uses the host's network (network_mode: host): "
                f"{_COST}{_ports_note(service)}.",
                path=mode.file,
            )
        for attachment in service.networks:
            if attachment.network in host_networks:
                yield Finding(
                    attachment.span,
                    f"service {service.name!r} joins network {attachment.network!r}, which is "
                    f"the host's network: {_COST}{_ports_note(service)}.",
                    path=attachment.file,
                )
        build = service.build
        if build is not None and build.network is not None and build.network.value == "host":
            yield Finding(
                build.network.span,
                f"service {service.name!r} builds with the host's network (build.network: host): "
                "its RUN steps can reach services listening on the host.",
                path=build.network.file,
            )


def _run_flags(instructions: tuple[Instruction, ...], path: str) -> Iterator[Finding]:
    for ins in instructions:
        target = ins.trigger if ins.trigger is not None else ins
        if target.keyword != "RUN":
            continue
        for flag in target.flags:
            if flag.name == "network" and flag.value == "host":
                yield Finding(
                    flag.span,
                    "RUN --network=host runs this step in the host's network: it can reach "
                    "services listening on the build machine (BuildKit also requires the "
                    "network.host entitlement).",
                    path=path,
                )


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        yield from _services(compose)
    for dockerfile in project.dockerfiles:
        yield from _run_flags(dockerfile.instructions, dockerfile.path)
