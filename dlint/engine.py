"""Run the rules over the files: a short pipeline of named steps.

1. ``_Run.start``: the files dlint may read, the configs, the rules.
2. ``_targets``: the files to lint (each folder's closest config excludes); with
   enough of them, the worker processes start (``dlint.pool``).
3. ``_start``: the work in parts: the Compose groups, then every Dockerfile.
   ``_lint_groups`` reads each project, one at a time, each service's Dockerfile
   with the build context the service gives it, runs the project's rules on it
   and keeps only what they find (``_Loaded``). ``_lint_alone`` lints a
   Dockerfile on its own.
4. ``_compose``: the projects' findings (a project another one includes is
   linted only as part of it), and how each Dockerfile a service builds is
   linted: as the first project of the run to build it reads it.
   ``_dockerfiles``: those a service names without dlint knowing the stage.
5. ``_conclude``: the project rules' findings, and the rules that compare projects;
   ``_collect``: what the Dockerfiles linted apart left.
6. ``_report``: scope, config, suppressions, fingerprints, safe messages.

Findings are reported only for files in scope: those named on the command line
and those under the folders named there (a changed compose file still reads
its services' Dockerfiles, but pre-commit only sees findings for the files it
passed).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlint import printable
from dlint.cache import note
from dlint.config import Config, ConfigFinder, Selection, load_file
from dlint.discovery import ComposeGroup, Target, compose_above, discover, group_compose
from dlint.edits import Fix
from dlint.files import LoadError, ProjectFiles
from dlint.fingerprint import drain, fingerprints
from dlint.ir.common import Severity, Span
from dlint.registry import all_rules, engine_rule, plugin_problems
from dlint.report import Diagnostic, Report
from dlint.rule import Rule, covers

if TYPE_CHECKING:  # the IR and parsers are imported when a run reads a file
    from dlint.ir.compose import ComposeProject
    from dlint.ir.dockerfile import Dockerfile
    from dlint.ir.project import Project
    from dlint.pool import Spread
    from dlint.suppress import Suppression

PARSE_ERROR = "parse-error"
INTERNAL_ERROR = "internal-error"
_TOO_DEEP = "nested too deeply for dlint to read"
# a Dockerfile a service builds: its path, the build context (None: its folder), and
# the Dockerfile as read (or why it cannot be)
_Asked = tuple[str, str | None, "Dockerfile | LoadError"]
# Dockerfiles kept read (most recently used first out): a Dockerfile is usually built
# by the projects of its own folder, read one after the other
_DOCKERFILES_KEPT = 64
_CONFIGS_KEPT = 4096  # files whose config a run keeps at hand
_APART = 32  # Dockerfiles a Compose part lints apart together (ShellCheck asks at once)


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
    env_files: tuple[str, ...] = ()  # --env-file: read instead of each project's .env
    select: tuple[str, ...] | None = None  # --select: replaces the config's selection
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config: str | None = None  # --config: this file for every path
    isolated: bool = False  # --isolated: no config files at all
    force_exclude: bool = False  # apply excludes to files named on the command line
    fail_level: str | None = None  # --fail-level
    roots: tuple[str, ...] = ()  # --root: more folders dlint may read in
    preview: bool = False  # --preview: preview rules run as the others do
    cache: bool = False  # replay a run whose inputs have not changed (see dlint.cache)
    # where runs are cached: this folder, else the `cache-dir` of the config of the folder
    # dlint runs in, else the user's cache folder
    cache_dir: str | None = None
    jobs: int = 1  # processes for runs of many files (0: one per core; see dlint.pool)
    # content that stands for files (by path, relative to the run's folder): standard
    # input, an editor's unsaved buffers, fixes not yet written. A run with any is not
    # cached.
    overlay: Mapping[str, bytes] | None = None


def _diagnostic(
    rule: Rule,
    path: str,
    span: Span,
    message: str,
    severity: Severity | None = None,
    code: str | None = None,
    fix: Fix | None = None,
) -> Diagnostic:
    if code is not None and rule.meta.subcode(code) != code:  # a bug in the rule
        raise ValueError(f"{code!r} is not one of {rule.code}'s sub-codes")
    if fix is not None and not rule.meta.fixable:  # a bug in the rule
        raise ValueError(f"{rule.code} gives a fix but its meta does not say fixable")
    return Diagnostic(
        code or rule.code,
        rule.name,
        severity or rule.meta.severity,
        path,
        span,
        message,
        rule=rule.code if code else "",
        fix=fix,
    )


def _internal(path: str, what: str, exc: BaseException) -> Diagnostic:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return _diagnostic(
        engine_rule(INTERNAL_ERROR),
        path,
        Span.point(1),
        f"{what} failed: {type(exc).__name__}: {exc}{where}; please report this",
    )


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
    if options.preview:
        changes["preview"] = True
    return replace(config, **changes) if changes else config  # type: ignore[arg-type]


@dataclass
class _Policy:
    """The config of each file (its closest config file, with the flags over it),
    applied to raw diagnostics."""

    finder: ConfigFinder
    options: Options
    rules: list[Rule]
    cwd: Path
    _enabled: dict[int, Selection] = field(default_factory=dict)
    _configs: dict[str, Config] = field(default_factory=dict)
    _flagged: dict[int, Config] = field(default_factory=dict)  # one object per config file
    _folder_configs: dict[str, Config] = field(default_factory=dict)  # by folder path
    # rules a file's ``# check=experimental=`` directive turns on for it
    experimental: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def config(self, display: str) -> Config:
        if display not in self._configs:
            if len(self._configs) >= _CONFIGS_KEPT:  # the files asked about lately: the
                self._configs.clear()  # finder keeps each folder's answer
            base = self.finder.for_path(self.cwd / display)
            if id(base) not in self._flagged:
                self._flagged[id(base)] = _with_flags(base, self.options)
            self._configs[display] = self._flagged[id(base)]
        return self._configs[display]

    def enabled(self, config: Config) -> Selection:
        key = id(config)
        if key not in self._enabled:
            self._enabled[key] = config.enabled(self.rules)
        return self._enabled[key]

    def excluded(self, path: Path) -> bool:
        """Excluded by the config of the folder that holds ``path``."""
        folder = os.fspath(path.parent)
        config = self._folder_configs.get(folder)
        if config is None:
            config = self.config(display_path(path.parent, self.cwd))
            self._folder_configs[folder] = config
        return config.excluded(path, self.cwd)

    def apply(self, d: Diagnostic) -> Diagnostic | None:
        """``d`` as its file's config has it (None: turned off); parse and internal
        errors are always reported, as errors."""
        config = self.config(d.path)
        if d.name in (PARSE_ERROR, INTERNAL_ERROR):
            return replace(
                d, severity=Severity.ERROR, fails=_fails(Severity.ERROR, config), message=_one(d)
            )
        rule = d.rule_code
        enabled = self.enabled(config)
        wanted = rule in self.experimental.get(d.path, ()) and rule not in enabled.off
        if not (enabled.allows(d.code, rule) or wanted) or any(
            covers(c, d.code, rule) for c in config.ignored_for(d.path, self.rules, self.cwd)
        ):
            return None
        severity = config.severity_of(d.code, rule, d.severity)
        return replace(d, severity=severity, fails=_fails(severity, config), message=_one(d))


def _one(d: Diagnostic) -> str:
    """``d``'s message, one object for all the findings that say the same thing (many
    do: a run of many files holds each text once)."""
    return sys.intern(d.message)


def _fails(severity: Severity, config: Config) -> bool:
    level = config.fail_level or "warning"
    return level != "never" and severity >= Severity.parse(level)


@dataclass
class _Run:
    """What one run knows: where it is, what it may read, what it found."""

    cwd: Path
    options: Options
    files: ProjectFiles
    policy: _Policy
    rules: list[Rule]
    paths: tuple[str, ...]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: bool = False
    # the Dockerfiles read lately, by path and build context (None: its own folder): a
    # Compose project reads those its services build; another project may build one
    dockerfiles: OrderedDict[tuple[str, str | None], Dockerfile | LoadError] = field(
        default_factory=OrderedDict
    )
    wanted: frozenset[str] = frozenset()  # the Dockerfiles linted, by path
    first_built: set[str] = field(default_factory=set)  # those this process saw built
    linked: set[Path] = field(default_factory=set)  # those Compose services build
    # of those, the ones first built with the build context they have alone (their
    # folder): their own rules find what they find linted apart, so those results serve
    reused: set[Path] = field(default_factory=set)
    left_out: set[Path] = field(default_factory=set)  # the others, linted with projects
    # what the Compose parts linted apart, by path as shown, until it is taken; and
    # their absolute paths, which the Dockerfile parts handed out later leave out
    linted_apart: dict[str, _Linted] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    pending: list[_Chosen] = field(default_factory=list)  # linked, their rules not yet run
    linted: list[_Linted] = field(default_factory=list)  # what each linted Dockerfile left
    # the worker processes, started as soon as the run finds enough files to share
    work: Spread[_Item, _Done] | None = None
    found: int = 0  # files found so far
    # the files and folders in scope, and the findings in scope with their configs
    # applied (those of the Dockerfiles linted apart, as they come back)
    scope: tuple[set[str], tuple[str, ...]] | None = None
    applied: list[Diagnostic] = field(default_factory=list)
    _lines: tuple[str, list[str] | None] | None = None
    progress: Progress | None = None
    total: int = 0  # files to lint
    done: int = 0  # of them

    def advance(self, files: int) -> None:
        """``files`` more files are linted (told to ``progress``)."""
        self.done = min(self.total, self.done + files)
        if self.progress is not None:
            self.progress(self.done, self.total)

    @classmethod
    def start(cls, paths: Sequence[str], cwd: Path, options: Options) -> _Run:
        """The run's reading gate, configs and rules (ConfigError for a bad config)."""
        cwd = Path(os.path.abspath(cwd))
        rules = list(all_rules())
        overlay = {os.path.abspath(cwd / p): b for p, b in (options.overlay or {}).items()}
        files = ProjectFiles.around(
            [*paths, *options.compose_files] or ["."], cwd, options.roots, overlay
        )
        explicit = None
        if options.config:
            named = Path(os.path.abspath(cwd / options.config))
            gate = ProjectFiles((Path(os.path.realpath(named)).parent,))
            explicit = load_file(gate, named, rules)
        finder = ConfigFinder(rules, files, explicit=explicit, isolated=options.isolated)
        policy = _Policy(finder, options, rules, cwd)
        return cls(cwd, options, files, policy, rules, tuple(paths))

    def display(self, path: Path) -> str:
        return display_path(path, self.cwd)

    def apart(self, item: object) -> bool:
        """Whether a part of the work still does ``item``: not a Dockerfile that was
        linted with the project that builds it, or apart with its projects."""
        if not isinstance(item, Path):
            return True
        key = os.path.abspath(item)
        return key not in self.skipped and Path(key) not in self.left_out

    def add(self, rule: Rule, path: str, span: Span, message: str) -> None:
        self.diagnostics.append(_diagnostic(rule, path, span, message))

    def lines(self, display: str) -> list[str] | None:
        """A linted file's lines (for suppressions and fingerprints, which ask for one
        file's lines in a row: only the last file's are kept)."""
        if self._lines is None or self._lines[0] != display:
            self._lines = (display, _reader(self.files, self.cwd)(display))
        return self._lines[1]

    def dockerfile(self, path: Path, context: str | None = None) -> Dockerfile | LoadError:
        """A Dockerfile read with a build context (None: its folder, see ``_own``). The
        last ones read are kept; one read longer ago is read again."""
        key = (os.path.abspath(path), context)
        found = self.dockerfiles.get(key)
        if found is not None:
            self.dockerfiles.move_to_end(key)
            return found
        display = self.display(path)
        root = Path(context) if context is not None else None
        try:
            from dlint.read_dockerfile import read_dockerfile

            found = read_dockerfile(self.files, self.display, path, root)
        except LoadError as exc:
            # kept: a copy, as the error's traceback and cause would keep the frames
            found = LoadError(exc.message, exc.span, exc.reason)
        except RecursionError:  # a limit missed somewhere: still the file's fault
            found = LoadError(_TOO_DEEP, Span.point(1))
        except Exception as exc:  # a bug in dlint's own parser
            self.failed = True
            self.diagnostics.append(_internal(display, "reading this Dockerfile", exc))
            found = LoadError("dlint could not read this file", Span.point(1))
        self.dockerfiles[key] = found
        if len(self.dockerfiles) > _DOCKERFILES_KEPT:
            self.dockerfiles.popitem(last=False)
        return found

    def compose(self, group: ComposeGroup, asked: list[_Asked]) -> ComposeProject | None:
        """The project of ``group``, each service's Dockerfile read with the build
        context the service gives; ``asked`` gets them, in order."""
        from dlint.read_compose import read_compose_project

        def dockerfile(path: Path, context: Path) -> Dockerfile | LoadError:
            key = os.path.abspath(path)
            found = self.dockerfile(path, _own(key, context))
            asked.append((key, _own(key, context), found))
            return found

        where = self.display(group.files[0])
        try:
            return read_compose_project(
                self.files,
                list(group.files),
                group.fragment,
                self.display,
                dockerfile,
                self.options.environ,
                tuple(self.cwd / f for f in self.options.env_files),
            )
        except RecursionError:  # a limit missed somewhere: still the file's fault
            self.add(engine_rule(PARSE_ERROR), where, Span.point(1), _TOO_DEEP)
        except Exception as exc:  # a bug in dlint's compose loader
            self.failed = True
            self.diagnostics.append(_internal(where, "reading this Compose project", exc))
        return None

    def run_rules(
        self,
        rules: Iterable[Rule],
        subject: object,
        path: str,
        config: Config,
        *,
        gathered: bool = False,
    ) -> None:
        """The rules over ``subject`` (``gathered``: the facts their ``gather`` took from
        each project); one broken rule does not take the run down."""
        for rule in rules:
            check = rule.conclude if gathered else rule.run
            try:
                found = [
                    _diagnostic(rule, f.path or path, f.span, f.message, f.severity, f.code, f.fix)
                    for f in check(subject, config.options.get(rule.code))
                ]
            except Exception as exc:
                self.failed = True
                self.diagnostics.append(_internal(path, f"rule {rule.code} {rule.name}", exc))
                continue
            self.diagnostics.extend(found)


