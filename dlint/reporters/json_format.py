"""One JSON object: ``{"findings": [...]}``, sorted by path, line, column, code."""

from __future__ import annotations

import json

from dlint.printable import printable
from dlint.report import Report


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
        }
        for d in report.diagnostics
    ]
    return json.dumps({"findings": findings}, indent=2, ensure_ascii=False) + "\n"
