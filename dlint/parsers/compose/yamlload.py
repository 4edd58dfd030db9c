"""Read YAML into positioned nodes, safely and the way Compose reads it.

- Only PyYAML's node composer is used: no tag ever constructs a Python object,
  and a ``!!python/...`` tag is an error.
- Scalars are typed with YAML 1.2's core schema (Compose uses a YAML 1.2
  parser): ``22:22`` stays a string, ``on`` and ``yes`` are strings.
- Anchors, aliases and ``<<`` merge keys are resolved. A node shared through
  aliases is converted once, and the size of the expanded document is bounded,
  so an alias bomb costs neither time nor memory.
- libyaml's loader is used when PyYAML has it, the pure-Python one otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import yaml

from dlint.ir.common import Span
from dlint.ir.yaml import Scalar, YMapping, YNode, YScalar, YSequence

# Past this many nodes once aliases are expanded, a document is refused.
MAX_EXPANDED_NODES = 250_000
# Deeper nesting than this (aliases expanded) is refused: no Compose file comes close,
# and every later step walks the tree.
MAX_DEPTH = 100

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_IMPLICIT = "!dlint-plain"


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Marks untagged plain scalars, which are typed with YAML 1.2 below."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit and implicit[0]:
            return _IMPLICIT
        return super().resolve(kind, value, implicit)


_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_CORE = "tag:yaml.org,2002:"
_PYTHON = _CORE + "python/"
_TYPED = frozenset({_IMPLICIT, *(_CORE + t for t in ("int", "float", "bool", "null"))})


class YamlError(ValueError):
    """The text is not YAML that Compose can read."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Readable, but Compose would refuse it (a duplicate key)."""

    message: str
    span: Span


def type_plain(text: str) -> Scalar:
    """A plain scalar's value under YAML 1.2's core schema."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # past Python's 4,300 digits: yaml.v3 keeps such a number a string
            return text
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def _end_at(span: Span, last: Span) -> Span:
    """A block collection ends with its last child (not where the next token starts)."""
    if (last.end_line, last.end_column) < (span.line, span.column):
        return span  # a child written elsewhere (an alias): keep the collection's own
    return Span(span.line, span.column, last.end_line, last.end_column)


class _Positions:
    """Character offsets as dlint's lines and columns.

    YAML also breaks lines at a lone ``\r``, at U+0085, U+2028 and U+2029; dlint's
    lines (like every reporter's) end at ``\n`` only. So positions are taken from
    each mark's offset, never from its own line and column.
    """

    def __init__(self, text: str) -> None:
        starts = [0]
        at = text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        self.starts = starts
        self.length = len(text)

    def at(self, index: int) -> tuple[int, int]:
        index = min(max(index, 0), self.length)
        line = bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def width(self, line: int) -> int:
        end = self.starts[line] - 1 if line < len(self.starts) else self.length
        return end - self.starts[line - 1]

    def span(self, node: Any) -> Span:
        """``at`` of the node's start and end, in one go (one call per node)."""
        starts, length = self.starts, self.length
        start = min(max(node.start_mark.index, 0), length)
        end = min(max(node.end_mark.index, 0), length)
        line = bisect_right(starts, start)
        end_line = bisect_right(starts, end)
        return Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1)