Progress = Callable[[int, int], None]  # (files done, files in all), as a run goes


def lint(
    paths: Sequence[str],
    cwd: Path | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
) -> Report:
    """Lint ``paths`` (files or folders, relative to ``cwd``); ``progress`` is told how
    many of the files are done as the run goes.

    Raises MissingPath for a path that does not exist and ConfigError for a
    config file that cannot be used.
    """
    cwd = cwd or Path.cwd()
    options = options or Options()
    if not options.cache or options.overlay:
        run = _Run.start(paths, cwd, options)
        run.progress = progress
        return _finish(run)
    from dlint import cache

    with cache.noting() as noted:  # the configs the run reads are noted too
        run = _Run.start(paths, cwd, options)
        run.progress = progress
        folder = _cache_folder(run)
        if folder is not None:
            key = cache.key(paths, cwd, options)
            stored = cache.load(folder, key)
            if stored is not None:
                return stored
            report = _finish(run)
    if folder is None:  # nowhere to keep it
        return _finish(run)
    if not report.failed:
        cache.store(folder, key, noted, report)
    return report


def _cache_folder(run: _Run) -> Path | None:
    from dlint.cache import default_folder

    if run.options.cache_dir is not None:
        return run.cwd / run.options.cache_dir
    configured = run.policy.config(".").cache_dir
    if configured is not None:
        return run.cwd / configured
    return default_folder()


