"""Run the rules over the files: discover, load, check, collect."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlint.discovery import Target, discover
from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.project import Project
from dlint.load import LoadError, load_dockerfile
from dlint.registry import all_rules, engine_rule
from dlint.report import Diagnostic, Report
from dlint.rule import Finding, Rule

PARSE_ERROR = "parse-error"
INTERNAL_ERROR = "internal-error"


def display_path(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` with forward slashes (absolute if impossible)."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        rel = str(path.absolute())
    return rel.replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class FileResult:
    diagnostics: tuple[Diagnostic, ...]
    failed: bool
    dockerfile: Dockerfile | None = None


def _diagnostic(rule: Rule, path: str, span: Span, message: str) -> Diagnostic:
    return Diagnostic(rule.code, rule.name, rule.meta.severity, path, span, message)


def _run_rules(rules: Iterable[Rule], subject: object, path: str) -> tuple[list[Diagnostic], bool]:
    out: list[Diagnostic] = []
    failed = False
    for rule in rules:
        assert rule.check is not None
        try:
            findings: list[Finding] = list(rule.check(subject))
        except Exception as exc:  # one broken rule must not take the run down
            failed = True
            where = traceback.extract_tb(exc.__traceback__)[-1]
            out.append(
                _diagnostic(
                    engine_rule(INTERNAL_ERROR),
                    path,
                    Span.point(1),
                    f"rule {rule.code} {rule.name} failed: {type(exc).__name__}: {exc} "
                    f"({Path(where.filename).name}:{where.lineno}); please report this",
                )
            )
            continue
        for finding in findings:
            out.append(_diagnostic(rule, finding.path or path, finding.span, finding.message))
    return out, failed


def lint_dockerfile(target: Target, display: str, rules: Sequence[Rule]) -> FileResult:
    """Everything dlint reports for one Dockerfile."""
    parse_error = engine_rule(PARSE_ERROR)
    try:
        dockerfile: Dockerfile = load_dockerfile(target.path, display)
    except LoadError as exc:
        return FileResult((_diagnostic(parse_error, display, exc.span, exc.message),), False)
    except Exception as exc:  # a bug in dlint's own parser
        return FileResult(
            (
                _diagnostic(
                    engine_rule(INTERNAL_ERROR),
                    display,
                    Span.point(1),
                    f"dlint could not read this file: {type(exc).__name__}: {exc}; please report this",
                ),
            ),
            True,
        )
    diagnostics = [
        _diagnostic(parse_error, display, p.span, p.message) for p in dockerfile.problems
    ]
    found, failed = _run_rules(rules, dockerfile, display)
    diagnostics.extend(found)
    return FileResult(tuple(diagnostics), failed)


def lint(paths: Sequence[str], cwd: Path | None = None) -> Report:
    """Lint ``paths`` (files or folders); raises MissingPath for a bad argument."""
    cwd = cwd or Path.cwd()
    targets = discover(list(paths))
    rules = [r for r in all_rules() if r.check is not None]
    per_file = [r for r in rules if r.meta.scope == "dockerfile"]
    diagnostics: list[Diagnostic] = []
    failed = False
    files: list[str] = []
    dockerfiles: list[Dockerfile] = []
    for target in targets:
        display = display_path(target.path, cwd)
        files.append(display)
        if target.kind == "dockerfile":
            result = lint_dockerfile(target, display, per_file)
            diagnostics.extend(result.diagnostics)
            failed = failed or result.failed
            if result.dockerfile is not None:
                dockerfiles.append(result.dockerfile)
    project_rules = [r for r in rules if r.meta.scope == "project"]
    if project_rules:
        found, broke = _run_rules(project_rules, Project(tuple(dockerfiles)), ".")
        diagnostics.extend(found)
        failed = failed or broke
    diagnostics.sort(key=lambda d: d.sort_key)
    return Report(tuple(diagnostics), tuple(files), failed)
