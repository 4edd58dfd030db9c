"""Compose's merge rules, applied to positioned YAML nodes.

Follows compose-go's ``override`` package (Apache-2.0): mappings merge
recursively, sequences append, ``command``/``entrypoint``/``healthcheck.test``
are replaced, list-or-mapping fields (environment, labels, ...) merge as
mappings, ``ports``/``volumes``/``expose``/``secrets``/``configs`` keep one entry
per key, ``!reset`` removes a value and ``!override`` replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, node_text

Path = tuple[str, ...]


class MergeError(ValueError):
    def __init__(self, message: str, node: YNode) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def _matches(path: Path, pattern: Path) -> bool:
    return len(path) == len(pattern) and all(
        p == "*" or p == q for p, q in zip(pattern, path, strict=True)
    )


_REPLACED: tuple[Path, ...] = (
    ("services", "*", "command"),
    ("services", "*", "entrypoint"),
    ("services", "*", "healthcheck", "test"),
)
# Fields written as a list or a mapping; merged as mappings.
_AS_MAPPING: tuple[tuple[Path, str], ...] = (
    (("services", "*", "environment"), "="),
    (("services", "*", "labels"), "="),
    (("services", "*", "annotations"), "="),
    (("services", "*", "sysctls"), "="),
    (("services", "*", "extra_hosts"), "extra_hosts"),
    (("services", "*", "build", "args"), "="),
    (("services", "*", "build", "labels"), "="),
    (("services", "*", "build", "additional_contexts"), "="),
    (("services", "*", "build", "extra_hosts"), "extra_hosts"),
    (("services", "*", "deploy", "labels"), "="),
    (("services", "*", "depends_on"), "depends_on"),
    (("services", "*", "networks"), "names"),
    (("networks", "*", "labels"), "="),
    (("volumes", "*", "labels"), "="),
)


def _string_key(node: YNode) -> str | None:
    return node_text(node)


def _port_key(node: YNode) -> str | None:
    if isinstance(node, YMapping):
        fields = [
            node_text(node.get(k)) or "" for k in ("host_ip", "published", "target", "protocol")
        ]
        return ":".join(fields)
    return node_text(node)


def _volume_key(node: YNode) -> str | None:
    if isinstance(node, YMapping):
        return node_text(node.get("target"))
    text = node_text(node)
    if text is None:
        return None
    from dlint.parsers.compose.syntax import parse_volume

    parsed = parse_volume(text)
    return parsed.target if parsed else text


def _mount_key(default: str) -> Callable[[YNode], str | None]:
    def key(node: YNode) -> str | None:
        if isinstance(node, YMapping):
            target = node_text(node.get("target"))
            return target or f"{default}/{node_text(node.get('source'))}"
        return f"{default}/{node_text(node)}"

    return key


_UNIQUE: tuple[tuple[Path, Callable[[YNode], str | None]], ...] = (
    (("services", "*", "ports"), _port_key),
    (("services", "*", "volumes"), _volume_key),
    (("services", "*", "expose"), _string_key),
    (("services", "*", "secrets"), _mount_key("/run/secrets")),
    (("services", "*", "configs"), _mount_key("")),
)


def as_mapping(node: YNode, style: str) -> YNode:
    """A list form (``- KEY=value``, ``- name``) as the equivalent mapping."""
    if not isinstance(node, YSequence):
        return node
    pairs: list[tuple[YScalar, YNode]] = []
    for item in node.items:
        if not isinstance(item, YScalar):
            return node  # not a list of strings: leave it to the schema to complain
        text = node_text(item) or ""
        if style in ("names", "depends_on"):
            key, value = text, None
        else:
            sep = "="
            if style == "extra_hosts" and "=" not in text:
                sep = ":"
            key, eq, rest = text.partition(sep)
            value = rest if eq else None
        key_node = YScalar(key, key, item.span, item.file, item.quoted, None, item.unresolved)
        value_node: YNode
        if style == "depends_on":  # compose-go's long form of `- name`
            value_node = YMapping(
                (
                    (_scalar("condition", item), _scalar("service_started", item)),
                    (_scalar("required", item), _scalar(True, item)),
                ),
                item.span,
                item.file,
            )
        elif style == "names":
            value_node = YMapping((), item.span, item.file)
        else:
            value_node = YScalar(
                value, value or "", item.span, item.file, item.quoted, None, item.unresolved
            )
        pairs.append((key_node, value_node))
    return YMapping(tuple(pairs), node.span, node.file, node.tag)


def _scalar(value: str | bool, at: YScalar) -> YScalar:
    """A value Compose fills in itself, placed where the item that implies it is."""
    text = str(value).lower() if isinstance(value, bool) else value
    return YScalar(value, text, at.span, at.file)


def merge(base: YNode, over: YNode, path: Path = ()) -> YNode:
    """``over`` merged onto ``base`` (as a later Compose file does)."""
    if over.tag == "!override":
        return _untag(over)
    if any(_matches(path, p) for p in _REPLACED):
        return over
    for pattern, style in _AS_MAPPING:
        if _matches(path, pattern):
            base, over = as_mapping(base, style), as_mapping(over, style)
            break
    if isinstance(base, YMapping) and isinstance(over, YMapping):
        return _merge_mappings(base, over, path)
    if isinstance(base, YSequence) and isinstance(over, YSequence):
        items = base.items + over.items
        for pattern, key in _UNIQUE:
            if _matches(path, pattern):
                items = _unique(items, key)
                break
        return YSequence(items, over.span, over.file, over.tag)
    if isinstance(base, YMapping | YSequence) and isinstance(over, YMapping | YSequence):
        raise MergeError(
            f"cannot override {'.'.join(path)}: a {_kind(over)} cannot replace a {_kind(base)}",
            over,
        )
    return over


def _kind(node: YNode) -> str:
    return (
        "mapping"
        if isinstance(node, YMapping)
        else "sequence"
        if isinstance(node, YSequence)
        else "value"
    )


def _merge_mappings(base: YMapping, over: YMapping, path: Path) -> YMapping:
    pairs = list(base.pairs)
    index = {str(k.value): i for i, (k, _) in enumerate(pairs)}
    removed: set[int] = set()
    for key, value in over.pairs:
        name = str(key.value)
        at = index.get(name)
        if value.tag == "!reset":
            if at is not None:
                removed.add(at)
            continue
        if at is None:
            index[name] = len(pairs)
            pairs.append((key, value))
        elif name.startswith("x-"):
            pairs[at] = (key, value)
        else:
            pairs[at] = (key, merge(pairs[at][1], value, (*path, name)))
    kept = tuple(p for i, p in enumerate(pairs) if i not in removed)
    return YMapping(kept, over.span, over.file, None)


def _unique(items: tuple[YNode, ...], key: Callable[[YNode], str | None]) -> tuple[YNode, ...]:
    out: list[YNode] = []
    where: dict[str, int] = {}
    for item in items:
        k = key(item)
        if k is None:
            out.append(item)
            continue
        if k in where:
            out[where[k]] = item
        else:
            where[k] = len(out)
            out.append(item)
    return tuple(out)


def _untag(node: YNode) -> YNode:
    if isinstance(node, YMapping):
        return YMapping(node.pairs, node.span, node.file)
    if isinstance(node, YSequence):
        return YSequence(node.items, node.span, node.file)
    return YScalar(
        node.value,
        node.text,
        node.span,
        node.file,
        node.quoted,
        None,
        node.unresolved,
        node.raw,
        node.style,
    )


def strip_tags(node: YNode) -> YNode:
    """Apply ``!reset``/``!override`` left in a single file: drop reset keys, untag."""
    if isinstance(node, YMapping):
        pairs = tuple((k, strip_tags(v)) for k, v in node.pairs if v.tag != "!reset")
        return YMapping(pairs, node.span, node.file)
    if isinstance(node, YSequence):
        return YSequence(
            tuple(strip_tags(i) for i in node.items if i.tag != "!reset"), node.span, node.file
        )
    return _untag(node) if node.tag in ("!reset", "!override") else node
