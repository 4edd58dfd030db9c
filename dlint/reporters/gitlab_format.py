"""GitLab Code Quality: a JSON array of issues (artifacts:reports:codequality)."""

from __future__ import annotations

import json

from dlint.ir.common import Severity
from dlint.printable import printable
from dlint.report import Report


def _severity(severity: Severity, security: float | None) -> str:
    if severity == Severity.ERROR:
        return "critical" if security is not None and security >= 7.0 else "major"
    if severity == Severity.WARNING:
        return "minor"
    return "info"


def render(report: Report) -> str:
    security = {r.code: r.meta.security_severity for r in report.rules}
    issues = [
        {
            "description": f"{d.code} {d.name}: {d.message}",
            "check_name": d.code,
            "fingerprint": d.fingerprint,
            "severity": _severity(d.severity, security.get(d.rule_code)),
            "location": {
                "path": printable(d.path),
                "lines": {"begin": d.span.line, "end": d.span.end_line},
            },
        }
        for d in report.diagnostics
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
