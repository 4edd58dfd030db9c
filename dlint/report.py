"""The report: every finding of a run, ready for any reporter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dlint.edits import Fix
from dlint.ir.common import Severity, Span

if TYPE_CHECKING:  # pragma: no cover
    from dlint.rule import Rule


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding with everything a reporter prints."""

    code: str
    name: str
    severity: Severity
    path: str  # relative to the working directory, forward slashes
    span: Span
    message: str
    fingerprint: str = ""  # stable across edits elsewhere in the file (see dlint.fingerprint)
    fails: bool = False  # at or above the fail level of its file's config
    rule: str = ""  # the code of the rule that found it, when ``code`` is a sub-code of it
    fix: Fix | None = None  # edits to its file that fix it

    @property
    def rule_code(self) -> str:
        """The code of the rule that found it (``SC`` for ``SC2086``)."""
        return self.rule or self.code

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


@dataclass(frozen=True, slots=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...] = ()  # every file that was linted
    failed: bool = False  # an internal error happened: exit code 2
    notes: tuple[str, ...] = ()  # what dlint assumed (shown with --verbose)
    warnings: tuple[str, ...] = ()  # what the user should know (always shown, on stderr)
    rules: tuple[Rule, ...] = ()  # the rules that were enabled (SARIF lists them)
    root: Path | None = None  # the folder paths are relative to
    output_format: str | None = None  # from the config of the folder dlint runs in
    verbose: bool = False  # the same

    def fails(self) -> bool:
        """Whether some finding is at or above the fail level of its file's config."""
        return any(d.fails for d in self.diagnostics)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
