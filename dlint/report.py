"""The report: every finding of a run, ready for any reporter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dlint.edits import Fix
from dlint.ir.common import Severity, Span, pickled_by_fields

if TYPE_CHECKING:  # pragma: no cover
    from dlint.rule import Rule


@pickled_by_fields
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
    # a linted file's lines, by its path as shown, read the way the run read it (with its
    # standard input or unsaved text); None: read the file under ``root`` again
    read_lines: Callable[[str], list[str] | None] | None = field(
        default=None, compare=False, repr=False
    )

    def lines(self, path: str) -> list[str] | None:
        """The lines of the linted file ``path`` (as shown), for a reporter that quotes
        the source; None when it cannot be read (dlint reads it as it read it to lint)."""
        if self.read_lines is not None:
            return self.read_lines(path)
        from dlint.files import LoadError, ProjectFiles

        root = self.root or Path.cwd()
        try:
            return ProjectFiles.around([root], root).read_text(root / path).split("\n")
        except LoadError:
            return None

    def fails(self) -> bool:
        """Whether some finding is at or above the fail level of its file's config."""
        return any(d.fails for d in self.diagnostics)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
