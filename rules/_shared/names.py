"""Variable names as rules read them: the words a name is made of, and the first
suspicious piece it holds (``DB_PASSWORD`` holds ``password``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def name_words(name: str) -> list[str]:
    """The words of a name, lower-cased, split at ``_``, ``-``, ``.`` and camelCase
    humps (``apiKey`` is api, key)."""
    return [w.lower() for part in _WORD_SPLIT.split(name) for w in _CAMEL.split(part) if w]


def piece_in(
    words: list[str], pieces: Iterable[str], not_followed_by: Mapping[str, tuple[str, ...]]
) -> str | None:
    """The first of ``pieces`` found in the words joined by ``_``, unless one of its
    ``not_followed_by`` endings follows it (``tokenizer`` is no token)."""
    joined = "_".join(words)
    for piece in pieces:
        for m in re.finditer(re.escape(piece), joined):
            if not joined.startswith(not_followed_by.get(piece, ()), m.end()):
                return piece
    return None
