"""Two services share a `container_name`, or a named service runs more than one container.

## What it does
Reports a `container_name` that another service of the same project also sets
(dclint's `no-duplicate-container-names`), and a `container_name` on a service
that asks for more than one container (`deploy.replicas` or `scale` above 1). The
finding is on the later service's name, or on the replica count.

## Why is this bad?
Container names are unique on a Docker host: the second container of the same
name cannot be created, so `docker compose up` fails (for replicas, Compose
refuses the file: "can't set container_name and ... as container name must be
unique"). Give each service its own name, or drop `container_name` and let
Compose name the containers (`<project>-<service>-<n>`).

## Example
```yaml
services:
  api:
    image: ghcr.io/acme/api:1.4
    container_name: backend
  worker:
    image: ghcr.io/acme/worker:1.4
    container_name: backend
```

## Use instead
```yaml
services:
  api:
    image: ghcr.io/acme/api:1.4
    container_name: acme-api
  worker:
    image: ghcr.io/acme/worker:1.4
    container_name: acme-worker
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YScalar, node_text
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import replica_counts, run_together

META = RuleMeta(
    code="DC006",
    name="no-duplicate-container-names",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("compose", "correctness"),
    precision="very-high",
    dclint=True,
)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        # container name -> the services that set it so far, with their profiles
        first: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for service in compose.services:
            node = service.node.get("container_name")
            if not isinstance(node, YScalar) or node.unresolved:
                continue
            name = node_text(node)
            if not name:
                continue
            where = (node.file, node.span.line, node.span.column)
            profiles = frozenset(service.profiles)
            # services of profiles that never run together may share a name
            clash = next(
                (other for other, theirs in first.get(name, ()) if run_together(profiles, theirs)),
                None,
            )
            if clash is not None and where not in seen:
                seen.add(where)
                yield Finding(
                    node.span,
                    f"service {service.name!r} sets container_name {node.written!r}, as "
                    f"service {clash!r} does: container names are unique on a host, so "
                    "the second cannot be created; give each its own name.",
                    path=node.file,
                )
            first.setdefault(name, []).append((service.name, profiles))
            for key, count, count_node in replica_counts(service):
                if count <= 1:
                    continue
                at = (count_node.file, count_node.span.line, count_node.span.column)
                if at in seen:
                    continue
                seen.add(at)
                yield Finding(
                    count_node.span,
                    f"service {service.name!r} asks for {count} containers ({key}) but sets "
                    f"container_name {node.written!r}: only one container can have that "
                    "name; drop container_name or run one replica.",
                    path=count_node.file,
                )
