"""A service keeps state at a path that no named volume or bind mount covers.

## What it does
For each Compose service, finds where its image keeps data and checks that a
named volume or a bind mount sits at that path or at a parent of it:

- images known to keep state (postgres, mysql, mariadb, mongo, redis, valkey,
  elasticsearch, opensearch, rabbitmq, kafka, zookeeper, cassandra, couchdb,
  influxdb, clickhouse, minio, neo4j, etcd, consul, vault, grafana, prometheus,
  registry, mssql, gitea, nextcloud, wordpress and more; Bitnami and other
  variants have their own paths), matched through registry prefixes,
  `library/`, mirrors, tags and digests. A variable that moves the data
  directory (such as `PGDATA`) is followed;
- for a service built from a local Dockerfile, the stage it builds (its
  `target`, else the last stage): its `VOLUME`s, and its base image when that
  is a known stateful image (`FROM postgres:16` with extras is still postgres).

A `tmpfs` at the path is an explicit choice and is not reported. Override
files count: the merged project is checked.

An anonymous volume at the path (`- /var/lib/mysql`) is reported: a recreated
container gets a new, empty one. A named volume declared `external: true`
covers the path like any named volume, and nothing more is asked of it: it
outlives `docker compose down -v` by design, and how it is backed up is decided
outside the Compose file, where dlint cannot see it.

## Why is this bad?
Without a named volume or a bind mount, the data lives in the container (or in
an anonymous volume that a new container does not reuse), so `docker compose
down`, a recreated container or a new image version starts from empty: the
database is gone.

## Example
```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
```

## Use instead
```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
    volumes:
      - db-data:/var/lib/postgresql/data
volumes:
  db-data:
```

## Known limitations
The knowledge base covers the default configuration of each image. An image
started with its own data directory on the command line (`--datadir`,
`minio server /elsewhere`) is judged by the default path.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Stage, StageRef
from dlint.ir.image import ImageRef
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

from .._shared.stateful import lookup

if TYPE_CHECKING:
    from dlint.ir.compose import Service, ServiceMount

META = RuleMeta(
    code="DC201",
    name="stateful-path-without-volume",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("reliability", "data-loss", "volumes"),
    precision="high",
)


def _norm(path: str) -> str:
    return posixpath.normpath(path) if path else path


def _covers(mount: ServiceMount, path: str) -> bool:
    target = _norm(mount.target)
    return path == target or target == "/" or path.startswith(target + "/")


def _persistent(mount: ServiceMount) -> bool:
    return mount.type == "bind" or (mount.type == "volume" and bool(mount.source))


def _chain(df: Dockerfile, stage: Stage) -> list[Stage]:
    out = [stage]
    seen = {stage.index}
    while isinstance(out[-1].base, StageRef) and out[-1].base.index not in seen:
        seen.add(out[-1].base.index)
        out.append(df.stages[out[-1].base.index])
    return out


# VOLUMEs declared for scratch space, not for data (Spring Boot's `VOLUME /tmp`...)
_SCRATCH = ("/tmp", "/var/tmp", "/run", "/var/run", "/var/cache", "/var/log", "/dev/shm")


def _scratch(path: str) -> bool:
    return any(path == s or path.startswith(s + "/") for s in _SCRATCH)


def _declared_volumes(df: Dockerfile, stages: list[Stage]) -> list[tuple[str, Span]]:
    out = []
    for stage in stages:
        for ins in stage.instructions:
            if ins.keyword == "VOLUME" and ins.expanded and not ins.unresolved:
                for arg, value in zip(ins.args, ins.expanded, strict=True):
                    for path in value.split() if not ins.json else [value]:
                        if path.startswith("/") and not _scratch(_norm(path)):
                            out.append((_norm(path), arg.span))
    return out


def _command_text(service: Service) -> str:
    from dlint.ir.yaml import YScalar, YSequence, node_text  # loaded with any compose file

    node = service.get("command")
    if isinstance(node, YScalar):
        return node_text(node) or ""
    if isinstance(node, YSequence):
        return " ".join(shlex.quote(node_text(i) or "") for i in node.items)
    return ""


def _where(service: Service) -> tuple[Span, str]:
    if service.image_node is not None:
        return service.image_node.span, service.image_node.file
    if service.build is not None:
        return service.build.span, service.build.file
    return service.name_span, service.file


def _env(service: Service, stages: list[Stage], names: tuple[str, ...]) -> list[str]:
    values: list[str] = []
    for name in names:
        value = service.env(name)
        if value is None:
            for stage in stages:
                found = dict(stage.env).get(name)
                if found:
                    value = found
                    break
        if value and value.startswith("/"):
            values.append(_norm(value))
    return values


def _uncovered(service: Service, candidates: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The first candidate none of whose... (None when one candidate is fully covered)."""
    mounts = service.mounts
    for paths in candidates:
        if all(
            any(_covers(m, p) and (_persistent(m) or m.type == "tmpfs") for m in mounts)
            for p in paths
        ):
            return None
    for paths in candidates:
        missing = tuple(
            p
            for p in paths
            if not any(_covers(m, p) and (_persistent(m) or m.type == "tmpfs") for m in mounts)
        )
        if missing:
            return missing
    return None


