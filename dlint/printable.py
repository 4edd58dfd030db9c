"""Text from a stranger's files made safe to print, publish and encode.

Findings quote file names and file text, and end up in terminals, CI logs
(where a line starting ``::error`` is a GitHub workflow command), code
scanning and merge-request pages. Before any of that:

- control characters (C0, DEL, C1), line and paragraph separators and the
  bidirectional-text controls ("Trojan Source") are shown as escapes, so a
  message is one line and shows what is really written;
- bytes of a file name that are not UTF-8 (kept by Python as lone
  surrogates) are shown as ``\\xNN``, so every output encodes;
- a message is cut to a bounded length;
- a value substituted from an env file or the environment is shown as the
  ``${NAME}`` that asked for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

MAX_MESSAGE = 1000
# Shorter values are not hidden: they cannot hold a secret, and hiding them
# would rewrite ordinary words of a message.
MIN_SECRET = 6
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _unsafe(ch: str) -> bool:
    if ch in _BIDI:
        return True
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")


def printable(text: str) -> str:
    """``text`` with every unsafe character written as an escape."""
    if text.isprintable():
        return text
    return "".join(_escape(ch) if _unsafe(ch) else ch for ch in text)


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Substituted:
    """The values a run substituted from env files or the environment, which no message
    may show: each one long enough to be a secret is written as ``${NAME}``."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        unique = {(name, value) for name, value in pairs if len(value) >= MIN_SECRET}
        # longest first: a value that holds another is replaced whole
        self._pairs = sorted(unique, key=lambda pair: (-len(pair[1]), pair))

    def hide(self, text: str) -> str:
        for name, value in self._pairs:
            if value in text:
                text = text.replace(value, "${" + name + "}")
        return text

    def message(self, text: str) -> str:
        """A finding's message as it may be published."""
        return printable(clip(self.hide(text)))


def encoded_path(path: str) -> bytes:
    """A path's bytes as the file system has them (undecodable bytes restored)."""
    return path.encode("utf-8", "surrogateescape")
