"""How many findings each code has, like ``ruff check --statistics``: one line per code
with findings (most first, then by code), its name and how many of them carry a fix
(safe fixes apart from those only ``--unsafe-fixes`` applies), then a total line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from dlint.report import Diagnostic, Report

UNSAFE = "fixable with --unsafe-fixes"


def _fixes(diagnostics: Iterable[Diagnostic]) -> str:
    """``3 fixable, 1 fixable with --unsafe-fixes`` (either part left out when 0)."""
    safe = unsafe = 0
    for d in diagnostics:
        if d.fix is not None:
            if d.fix.safe:
                safe += 1
            else:
                unsafe += 1
    parts = [f"{safe} fixable"] if safe else []
    if unsafe:
        parts.append(f"{unsafe} {UNSAFE}")
    return ", ".join(parts)


def render(report: Report) -> str:
    if not report.diagnostics:
        return "No findings.\n"
    by_code: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        by_code.setdefault(d.code, []).append(d)
    counts = Counter({code: len(found) for code, found in by_code.items()})
    order = sorted(counts, key=lambda code: (-counts[code], code))
    rows = [(str(counts[c]), c, by_code[c][0].name, _fixes(by_code[c])) for c in order]
    total = len(report.diagnostics)
    rows.append((str(total), "total", "", _fixes(report.diagnostics)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{count:>{widths[0]}}  {code:<{widths[1]}}  {name:<{widths[2]}}  {fixes}".rstrip()
        for count, code, name, fixes in rows
    ]
    return "\n".join(lines) + "\n"