def _finish(run: _Run) -> Report:
    try:
        return _steps(run)
    finally:  # a run that stops early (a path that does not exist) leaves no worker
        if run.work is not None:
            run.work.close()


def _steps(run: _Run) -> Report:
    targets = _targets(run)
    run.total = len(targets)
    groups = _groups_of(run, targets)
    dockerfiles = [t.path for t in targets if t.kind == "dockerfile"]
    shown = [run.display(t.path) for t in targets]  # a run of many files keeps these
    del targets
    run.wanted = frozenset(os.path.abspath(path) for path in dockerfiles)
    # the workers start at once: on the Compose projects, then on every Dockerfile as
    # if no service built it (what they find for those the projects do build is left
    # out, or only their own rules' findings are kept: _collect)
    spread, compose_parts = _start(run, groups, dockerfiles)
    del groups
    results = spread.results((run, False), lambda part: run.advance(_files_in(part)), run.apart)
    reads: list[_Read] = []
    for done in itertools.islice(results, compose_parts):
        reads.extend(_absorbed(run, done).reads)
        for a in done.linted:  # the Dockerfile parts handed out later leave these out
            run.linted_apart.setdefault(a.path, a)
            run.skipped.add(os.path.abspath(run.cwd / a.path))
    projects = _compose(run, reads)
    del reads
    _dockerfiles(run, dockerfiles, projects)
    del dockerfiles
    _conclude(run, projects)
    # what the report needs of the projects: their files (for suppressions) and what
    # they substituted (hidden in messages)
    composed = list(dict.fromkeys(f for p in projects for f in p.files))
    hidden = printable.Substituted(pair for p in projects for pair in p.substituted)
    del projects
    _collect(run, results)
    return _report(run, shown, composed, hidden)


# -- 2. targets ----------------------------------------------------------------------


def _targets(run: _Run) -> list[Target]:
    """The files to lint; Compose files named on the command line bring the projects
    above them that may include them (their findings are shown only when in scope)."""
    options = run.options
    named = [*run.paths, *options.compose_files]
    found = discover(
        named, run.policy.excluded, run.cwd, frozenset(run.files.overlay), lambda: _found(run)
    )
    # excludes apply to what folders yield; to named files only with --force-exclude
    found = [
        t
        for t in found
        if (t.explicit and not options.force_exclude) or not run.policy.excluded(t.path)
    ]
    known = {t.path for t in found}
    looked: dict[Path, set[Path]] = {}  # per root, the folders already looked in
    for t in [t for t in found if t.explicit and t.kind == "compose"]:
        root = run.files.root_for(t.path)
        if root is not None:
            seen = looked.setdefault(root, set())
            for above in compose_above(t.path, root, run.policy.excluded, seen):
                if above.path not in known:
                    known.add(above.path)
                    found.append(above)
    return [t for t in (_sniffed(run, t) for t in found) if t is not None]


