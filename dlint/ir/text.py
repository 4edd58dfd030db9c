"""Quoting text from a user's files in a finding's message."""

from __future__ import annotations

QUOTE_LIMIT = 80


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` in quotes, cut to ``limit`` characters (a message stays one short line)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
