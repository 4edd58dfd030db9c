"""Image references (``registry/repo:tag@digest``), parsed and normalised."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dlint.ir.common import Span

DEFAULT_REGISTRY = "docker.io"
_REGISTRY_ALIASES = {"index.docker.io": DEFAULT_REGISTRY, "registry-1.docker.io": DEFAULT_REGISTRY}
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference.

    ``postgres``, ``library/postgres`` and ``docker.io/library/postgres`` all
    have registry ``docker.io`` and repository ``library/postgres``.
    """

    text: str  # as written, after variable substitution
    registry: str
    repository: str
    tag: str | None
    digest: str | None
    span: Span
    unresolved: tuple[str, ...] = ()  # variables without a known value
    valid: bool = True
    written: str | None = None  # as the file writes it, when variables were substituted

    @property
    def shown(self) -> str:
        """The reference for a message: never a value substituted from an env file."""
        return self.written if self.written is not None else self.text

    @property
    def name(self) -> str:
        """The short name Docker users write: ``postgres``, ``bitnami/redis``."""
        if self.registry == DEFAULT_REGISTRY:
            if self.repository.startswith("library/"):
                return self.repository[len("library/") :]
            return self.repository
        return f"{self.registry}/{self.repository}"

    @property
    def pinned(self) -> bool:
        return self.digest is not None

    @staticmethod
    def parse(
        text: str, span: Span, unresolved: tuple[str, ...] = (), written: str | None = None
    ) -> ImageRef:
        """Parse ``text``; an unparsable reference has ``valid=False``."""
        rest = text
        digest: str | None = None
        if "@" in rest:
            rest, digest = rest.split("@", 1)
        tag: str | None = None
        slash = rest.rfind("/")
        colon = rest.rfind(":")
        if colon > slash:
            rest, tag = rest[:colon], rest[colon + 1 :]
        registry = DEFAULT_REGISTRY
        path = rest
        first, sep, remainder = rest.partition("/")
        if sep and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
            registry = _REGISTRY_ALIASES.get(first, first)
            path = remainder
        if registry == DEFAULT_REGISTRY and "/" not in path:
            path = "library/" + path
        valid = (
            bool(path)
            and all(_PATH_COMPONENT.match(c) for c in path.split("/"))
            and (tag is None or bool(_TAG.match(tag)))
            and (digest is None or bool(_DIGEST.match(digest)))
        )
        return ImageRef(text, registry, path, tag, digest, span, unresolved, valid, written)
