"""``path:line:col: CODE name message`` lines and a one-line summary: ``--format
concise``, for tools that read such lines (the summary is in the default format too)."""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.printable import printable
from dlint.report import Report


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(report: Report) -> str:
    files = _plural(len(report.files), "file")
    if not report.diagnostics:
        return f"No findings in {files}."
    by_severity = [
        _plural(report.count(s), s.label) for s in sorted(Severity, reverse=True) if report.count(s)
    ]
    paths = len({d.path for d in report.diagnostics})
    return (
        f"Found {_plural(len(report.diagnostics), 'finding')} ({', '.join(by_severity)}) "
        f"in {paths} of {files}."
    )


def render(report: Report) -> str:
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output, a finding at a time (what a large run writes as it goes)."""
    for d in report.diagnostics:
        yield f"{printable(d.path)}:{d.span.line}:{d.span.column}: {d.code} {d.name} {d.message}\n"
    yield summary(report) + "\n"
