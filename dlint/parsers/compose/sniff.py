"""Tell a Compose file from other YAML by its top level, without parsing it."""

from __future__ import annotations

import re

# A top-level key Compose files have, holding a mapping or a list (block or flow).
_TOP_LEVEL = re.compile(
    r"^(?:services|include|networks|volumes|secrets|configs)[ \t]*:[ \t]*(?:[{\[][^\n]*|#[^\n]*)?$",
    re.MULTILINE,
)


def looks_like_compose(text: str) -> bool:
    """Whether ``text`` has a top-level ``services``, ``include``, ``networks``,
    ``volumes``, ``secrets`` or ``configs`` key with a mapping (or list) under it."""
    return _TOP_LEVEL.search(text) is not None