def _found(run: _Run) -> None:
    """One more file found: with enough of them, the workers start (and set up while
    the rest are found)."""
    from dlint import pool

    run.found += 1
    if run.found == pool.MIN_ITEMS and run.work is None:
        run.work = _spread(run, pool.workers_for(run.found, run.options.jobs))


def _sniffed(run: _Run, target: Target) -> Target | None:
    """A file with "compose" in its name is a Compose file when its top level says so."""
    if target.kind != "maybe-compose":
        return target
    from dlint.parsers.compose.sniff import looks_like_compose

    try:
        text = run.files.read_text(target.path)
    except LoadError:
        return None
    return replace(target, kind="compose") if looks_like_compose(text) else None


# -- 3. Compose projects -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What a Compose project leaves for the rest of the run once its rules have run:
    a run reads its projects one at a time and keeps these, not the projects."""

    files: tuple[str, ...]  # in merge order
    fragment: bool
    pulled_in: tuple[tuple[str, str], ...]  # files it read through include or extends
    named: frozenset[str]  # the Dockerfiles its services name (display paths)
    governed: frozenset[str]  # every file it read: whose configs govern its findings
    problems: tuple[Diagnostic, ...]  # its files that cannot be read
    notes: tuple[str, ...]
    substituted: tuple[tuple[str, str], ...]  # (name, value) it took from the environment
    diagnostics: tuple[Diagnostic, ...]  # its project rules' findings
    facts: tuple[tuple[str, tuple[object, ...]], ...]  # (rule, what it gathered)


def _groups_of(run: _Run, targets: list[Target]) -> list[ComposeGroup]:
    """The Compose files read together: those given with ``-f`` first."""
    explicit = [run.cwd / p for p in run.options.compose_files]
    groups = group_compose([t for t in targets if t.path not in explicit])
    if explicit:
        groups.insert(0, ComposeGroup(tuple(explicit), False))
    return groups


@dataclass(frozen=True, slots=True)
class _Built:
    """A Dockerfile a service builds, as the first project of a part of the run to
    build it read it: the first project of the run to build it decides how it is
    linted (with the build context that project's service gives it)."""

    key: str  # its absolute path
    context: str | None  # the build context it was read with (None: its folder)
    error: tuple[Span, str] | None  # why it cannot be read as a Dockerfile
    unreadable: Diagnostic | None  # its build context cannot be read
    left: _Linted | None  # its suppressions and directives (None: it cannot be read)


# a project read: its group's place among the groups, what it left (None: it could not
# be read at all), and the Dockerfiles it was the first of its part to build
_Read = tuple[int, "_Loaded | None", tuple[_Built, ...]]


def _lint_groups(run: _Run, groups: list[tuple[int, ComposeGroup, frozenset[str]]]) -> _Done:
    """Read and lint the Compose projects of ``groups``, one at a time. A Dockerfile
    linted that a project is the first here to build, with the build context it has
    alone, is linted apart here too: its own rules' findings serve (see _compose)."""
    failed, run.failed = run.failed, False
    kept, run.diagnostics = run.diagnostics, []
    reads: list[_Read] = []
    apart: list[Dockerfile] = []
    linted: list[_Linted] = []
    for index, group, _ in groups:
        asked: list[_Asked] = []
        project = run.compose(group, asked)
        built, linked = _built(run, asked, apart)
        loaded = None if project is None else _lint_project(run, project, linked)
        reads.append((index, loaded, built))
        if len(apart) >= _APART or index == groups[-1][0]:
            linted.extend(_absorbed(run, _lint_alone(run, [], apart)).linted)
            apart.clear()
    done = _Done(tuple(reads), tuple(linted), tuple(run.diagnostics), run.failed)
    run.diagnostics, run.failed = kept, failed
    return done


def _built(
    run: _Run, asked: list[_Asked], apart: list[Dockerfile]
) -> tuple[tuple[_Built, ...], list[Dockerfile]]:
    """The Dockerfiles a project's services build (each path once, as the first service
    to build it gives it to the project rules), and those this process had not seen
    built yet, as they were read; ``apart`` gets those of them to lint apart."""
    out: list[_Built] = []
    linked: dict[str, Dockerfile] = {}
    seen: set[tuple[str, str | None]] = set()
    for key, context, found in asked:
        if (key, context) in seen:
            continue
        seen.add((key, context))
        if not isinstance(found, LoadError):
            linked.setdefault(key, found)
        if key in run.first_built:
            continue
        run.first_built.add(key)
        if isinstance(found, LoadError):
            out.append(_Built(key, context, (found.span, found.message), None, None))
            continue
        if key in run.wanted:
            _experimental(run, found)  # the project rules it turns on
            if context is None:
                apart.append(found)
        out.append(_Built(key, context, None, _context_problem(found), _left(run, found, ())))
    return tuple(out), list(linked.values())


def _compose(run: _Run, reads: list[_Read]) -> list[_Loaded]:
    """Each project's findings, but those of a project another one includes; and how
    each Dockerfile a service builds is linted, as the first project of the run to
    build it read it."""
    loaded = []
    first: dict[str, _Built] = {}
    for _, project, built in sorted(reads, key=lambda read: read[0]):
        if project is not None:
            loaded.append(project)
        for b in built:
            first.setdefault(b.key, b)
    for key, b in first.items():
        path = Path(key)
        run.linked.add(path)
        if b.error is not None:
            if key in run.wanted:
                run.add(engine_rule(PARSE_ERROR), run.display(path), *b.error)
            continue
        assert b.left is not None
        if key not in run.wanted:  # not linted, but the project rules may report in it
            run.linted.append(b.left)
            if b.unreadable is not None:
                run.diagnostics.append(b.unreadable)
        elif b.context is None:  # linted apart: the same
            run.reused.add(path)
            if b.left.experimental:
                run.policy.experimental[b.left.path] = b.left.experimental
            done = run.linted_apart.pop(b.left.path, None)
            if done is not None:
                run.applied.extend(done.own)
                run.linted.append(replace(done, alone=()))
        else:
            run.left_out.add(path)
            found = run.dockerfile(path, b.context)
            if not isinstance(found, LoadError):
                if b.unreadable is not None:
                    run.diagnostics.append(b.unreadable)
                run.pending.append(_chosen(run, found))
    run.linted_apart.clear()  # those left: linted with another build context
    kept = _not_pulled_in(loaded)
    for read in kept:
        run.diagnostics.extend(read.problems)
        run.notes.extend(read.notes)
    return kept


def _own(key: str, context: Path | str | None) -> str | None:
    """A build context as ``_Run.dockerfile`` takes it: None for the Dockerfile's own
    folder (the context it has when no service builds it)."""
    if context is None:
        return None
    folder = os.path.abspath(context)
    return None if folder == os.path.dirname(key) else folder


def _lint_project(run: _Run, project: ComposeProject, linked: list[Dockerfile]) -> _Loaded:
    from dlint.ir.project import Project

    problems = tuple(
        _diagnostic(engine_rule(PARSE_ERROR), p.file, p.span, p.message)
        for p in project.problems
        if p.kind == "syntax"
    )
    notes = tuple(
        f"{project.directory}: no .env, so ${{VARIABLES}} take their values from {env_file}"
        for env_file in project.env_files
        if Path(env_file).name != ".env"
    )
    named = frozenset(
        s.build.dockerfile_path
        for s in project.services
        if s.build is not None and s.build.dockerfile_path is not None
    )
    governed = frozenset(
        {d.path for d in linked} | {f for f, _ in project.texts} | set(project.files)
    )
    diagnostics, facts = _project_rules(run, Project(tuple(linked), (project,)), governed)
    return _Loaded(
        project.files,
        project.fragment,
        project.pulled_in,
        named,
        governed,
        problems,
        notes,
        project.substituted,
        tuple(diagnostics),
        tuple((code, tuple(found)) for code, found in facts.items()),
    )


def _not_pulled_in(projects: list[_Loaded]) -> list[_Loaded]:
    """The projects that are not part of another one.

    A project is part of another when that one includes its file, or pulls a
    service from it with ``extends`` (unless it is the main project of the
    folder the other one is a variant in), directly or through others. Of
    projects that only pull each other in, the first one is kept.
    """
    by_file = {p.files[0]: i for i, p in enumerate(projects)}
    pulls: list[set[int]] = [set() for _ in projects]  # pulls[q]: the projects q pulls in
    pulled = [False] * len(projects)
    for q, project in enumerate(projects):
        for path, how in project.pulled_in:
            p = by_file.get(path)
            if p is None or p == q:
                continue
            other = projects[p]
            same_folder = Path(other.files[0]).parent == Path(project.files[0]).parent
            if how == "extends" and not other.fragment and same_folder:
                continue  # a variant pulling a service from its folder's main project
            pulls[q].add(p)
            pulled[p] = True
    kept: list[int] = []
    reached: set[int] = set()

    def keep(q: int) -> None:
        kept.append(q)
        stack = [q]
        while stack:
            for p in pulls[stack.pop()]:
                if p not in reached:
                    reached.add(p)
                    stack.append(p)
        reached.add(q)

    for q in range(len(projects)):  # nobody pulls these in
        if not pulled[q]:
            keep(q)
    for q in range(len(projects)):  # pulled in only by each other
        if q not in reached:
            keep(q)
    return [projects[q] for q in sorted(kept)]


# -- 4. Dockerfiles ------------------------------------------------------------------


def _dockerfiles(run: _Run, dockerfiles: list[Path], projects: list[_Loaded]) -> None:
    """The Dockerfiles a service names without dlint knowing which stage it builds:
    the project rules read them. (Those a service builds were linted with their
    projects; the others are linted on their own, in chunks, in worker processes
    when there are many.)"""
    from dlint.ir.project import Project

    named = {path for p in projects for path in p.named}
    kept = [
        path
        for path in dockerfiles
        if Path(os.path.abspath(path)) not in run.linked and run.display(path) in named
    ]
    read: list[Dockerfile] = []
    for path in kept:
        found = run.dockerfile(path)
        if not isinstance(found, LoadError):  # else reported as linted apart
            read.append(found)
            run.reused.add(Path(os.path.abspath(path)))
            _experimental(run, found)
    _lint_pending(run)
    if read:
        governed = frozenset(d.path for d in read)
        diagnostics, facts = _project_rules(run, Project(tuple(read), ()), governed)
        projects.append(
            _Loaded((), False, (), frozenset(), governed, (), (), (), tuple(diagnostics),
                    tuple((code, tuple(f)) for code, f in facts.items()))
        )  # fmt: skip


_Chosen = tuple["Dockerfile", Config, list[Rule]]  # a Dockerfile, its config, its rules


def _chosen(run: _Run, df: Dockerfile) -> _Chosen:
    """``df`` with its config and the per-file rules that config runs on it (after
    reporting its parse problems)."""
    for problem in df.problems:
        run.add(engine_rule(PARSE_ERROR), df.path, problem.span, problem.message)
    config = run.policy.config(df.path)
    enabled = run.policy.enabled(config)  # a rule its config turns off does not run
    wanted = _experimental(run, df)
    chosen = [
        r
        for r in run.rules
        if r.runs and r.meta.scope == "dockerfile" and (r.code in enabled or r.code in wanted)
    ]
    return df, config, chosen


def _experimental(run: _Run, df: Dockerfile) -> tuple[str, ...]:
    """The rules ``df``'s ``# check=experimental=`` directive turns on for it."""
    from dlint.suppress import experimental

    wanted = experimental(df, run.rules)
    if wanted:
        run.policy.experimental[df.path] = wanted
    return wanted


def _context_problem(df: Dockerfile) -> Diagnostic | None:
    """A finding about the file that keeps dlint from reading ``df``'s build context."""
    if df.context.unreadable is None:
        return None
    where, why = df.context.unreadable
    return _diagnostic(
        engine_rule(PARSE_ERROR),
        where,
        Span.point(1),
        f"this file {why}; dlint does not read it, and assumes nothing about "
        "the build context it belongs to",
    )


@dataclass(frozen=True, slots=True)
class _Linted:
    """What a linted Dockerfile leaves for the rest of the run: a run of many files
    keeps these, not the files."""

    path: str  # as shown
    # linted apart, what its own rules found, and what the project rules found in it
    # alone, in scope and with their configs applied where the work was done (linted
    # with a project, these are reported as they are found)
    own: tuple[Diagnostic, ...]
    alone: tuple[Diagnostic, ...]
    suppressions: tuple[Suppression, ...]
    strict: bool  # a ``# check=error=true`` directive: BuildKit's checks fail the build
    experimental: tuple[str, ...]  # rules its ``# check=experimental=`` turns on


def _lint_dockerfiles(
    run: _Run, todo: list[_Chosen], apart: dict[str, list[Diagnostic]] | None = None
) -> None:
    """Each Dockerfile's own rules; what each leaves goes to ``run.linted``. Those
    linted ``apart`` (no Compose service builds them) also get the project rules over
    them alone, and keep their findings, which ``apart`` holds by file, with them."""
    from dlint.ir.project import Project

    whole = [
        r
        for r in run.rules
        if r.runs and r.meta.scope == "project" and r.meta.reads != ("compose",)
    ]
    _prepare(todo)
    for df, config, chosen in todo:
        if apart is None:
            run.run_rules(chosen, df, df.path, config)
            run.linted.append(_left(run, df, ()))
            continue
        run.diagnostics = apart.pop(df.path)
        run.run_rules(chosen, df, df.path, config)
        problem = _context_problem(df)
        if problem is not None:
            run.diagnostics.append(problem)
        own, run.diagnostics = tuple(_applied(run, run.diagnostics)), []
        enabled = run.policy.enabled(config)
        wanted = run.policy.experimental.get(df.path, ())
        project_rules = [r for r in whole if r.code in enabled or r.code in wanted]
        run.run_rules(project_rules, Project((df,), ()), ".", config)
        run.linted.append(_left(run, df, own, tuple(_applied(run, run.diagnostics))))


def _left(
    run: _Run, df: Dockerfile, own: tuple[Diagnostic, ...], alone: tuple[Diagnostic, ...] = ()
) -> _Linted:
    from dlint.suppress import check_error
    from dlint.suppress import dockerfile as written_suppressions

    strict = any(d.name == "check" and check_error(d.value) for d in df.directives)
    suppressions = tuple(written_suppressions(df, run.rules))
    wanted = run.policy.experimental.get(df.path, ())
    return _Linted(df.path, own, alone, suppressions, strict, wanted)


def _lint_pending(run: _Run) -> None:
    """The Dockerfiles a project built with another build context than their own."""
    todo, run.pending = run.pending, []
    _lint_dockerfiles(run, todo)


_Noted = tuple[dict[str, str], dict[str, str]]


@dataclass(frozen=True, slots=True)
class _Done:
    """What a part of the run's work left: each project read (a part of Compose
    groups), or what each Dockerfile linted apart left (a part of Dockerfiles); the
    findings about no project or Dockerfile of the part in particular; whether dlint
    itself failed; and (in a worker of a run that is cached) what the work read."""

    reads: tuple[_Read, ...] = ()
    linted: tuple[_Linted, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    failed: bool = False
    noted: _Noted | None = None


# a Compose group (its place among the groups, and the Dockerfiles linted), a Dockerfile
_Item = tuple[int, ComposeGroup, frozenset[str]] | Path


def _spread(run: _Run, workers: int) -> Spread[_Item, _Done]:
    from dlint import cache, pool

    setup_args = (run.paths, run.cwd, run.options, cache.is_noting())
    return pool.Spread(_lint_part, _worker, setup_args, workers)


def _start(
    run: _Run, groups: list[ComposeGroup], dockerfiles: list[Path]
) -> tuple[Spread[_Item, _Done], int]:
    """The work, handed out (in worker processes, when there are many files), and how
    many of its parts are Compose groups. Those come first; then the Dockerfiles, those
    in folders no Compose file is in or above first: a service may build the others,
    and the parts handed out after the Compose parts leave out those the projects
    already linted."""
    from dlint import pool

    spread = run.work
    if spread is None:
        spread = _spread(run, pool.workers_for(len(groups) + len(dockerfiles), run.options.jobs))
    workers = spread.workers
    numbered: list[_Item] = [(i, group, run.wanted) for i, group in enumerate(groups)]
    compose = pool.chunks(numbered, workers)
    folders = {os.path.dirname(os.path.abspath(f)) for g in groups for f in g.files}

    def maybe_built(path: Path) -> bool:
        folder = os.path.dirname(os.path.abspath(path))
        while folder not in folders:
            parent = os.path.dirname(folder)
            if parent == folder:
                return False
            folder = parent
        return True

    ordered = sorted(dockerfiles, key=maybe_built)  # stable: in order within each kind
    spread.hand(compose + pool.chunks(list[_Item](ordered), workers))
    return spread, len(compose)


def _files_in(part: list[_Item]) -> int:
    return sum(1 if isinstance(item, Path) else len(item[1].files) for item in part)


def _absorbed(run: _Run, done: _Done) -> _Done:
    """``done``, its findings and failures now the run's own."""
    from dlint import cache

    run.diagnostics.extend(done.diagnostics)
    run.failed |= done.failed
    if done.noted is not None:
        cache.absorb(*done.noted)
    return done


def _collect(run: _Run, results: Iterator[_Done]) -> None:
    """What the Dockerfiles linted apart left, in the order of the files: the results
    are the same whoever did the work. Of those a Compose project builds, only the
    findings of their own rules are kept, when the first project to build them gave
    them the build context they have alone (``run.reused``); the others were linted
    with them (``run.left_out``)."""
    left_out = {run.display(path) for path in run.left_out}
    reused = {run.display(path) for path in run.reused}
    taken = {a.path for a in run.linted}
    for done in results:
        for a in _absorbed(run, done).linted:
            if a.path in left_out or a.path in taken:
                continue
            if a.experimental:
                run.policy.experimental[a.path] = a.experimental
            run.applied.extend(a.own)
            if a.path in reused:
                a = replace(a, alone=())
            else:
                run.applied.extend(a.alone)
            run.linted.append(replace(a, own=(), alone=()))


def _applied(run: _Run, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
    """The diagnostics in scope, as their files' configs have them."""
    if run.scope is None:
        run.scope = _scope([*run.paths, *run.options.compose_files], run.cwd)
    files, folders = run.scope
    for d in diagnostics:
        if _shown(d.path, files, folders):
            applied = run.policy.apply(d)
            if applied is not None:
                yield applied


def _worker(paths: tuple[str, ...], cwd: Path, options: Options, noting: bool) -> object:
    """A worker process's own run (its reading gate, configs and rules), with what
    reading and linting need imported while the run still looks for its files."""
    import dlint.read_compose
    import dlint.read_dockerfile  # noqa: F401
    from dlint import shellcheck

    shellcheck.THREADS = 1  # the other workers keep the other cores busy
    run = _Run.start(paths, cwd, options)
    enabled = run.policy.enabled(run.policy.config("."))
    for rule in run.rules:
        if rule.code in enabled and rule.runs:
            rule.check  # noqa: B018 (imported now)
    return run, noting


def _lint_part(state: tuple[_Run, bool], part: list[_Item]) -> _Done:
    """Read and lint the Compose groups or the Dockerfiles of ``part``."""
    run, noting = state
    groups = [item for item in part if not isinstance(item, Path)]
    paths = [item for item in part if isinstance(item, Path)]
    if groups:
        run.wanted = groups[0][2]
    if not noting:
        return _lint_groups(run, groups) if groups else _lint_alone(run, paths)
    from dlint import cache

    with cache.noting() as noted:
        done = _lint_groups(run, groups) if groups else _lint_alone(run, paths)
    return replace(done, noted=(noted.paths, noted.folders))


def _lint_alone(run: _Run, paths: list[Path], read: Sequence[Dockerfile] = ()) -> _Done:
    """Lint ``paths`` (and the Dockerfiles already ``read``) each on its own, as if no
    Compose service built them."""
    failed, run.failed = run.failed, False
    kept, linted = run.diagnostics, run.linted
    run.linted = []
    found: dict[str, list[Diagnostic]] = {}  # by file
    todo: list[_Chosen] = []
    for df in read:
        run.diagnostics = found.setdefault(df.path, [])
        todo.append(_chosen(run, df))
    for path in paths:  # read all first, so that _prepare sees them together
        display = run.display(path)
        run.diagnostics = found.setdefault(display, [])
        result = run.dockerfile(path)
        run.dockerfiles.pop((os.path.abspath(path), None), None)
        if isinstance(result, LoadError):
            run.add(engine_rule(PARSE_ERROR), display, result.span, result.message)
        else:
            todo.append(_chosen(run, result))
    _lint_dockerfiles(run, todo, found)
    out = [
        *run.linted,
        *(_Linted(path, tuple(_applied(run, d)), (), (), False, ()) for path, d in found.items()),
    ]
    done = _Done(linted=tuple(out), failed=run.failed)
    run.diagnostics, run.linted, run.failed = kept, linted, failed
    return done


def _prepare(todo: list[_Chosen]) -> None:
    """Each rule's preparation over the Dockerfiles it will check. A preparation that
    fails changes nothing: the check then does the work itself, and reports."""
    subjects: dict[str, tuple[Rule, list[Dockerfile]]] = {}
    for df, _, chosen in todo:
        for rule in chosen:
            if rule.prepare is not None:
                subjects.setdefault(rule.code, (rule, []))[1].append(df)
    for rule, dockerfiles in subjects.values():
        assert rule.prepare is not None
        with contextlib.suppress(Exception):  # the checks report what went wrong
            rule.prepare(dockerfiles)


# -- 5. project rules ----------------------------------------------------------------


def _groups(run: _Run, paths: Iterable[str]) -> list[tuple[Config, set[str]]]:
    """The distinct configs that govern ``paths``, each with the paths it governs."""
    by_config: dict[int, tuple[Config, set[str]]] = {}
    for path in sorted(paths):
        config = run.policy.config(path)
        by_config.setdefault(id(config), (config, set()))[1].add(path)
    return list(by_config.values()) or [(run.policy.config("."), set())]


def _chosen_for(run: _Run, rules: list[Rule], config: Config, governed: set[str]) -> list[Rule]:
    enabled = run.policy.enabled(config)  # a rule its config turns off does not run
    wanted = {c for path in governed for c in run.policy.experimental.get(path, ())}
    return [r for r in rules if r.code in enabled or r.code in wanted]


def _by_config(
    run: _Run, groups: list[tuple[Config, set[str]]], each: Callable[[Config, set[str]], None]
) -> list[Diagnostic]:
    """``each`` once per config group; of what it finds, a finding is kept from the run
    with its own file's config (one in a file no group governs, from the first run:
    never dropped)."""
    kept, run.diagnostics = run.diagnostics, []
    for i, (config, governed) in enumerate(groups):
        before = len(run.diagnostics)
        each(config, governed)
        if len(groups) > 1:
            found = run.diagnostics[before:]
            del run.diagnostics[before:]
            ids = {id(c) for c, _ in groups}
            for d in found:
                owner = id(run.policy.config(d.path))
                if owner == id(config) or (i == 0 and owner not in ids):
                    run.diagnostics.append(d)
    found, run.diagnostics = run.diagnostics, kept
    return found


def _project_rules(
    run: _Run, whole: Project, governed: frozenset[str]
) -> tuple[list[Diagnostic], dict[str, list[object]]]:
    """The project rules over one project, once per distinct config of its files: what
    they find, and what the rules that compare projects gather from it."""
    rules = [r for r in run.rules if r.runs and r.meta.scope == "project"]
    if not whole.compose:  # the rules that read only Compose projects have nothing to read
        rules = [r for r in rules if r.meta.reads != ("compose",)]
    facts: dict[str, list[object]] = {}

    def each(config: Config, paths: set[str]) -> None:
        chosen = _chosen_for(run, rules, config, paths)
        run.run_rules([r for r in chosen if r.gather is None], whole, ".", config)
        for rule in chosen:
            if rule.gather is not None and rule.code not in facts:
                try:
                    facts[rule.code] = list(rule.gather(whole))
                except Exception as exc:  # reported as run_rules does
                    run.failed = True
                    run.diagnostics.append(_internal(".", f"rule {rule.code} {rule.name}", exc))

    return _by_config(run, _groups(run, governed), each), facts


def _conclude(run: _Run, projects: list[_Loaded]) -> None:
    """The project rules' findings, each from the first project to find it; then the
    rules that compare projects, over what they gathered from all of them."""
    claimed: set[tuple[str, str, Span]] = set()
    for project in projects:
        found = set()
        for d in project.diagnostics:
            key = (d.rule_code, d.path, d.span)
            if key not in claimed or d.name == INTERNAL_ERROR:
                run.diagnostics.append(d)
                found.add(key)
        claimed |= found
    gathered: dict[str, list[object]] = {}
    for project in projects:
        for code, facts in project.facts:
            gathered.setdefault(code, []).extend(facts)
    governed = {path for p in projects for path in p.governed}
    if not gathered:
        return
    rules = [r for r in run.rules if r.code in gathered]

    def each(config: Config, paths: set[str]) -> None:
        for rule in _chosen_for(run, rules, config, paths):
            run.run_rules([rule], gathered[rule.code], ".", config, gathered=True)

    run.diagnostics.extend(_by_config(run, _groups(run, governed), each))


# -- 6. the report -------------------------------------------------------------------


def _scope(paths: Sequence[str], cwd: Path) -> tuple[set[str], tuple[str, ...]]:
    """Files named, and prefixes of the folders named, as display paths."""
    files: set[str] = set()
    folders: list[str] = []
    for raw in paths:
        path = cwd / raw
        shown = display_path(path, cwd)
        note(path)
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


def _report(
    run: _Run, shown: list[str], composed: list[str], hidden: printable.Substituted
) -> Report:
    policy = run.policy
    # each step lets go of what it replaces: a run of many findings holds one copy
    found, run.diagnostics = run.diagnostics, []
    kept, run.applied = run.applied, []
    kept.extend(_applied(run, drain(found)))
    assert run.scope is not None
    scope_files, folders = run.scope
    kept = _suppress(kept, run, scope_files, folders, composed)
    kept = _check_errors(kept, run)
    unique = sorted(set(kept), key=lambda d: (*d.sort_key, d.message))
    del kept
    unique = fingerprints(unique, run.lines, lambda text: sys.intern(hidden.message(text)))
    root_config = policy.config(".")
    enabled = policy.enabled(root_config)
    warnings = [*plugin_problems(), *_cannot_fire(run, root_config, enabled)]
    return Report(
        tuple(unique),
        tuple(path for path in shown if _shown(path, scope_files, folders)),
        run.failed,
        notes=tuple(dict.fromkeys(run.notes)),
        warnings=tuple(warnings),
        rules=tuple(r for r in run.rules if r.code in enabled),
        root=run.cwd,
        output_format=root_config.output_format,
        verbose=root_config.verbose,
        read_lines=_reader(run.files, run.cwd),
    )


def _reader(files: ProjectFiles, cwd: Path) -> Callable[[str], list[str] | None]:
    """A linted file's lines, read again through the run's gate (and its overlay):
    what a reporter quotes, without keeping the run alive."""

    def read(display: str) -> list[str] | None:
        try:
            return files.read_text(cwd / display).split("\n")
        except LoadError:
            return None

    return read


def _check_errors(diagnostics: list[Diagnostic], run: _Run) -> list[Diagnostic]:
    """In a Dockerfile whose ``# check=error=true`` directive makes BuildKit fail the
    build on its checks, the findings of the rules that are BuildKit checks are errors."""
    strict = {a.path for a in run.linted if a.strict}
    if not strict:
        return diagnostics
    checks = {r.code for r in run.rules if r.meta.buildkit}
    out = []
    for d in diagnostics:
        if d.path in strict and d.rule_code in checks and d.severity != Severity.ERROR:
            config = run.policy.config(d.path)
            d = replace(d, severity=Severity.ERROR, fails=_fails(Severity.ERROR, config))
        out.append(d)
    return out


def _cannot_fire(run: _Run, config: Config, enabled: Selection) -> list[str]:
    """A warning for each rule selected by name that its missing options, or a program
    it needs, keep silent (a note, shown with --verbose, for the other rules a missing
    program keeps silent)."""
    from dlint.config import named_rules

    named = named_rules([*(config.select or ()), *config.extend_select], run.rules)
    out = []
    for rule in run.rules:
        if rule.code not in enabled:
            continue
        why = rule.unavailable() if rule.unavailable is not None else None
        if why is not None and rule.code in named:
            out.append(f"{rule.code} {rule.name} is selected but cannot run: {why}")
        elif why is not None:
            run.notes.append(f"{rule.code} {rule.name} did not run: {why}")
        missing = rule.needs(config.options.get(rule.code))
        if missing and rule.code in named:
            keys = " and ".join(f"`{m}`" for m in missing)
            out.append(
                f"{rule.code} {rule.name} is selected but cannot report anything until "
                f"{keys} is set in the config"
            )
    return out


def _suppress(
    diagnostics: list[Diagnostic],
    run: _Run,
    files: set[str],
    folders: tuple[str, ...],
    composed: list[str],
) -> list[Diagnostic]:
    """Inline suppressions of the files in scope (unless their config turns them off),
    and the useless ones reported."""
    from dlint import suppress

    found: list[suppress.Suppression] = []
    for linted in run.linted:
        if _shown(linted.path, files, folders):
            found.extend(linted.suppressions)
    for path in composed:
        if _shown(path, files, folders):
            lines = run.lines(path)
            if lines is not None:
                found.extend(suppress.compose(path, "\n".join(lines), run.rules))
    found = [s for s in found if not run.policy.config(s.path).disable_suppressions]
    kept = suppress.apply(diagnostics, found)
    unused_rule = engine_rule("unused-suppression")
    for s, message in suppress.useless(found):
        d = run.policy.apply(_diagnostic(unused_rule, s.path, s.comment, message))
        if d is not None:
            kept.append(d)
    return kept
