"""Go's regular expressions, in linear time.

BuildKit and Docker's patternmatcher turn shell and ``.dockerignore`` patterns
into Go regular expressions, which run in time linear in the input (RE2).
Python's ``re`` backtracks: ``*a*a*a*a*a*b`` against a long name takes
minutes. RE2's own binding (google-re2) gives Go's syntax, semantics and time
bound, so patterns from a stranger's repository cost nothing to match.
"""

from __future__ import annotations

from typing import Protocol


class Match(Protocol):
    def start(self) -> int: ...
    def end(self) -> int: ...


class Regex(Protocol):
    def match(self, text: str) -> Match | None: ...
    def search(self, text: str, pos: int = ...) -> Match | None: ...


def compile_go(pattern: str) -> Regex | None:
    """The compiled pattern, or None when Go would refuse it."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print parse errors to stderr
    try:
        compiled: Regex = re2.compile(pattern, options)
    except re2.error:
        return None
    return compiled
