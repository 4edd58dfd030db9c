"""What one run knows: its options, the config of each file (``Policy``), the files it
may read and those it read lately, and what it has found (``Run``)."""

from __future__ import annotations

import os
import sys
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlint.cache import note
from dlint.config import Config, ConfigFinder, Selection, load_file
from dlint.discovery import ComposeGroup
from dlint.edits import Fix
from dlint.files import LoadError, ProjectFiles
from dlint.ir.common import Severity, Span
from dlint.registry import all_rules, engine_rule
from dlint.report import Diagnostic
from dlint.rule import Rule, covers

if TYPE_CHECKING:  # the IR and parsers are imported when a run reads a file
    from dlint.ir.compose import ComposeProject
    from dlint.ir.dockerfile import Dockerfile
    from dlint.parts import Chosen, Done, Item, Linted
    from dlint.pool import Spread


PARSE_ERROR = "parse-error"


INTERNAL_ERROR = "internal-error"


TOO_DEEP = "nested too deeply for dlint to read"


# a Dockerfile a service builds: its path, the build context (None: its folder), and
# the Dockerfile as read (or why it cannot be)
Asked = tuple[str, str | None, "Dockerfile | LoadError"]


# Dockerfiles kept read (most recently used first out): a Dockerfile is usually built
# by the projects of its own folder, read one after the other
DOCKERFILES_KEPT = 64


CONFIGS_KEPT = 4096  # files whose config a run keeps at hand
# lines quoted by the workers that a run keeps for fingerprints (of at most 512
# characters: a few MB at most; a run of more findings reads the files of the others
# again, so that memory stays bounded)
QUOTED_KEPT = 8192


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


