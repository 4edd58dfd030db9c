"""Fixes as text edits: the spans of the original text to replace, never a re-serialisation.

A fix leaves everything it does not edit exactly as written: comments, blank lines,
quoting, indentation, line continuations and heredocs. Its edits are applied
together, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from dlint.ir.common import Span, pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of ``span`` with ``text`` (an empty span inserts ``text`` there).
    New lines in ``text`` are written as ``\\n``; a file with CRLF line ends gets CRLF."""

    span: Span
    text: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Fix:
    """How to fix one finding: edits to the finding's file, made together."""

    title: str  # what it does, as an editor's code action shows it
    edits: tuple[Edit, ...]
    safe: bool = True  # False: it may change what is built or run (--unsafe-fixes)


def line_starts(text: str) -> list[int]:
    """The offset in ``text`` of the start of each line (1-based line n at index n-1)."""
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _offset(starts: list[int], text: str, line: int, column: int) -> int | None:
    """The offset of (line, column), or None when the text has no such place (a column
    may be one past a line's last character)."""
    if not 1 <= line <= len(starts) or column < 1:
        return None
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    offset = start + column - 1
    return offset if offset <= end else None


def _resolved(
    fix: Fix, starts: list[int], text: str, crlf: bool
) -> list[tuple[int, int, str]] | None:
    out = []
    for edit in fix.edits:
        start = _offset(starts, text, edit.span.line, edit.span.column)
        end = _offset(starts, text, edit.span.end_line, edit.span.end_column)
        if start is None or end is None or end < start:
            return None  # an edit outside the text: the fix is not for this text
        out.append((start, end, edit.text.replace("\n", "\r\n") if crlf else edit.text))
    out.sort()
    for (_, end, _), (start, _, _) in pairwise(out):
        if start < end:
            return None  # a fix whose own edits overlap
    return out


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    if a[0] < b[1] and b[0] < a[1]:
        return True
    # an insertion where the other edit starts: which text comes first would be a guess
    return a[0] == b[0] and (a[0] == a[1] or b[0] == b[1])


def apply(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """``text`` with the fixes applied, and how many were. In order, each fix is taken
    unless one of its edits overlaps an edit already taken (it is then left for the
    next round, on the new text)."""
    starts = line_starts(text)
    crlf = "\r\n" in text
    taken: list[tuple[int, int, str]] = []
    count = 0
    for fix in fixes:
        edits = _resolved(fix, starts, text, crlf)
        if edits is None or any(_overlaps(e, t) for e in edits for t in taken):
            continue
        taken.extend(edits)
        count += 1
    out = text
    for start, end, new in sorted(taken, reverse=True):
        out = out[:start] + new + out[end:]
    return out, count


def ordered(fixes: Sequence[Fix]) -> list[Fix]:
    """Fixes in the order of the place of their first edit."""

    def first(fix: Fix) -> tuple[int, int]:
        spans = [e.span for e in fix.edits]
        return min((s.line, s.column) for s in spans) if spans else (0, 0)

    return sorted(fixes, key=first)
