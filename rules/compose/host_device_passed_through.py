"""A service gets direct access to a device of the host.

## What it does
Reports each host device under a service's `devices:`, in the short
(`/dev/sda:/dev/xvda:rwm`) and the long syntax (`source:`, `target:`,
`permissions:`). The message says what the device gives: a disk or a
partition, the host's memory (`/dev/mem`, `/dev/kmem`, `/dev/port`), all of
`/dev`, or another device. The devices every container has anyway
(`/dev/null`, `/dev/zero`, `/dev/full`, `/dev/random`, `/dev/urandom`,
`/dev/tty`) and CDI device names (`nvidia.com/gpu=all`, which a vendor's
specification describes) are not reported.

## Why is this bad?
A device passed through bypasses the container's isolation for that piece of
hardware: with a disk, root in the container reads and writes the host's
filesystems past every permission; with `/dev/mem` it reads the host's
memory; with a GPU, a serial port or a camera it reaches the driver in the
host's kernel, whose bugs become the container's way out. Pass a device only
where the service needs it (a GPU for transcoding, a Zigbee stick for home
automation), as narrowly as possible, and suppress the finding there.

## Example
```yaml
services:
  backup:
    image: alpine:3.20
    devices:
      - /dev/sda:/dev/sda
```

## Use instead
```yaml
services:
  backup:
    image: alpine:3.20
    volumes:
      - ./backups:/backups
```

## Known limitations
A device whose path comes from a variable without a value is not reported;
neither are `device_cgroup_rules` nor GPUs reserved under
`deploy.resources.reservations.devices`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC304",
    name="host-device-passed-through",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "devices"),
    precision="high",
    security_severity=6.0,
)

# every container has these
_DEFAULT = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}
_MEMORY = {"/dev/mem", "/dev/kmem", "/dev/port"}
_DISK = re.compile(
    r"^/dev/(?:[shv]d[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(?:n\d+(?:p\d+)?)?|mmcblk\d+(?:p\d+)?"
    r"|loop\d+|dm-\d+|md\d+|sr\d+|mapper/.+|disk/.+)$"
)


def _source(item: YNode) -> YScalar | None:
    """The scalar that holds the host path: the whole short-syntax string or ``source:``."""
    node = item.get("source") if isinstance(item, YMapping) else item
    if isinstance(node, YScalar) and isinstance(node.value, str):
        return node
    return None


def _what(path: str) -> str:
    if path == "/dev":
        return "every device of the host, its disks and memory among them"
    if path in _MEMORY:
        return "the host's physical memory"
    if _DISK.match(path):
        return (
            "a disk of the host: root in the container reads and writes its "
            "filesystems past every permission"
        )
    return "a device of the host and its driver in the host's kernel"


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            devices = service.get("devices")
            for item in devices.items if isinstance(devices, YSequence) else ():
                node = _source(item)
                if node is None or node.unresolved:
                    continue
                text = str(node.value)
                host = text if isinstance(item, YMapping) else text.split(":", 1)[0]
                if not host.startswith("/"):
                    continue  # a CDI device name
                path = posixpath.normpath("/" + host.lstrip("/"))
                if path in _DEFAULT:
                    continue
                yield Finding(
                    node.span,
                    f"service {service.name!r} gets the host device {quote(node.written)}: "
                    f"it gives the container {_what(path)}; pass a device only where the "
                    "service needs it.",
                    path=node.file,
                )
