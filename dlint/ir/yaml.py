"""YAML documents as trees of positioned nodes (what Compose files are made of).

Values follow YAML 1.2's core schema, as Compose reads them: ``22:22`` is the
string ``"22:22"`` (not YAML 1.1's base-60 integer) and ``on``/``yes`` are
strings. Each node keeps its source text, its span and the file it came from,
so findings point at the exact place even after files are merged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.common import Span

Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class YScalar:
    value: Scalar
    text: str  # the scalar as written (quotes removed)
    span: Span
    file: str
    quoted: bool = False
    tag: str | None = None  # an explicit local tag such as "!reset"
    # variables the value was interpolated from that had no value (see interpolation)
    unresolved: tuple[str, ...] = ()
    raw: str | None = None  # the text before interpolation, when it changed
    style: str = ""  # how it is written: "" plain, "'", '"', "|" or ">"

    @property
    def is_string(self) -> bool:
        return isinstance(self.value, str)

    @property
    def written(self) -> str:
        """The text as the file writes it: ``${NAME}`` stays, never a substituted value.

        Messages quote this, so no value from an env file or the environment
        reaches a published finding."""
        return self.raw if self.raw is not None else self.text


@dataclass(frozen=True, slots=True)
class YSequence:
    items: tuple[YNode, ...]
    span: Span
    file: str
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class YMapping:
    pairs: tuple[tuple[YScalar, YNode], ...]
    span: Span
    file: str
    tag: str | None = None

    def get(self, key: str) -> YNode | None:
        for k, v in self.pairs:
            if k.value == key or k.text == key:
                return v
        return None

    def key_node(self, key: str) -> YScalar | None:
        for k, _ in self.pairs:
            if k.value == key or k.text == key:
                return k
        return None

    def keys(self) -> Iterator[str]:
        for k, _ in self.pairs:
            yield str(k.value) if k.value is not None else k.text

    def items(self) -> Iterator[tuple[str, YNode]]:
        for k, v in self.pairs:
            yield (str(k.value) if k.value is not None else k.text), v


YNode = YScalar | YSequence | YMapping


def node_text(node: YNode | None) -> str | None:
    """A scalar's value as a string (numbers too); None for anything else."""
    if not isinstance(node, YScalar) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "true" if node.value else "false"
    if isinstance(node.value, str):
        return node.value
    return node.text if node.text else str(node.value)


def walk(node: YNode) -> Iterator[YNode]:
    """``node`` and every node under it, mapping keys included, in document order."""
    yield node
    if isinstance(node, YMapping):
        for key, value in node.pairs:
            yield key
            yield from walk(value)
    elif isinstance(node, YSequence):
        for item in node.items:
            yield from walk(item)
