"""Compose's variable interpolation and ``.env`` files, as compose-go does them.

``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+alt}``, ``${VAR+alt}``, nested
defaults, and ``$$`` for a literal ``$``. A name without a value is recorded, so
rules can say a value depends on it instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence
from dlint.parsers.compose.yamlload import type_plain

_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_BRACED = re.compile(r"([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-+?])(.*))?\Z", re.DOTALL)


class TemplateError(ValueError):
    """An invalid ``${...}`` (Compose refuses the file)."""


@dataclass
class Interpolated:
    value: str
    unresolved: list[str] = field(default_factory=list)  # names used without a value
    required: list[tuple[str, str]] = field(default_factory=list)  # ${X:?msg} unmet


def _closing(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``${`` whose content starts at ``start``."""
    depth = 1
    i = start
    while i < len(text):
        if text.startswith("$$", i):
            i += 2
            continue
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def interpolate(text: str, env: Mapping[str, str]) -> Interpolated:
    """Substitute variables in ``text``; raises TemplateError for a bad template."""
    result = Interpolated("")
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch != "$" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            end = _closing(text, i + 2)
            if end < 0:
                raise TemplateError(f"Invalid template: {text!r} (missing '}}')")
            out.append(_braced(text[i + 2 : end], text, env, result))
            i = end + 1
            continue
        m = _NAME.match(text, i + 1)
        if m is None:
            out.append("$")
            i += 1
            continue
        name = m.group(0)
        if name in env:
            out.append(env[name])
        else:
            result.unresolved.append(name)
        i = m.end()
    result.value = "".join(out)
    return result


def _braced(content: str, whole: str, env: Mapping[str, str], result: Interpolated) -> str:
    m = _BRACED.match(content)
    if m is None:
        raise TemplateError(f"Invalid template: {whole!r}")
    name, op, arg = m.group(1), m.group(2), m.group(3) or ""
    present = name in env
    value = env.get(name, "")
    if op is None:
        if not present:
            result.unresolved.append(name)
        return value

    def sub(text: str) -> str:
        inner = interpolate(text, env)
        result.unresolved.extend(inner.unresolved)
        result.required.extend(inner.required)
        return inner.value

    empty_counts = op.startswith(":")
    missing = not present or (empty_counts and value == "")
    kind = op[-1]
    if kind == "-":
        return sub(arg) if missing else value
    if kind == "+":
        return "" if missing else sub(arg)
    # "?": required
    if missing:
        result.required.append((name, sub(arg) or "is missing a value"))
        return ""
    return value


@dataclass
class InterpolationLog:
    """What interpolating a tree found: unset names and unmet requirements, by node."""

    unresolved: list[tuple[str, YScalar]] = field(default_factory=list)
    required: list[tuple[str, str, YScalar]] = field(default_factory=list)
    errors: list[tuple[str, YScalar]] = field(default_factory=list)


def interpolate_tree(node: YNode, env: Mapping[str, str], log: InterpolationLog) -> YNode:
    """A copy of ``node`` with every string scalar interpolated (keys are left alone)."""
    if isinstance(node, YScalar):
        return _scalar(node, env, log)
    if isinstance(node, YSequence):
        return YSequence(
            tuple(interpolate_tree(i, env, log) for i in node.items), node.span, node.file, node.tag
        )
    pairs = tuple(
        (k, v if str(k.value).startswith("x-") else interpolate_tree(v, env, log))
        for k, v in node.pairs
    )
    return YMapping(pairs, node.span, node.file, node.tag)


def _scalar(node: YScalar, env: Mapping[str, str], log: InterpolationLog) -> YScalar:
    if not isinstance(node.value, str) or "$" not in node.value:
        return node
    try:
        done = interpolate(node.value, env)
    except TemplateError as exc:
        log.errors.append((str(exc), node))
        return node
    for name in done.unresolved:
        log.unresolved.append((name, node))
    for name, message in done.required:
        log.required.append((name, message, node))
    if done.value == node.value and not done.unresolved:
        return node
    # Compose casts interpolated values where its model wants numbers or booleans
    value = type_plain(done.value) if done.value else done.value
    return YScalar(
        value,
        done.value,
        node.span,
        node.file,
        node.quoted,
        node.tag,
        tuple(dict.fromkeys(done.unresolved)),
        node.value,
    )


def parse_dotenv(text: str, lookup: Mapping[str, str] | None = None) -> dict[str, str]:
    """A ``.env`` file, the way Compose reads it (``export``, quotes, comments)."""
    values: dict[str, str] = {}
    env = dict(lookup or {})
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i].strip()
        i += 1
        if not raw or raw.startswith("#"):
            continue
        if raw.startswith("export "):
            raw = raw[len("export ") :].lstrip()
        key, sep, rest = raw.partition("=")
        key = key.strip()
        if not sep:
            if key in env:
                values[key] = env[key]
            continue
        rest = rest.lstrip()
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            body = rest[1:]
            while _unclosed(body, quote) and i < len(lines):
                body += "\n" + lines[i]
                i += 1
            end = _close_index(body, quote)
            value = body[:end] if end >= 0 else body
            if quote == '"':
                value = _unescape_double(value)
                value = _expand_dotenv(value, {**env, **values})
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
            value = _expand_dotenv(value, {**env, **values})
        values[key] = value
    return values


def _close_index(body: str, quote: str) -> int:
    i = 0
    while i < len(body):
        if quote == '"' and body[i] == "\\":
            i += 2
            continue
        if body[i] == quote:
            return i
        i += 1
    return -1


def _unclosed(body: str, quote: str) -> bool:
    return _close_index(body, quote) < 0


_DQ_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def _unescape_double(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _DQ_ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _expand_dotenv(value: str, env: Mapping[str, str]) -> str:
    try:
        return interpolate(value, env).value
    except TemplateError:
        return value
