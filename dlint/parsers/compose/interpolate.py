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
_OPERATORS = (":-", ":+", ":?", "-", "+", "?")
# Deeper ``${A:-${B:-...}}`` nesting than this is refused (no real file comes close).
MAX_DEPTH = 50
_QUOTE_LIMIT = 80


class TemplateError(ValueError):
    """An invalid ``${...}`` (Compose refuses the file)."""


class TooDeep(TemplateError):
    """Variables nested deeper than MAX_DEPTH: dlint does not expand the value."""


def _clip(text: str) -> str:
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


@dataclass
class Interpolated:
    value: str
    unresolved: list[str] = field(default_factory=list)  # names used without a value
    # ${X:?msg} unmet: the name and its message as written (never a substituted value)
    required: list[tuple[str, str]] = field(default_factory=list)
    used: dict[str, str] = field(default_factory=dict)  # names substituted, with their values


def _closings(text: str) -> dict[int, int]:
    """For each ``${`` (index of its ``$``), the index of the ``}`` that closes it.

    One pass, the way compose-go's scanner pairs them: ``$$`` is one token, a
    ``${`` opens, a ``}`` closes the innermost open one. An unclosed ``${`` is
    left out.
    """
    out: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "$" and i + 1 < n:
            if text[i + 1] == "$":
                i += 2
                continue
            if text[i + 1] == "{":
                stack.append(i)
                i += 2
                continue
        elif ch == "}" and stack:
            out[stack.pop()] = i
        i += 1
    return out


class _Expander:
    """Substitutes one text; each character is read a bounded number of times."""

    def __init__(self, text: str, env: Mapping[str, str]) -> None:
        self.text = text
        self.env = env
        self.closing = _closings(text) if "${" in text else {}
        self.result = Interpolated("")

    def span(self, start: int, end: int, depth: int) -> str:
        """``text[start:end]`` with its variables substituted."""
        if depth > MAX_DEPTH:
            raise TooDeep(f"variables nested more than {MAX_DEPTH} levels deep")
        text = self.text
        out: list[str] = []
        i = start
        while i < end:
            at = text.find("$", i, end)
            if at < 0:
                out.append(text[i:end])
                break
            out.append(text[i:at])
            i = at
            if i + 1 >= end:
                out.append("$")
                i += 1
                continue
            nxt = text[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "{":
                close = self.closing.get(i, -1)
                if close < 0 or close >= end:
                    raise TemplateError(f"Invalid template: {_clip(self.text)!r} (missing '}}')")
                out.append(self.braced(i + 2, close, depth))
                i = close + 1
                continue
            m = _NAME.match(text, i + 1, end)
            if m is None:
                out.append("$")
                i += 1
                continue
            out.append(self.lookup(m.group(0)))
            i = m.end()
        return "".join(out)

    def lookup(self, name: str) -> str:
        if name in self.env:
            value = self.result.used[name] = self.env[name]
            return value
        self.result.unresolved.append(name)
        return ""

    def braced(self, start: int, end: int, depth: int) -> str:
        """The value of ``${...}`` whose content is ``text[start:end]``."""
        text = self.text
        m = _NAME.match(text, start, end)
        op = next((o for o in _OPERATORS if m and text.startswith(o, m.end(), end)), None)
        if m is None or (op is None and m.end() != end):
            raise TemplateError(f"Invalid template: {_clip(self.text)!r}")
        name = m.group(0)
        if op is None:
            return self.lookup(name)
        present = name in self.env
        value = self.env.get(name, "")
        if present:
            self.result.used[name] = value
        arg_start = m.end() + len(op)
        missing = not present or (op.startswith(":") and value == "")
        kind = op[-1]
        if kind == "-":
            return self.span(arg_start, end, depth + 1) if missing else value
        if kind == "+":
            return "" if missing else self.span(arg_start, end, depth + 1)
        # "?": required
        if missing:
            message = text[arg_start:end] or "is missing a value"
            self.result.required.append((name, _clip(message)))
            return ""
        return value


def interpolate(text: str, env: Mapping[str, str]) -> Interpolated:
    """Substitute variables in ``text``; raises TemplateError for a bad template."""
    expander = _Expander(text, env)
    expander.result.value = expander.span(0, len(text), 0)
    return expander.result


@dataclass
class InterpolationLog:
    """What interpolating a tree found: unset names and unmet requirements, by node."""

    unresolved: list[tuple[str, YScalar]] = field(default_factory=list)
    required: list[tuple[str, str, YScalar]] = field(default_factory=list)
    errors: list[tuple[str, YScalar]] = field(default_factory=list)  # bad templates
    limits: list[tuple[str, YScalar]] = field(default_factory=list)  # too deep to expand
    used: dict[str, str] = field(default_factory=dict)  # values that came from outside the file


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
    except TooDeep as exc:
        log.limits.append((f"{exc}; dlint does not expand this value", node))
        return node
    except TemplateError as exc:
        log.errors.append((str(exc), node))
        return node
    log.used.update(done.used)
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
        node.style,
    )


def parse_dotenv(text: str, lookup: Mapping[str, str] | None = None) -> dict[str, str]:
    """A ``.env`` file, the way Compose reads it (``export``, quotes, comments).

    Linear in the size of the file: a quoted value that runs over many lines is
    scanned once, and later lines see earlier values through one mapping.
    """
    values: dict[str, str] = {}
    env = dict(lookup or {})
    scope = dict(env)  # what ${NAME} in a value sees: the lookup, then earlier lines
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
                values[key] = scope[key] = env[key]
            continue
        rest = rest.lstrip()
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            parts = [rest[1:]]
            end, pending = _close_index(parts[0], quote, False)
            while end < 0 and i < len(lines):
                parts.append("\n" + lines[i])
                i += 1
                end, pending = _close_index(parts[-1], quote, pending)
            if end >= 0:
                parts[-1] = parts[-1][:end]
            value = "".join(parts)
            if quote == '"':
                value = _expand_dotenv(_unescape_double(value), scope)
        else:
            value = _expand_dotenv(_strip_comment(rest).strip(), scope)
        values[key] = scope[key] = value
    return values


_DQ_SPECIAL = re.compile(r'["\\]')


def _close_index(chunk: str, quote: str, escaped: bool) -> tuple[int, bool]:
    """Where ``quote`` closes in ``chunk`` (-1: not here), and whether the chunk ends
    inside an escape (a double-quoted value's trailing backslash escapes what follows)."""
    if quote == "'":
        return chunk.find("'"), False
    i = 1 if escaped and chunk else 0
    if escaped and not chunk:
        return -1, True
    while True:
        m = _DQ_SPECIAL.search(chunk, i)
        if m is None:
            return -1, False
        if m.group() == '"':
            return m.start(), False
        if m.start() + 1 >= len(chunk):
            return -1, True
        i = m.start() + 2


def _strip_comment(value: str) -> str:
    """An unquoted value up to a ``#`` that follows whitespace."""
    at = value.find("#")
    while at > 0:
        if value[at - 1].isspace():
            return value[:at]
        at = value.find("#", at + 1)
    return value


_DQ_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def _unescape_double(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _DQ_ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _expand_dotenv(value: str, env: Mapping[str, str]) -> str:
    try:
        return interpolate(value, env).value
    except TemplateError:
        return value