def diagnostic(
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


def internal(path: str, what: str, exc: BaseException) -> Diagnostic:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return diagnostic(
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
class Policy:
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
            if len(self._configs) >= CONFIGS_KEPT:  # the files asked about lately: the
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
                d, severity=Severity.ERROR, fails=fails_at(Severity.ERROR, config), message=_one(d)
            )
        rule = d.rule_code
        enabled = self.enabled(config)
        wanted = rule in self.experimental.get(d.path, ()) and rule not in enabled.off
        if not (enabled.allows(d.code, rule) or wanted) or any(
            covers(c, d.code, rule) for c in config.ignored_for(d.path, self.rules, self.cwd)
        ):
            return None
        severity = config.severity_of(d.code, rule, d.severity)
        return replace(d, severity=severity, fails=fails_at(severity, config), message=_one(d))


def _one(d: Diagnostic) -> str:
    """``d``'s message, one object for all the findings that say the same thing (many
    do: a run of many files holds each text once)."""
    return sys.intern(d.message)


def fails_at(severity: Severity, config: Config) -> bool:
    level = config.fail_level or "warning"
    return level != "never" and severity >= Severity.parse(level)


@dataclass
class Run:
    """What one run knows: where it is, what it may read, what it found."""

    cwd: Path
    options: Options
    files: ProjectFiles
    policy: Policy
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
    linked: set[str] = field(default_factory=set)  # those Compose services build, by path
    # of those, the ones first built with the build context they have alone (their
    # folder): their own rules find what they find linted apart, so those results serve
    reused: set[str] = field(default_factory=set)
    left_out: set[str] = field(default_factory=set)  # the others, linted with projects
    # what the Compose parts linted apart, by path as shown, until it is taken; and
    # their absolute paths, which the Dockerfile parts handed out later leave out
    linted_apart: dict[str, Linted] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    pending: list[Chosen] = field(default_factory=list)  # linked, their rules not yet run
    linted: list[Linted] = field(default_factory=list)  # what each linted Dockerfile left
    # the worker processes, started as soon as the run finds enough files to share
    work: Spread[Item, Done] | None = None
    found: int = 0  # files found so far
    # the files and folders in scope, and the findings in scope with their configs
    # applied (those of the Dockerfiles linted apart, as they come back)
    scope: tuple[set[str], tuple[str, ...]] | None = None
    applied: list[Diagnostic] = field(default_factory=list)
    _lines: tuple[str, list[str] | None] | None = None
    quoted: dict[tuple[str, int], str | None] = field(default_factory=dict)  # see line
    shown: dict[Path, str] = field(default_factory=dict)  # see display
    # the Dockerfile rules a config (and a file's experimental rules) runs: see choose
    chosen: dict[tuple[int, tuple[str, ...]], tuple[Config, list[Rule]]] = field(
        default_factory=dict
    )
    progress: Progress | None = None
    total: int = 0  # files to lint
    done: int = 0  # of them

    def advance(self, files: int) -> None:
        """``files`` more files are linted (told to ``progress``)."""
        self.done = min(self.total, self.done + files)
        if self.progress is not None:
            self.progress(self.done, self.total)

    @classmethod
    def start(cls, paths: Sequence[str], cwd: Path, options: Options) -> Run:
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
        policy = Policy(finder, options, rules, cwd)
        return cls(cwd, options, files, policy, rules, tuple(paths))

    def display(self, path: Path) -> str:
        """``path`` as shown (``display_path``): asked of the same files again and again
        while they are read and linted, so the last few thousand answers are kept."""
        shown = self.shown.get(path)
        if shown is None:
            if len(self.shown) >= CONFIGS_KEPT:
                self.shown.clear()
            shown = self.shown[path] = display_path(path, self.cwd)
        return shown

    def apart(self, item: object) -> bool:
        """Whether a part of the work still does ``item``: not a Dockerfile that was
        linted with the project that builds it, or apart with its projects."""
        if not isinstance(item, Path):
            return True
        key = os.path.abspath(item)
        return key not in self.skipped and key not in self.left_out

    def add(self, rule: Rule, path: str, span: Span, message: str) -> None:
        self.diagnostics.append(diagnostic(rule, path, span, message))

    def lines(self, display: str) -> list[str] | None:
        """A linted file's lines (for suppressions and fingerprints, which ask for one
        file's lines in a row: only the last file's are kept)."""
        if self._lines is None or self._lines[0] != display:
            self._lines = (display, reader(self.files, self.cwd)(display))
        return self._lines[1]

    def line(self, display: str, number: int) -> str | None:
        """A line of a linted file (None: it has no such line): as the part of the work
        that found something there quoted it, else read again."""
        key = (display, number)
        if key in self.quoted:
            return self.quoted[key]
        lines = self.lines(display)
        return lines[number - 1] if lines and 0 < number <= len(lines) else None

    def dockerfile(self, path: Path, context: str | None = None) -> Dockerfile | LoadError:
        """A Dockerfile read with a build context (None: its folder, see ``own_context``). The
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
            found = LoadError(TOO_DEEP, Span.point(1))
        except Exception as exc:  # a bug in dlint's own parser
            self.failed = True
            self.diagnostics.append(internal(display, "reading this Dockerfile", exc))
            found = LoadError("dlint could not read this file", Span.point(1))
        self.dockerfiles[key] = found
        if len(self.dockerfiles) > DOCKERFILES_KEPT:
            self.dockerfiles.popitem(last=False)
        return found

    def compose(self, group: ComposeGroup, asked: list[Asked]) -> ComposeProject | None:
        """The project of ``group``, each service's Dockerfile read with the build
        context the service gives; ``asked`` gets them, in order."""
        from dlint.read_compose import read_compose_project

        def dockerfile(path: Path, context: Path) -> Dockerfile | LoadError:
            key = os.path.abspath(path)
            found = self.dockerfile(path, own_context(key, context))
            asked.append((key, own_context(key, context), found))
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
            self.add(engine_rule(PARSE_ERROR), where, Span.point(1), TOO_DEEP)
        except Exception as exc:  # a bug in dlint's compose loader
            self.failed = True
            self.diagnostics.append(internal(where, "reading this Compose project", exc))
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
                    diagnostic(rule, f.path or path, f.span, f.message, f.severity, f.code, f.fix)
                    for f in check(subject, config.options.get(rule.code))
                ]
            except Exception as exc:
                self.failed = True
                self.diagnostics.append(internal(path, f"rule {rule.code} {rule.name}", exc))
                continue
            self.diagnostics.extend(found)


Progress = Callable[[int, int], None]  # (files done, files in all), as a run goes


def own_context(key: str, context: Path | str | None) -> str | None:
    """A build context as ``Run.dockerfile`` takes it: None for the Dockerfile's own
    folder (the context it has when no service builds it)."""
    if context is None:
        return None
    folder = os.path.abspath(context)
    return None if folder == os.path.dirname(key) else folder


def reader(files: ProjectFiles, cwd: Path) -> Callable[[str], list[str] | None]:
    """A linted file's lines, read again through the run's gate (and its overlay):
    what a reporter quotes, without keeping the run alive."""

    def read(display: str) -> list[str] | None:
        try:
            return files.read_text(cwd / display).split("\n")
        except LoadError:
            return None

    return read


def scope_of(paths: Sequence[str], cwd: Path) -> tuple[set[str], tuple[str, ...]]:
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


def in_scope(path: str, files: set[str], folders: tuple[str, ...]) -> bool:
    if path in files:
        return True
    return any(path.startswith(f) and (f or not path.startswith("../")) for f in folders)