@dataclass
class _Converter:
    file: str
    positions: _Positions
    memo: dict[int, YNode] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    depths: dict[int, int] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    level: int = 0  # how deep in the document the conversion is

    def size(self, node: YNode) -> int:
        return self.sizes.get(id(node), 1)

    def depth(self, node: YNode) -> int:
        return self.depths.get(id(node), 1)

    def convert(self, node: Any) -> YNode:
        key = id(node)
        done = self.memo.get(key)
        if done is not None:
            return done
        if self.level >= MAX_DEPTH:
            raise YamlError(
                f"nested more than {MAX_DEPTH} levels deep; refusing to read it",
                self.positions.span(node),
            )
        self.level += 1
        try:
            out, size, depth = self._convert(node)
        finally:
            self.level -= 1
        if size > MAX_EXPANDED_NODES:
            raise YamlError(
                f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes through "
                "aliases (an alias bomb?); refusing to read it",
                self.positions.span(node),
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                f"nested more than {MAX_DEPTH} levels deep once aliases are expanded; "
                "refusing to read it",
                self.positions.span(node),
            )
        self.memo[key] = out
        self.sizes[id(out)] = size
        self.depths[id(out)] = depth
        return out

    def _convert(self, node: Any) -> tuple[YNode, int, int]:
        """The node, its size and its depth, aliases expanded."""
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node), 1, 1
        if isinstance(node, yaml.SequenceNode):
            items = tuple(self.convert(item) for item in node.value)
            span = self.positions.span(node)
            if items and not node.flow_style:
                span = _end_at(span, items[-1].span)
            out = YSequence(items, span, self.file, self._local_tag(node))
            size = 1 + sum(self.size(i) for i in items)
            return out, size, 1 + max((self.depth(i) for i in items), default=0)
        if isinstance(node, yaml.MappingNode):
            mapping, size = self._mapping(node)
            depth = 1 + max((self.depth(v) for _, v in mapping.pairs), default=0)
            return mapping, size, depth
        # pragma: no cover - PyYAML has no other node kinds
        raise YamlError(f"unsupported YAML node {type(node).__name__}", self.positions.span(node))

    def _local_tag(self, node: Any) -> str | None:
        tag = node.tag or ""
        if tag.startswith(_PYTHON):
            raise YamlError(
                f"YAML tag {tag.replace(_CORE, '!!')} is not allowed in a Compose file (it would run code)",
                self.positions.span(node),
            )
        if tag.startswith("!") and not tag.startswith("!!") and tag != _IMPLICIT:
            return tag
        return None

    def _scalar(self, node: Any) -> YScalar:
        tag = self._local_tag(node)
        text = node.value
        quoted = bool(node.style)  # libyaml gives "" for plain scalars, PyYAML None
        value: Scalar = text
        if node.tag in _TYPED:
            value = type_plain(text)
        style = node.style or ""
        return YScalar(value, text, self.positions.span(node), self.file, quoted, tag, style=style)

    def _mapping(self, node: Any) -> tuple[YMapping, int]:
        explicit: list[tuple[YScalar, YNode]] = []
        merged: list[tuple[YScalar, YNode]] = []
        seen: dict[Any, YScalar] = {}
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.value == "<<"
                and key_node.tag == _IMPLICIT
            ):
                merged.extend(self._merge_sources(value_node))
                continue
            key = self.convert(key_node)
            if not isinstance(key, YScalar):
                raise YamlError(
                    "a mapping key must be a scalar, not a collection",
                    self.positions.span(key_node),
                )
            value = self.convert(value_node)
            ident = (type(key.value).__name__, key.value)
            first = seen.get(ident)
            if first is not None:
                self.problems.append(
                    YamlProblem(
                        f"duplicate key {key.text!r} (first defined at line {first.span.line})",
                        key.span,
                    )
                )
                explicit = [
                    (k, v) for k, v in explicit if (type(k.value).__name__, k.value) != ident
                ]
            seen[ident] = key
            explicit.append((key, value))
        pairs = list(explicit)
        have = {(type(k.value).__name__, k.value) for k, _ in explicit}
        for key, value in merged:
            ident = (type(key.value).__name__, key.value)
            if ident not in have:
                have.add(ident)
                pairs.append((key, value))
        size = 1 + sum(self.size(k) + self.size(v) for k, v in pairs)
        span = self.positions.span(node)
        if explicit and not node.flow_style:
            span = _end_at(span, explicit[-1][1].span)
        return YMapping(tuple(pairs), span, self.file, self._local_tag(node)), size

    def _merge_sources(self, value_node: Any) -> list[tuple[YScalar, YNode]]:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        out: list[tuple[YScalar, YNode]] = []
        for source in sources:
            converted = self.convert(source)
            if not isinstance(converted, YMapping):
                raise YamlError(
                    "a << merge key needs a mapping or a list of mappings",
                    self.positions.span(source),
                )
            out.extend(converted.pairs)
        return out


def load_yaml(text: str, file: str) -> tuple[list[YNode], list[YamlProblem]]:
    """The documents of ``text``; raises YamlError where YAML cannot be read."""
    loader = _Loader(text)
    positions = _Positions(text)
    converter = _Converter(file, positions)
    documents: list[YNode] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(converter.convert(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = positions.at(mark.index) if mark is not None else (1, 1)
        if col == 1 and line > 1 and line == len(positions.starts) and positions.width(line) == 0:
            line -= 1  # the end of the stream, after the last newline: the end of the last line
            col = positions.width(line) + 1
        end = min(col + 1, positions.width(line) + 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {problem}", Span(line, col, line, end)) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", Span.point(1)) from None
    finally:
        loader.dispose()
    return documents, converter.problems
