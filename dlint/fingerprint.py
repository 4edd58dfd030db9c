"""Fingerprints that identify a finding across edits elsewhere in its file.

A fingerprint hashes the rule, the file and the text the finding points at
(whitespace squeezed), plus how many identical (rule, file, text) findings
came before it. Inserting lines above a finding does not change it; editing
the flagged text does. SARIF (``partialFingerprints``) and GitLab Code
Quality (``fingerprint``) use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from dlint.ir.common import Span
from dlint.report import Diagnostic

T = TypeVar("T")


def snippet(text: str | None, span: Span) -> str:
    """The flagged text on the first line of the span (``text``: that line, None when
    the file has no such line), whitespace squeezed."""
    if text is None:
        return ""
    end = span.end_column - 1 if span.end_line == span.line else len(text)
    return " ".join(text[span.column - 1 : max(end, span.column)].split())


def fingerprints(
    diagnostics: list[Diagnostic],
    line_of: Callable[[str, int], str | None],
    message: Callable[[str], str] = lambda text: text,
) -> list[Diagnostic]:
    """The diagnostics (in order, sorted by file) with their fingerprints filled in and
    their messages as ``message`` makes them; ``diagnostics`` is emptied as they are
    made."""
    from dataclasses import replace

    seen: dict[tuple[str, str], int] = {}  # of the current file
    path = None
    out = []
    for d in drain(diagnostics):
        if d.path != path:
            path = d.path
            seen.clear()
        text = snippet(line_of(d.path, d.span.line), d.span)
        key = (d.code, text)
        n = seen.get(key, 0)
        seen[key] = n + 1
        fingerprint = _digest(f"{d.code}\0{d.path}\0{text}\0{n}")
        out.append(replace(d, fingerprint=fingerprint, message=message(d.message)))
    return out


def drain(items: list[T]) -> Iterator[T]:
    """The items in order, each let go of by ``items`` as it is given (a copy made
    of each then replaces it, rather than doubling what is held)."""
    items.reverse()
    while items:
        yield items.pop()


def _digest(text: str) -> str:
    import hashlib  # here: a run without findings never needs it

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
