"""A service runs as a privileged container.

## What it does
Reports `privileged: true` on a service, and `privileged: true` under its
`build:` (which runs the build's RUN steps privileged). The strings Compose
reads as true (`"true"`, `"yes"`, `"on"`, `"y"`, in any case) count too. A value
given by a variable is followed when the variable resolves; an unresolved one
is not reported.

## Why is this bad?
A privileged container gets every Linux capability, every host device under
`/dev`, and no seccomp, AppArmor or SELinux confinement. Root in such a
container can mount the host's disks, load kernel modules and take over the
host: it is no longer isolated at all.

## Example
```yaml
services:
  app:
    image: nginx:1.27
    privileged: true
```

## Use instead
```yaml
services:
  app:
    image: nginx:1.27
    cap_add:
      - NET_ADMIN
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YNode, YScalar
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC301",
    name="privileged-container",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("security", "privileges"),
    precision="very-high",
    security_severity=9.0,
)

# the strings Compose reads as true (compose-go casts a string here with toBoolean)
_TRUE = {"true", "yes", "y", "on"}


def _true(node: YNode | None) -> YScalar | None:
    if not isinstance(node, YScalar) or node.unresolved:
        return None
    if node.value is True:
        return node
    if isinstance(node.value, str) and node.value.lower() in _TRUE:
        return node
    return None


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            node = _true(service.get("privileged"))
            if node is not None:
                yield Finding(
                    node.span,
                    f"service {service.name!r} runs privileged (privileged: {node.written}): "
                    "it has every capability and device of the host and no confinement; "
                    "remove it and add only the capabilities or devices it needs.",
                    path=node.file,
                )
            build = service.get("build")
            if isinstance(build, YMapping):
                node = _true(build.get("privileged"))
                if node is not None:
                    yield Finding(
                        node.span,
                        f"service {service.name!r} builds privileged "
                        f"(build.privileged: {node.written}): its RUN steps can take over "
                        "the build machine; remove it.",
                        path=node.file,
                    )
