"""Run the rules over the files: discover, load, link, check, collect.

Compose projects are loaded first, so a Dockerfile a service builds is read
with the build context that service gives it. Findings are reported only for
files in scope: those named on the command line and those under the folders
named there (a changed compose file still reads its services' Dockerfiles, but
pre-commit only sees findings for the files it passed).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dlint.discovery import ComposeGroup, discover, group_compose
from dlint.files import LoadError
from dlint.ir.common import Severity, Span
from dlint.ir.compose import ComposeProject
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.project import Project
from dlint.load import load_dockerfile
from dlint.registry import all_rules, engine_rule, find_rule
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
class Options:
    """What a run is asked to do beyond the paths."""

    compose_files: tuple[str, ...] = ()  # --compose-file: one project, in this order
    environ: Mapping[str, str] | None = None  # --env: the machine's environment for ${VAR}


def _diagnostic(
    rule: Rule, path: str, span: Span, message: str, severity: Severity | None = None
) -> Diagnostic:
    return Diagnostic(rule.code, rule.name, severity or rule.meta.severity, path, span, message)


def _internal(path: str, what: str, exc: BaseException) -> Diagnostic:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return _diagnostic(
        engine_rule(INTERNAL_ERROR),
        path,
        Span.point(1),
        f"{what} failed: {type(exc).__name__}: {exc}{where}; please report this",
    )


def _run_rules(rules: Iterable[Rule], subject: object, path: str) -> tuple[list[Diagnostic], bool]:
    out: list[Diagnostic] = []
    failed = False
    for rule in rules:
        assert rule.check is not None
        try:
            findings: list[Finding] = list(rule.check(subject))
        except Exception as exc:  # one broken rule must not take the run down
            failed = True
            out.append(_internal(path, f"rule {rule.code} {rule.name}", exc))
            continue
        for finding in findings:
            out.append(
                _diagnostic(
                    rule, finding.path or path, finding.span, finding.message, finding.severity
                )
            )
    return out, failed


@dataclass
class _Run:
    cwd: Path
    options: Options
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False
    dockerfiles: dict[Path, Dockerfile | LoadError] = field(default_factory=dict)

    def display(self, path: Path) -> str:
        return display_path(path, self.cwd)

    def dockerfile(self, path: Path, context: Path | None = None) -> Dockerfile | LoadError:
        """Each Dockerfile is read once; the first build context given to it wins."""
        key = Path(os.path.abspath(path))
        if key not in self.dockerfiles:
            display = self.display(path)
            try:
                ctx_display = self.display(context) if context is not None else None
                self.dockerfiles[key] = load_dockerfile(path, display, context, ctx_display)
            except LoadError as exc:
                self.dockerfiles[key] = exc
            except Exception as exc:  # a bug in dlint's own parser
                self.failed = True
                self.diagnostics.append(_internal(display, "reading this Dockerfile", exc))
                self.dockerfiles[key] = LoadError("dlint could not read this file", Span.point(1))
        return self.dockerfiles[key]

    def compose(self, group: ComposeGroup) -> ComposeProject | None:
        from dlint.load_compose import load_compose_project

        try:
            return load_compose_project(
                list(group.files),
                group.fragment,
                self.display,
                self.dockerfile,
                self.options.environ,
            )
        except Exception as exc:  # a bug in dlint's compose loader
            self.failed = True
            self.diagnostics.append(
                _internal(self.display(group.files[0]), "reading this Compose project", exc)
            )
            return None


def _scope(paths: Sequence[str], cwd: Path) -> tuple[set[str], tuple[str, ...]]:
    """Files named, and prefixes of the folders named, as display paths."""
    files: set[str] = set()
    folders: list[str] = []
    for raw in paths:
        path = Path(raw)
        shown = display_path(path, cwd)
        if not path.is_dir():
            files.add(shown)
        elif shown == ".":
            folders.append("")
        else:
            folders.append(shown.rstrip("/") + "/")
    return files, tuple(folders)


def _shown(path: str, files: set[str], folders: tuple[str, ...]) -> bool:
    if path in files:
        return True
    return any(path.startswith(f) and (f or not path.startswith("../")) for f in folders)


def lint(paths: Sequence[str], cwd: Path | None = None, options: Options | None = None) -> Report:
    """Lint ``paths`` (files or folders); raises MissingPath for a bad argument."""
    cwd = cwd or Path.cwd()
    options = options or Options()
    explicit = [Path(p) for p in options.compose_files]
    targets = discover([*paths, *(str(p) for p in explicit)])
    rules = [r for r in all_rules() if r.check is not None]
    run = _Run(cwd, options)

    groups = group_compose([t for t in targets if t.path not in explicit])
    if explicit:
        groups.insert(0, ComposeGroup(tuple(explicit), False))
    projects: list[ComposeProject] = []
    for group in groups:
        project = run.compose(group)
        if project is not None:
            projects.append(project)
            for problem in project.problems:
                rule = find_rule(problem.rule) or engine_rule(PARSE_ERROR)
                run.diagnostics.append(
                    _diagnostic(rule, problem.file, problem.span, problem.message, problem.severity)
                )

    per_file = [r for r in rules if r.meta.scope == "dockerfile"]
    dockerfiles: list[Dockerfile] = []
    for target in targets:
        if target.kind != "dockerfile":
            continue
        display = run.display(target.path)
        result = run.dockerfile(target.path)
        if isinstance(result, LoadError):
            run.diagnostics.append(
                _diagnostic(engine_rule(PARSE_ERROR), display, result.span, result.message)
            )
            continue
        dockerfiles.append(result)
        parse_error = engine_rule(PARSE_ERROR)
        run.diagnostics.extend(
            _diagnostic(parse_error, display, p.span, p.message) for p in result.problems
        )
        found, broke = _run_rules(per_file, result, display)
        run.diagnostics.extend(found)
        run.failed = run.failed or broke

    for project in projects:
        if project.node is None:
            continue
        found, broke = _run_rules(
            [r for r in rules if r.meta.scope == "compose"], project, project.files[0]
        )
        run.diagnostics.extend(found)
        run.failed = run.failed or broke
    project_rules = [r for r in rules if r.meta.scope == "project"]
    if project_rules:
        linked = [d for d in run.dockerfiles.values() if isinstance(d, Dockerfile)]
        whole = Project(tuple(linked), tuple(projects))
        found, broke = _run_rules(project_rules, whole, ".")
        run.diagnostics.extend(found)
        run.failed = run.failed or broke

    files, folders = _scope([*paths, *options.compose_files], cwd)
    shown = {d for d in run.diagnostics if _shown(d.path, files, folders)}
    unique = sorted(shown, key=lambda d: (*d.sort_key, d.message))
    linted = [run.display(t.path) for t in targets]
    return Report(tuple(unique), tuple(linted), run.failed)
