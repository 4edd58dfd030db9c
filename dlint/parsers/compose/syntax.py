"""Compose's short syntaxes: ``"127.0.0.1:8080:80/tcp"`` ports, ``name:/path:ro`` volumes."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from dlint.ir.text import quote

_WINDOWS_ABS = re.compile(r"^[a-zA-Z]:[\\/]")
_PORT = re.compile(r"^\d+(?:-\d+)?$")


class SyntaxProblem(ValueError):
    """A short-syntax value Compose cannot parse."""


@dataclass(frozen=True, slots=True)
class PortSpec:
    target: str
    published: str | None
    host_ip: str | None
    protocol: str


def parse_port(text: str) -> PortSpec:
    """``[[ip:]published:]target[/protocol]``, ranges and ``[::1]`` included."""
    spec = text.strip()
    protocol = "tcp"
    if "/" in spec:
        spec, protocol = spec.rsplit("/", 1)
        if not protocol:
            raise SyntaxProblem("empty protocol")
    host_ip: str | None = None
    if spec.startswith("["):
        close = spec.find("]")
        if close < 0:
            raise SyntaxProblem("missing ']' after the IPv6 address")
        host_ip = spec[1:close]
        spec = spec[close + 1 :].lstrip(":")
        parts = spec.split(":") if spec else []
    else:
        parts = spec.split(":")
        if len(parts) > 3:  # a bare IPv6 address
            host_ip = ":".join(parts[:-2])
            parts = parts[-2:]
        elif len(parts) == 3:
            host_ip = parts[0]
            parts = parts[1:]
    if not parts or len(parts) > 2:
        raise SyntaxProblem("too many ':'-separated parts")
    target = parts[-1]
    published = parts[0] if len(parts) == 2 else None
    for value in (target, published):
        if value is not None and value != "" and not _PORT.match(value):
            raise SyntaxProblem(f"{quote(value)} is not a port or port range")
    if not target:
        raise SyntaxProblem("no container port")
    if host_ip:
        try:
            ipaddress.ip_address(host_ip)
        except ValueError:
            raise SyntaxProblem(f"{quote(host_ip)} is not an IP address") from None
    return PortSpec(target, published or None, host_ip or None, protocol.lower())


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    type: str  # "volume" or "bind"
    source: str | None
    target: str
    read_only: bool
    mode: str | None


def _split_volume(text: str) -> list[str]:
    """Split on ``:`` without breaking Windows drive letters (``C:\\data:/data``)."""
    parts: list[str] = []
    rest = text
    while rest:
        nxt = rest.find(":", 2) if _WINDOWS_ABS.match(rest) else rest.find(":")
        if nxt < 0:
            parts.append(rest)
            break
        parts.append(rest[:nxt])
        rest = rest[nxt + 1 :]
        if rest == "":
            parts.append("")
    return parts


def is_path(source: str) -> bool:
    """A bind-mount source (a host path) rather than a volume name."""
    return source.startswith((".", "/", "~", "\\\\", "$")) or bool(_WINDOWS_ABS.match(source))


def parse_volume(text: str) -> VolumeSpec | None:
    """``[source:]target[:mode]``; None when there is no target at all."""
    parts = _split_volume(text)
    if not parts or (not parts[-1] and len(parts) == 1):
        return None
    mode: str | None = None
    if len(parts) >= 3:
        mode = parts[2]
        parts = parts[:2]
    if len(parts) == 1:
        return VolumeSpec("volume", None, parts[0], False, mode)
    source, target = parts
    read_only = mode is not None and "ro" in mode.split(",")
    kind = "bind" if is_path(source) else "volume"
    return VolumeSpec(kind, source or None, target, read_only, mode)
