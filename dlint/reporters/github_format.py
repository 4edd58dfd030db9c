"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.printable import printable
from dlint.report import Report

_COMMAND = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.STYLE: "notice",
}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output, a finding at a time (what a large run writes as it goes)."""
    for d in report.diagnostics:
        span = d.span
        path = printable(d.path)
        params = [f"file={_property(path)}", f"line={span.line}", f"endLine={span.end_line}"]
        if span.line == span.end_line:  # columns only mean something on one line
            params += [f"col={span.column}", f"endColumn={max(span.end_column, span.column + 1)}"]
        params.append(f"title={_property(f'dlint {d.code} ({d.name})')}")
        message = f"{path}:{span.line}:{span.column}: {d.code} {d.name} {d.message}"
        yield f"::{_COMMAND[d.severity]} {','.join(params)}::{_data(message)}\n"
