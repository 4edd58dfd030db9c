"""Fingerprints that identify a finding across edits elsewhere in its file.

A fingerprint hashes the rule, the file and the text the finding points at
(whitespace squeezed), plus how many identical (rule, file, text) findings
came before it. Inserting lines above a finding does not change it; editing
the flagged text does. SARIF (``partialFingerprints``) and GitLab Code
Quality (``fingerprint``) use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dlint.ir.common import Span
from dlint.report import Diagnostic


def snippet(lines: list[str] | None, span: Span) -> str:
    """The flagged text on the first line of the span, whitespace squeezed."""
    if not lines or not 1 <= span.line <= len(lines):
        return ""
    text = lines[span.line - 1]
    end = span.end_column - 1 if span.end_line == span.line else len(text)
    return " ".join(text[span.column - 1 : max(end, span.column)].split())


def fingerprints(
    diagnostics: Iterable[Diagnostic], lines_of: Callable[[str], list[str] | None]
) -> list[Diagnostic]:
    """The diagnostics (in order) with their fingerprints filled in."""
    from dataclasses import replace

    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for d in diagnostics:
        text = snippet(lines_of(d.path), d.span)
        key = (d.code, d.path, text)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(replace(d, fingerprint=_digest(f"{d.code}\0{d.path}\0{text}\0{n}")))
    return out


def _digest(text: str) -> str:
    import hashlib  # here: a run without findings never needs it

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
