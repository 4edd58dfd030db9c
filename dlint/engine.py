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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlint import printable
from dlint.config import Config, ConfigFinder, load_file
from dlint.discovery import ComposeGroup, discover, group_compose
from dlint.files import LoadError, ProjectFiles
from dlint.fingerprint import fingerprints
from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.project import Project
from dlint.load import load_dockerfile
from dlint.registry import all_rules, engine_rule, find_rule
from dlint.report import Diagnostic, Report
from dlint.rule import Finding, Rule

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject

PARSE_ERROR = "parse-error"
INTERNAL_ERROR = "internal-error"
_TOO_DEEP = "nested too deeply for dlint to read"


def display_path(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` with forward slashes (absolute if impossible)."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        rel = str(path.absolute())
    return rel.replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class Options:
    """What a run is asked to do beyond the paths (the command line's flags)."""

    compose_files: tuple[str, ...] = ()  # --compose-file: one project, in this order
    environ: Mapping[str, str] | None = None  # --env: the machine's environment for ${VAR}
    select: tuple[str, ...] | None = None  # --select: replaces the config's selection
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config: str | None = None  # --config: this file for every path
    isolated: bool = False  # --isolated: no config files at all
    force_exclude: bool = False  # apply excludes to files named on the command line
    fail_level: str | None = None  # --fail-level
    roots: tuple[str, ...] = ()  # --root: more folders dlint may read in


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


def _run_rules(
    rules: Iterable[Rule], subject: object, path: str, config: Config
) -> tuple[list[Diagnostic], bool]:
    out: list[Diagnostic] = []
    failed = False
    for rule in rules:
        try:
            findings: list[Finding] = list(rule.run(subject, config.options.get(rule.code)))
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
    files: ProjectFiles
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False
    dockerfiles: dict[Path, Dockerfile | LoadError] = field(default_factory=dict)
    _lines: dict[str, list[str] | None] = field(default_factory=dict)

    def display(self, path: Path) -> str:
        return display_path(path, self.cwd)

    def lines(self, display: str) -> list[str] | None:
        """A linted file's lines, read once (for suppressions and fingerprints)."""
        if display not in self._lines:
            try:
                self._lines[display] = self.files.read_text(self.cwd / display).split("\n")
            except LoadError:
                self._lines[display] = None
        return self._lines[display]

    def dockerfile(self, path: Path, context: Path | None = None) -> Dockerfile | LoadError:
        """Each Dockerfile is read once; the first build context given to it wins."""
        key = Path(os.path.abspath(path))
        if key not in self.dockerfiles:
            display = self.display(path)
            try:
                self.dockerfiles[key] = load_dockerfile(self.files, self.display, path, context)
            except LoadError as exc:
                self.dockerfiles[key] = exc
            except RecursionError:  # a limit missed somewhere: still the file's fault
                self.dockerfiles[key] = LoadError(_TOO_DEEP, Span.point(1))
            except Exception as exc:  # a bug in dlint's own parser
                self.failed = True
                self.diagnostics.append(_internal(display, "reading this Dockerfile", exc))
                self.dockerfiles[key] = LoadError("dlint could not read this file", Span.point(1))
        return self.dockerfiles[key]

    def compose(self, group: ComposeGroup) -> ComposeProject | None:
        from dlint.load_compose import load_compose_project

        try:
            return load_compose_project(
                self.files,
                list(group.files),
                group.fragment,
                self.display,
                self.dockerfile,
                self.options.environ,
            )
        except RecursionError:  # a limit missed somewhere: still the file's fault
            parse_error = engine_rule(PARSE_ERROR)
            where = self.display(group.files[0])
            self.diagnostics.append(_diagnostic(parse_error, where, Span.point(1), _TOO_DEEP))
            return None
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
        path = cwd / raw
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


def _with_flags(config: Config, options: Options) -> Config:
    """Command-line selection and fail level override the config file's."""
    changes: dict[str, object] = {}
    if options.select is not None:
        changes["select"] = options.select
    if options.extend_select:
        changes["extend_select"] = config.extend_select + options.extend_select
    if options.ignore:
        changes["ignore"] = config.ignore + options.ignore
    if options.fail_level is not None:
        changes["fail_level"] = options.fail_level
    return replace(config, **changes) if changes else config  # type: ignore[arg-type]


@dataclass
class _Policy:
    """Config per file, applied to raw diagnostics."""

    finder: ConfigFinder
    options: Options
    rules: list[Rule]
    cwd: Path
    _enabled: dict[int, frozenset[str]] = field(default_factory=dict)
    _configs: dict[str, Config] = field(default_factory=dict)
    _flagged: dict[int, Config] = field(default_factory=dict)  # one object per config file

    def config(self, display: str) -> Config:
        if display not in self._configs:
            base = self.finder.for_path(self.cwd / display)
            if id(base) not in self._flagged:
                self._flagged[id(base)] = _with_flags(base, self.options)
            self._configs[display] = self._flagged[id(base)]
        return self._configs[display]

    def enabled(self, config: Config) -> frozenset[str]:
        key = id(config)
        if key not in self._enabled:
            self._enabled[key] = config.enabled(self.rules)
        return self._enabled[key]

    def apply(self, d: Diagnostic) -> Diagnostic | None:
        if d.name == INTERNAL_ERROR:
            return d
        config = self.config(d.path)
        if d.code not in self.enabled(config) or d.code in config.ignored_for(
            d.path, self.rules, self.cwd
        ):
            return None
        override = config.severity.get(d.code)
        return replace(d, severity=override) if override is not None else d


def lint(paths: Sequence[str], cwd: Path | None = None, options: Options | None = None) -> Report:
    """Lint ``paths`` (files or folders).

    Raises MissingPath for a path that does not exist and ConfigError for a
    config file that cannot be used.
    """
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    options = options or Options()
    every_rule = list(all_rules())
    files = ProjectFiles.around([*paths, *options.compose_files] or ["."], cwd, options.roots)
    explicit_config = None
    if options.config:
        named = Path(os.path.abspath(cwd / options.config))
        explicit_config = load_file(
            ProjectFiles((Path(os.path.realpath(named)).parent,)), named, every_rule
        )
    finder = ConfigFinder(every_rule, files, explicit=explicit_config, isolated=options.isolated)
    policy = _Policy(finder, options, every_rule, cwd)
    root_config = policy.config(".")
    explicit = [cwd / p for p in options.compose_files]
    targets = discover(
        [*paths, *options.compose_files],
        lambda p: root_config.excluded(display_path(p, cwd)),
        cwd,
    )
    # excludes apply to what folders yield; to named files only with --force-exclude
    targets = [
        t
        for t in targets
        if (t.explicit and not options.force_exclude)
        or not root_config.excluded(display_path(t.path, cwd))
    ]
    rules = [r for r in every_rule if r.check is not None]
    run = _Run(cwd, options, files)

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
        parse_error = engine_rule(PARSE_ERROR)
        run.diagnostics.extend(
            _diagnostic(parse_error, display, p.span, p.message) for p in result.problems
        )
        found, broke = _run_rules(per_file, result, display, policy.config(display))
        run.diagnostics.extend(found)
        run.failed = run.failed or broke

    compose_rules = [r for r in rules if r.meta.scope == "compose"]
    for project in projects:
        if project.node is None:
            continue
        config = policy.config(project.files[0])
        found, broke = _run_rules(compose_rules, project, project.files[0], config)
        run.diagnostics.extend(found)
        run.failed = run.failed or broke
    for df in run.dockerfiles.values():
        if isinstance(df, Dockerfile) and df.context.unreadable is not None:
            where, why = df.context.unreadable
            run.diagnostics.append(
                _diagnostic(
                    engine_rule(PARSE_ERROR),
                    where,
                    Span.point(1),
                    f"this file {why}; dlint does not read it, and assumes nothing about "
                    "the build context it belongs to",
                )
            )
    project_rules = [r for r in rules if r.meta.scope == "project"]
    if project_rules:
        linked = [d for d in run.dockerfiles.values() if isinstance(d, Dockerfile)]
        whole = Project(tuple(linked), tuple(projects))
        # A finding takes the options of the config that governs its file: run the
        # project rules once per distinct config, keep each run's findings for its files.
        linked_paths = {d.path for d in linked} | {f for p in projects for f in p.files}
        by_config: dict[int, tuple[Config, set[str]]] = {}
        for linked_path in sorted(linked_paths):
            config = policy.config(linked_path)
            by_config.setdefault(id(config), (config, set()))[1].add(linked_path)
        for config, governed in by_config.values() or [(root_config, set())]:
            found, broke = _run_rules(project_rules, whole, ".", config)
            run.diagnostics.extend(d for d in found if d.path in governed or len(by_config) == 1)
            run.failed = run.failed or broke

    scope_files, folders = _scope([*paths, *options.compose_files], cwd)
    in_scope = [d for d in run.diagnostics if _shown(d.path, scope_files, folders)]
    kept = [a for d in in_scope if (a := policy.apply(d)) is not None]
    kept = _suppress(kept, run, policy, every_rule, scope_files, folders, projects)
    unique = sorted(set(kept), key=lambda d: (*d.sort_key, d.message))
    unique = fingerprints(unique, run.lines)
    substituted = {pair for p in projects for pair in p.substituted}
    unique = [replace(d, message=printable.message(d.message, substituted)) for d in unique]
    linted = [run.display(t.path) for t in targets]
    enabled = policy.enabled(root_config)
    return Report(
        tuple(unique),
        tuple(linted),
        run.failed,
        rules=tuple(r for r in every_rule if r.code in enabled),
        root=cwd,
        fail_level=root_config.fail_level or "warning",
    )


def _suppress(
    diagnostics: list[Diagnostic],
    run: _Run,
    policy: _Policy,
    rules: list[Rule],
    files: set[str],
    folders: tuple[str, ...],
    projects: list[ComposeProject],
) -> list[Diagnostic]:
    """Inline suppressions of the files in scope, and the useless ones reported."""
    from dlint import suppress

    found: list[suppress.Suppression] = []
    for df in run.dockerfiles.values():
        if isinstance(df, Dockerfile) and _shown(df.path, files, folders):
            found.extend(suppress.dockerfile(df, rules))
    for path in dict.fromkeys(f for p in projects for f in p.files):
        if _shown(path, files, folders):
            lines = run.lines(path)
            if lines is not None:
                found.extend(suppress.compose(path, "\n".join(lines), rules))
    kept = suppress.apply(diagnostics, found)
    unused_rule = engine_rule("unused-suppression")
    for s, message in suppress.useless(found):
        d = policy.apply(_diagnostic(unused_rule, s.path, s.comment, message))
        if d is not None:
            kept.append(d)
    return kept
