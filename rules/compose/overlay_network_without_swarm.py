"""A network uses the overlay driver in a project that shows no sign of Swarm.

## What it does
Reports the `driver: overlay` of a top-level network that a service joins (or
of the `default` network that services without `networks:` join) when nothing
in the project is meant for Docker Swarm:

- no service has a `deploy:` key that only Swarm honours (`mode`,
  `placement`, `update_config`, `rollback_config`, `endpoint_mode`, `labels`)
  nor `deploy.replicas`;
- the network is not `attachable: true` (an attachable overlay is made for
  standalone containers on a Swarm) and not `external` (then Compose does not
  create it);
- no file of the project is named like a stack file (`docker-stack.yml`,
  `stack.yaml`...).

An override or variant file read on its own is not checked (its base file may
hold the `deploy:` keys).

## Why is this bad?
`docker compose up` creates the project's networks on the local engine, and
the engine creates an overlay network only when it is a Swarm manager:
elsewhere `up` fails with "This node is not a swarm manager". A Compose file
for a single host wants the default `bridge` driver; a file meant for
`docker stack deploy` usually says so with Swarm's `deploy:` keys.

## Example
```yaml
services:
  api:
    image: ghcr.io/example/api:1.4
    networks:
      - backend
networks:
  backend:
    driver: overlay
```

## Use instead
```yaml
services:
  api:
    image: ghcr.io/example/api:1.4
    networks:
      - backend
networks:
  backend:
    driver: bridge
```
For a Swarm stack, keep `overlay` and deploy with `docker stack deploy`; the
`deploy:` keys (`mode`, `placement`, `update_config`...) tell readers and this
rule that the file is for Swarm.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YScalar
from dlint.rule import Finding, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject, Network

META = RuleMeta(
    code="DC104",
    name="overlay-network-without-swarm",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("networking", "reliability"),
    precision="high",
)

# `deploy:` keys that only Swarm acts on (plus replicas, which stack files use most)
_SWARM_DEPLOY = ("mode", "placement", "update_config", "rollback_config", "endpoint_mode",
                 "labels", "replicas")  # fmt: skip
_STACK_FILE = re.compile(r"(?:^|[-_.])stack(?:[-_.]|$)", re.IGNORECASE)


def _swarm_intent(compose: ComposeProject) -> bool:
    for service in compose.services:
        deploy = service.get("deploy")
        if isinstance(deploy, YMapping) and any(deploy.get(k) is not None for k in _SWARM_DEPLOY):
            return True
    return any(_STACK_FILE.search(posixpath.basename(f)) for f in compose.files)


def _used(compose: ComposeProject, network: Network) -> bool:
    for service in compose.services:
        if any(a.network == network.key for a in service.networks):
            return True
        if network.key == "default" and not service.networks and service.network_mode is None:
            return True
    return False


def _driver_node(compose: ComposeProject, network: Network) -> tuple[YScalar, YMapping] | None:
    section = compose.node.get("networks") if compose.node is not None else None
    spec = section.get(network.key) if isinstance(section, YMapping) else None
    driver = spec.get("driver") if isinstance(spec, YMapping) else None
    if isinstance(spec, YMapping) and isinstance(driver, YScalar):
        return driver, spec
    return None


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        if compose.fragment or _swarm_intent(compose):
            continue
        for network in compose.networks:
            if network.external or not network.declared or network.driver != "overlay":
                continue
            found = _driver_node(compose, network)
            if found is None or not _used(compose, network):
                continue
            driver, spec = found
            attachable = spec.get("attachable")
            if driver.unresolved or (isinstance(attachable, YScalar) and attachable.value is True):
                continue
            yield Finding(
                driver.span,
                f"network {network.key!r} is an overlay network (`driver: {driver.written}`), but "
                'nothing in the project is for Swarm: `docker compose up` fails with "This node '
                'is not a swarm manager" unless the engine is one; use the `bridge` driver, or '
                "deploy the file with `docker stack deploy`.",
                path=driver.file,
            )
