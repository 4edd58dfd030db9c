"""A service publishes ports although its network mode gives it no network of its own.

## What it does
Reports each `ports:` entry of a service whose `network_mode` is `none`,
`service:<name>` or `container:<name>`. With `service:` or `container:` the
service joins another container's network namespace, and Docker refuses to
create it ("conflicting options: port publishing and the container type network
mode"); with `none` it has no network at all, so nothing can reach the ports.
`network_mode: host`, where Docker ignores `ports:`, is reported by
`host-network` (DC101).

## Why is this bad?
The ports say the service can be reached on them, and it cannot: `docker compose
up` fails for a shared namespace, and a `none` service answers on no port. Publish
the ports on the service whose namespace is shared (the one `service:` names),
or give the service a network of its own.

## Example
```yaml
services:
  vpn:
    image: qmcgaw/gluetun:v3.39
  app:
    image: nginx:1.27
    network_mode: service:vpn
    ports:
      - "8080:80"
```

## Use instead
```yaml
services:
  vpn:
    image: qmcgaw/gluetun:v3.39
    ports:
      - "8080:80"
  app:
    image: nginx:1.27
    network_mode: service:vpn
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC103",
    name="ports-with-shared-network-mode",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("compose", "networking", "correctness"),
    precision="very-high",
)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        for service in compose.services:
            mode = service.network_mode
            if mode is None or mode.unresolved or not service.ports:
                continue
            value = mode.value
            if value == "none":
                why, severity = (
                    "has no network (network_mode: none), so nothing can reach it",
                    Severity.WARNING,
                )
            elif value.startswith(("service:", "container:")):
                shown = mode.written if mode.written is not None else value
                why = (
                    f"shares another container's network ({shown}), and Docker refuses to "
                    "publish ports there"
                )
                severity = Severity.ERROR
            else:
                continue
            for port in service.ports:
                where = (port.file, port.span.line, port.span.column)
                if where in seen:
                    continue
                seen.add(where)
                yield Finding(
                    port.span,
                    f"service {service.name!r} publishes this port but {why}: publish it on "
                    "the service whose network it uses, or drop it.",
                    path=port.file,
                    severity=severity,
                )
