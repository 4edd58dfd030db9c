"""A service shares one of the host's namespaces instead of having its own.

## What it does
Reports `pid: host`, `ipc: host`, `uts: host`, `userns_mode: host` and
`cgroup: host` on a service. Sharing another container's namespace
(`pid: "service:db"`, `ipc: shareable`, `container:...`) is not reported, nor is
`network_mode: host`, which `host-network` (DC101) reports. Override files and
`extends` count: the merged service is checked. A value given by a variable
that has no value is not reported.

## Why is this bad?
Namespaces are what makes a container see only itself. In the host's PID
namespace it sees every process of the host and can signal them (and, with
`SYS_PTRACE`, read their memory); in the host's IPC namespace it reads and
writes the shared memory of host processes; in the host's user namespace,
root in the container is root on the host even when the daemon remaps users;
in the host's cgroup namespace it sees the host's whole cgroup tree; in the
host's UTS namespace it shares the host's name. A process that takes over the
service gets all of that.

## Example
```yaml
services:
  app:
    image: nginx:1.27
    pid: host
```

## Use instead
```yaml
services:
  app:
    image: nginx:1.27
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YScalar
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC307",
    name="host-namespace-shared",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "isolation"),
    precision="very-high",
    security_severity=6.0,
)

# key: the namespace, and what sharing the host's gives the container
_KEYS = {
    "pid": ("PID", "it sees every process of the host and can signal them"),
    "ipc": ("IPC", "it can read and write the shared memory of host processes"),
    "uts": ("UTS", "it shares the host's hostname (and can change it with SYS_ADMIN)"),
    "userns_mode": (
        "user",
        "it opts out of the daemon's user remapping, so root in it is root on the host",
    ),
    "cgroup": ("cgroup", "it sees the host's whole cgroup tree"),
}


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            for key, (namespace, cost) in _KEYS.items():
                node = service.get(key)
                if not isinstance(node, YScalar) or node.unresolved or node.value != "host":
                    continue
                yield Finding(
                    node.span,
                    f"service {service.name!r} shares the host's {namespace} "
                    f"namespace ({key}: {node.written}): {cost}; remove it unless the service "
                    "must see the host.",
                    path=node.file,
                )
