"""Image labels as a label schema sees them, and the value formats a schema can ask for.

A label schema (the ``label-schema`` option, hadolint's ``label-schema``) maps
a label name to the format of its value: ``text`` (anything), ``url``,
``rfc3339``, ``spdx``, ``hash``, ``semver`` or ``email``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.ir.text import clip
from dlint.rule import Finding

from .spdx import expression_problem

FORMATS = ("text", "url", "rfc3339", "spdx", "hash", "semver", "email")


@dataclass(frozen=True, slots=True)
class Label:
    """One ``key=value`` pair of a LABEL instruction."""

    key: str  # after variable substitution and quote removal
    value: str
    key_span: Span
    value_span: Span
    instruction: Instruction
    key_known: bool  # False: the key uses a variable with no known value
    value_known: bool  # False: the value uses a variable with no known value

    @property
    def span(self) -> Span:
        """The whole pair, key to value."""
        return self.key_span.cover(self.value_span)


def schema(options: Mapping[str, Any]) -> dict[str, str]:
    """The ``label-schema`` option: label name -> format (lower case)."""
    value = options.get("label-schema") or {}
    return {str(k): str(v).strip().lower() for k, v in dict(value).items()}


def labels(ins: Instruction, escape: str) -> tuple[Label, ...]:
    """The pairs of a LABEL instruction (nothing for other instructions)."""
    if ins.keyword != "LABEL":
        return ()
    out: list[Label] = []
    for i, (key, value, _eq) in enumerate(ins.pairs):
        expanded = ins.expanded
        if expanded is not None and len(expanded) > 3 * i + 1:
            k, v = expanded[3 * i], expanded[3 * i + 1]
        else:  # not in a stage (no FROM before it): nothing was substituted
            k, v = unquote(key.value, escape), unquote(value.value, escape)
        out.append(
            Label(
                k,
                v,
                key.span,
                value.span,
                ins,
                not _uses(key.value, ins.unresolved),
                not _uses(value.value, ins.unresolved),
            )
        )
    return tuple(out)


def all_labels(df: Dockerfile) -> Iterator[Label]:
    """Every LABEL pair of the file, in order (ONBUILD triggers excluded)."""
    for ins in df.instructions:
        yield from labels(ins, df.escape)


def _uses(raw: str, names: tuple[str, ...]) -> bool:
    return any(re.search(r"\$\{?" + re.escape(n) + r"(?![A-Za-z0-9_])", raw) for n in names)


def unquote(raw: str, escape: str = "\\") -> str:
    """Quote removal the way BuildKit's word processing does it (without substitution)."""
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(raw):
        c = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if quote is None:
            if c in "\"'":
                quote = c
                i += 1
                continue
            if c == escape and nxt is not None:
                out.append(nxt)
                i += 2
                continue
        elif quote == "'":
            if c == "'":
                quote = None
                i += 1
                continue
        else:
            if c == '"':
                quote = None
                i += 1
                continue
            if c == escape and nxt is not None and nxt in ('"', escape, "$"):
                out.append(nxt)
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


# ---- value formats ---------------------------------------------------------

# RFC 3986 (what Network.URI's parseURI accepts): an absolute URI, optionally
# with a fragment.
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_IP_LITERAL = rf"\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\]"
_AUTHORITY = rf"(?:{_USERINFO}@)?(?:{_IP_LITERAL}|{_REG_NAME})(?::[0-9]*)?"
_PATH_ABEMPTY = rf"(?:/{_PCHAR}*)*"
_HIER = (
    rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}"
    rf"|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?"
    rf"|{_PCHAR}+(?:/{_PCHAR}*)*"
    r"|)"
)
_QUERY = rf"(?:{_PCHAR}|[/?])*"
_URI = rf"[A-Za-z][A-Za-z0-9+.\-]*:{_HIER}(?:\?{_QUERY})?(?:#{_QUERY})?"

_RFC3339 = (
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))"
)

# semver.org's regular expression for SemVer 2.0.0.
_SEMVER = (
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?"
)

_GIT_HASH = r"[0-9a-f]{7}|[0-9a-f]{40}"

# RFC 5322 addr-spec: dot-atom or quoted-string, "@", host name or domain literal.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_QUOTED = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e\t]|\\[\x20-\x7e\t])*"'
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"{_LABEL}(?:\.{_LABEL})*"
_DOMAIN_LITERAL = r"\[[\x21-\x5a\x5e-\x7e]*\]"
_EMAIL = rf"(?:{_DOT_ATOM}|{_QUOTED})@(?:{_DOMAIN}|{_DOMAIN_LITERAL})"

# Formats checked by a pattern alone. The patterns are compiled (and cached by
# ``re``) on first use: most runs have no label schema and never need them.
_PATTERNS = {"url": _URI, "hash": _GIT_HASH, "semver": _SEMVER}

# What each format is called in messages.
DESCRIPTIONS = {
    "url": "a valid URL (an absolute URI, RFC 3986)",
    "rfc3339": "an RFC 3339 timestamp (like 2024-05-01T12:00:00Z)",
    "spdx": "an SPDX license expression",
    "hash": "a git commit hash (7 or 40 lowercase hex digits)",
    "semver": "a semantic version (like 1.2.3 or 2.0.0-rc.1)",
    "email": "an email address (RFC 5322 addr-spec, like team@example.com, no display name)",
}


def _rfc3339_ok(value: str) -> bool:
    m = re.fullmatch(_RFC3339, value)
    if m is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    import calendar

    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return False
    if hour > 23 or minute > 59 or second > 60:  # 60: a leap second
        return False
    offset = m.group(7), m.group(8)
    return offset[0] is None or (int(offset[0]) <= 23 and int(offset[1]) <= 59)


def format_problem(fmt: str, value: str) -> str | None:
    """Why ``value`` does not have format ``fmt`` (None when it does, or ``fmt`` has no check)."""
    if fmt == "spdx":
        problem = expression_problem(value)
        return None if problem is None else f"not {DESCRIPTIONS[fmt]} ({problem})"
    if fmt == "rfc3339":
        ok = _rfc3339_ok(value)
    elif fmt == "email":
        ok = len(value) <= 254 and re.fullmatch(_EMAIL, value) is not None
    elif fmt in _PATTERNS:
        ok = re.fullmatch(_PATTERNS[fmt], value) is not None
    else:
        return None
    return None if ok else "not " + DESCRIPTIONS[fmt]


def format_findings(df: Dockerfile, options: Mapping[str, Any], fmt: str) -> Iterator[Finding]:
    """A finding at each label value the schema gives format ``fmt`` that does not have it.

    Empty values are left to empty-label; a value holding a variable with no known
    value is not checked.
    """
    for label in all_labels(df):
        if schema(options).get(label.key) != fmt or not label.value or not label.value_known:
            continue
        problem = format_problem(fmt, label.value)
        if problem is not None:
            yield Finding(
                label.value_span,
                f"label `{label.key}` ({fmt}) is {problem}: `{clip(label.value)}`.",
            )
