"""A service adds a Linux capability that lets it act on the host.

## What it does
Reports each entry of a service's `cap_add` that grants power over the host
or the kernel: `ALL` and `SYS_ADMIN` (as errors), and `NET_ADMIN`,
`SYS_PTRACE`, `SYS_MODULE`, `SYS_RAWIO`, `SYS_BOOT`, `SYS_TIME`,
`DAC_READ_SEARCH`, `BPF`, `PERFMON`, `MAC_ADMIN` and `MAC_OVERRIDE`. Names are
matched the way Docker reads them: in any case, with or without the `CAP_`
prefix. Override files and `extends` count: the merged service is checked.
A value given by a variable that has no value is not reported.

## Why is this bad?
Capabilities are slices of root's power. Docker gives a container a small
default set; each of these lets root in the container reach past it:
`SYS_ADMIN` mounts filesystems and is the usual way out of a container,
`SYS_MODULE` loads code into the host's kernel, `SYS_RAWIO` reads host memory
and I/O ports, `DAC_READ_SEARCH` opens host files by handle (the "shocker"
escape), `SYS_PTRACE` reads and changes other processes' memory, `BPF` and
`PERFMON` load programs into and trace the kernel, `SYS_TIME` and `SYS_BOOT`
set the host's clock and reboot it, `MAC_ADMIN` and `MAC_OVERRIDE` change or
bypass AppArmor and SELinux, and `NET_ADMIN` rewrites interfaces, routes and
firewall rules. `ALL` is all of them. A process that takes over the service
inherits them.

## Example
```yaml
services:
  app:
    image: nginx:1.27
    cap_add:
      - SYS_ADMIN
```

## Use instead
```yaml
services:
  app:
    image: nginx:1.27
    cap_drop:
      - ALL
    cap_add:
      - NET_BIND_SERVICE
```

## Known limitations
Some services need one of these to do their job (a VPN or DHCP server needs
`NET_ADMIN`, a profiler `PERFMON`): keep it then, and suppress the finding with
a comment saying why. Capabilities that mostly touch resources rather than
the host (`SYS_NICE`, `IPC_LOCK`, `SYS_RESOURCE`, `LEASE`, `SYSLOG`) and
those in Docker's default set (`NET_RAW`, `CHOWN`...) are not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YScalar, YSequence
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC305",
    name="dangerous-capability-added",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "privileges", "capabilities"),
    precision="very-high",
    security_severity=7.0,
)

# what root in the container can do with each capability (after "root in it can ...")
_DANGEROUS = {
    "ALL": "do nearly anything a privileged container can",
    "SYS_ADMIN": "mount filesystems and use many kernel admin calls, the usual way out of "
    "a container",
    "SYS_MODULE": "load modules into the host's kernel",
    "SYS_RAWIO": "read host memory and I/O ports",
    "DAC_READ_SEARCH": "bypass read permissions and open host files by handle "
    "(the 'shocker' escape)",
    "SYS_PTRACE": "read and change the memory of other processes",
    "BPF": "load BPF programs into the kernel",
    "PERFMON": "trace the kernel and other processes",
    "SYS_TIME": "set the host's clock, which is not namespaced",
    "SYS_BOOT": "reboot the host or load a new kernel",
    "MAC_ADMIN": "change the host's AppArmor or SELinux policy",
    "MAC_OVERRIDE": "bypass AppArmor and SELinux",
    "NET_ADMIN": "reconfigure network interfaces, routes and firewall rules (the host's, "
    "with host networking)",
}
_ERRORS = {"ALL", "SYS_ADMIN"}


def _name(written: str) -> str:
    """The capability as Docker reads it: upper case, without ``CAP_`` (``ALL`` stays;
    Docker refuses ``CAP_ALL``)."""
    name = written.strip().upper()
    return name[4:] if name.startswith("CAP_") and name != "CAP_ALL" else name


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            caps = service.get("cap_add")
            if not isinstance(caps, YSequence):
                continue
            for item in caps.items:
                if not isinstance(item, YScalar) or not item.is_string or item.unresolved:
                    continue
                name = _name(str(item.value))
                what = _DANGEROUS.get(name)
                if what is None:
                    continue
                shown = f"every capability ({item.written})" if name == "ALL" else item.written
                yield Finding(
                    item.span,
                    f"service {service.name!r} adds {shown} with cap_add: root in the container "
                    f"can {what}; "
                    "remove it, or keep it only if the service cannot work without it.",
                    path=item.file,
                    severity=Severity.ERROR if name in _ERRORS else None,
                )
