"""Network subnets overlap, or addresses fall outside their subnet.

## What it does
Collects the IPAM subnets of every Compose network dlint read (all files of a
project, and all projects in the run, since they usually share a host) and
reports:

- two networks whose subnets overlap (IPv4 or IPv6);
- a subnet that overlaps Docker's default bridge, `172.17.0.0/16`;
- a `gateway`, `ip_range` or `aux_addresses` entry outside its subnet;
- a service's static `ipv4_address`/`ipv6_address` outside every subnet of
  the network it joins, or used by two services of the same network;
- a subnet, gateway or address that is not valid at all.

Networks with the same Docker name (the same external network, or the same
project read from two files) are one network, not two.

## Why is this bad?
Docker refuses to create a network whose pool overlaps another one on the host
("Pool overlaps with other one on this address space"), refuses a gateway or a
static address outside the subnet, and two containers cannot hold the same
address. The project only fails when it starts, often on another machine.

## Example
```yaml
services:
  app:
    image: nginx:1.27
    networks: [front, back]
networks:
  front:
    ipam:
      config:
        - subnet: 10.10.0.0/16
  back:
    ipam:
      config:
        - subnet: 10.10.5.0/24
```

## Use instead
```yaml
services:
  app:
    image: nginx:1.27
    networks: [front, back]
networks:
  front:
    ipam:
      config:
        - subnet: 10.10.0.0/24
  back:
    ipam:
      config:
        - subnet: 10.10.5.0/24
```
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject, IpamConfig, Located, Network

META = RuleMeta(
    code="DC102",
    name="overlapping-subnets",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("correctness", "networking"),
    precision="very-high",
)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_BRIDGE = ipaddress.IPv4Network("172.17.0.0/16")


@dataclass(frozen=True)
class _Subnet:
    net: IPNetwork
    where: Located
    network: Network
    project: tuple[str, tuple[str, ...]]  # the project's name and files

    @property
    def label(self) -> str:
        return f"{self.network.key!r} ({self.where.file}:{self.where.span.line})"

    @property
    def text(self) -> str:
        return _shown(self.where, self.net)


def _shown(loc: Located, parsed: object) -> str:
    """A parsed address for a message; as written when a variable gave it its value."""
    return str(parsed) if loc.written is None else loc.shown


def _parse_net(text: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _invalid(what: str, loc: Located) -> Finding:
    return Finding(
        loc.span,
        f"{what} {loc.shown} is not a valid {'subnet (CIDR)' if what == 'subnet' else 'IP address'}",
        path=loc.file,
    )


def _inside(what: str, loc: Located, subnet: _Subnet) -> Iterator[Finding]:
    net, network = subnet.net, subnet.network
    if loc.unresolved:
        return
    if what == "ip_range":
        rng = _parse_net(loc.value)
        if rng is None:
            yield _invalid("subnet", loc)
        elif rng.version != net.version or not rng.subnet_of(net):  # type: ignore[arg-type]
            yield Finding(
                loc.span,
                f"ip_range {_shown(loc, rng)} of network {network.key!r} is not inside its "
                f"subnet {subnet.text}",
                path=loc.file,
            )
        return
    ip = _parse_ip(loc.value)
    if ip is None:
        yield _invalid(what, loc)
    elif ip not in net:
        yield Finding(
            loc.span,
            f"{what} {_shown(loc, ip)} of network {network.key!r} is outside its subnet "
            f"{subnet.text}",
            path=loc.file,
        )


def _configs(project: ComposeProject) -> Iterator[tuple[Network, IpamConfig]]:
    for network in project.networks:
        for config in network.ipam:
            yield network, config


def gather(project: Project) -> Iterator[_Subnet | Finding]:
    """What each project says alone (invalid values, the default bridge, addresses
    outside their subnet), and its subnets, which the check compares across projects."""
    for compose in project.compose:
        by_network: dict[str, list[_Subnet]] = {}
        for network, config in _configs(compose):
            if config.subnet is None or config.subnet.unresolved:
                continue
            net = _parse_net(config.subnet.value)
            if net is None:
                yield _invalid("subnet", config.subnet)
                continue
            subnet = _Subnet(net, config.subnet, network, (compose.name, compose.files))
            yield subnet
            by_network.setdefault(network.key, []).append(subnet)
            if isinstance(net, ipaddress.IPv4Network) and net.overlaps(DEFAULT_BRIDGE):
                yield Finding(
                    config.subnet.span,
                    f"subnet {subnet.text} of network {network.key!r} overlaps Docker's default bridge "
                    f"network {DEFAULT_BRIDGE} (docker0): the network cannot be created on a "
                    "default Docker host",
                    path=config.subnet.file,
                )
            for what, loc in (("gateway", config.gateway), ("ip_range", config.ip_range)):
                if loc is not None:
                    yield from _inside(what, loc, subnet)
            for name, loc in config.aux_addresses:
                yield from _inside(f"aux_addresses.{name}", loc, subnet)
        yield from _static_addresses(compose, by_network)


def check(facts: Sequence[_Subnet | Finding]) -> Iterator[Finding]:
    yield from (f for f in facts if isinstance(f, Finding))
    yield from _overlaps([f for f in facts if isinstance(f, _Subnet)])


def _overlaps(subnets: list[_Subnet]) -> Iterator[Finding]:
    """CIDR blocks are nested or disjoint: sort, then each one needs only its container."""
    ordered = sorted(
        subnets,
        key=lambda s: (
            s.net.version,
            int(s.net.network_address),
            s.net.prefixlen,
            s.where.file,
            s.where.span.line,
        ),
    )
    stack: list[_Subnet] = []
    for current in ordered:
        while stack and (
            stack[-1].net.version != current.net.version
            or int(stack[-1].net.broadcast_address) < int(current.net.network_address)
        ):
            stack.pop()
        other = next((s for s in reversed(stack) if s.network.name != current.network.name), None)
        if other is not None:
            relation = "is the same as" if other.net == current.net else "overlaps"
            same = other.project == current.project
            scope = "" if same else f" in project {other.project[0]!r}"
            yield Finding(
                current.where.span,
                f"subnet {current.text} of network {current.network.key!r} {relation} subnet "
                f"{other.text} of network {other.label}{scope}: Docker refuses to create "
                "overlapping networks on one host",
                path=current.where.file,
            )
        stack.append(current)


def _static_addresses(
    compose: ComposeProject, by_network: dict[str, list[_Subnet]]
) -> Iterator[Finding]:
    taken: dict[tuple[str, str], str] = {}
    for service in compose.services:
        for attachment in service.networks:
            nets = by_network.get(attachment.network, [])
            for loc in (attachment.ipv4_address, attachment.ipv6_address):
                if loc is None or loc.unresolved:
                    continue
                ip = _parse_ip(loc.value)
                if ip is None:
                    yield _invalid("address", loc)
                    continue
                same_family = [n for n in nets if n.net.version == ip.version]
                if same_family and not any(ip in n.net for n in same_family):
                    shown = ", ".join(n.text for n in same_family)
                    yield Finding(
                        loc.span,
                        f"service {service.name!r} has address {_shown(loc, ip)} on network "
                        f"{attachment.network!r}, outside its subnet {shown}",
                        path=loc.file,
                    )
                key = (attachment.network, str(ip))
                if key in taken:
                    yield Finding(
                        loc.span,
                        f"service {service.name!r} has address {_shown(loc, ip)} on network "
                        f"{attachment.network!r}, already given to service {taken[key]!r}",
                        path=loc.file,
                    )
                else:
                    taken[key] = service.name
