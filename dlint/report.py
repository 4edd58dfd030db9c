"""The report: every finding of a run, ready for any reporter."""

from __future__ import annotations

from dataclasses import dataclass, field

from dlint.ir.common import Severity, Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding with everything a reporter prints."""

    code: str
    name: str
    severity: Severity
    path: str  # relative to the working directory, forward slashes
    span: Span
    message: str

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


@dataclass(frozen=True, slots=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...] = ()  # every file that was linted
    failed: bool = False  # an internal error happened: exit code 2
    notes: tuple[str, ...] = field(default=())  # one-line messages for stderr

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
