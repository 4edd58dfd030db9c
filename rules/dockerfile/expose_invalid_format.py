"""EXPOSE names a host address or a host port.

## What it does
Reports an `EXPOSE` port written as a mapping, `host-port:port`
(`EXPOSE 8080:80`) or `ip:host-port:port` (`EXPOSE 127.0.0.1:80:80`,
`EXPOSE [::1]:80:80`), as BuildKit's `ExposeInvalidFormat` check does. Ports
are read after `ARG` and `ENV` substitution, as BuildKit reads them. A port
number out of range is `port-out-of-range`'s business (DL3011), not this
rule's.

## Why is this bad?
`EXPOSE` documents the ports the container listens on; it publishes nothing.
Which host address and host port a container is reached on is decided when it
runs (`docker run -p 127.0.0.1:8080:80`, compose `ports:`), not when the image
is built: Docker drops the address and the host port, and exposes only the
container port. The mapping misleads whoever reads the Dockerfile into
thinking the port is published, or published on that address, and BuildKit
warns that it will become an error.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 127.0.0.1:8080:80
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import on_first_line
from .._shared.instructions import exposed

META = RuleMeta(
    code="DF608",
    name="expose-invalid-format",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "networking", "buildkit-check"),
    precision="very-high",
    buildkit=("ExposeInvalidFormat",),
)

_PROTOCOLS = frozenset({"", "tcp", "udp", "sctp"})


def _split(port: str) -> tuple[str, str, str]:
    """(ip, host port, container port) of ``[[ip:]host-port:]port[/protocol]``, split at
    colons as BuildKit splits it (the ip keeps any colons of an IPv6 address)."""
    parts = port.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword != "EXPOSE":
                continue
            for word, port in exposed(df, ins):
                ip, host, container = _split(port)
                number, _, protocol = container.partition("/")
                # an empty port or an unknown protocol is a build error BuildKit gives
                # before this check
                if not (ip or host) or not number or protocol.lower() not in _PROTOCOLS:
                    continue
                what = "a host address and port" if ip else "a host port"
                shown = f"`{port}` (`{word.value}`)" if word.value != port else f"`{port}`"
                yield Finding(
                    on_first_line(ins, word.span),
                    f"EXPOSE {shown} names {what}, which Docker ignores (the port is "
                    f"published when the container runs): write `EXPOSE {container}`.",
                )
