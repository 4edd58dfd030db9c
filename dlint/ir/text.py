"""Quoting text from a user's files in a finding's message."""

from __future__ import annotations

QUOTE_LIMIT = 80


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters (a quoted value may be megabytes long)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` in quotes, cut short: a message stays one short line."""
    return repr(clip(text, limit))
