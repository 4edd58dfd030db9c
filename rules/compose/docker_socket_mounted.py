"""A service bind-mounts the Docker (or Podman) daemon's socket.

## What it does
Reports a bind mount whose host path is the Docker socket in any spelling
(`/var/run/docker.sock`, `/run/docker.sock`, `//var/run/docker.sock`, a
rootless `/run/user/1000/docker.sock`, Docker Desktop's `docker.sock.raw`:
any path with `docker.sock` in it), Podman's `podman.sock`, or the Docker
engine's Windows named pipe (`//./pipe/docker_engine`), in the short
(`/var/run/docker.sock:/var/run/docker.sock`) and the long (`type: bind`,
`source:`) syntax. A read-only mount is reported too.

## Why is this bad?
Whoever can talk to the Docker socket controls the daemon, which runs as
root: the container can start a new privileged container that mounts the
host's `/`, and so it owns the host. Mounting the socket read-only (`:ro`)
changes nothing: it only stops the socket file from being deleted or
replaced, while connecting to it and sending any API request still works.
A compromised reverse proxy, CI runner or dashboard that holds the socket is a
compromised host.

## Example
```yaml
services:
  proxy:
    image: traefik:v3.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
```

## Use instead
```yaml
services:
  proxy:
    image: traefik:v3.1
    command: --providers.file.directory=/etc/traefik/dynamic
    volumes:
      - ./dynamic:/etc/traefik/dynamic:ro
```
Give the routes in files rather than through the Docker API. A service that
does need the API can reach it through a socket proxy (such as
`tecnativa/docker-socket-proxy`) that allows only the read-only calls it
makes, on an `internal: true` network; the proxy itself still holds the
socket: suppress this finding there, with the reason.

## Known limitations
A mount whose host path comes from a variable without a value is not
reported, nor a top-level volume that binds the socket through
`driver_opts: {type: none, o: bind, device: ...}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import mount_node

META = RuleMeta(
    code="DC302",
    name="docker-socket-mounted",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("security", "privileges", "volumes"),
    precision="very-high",
    security_severity=9.0,
)


# `docker.sock` anywhere (`docker.sock.raw` too, not `docker.socket`), `podman.sock`,
# and the Docker engine's Windows named pipe
_SOCKET = re.compile(r"(?:docker|podman)\.sock(?![\w-])|/pipe/docker_engine/*$", re.IGNORECASE)


def _socket(source: str) -> str | None:
    """Which daemon's socket ``source`` is (None: not one)."""
    path = source.replace("\\", "/")
    m = _SOCKET.search(path)
    if m is None:
        return None
    return "Podman" if m[0].lower().startswith("podman") else "Docker"


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            for mount in service.mounts:
                if mount.type not in ("bind", "npipe") or not mount.source or mount.unresolved:
                    continue
                daemon = _socket(mount.source)
                if daemon is None:
                    continue
                found = mount_node(mount, service)
                if found is None:
                    continue
                node, text = found
                ro = " (read-only does not help: the API still answers)" if mount.read_only else ""
                yield Finding(
                    node.span,
                    f"service {service.name!r} mounts the {daemon} socket ({quote(text)}){ro}: "
                    "it controls the daemon and so the host; give it a socket proxy that "
                    "allows only the API calls it needs, or remove the mount.",
                    path=node.file,
                )
