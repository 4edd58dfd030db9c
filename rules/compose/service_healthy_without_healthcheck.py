"""A service waits for another to be healthy, and that service has no health check.

## What it does
Reports a `depends_on` entry with `condition: service_healthy` whose service has no
health check: none in the Compose file (or one turned off: `disable: true`,
`test: ["NONE"]`), none in the Dockerfile it builds (the last `HEALTHCHECK` of the
stage it builds and of the stages that stage is built `FROM`), and none in its base
image as far as dlint can be sure: Docker's official images (`postgres`, `redis`...)
never define one, and neither does `scratch`. An image from elsewhere may define its
own, so a service that only names one is not reported; nor is a dependency marked
`required: false`, which Compose starts without.

## Why is this bad?
A container without a health check never becomes healthy: `docker compose up`
stops with "dependency failed to start: container ... has no healthcheck
configured", and the depending service is never started. Add a `healthcheck:` to the
service it waits for, or wait for `service_started` instead.

## Example
```yaml
services:
  web:
    image: ghcr.io/acme/web:1.4
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
```

## Use instead
```yaml
services:
  web:
    image: ghcr.io/acme/web:1.4
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Stage
from dlint.ir.image import DEFAULT_REGISTRY, ImageRef
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YScalar, YSequence, node_text
from dlint.rule import Finding, RuleMeta

from .._shared.stages import ancestry

if TYPE_CHECKING:
    from dlint.ir.compose import Service

META = RuleMeta(
    code="DC007",
    name="service-healthy-without-healthcheck",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("compose", "correctness", "healthcheck"),
    precision="high",
)


def _official(image: ImageRef | None) -> bool:
    """Docker's official images define no HEALTHCHECK (a rule of the library)."""
    return (
        image is not None
        and image.valid
        and not image.unresolved
        and image.registry == DEFAULT_REGISTRY
        and image.repository.startswith("library/")
    )


def _compose_healthcheck(service: Service) -> bool | None:
    """What the service's `healthcheck:` says: True (one), False (turned off), None
    (none written)."""
    node = service.node.get("healthcheck")
    if not isinstance(node, YMapping):
        return None
    if node_text(node.get("disable")) == "true":
        return False
    test = node.get("test")
    first = test.items[0] if isinstance(test, YSequence) and test.items else None
    return node_text(first) != "NONE"


def _dockerfile_healthcheck(df: Dockerfile, stage: Stage) -> bool | None:
    """Whether the image the stage makes has a health check (None: its base image
    decides, and dlint cannot know it)."""
    chain = ancestry(df, stage)
    for s in chain:
        for ins in reversed(s.instructions):
            if ins.keyword == "HEALTHCHECK":
                return not (ins.args and ins.args[0].value.upper() == "NONE")
    root = chain[-1].base
    if root is None:
        return False  # scratch
    return False if isinstance(root, ImageRef) and _official(root) else None


def _has_healthcheck(service: Service) -> bool | None:
    written = _compose_healthcheck(service)
    if written is not None:
        return written
    build = service.build
    if build is not None:
        if build.image is None or build.stage is None:
            return None
        return _dockerfile_healthcheck(build.image, build.stage)
    return False if _official(service.image) else None


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        services = {s.name: s for s in compose.services}
        for service in compose.services:
            deps = service.node.get("depends_on")
            if not isinstance(deps, YMapping):
                continue  # the list form waits for service_started
            for name, entry in deps.items():
                condition = entry.get("condition") if isinstance(entry, YMapping) else None
                if not isinstance(condition, YScalar) or condition.value != "service_healthy":
                    continue
                assert isinstance(entry, YMapping)
                if node_text(entry.get("required")) == "false":
                    continue  # Compose starts the service anyway, with a warning
                target = services.get(name)
                if target is None or _has_healthcheck(target) is not False:
                    continue
                where = (condition.file, condition.span.line, condition.span.column)
                if where in seen:
                    continue
                seen.add(where)
                yield Finding(
                    condition.span,
                    f"service {service.name!r} waits for {name!r} to be healthy, but {name!r} "
                    "has no health check, so it never becomes healthy and this service never "
                    f"starts: add a healthcheck to {name!r}, or wait for service_started.",
                    path=condition.file,
                )
