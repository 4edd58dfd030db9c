"""What Compose rules read the same way: the node a mount is written at, and values
with their variable references masked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, node_text

if TYPE_CHECKING:  # the Compose IR is imported only when a Compose file is linted
    from dlint.ir.common import Span
    from dlint.ir.compose import ComposeProject, Located, Service, ServiceMount
    from dlint.ir.image import ImageRef

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def mask(text: str) -> str:
    """``text`` with each variable reference (``${...}``, ``$NAME``) replaced by NUL and
    ``$$`` by ``$``."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "$" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "{":
                depth, j = 0, i + 1
                while j < len(text):
                    if text[j] == "{":
                        depth += 1
                    elif text[j] == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                out.append("\0")
                i = j + 1
                continue
            m = _NAME.match(text, i + 1)
            if m is not None:
                out.append("\0")
                i = m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def mount_node(mount: ServiceMount, service: Service) -> tuple[YNode, str] | None:
    """The node to point at and the text to quote: the volume string (short syntax)
    or the ``source:`` of a long-syntax mount."""
    volumes = service.get("volumes")
    items = volumes.items if isinstance(volumes, YSequence) else ()
    for item in items:
        if item.span != mount.span or item.file != mount.file:
            continue
        if isinstance(item, YScalar):
            return item, item.written
        if isinstance(item, YMapping):
            source = item.get("source")
            if isinstance(source, YScalar):
                return source, source.written
    return None


def built_images(project: ComposeProject) -> set[str]:
    """The image names services with ``build:`` give their output."""
    out = set()
    for service in project.services:
        if service.get("build") is not None and service.image is not None:
            out.add(service.image.text)
            out.add(service.image.name)
    return out


def pulled_image(service: Service, built: set[str]) -> tuple[ImageRef, Located] | None:
    """The image ``service`` pulls from a registry, and its ``image:`` node, when its
    name and tag are known: None for a service that builds, an image another service
    builds (``built``: see built_images), and a name or tag that comes from a variable
    (the version is chosen where the variable is set)."""
    ref, node = service.image, service.image_node
    if ref is None or node is None or service.get("build") is not None or not ref.valid:
        return None
    written = node.written if node.written is not None else node.value
    last = mask(written).split("@", 1)[0].rsplit("/", 1)[-1]
    if "\0" in last or ref.unresolved:
        return None
    if ref.text in built or (ref.tag is None and ref.name in built):
        return None
    return ref, node


def port_items(service: Service) -> dict[tuple[str, Span], YNode]:
    """The ``ports:`` entries of a service by where they are written (file, span): the
    node each ``Port`` of the IR was read from is ``port_items(s)[(port.file, port.span)]``."""
    ports = service.get("ports")
    if not isinstance(ports, YSequence):
        return {}
    return {(item.file, item.span): item for item in ports.items}


def run_together(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether services with the profiles ``a`` and ``b`` are meant to run at once: a
    service without profiles always runs, and two with profiles when they share one.
    Services of disjoint profiles are alternatives (``dev`` and ``prod``)."""
    return not a or not b or bool(a & b)


def replica_counts(service: Service) -> list[tuple[str, int, YScalar]]:
    """The container counts a service asks for (``deploy.replicas``, ``scale``) that are
    known numbers: the key, the count and the value's node."""
    deploy = service.get("deploy")
    out = []
    for key, node in (
        ("deploy.replicas", deploy.get("replicas") if isinstance(deploy, YMapping) else None),
        ("scale", service.get("scale")),
    ):
        if not isinstance(node, YScalar) or node.unresolved:
            continue
        text = node_text(node)
        if text is not None and text.isdigit():
            out.append((key, int(text), node))
    return out
