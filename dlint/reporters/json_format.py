"""One JSON object: ``{"findings": [...]}``, sorted by path, line, column, code. A
finding's ``fix`` is null, or its title, whether it is safe, and its edits (the span
replaced, 1-based with the end exclusive, and the text put there)."""

from __future__ import annotations

import json
from typing import Any

from dlint.printable import printable
from dlint.report import Diagnostic, Report


def render(report: Report) -> str:
    findings = [
        {
            "code": d.code,
            "name": d.name,
            "severity": d.severity.label,
            "path": printable(d.path),
            "line": d.span.line,
            "column": d.span.column,
            "end_line": d.span.end_line,
            "end_column": d.span.end_column,
            "message": d.message,
            "fix": _fix(d),
        }
        for d in report.diagnostics
    ]
    return json.dumps({"findings": findings}, indent=2, ensure_ascii=False) + "\n"


def _fix(d: Diagnostic) -> dict[str, Any] | None:
    if d.fix is None:
        return None
    edits = [
        {
            "line": e.span.line,
            "column": e.span.column,
            "end_line": e.span.end_line,
            "end_column": e.span.end_column,
            "text": e.text,
        }
        for e in d.fix.edits
    ]
    return {"title": d.fix.title, "safe": d.fix.safe, "edits": edits}