def _anonymous_at(service: Service, path: str) -> bool:
    return any(m.anonymous and _covers(m, path) for m in service.mounts)


def _inside(service: Service, missing: tuple[str, ...]) -> str | None:
    """A persistent mount below a missing path (it holds only part of the data)."""
    for m in service.mounts:
        target = _norm(m.target)
        if _persistent(m) and any(target.startswith(p + "/") for p in missing):
            return target
    return None


def _message(service: Service, what: str, missing: tuple[str, ...]) -> str:
    paths = ", ".join(missing)
    plural = len(missing) > 1
    anon = any(_anonymous_at(service, p) for p in missing)
    note = " (an anonymous volume there is not reused by a new container)" if anon else ""
    below = _inside(service, missing)
    if below is not None:
        note = f" (the volume at {below} is inside it and does not hold the data)"
    example = f"{service.name}-data:{missing[0]}"
    return (
        f"service {service.name!r} runs {what}, which keeps {'its data' if not plural else 'data'} in "
        f"{paths}, but no named volume or bind mount covers {'them' if plural else 'it'}{note}: "
        f"the data is lost when the container is removed. Mount a named volume there "
        f"(for example `{example}`)."
    )


def _check_service(service: Service) -> Iterator[Finding]:
    if any(m.unresolved for m in service.mounts) or service.get("volumes_from") is not None:
        return  # what is mounted is not known
    ref: ImageRef | None = service.image
    stages: list[Stage] = []
    declared: list[tuple[str, Span]] = []
    build = service.build
    if build is not None and build.image is not None and build.stage is not None:
        stages = _chain(build.image, build.stage)
        base = stages[-1].base
        ref = base if isinstance(base, ImageRef) else None
        declared = _declared_volumes(build.image, stages)
    span, file = _where(service)
    if ref is not None and ref.valid and not (ref.unresolved and ref.name.startswith("$")):
        known = lookup(ref)
        if known is not None and known.ephemeral(_command_text(service)):
            known = None  # persistence is turned off on purpose
        if known is not None:
            moved = _env(service, stages, known.path_env)
            candidates = [tuple(moved)] if moved else list(known.paths_for(ref))
            candidates = [c for c in candidates if c]
            missing = _uncovered(service, candidates) if candidates else None
            if missing:
                what = f"{known.name} ({ref.shown})" if known.name not in ref.shown else ref.shown
                if build is not None and build.stage is not None:
                    what = f"an image built on {ref.shown}"
                yield Finding(span, _message(service, what, missing), path=file)
                return
    for path, _ in declared:
        missing = _uncovered(service, [(path,)])
        if missing:
            yield Finding(
                span,
                _message(service, f"an image whose Dockerfile declares VOLUME {path}", missing),
                path=file,
            )


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            yield from _check_service(service)
