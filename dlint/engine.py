"""Run the rules over the files: a short pipeline of named steps.

1. ``Run.start`` (``dlint.run``): the files dlint may read, the configs, the rules.
2. ``_targets``: the files to lint (each folder's closest config excludes); with
   enough of them, the worker processes start (``dlint.pool``).
3. ``_start``: the work in parts (``dlint.parts``): the Compose groups, then every
   Dockerfile. ``lint_groups`` reads each project, one at a time, each service's
   Dockerfile with the build context the service gives it, runs the project's rules
   on it and keeps only what they find (``Loaded``). ``lint_alone`` lints a
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

import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlint import parts, printable
from dlint.config import Config, Selection
from dlint.discovery import ComposeGroup, Target, compose_above, discover, group_compose
from dlint.files import LoadError
from dlint.fingerprint import drain, fingerprints
from dlint.ir.common import Severity, Span
from dlint.parts import (
    Built,
    Done,
    Item,
    Loaded,
    Read,
    by_config,
    choose,
    chosen_for,
    config_groups,
    configured,
    experimental_rules,
    lint_dockerfiles,
    project_rules,
)
from dlint.registry import engine_rule, plugin_problems
from dlint.report import Diagnostic, Report
from dlint.run import (
    INTERNAL_ERROR,
    PARSE_ERROR,
    QUOTED_KEPT,
    Options,
    Progress,
    Run,
    diagnostic,
    fails_at,
    in_scope,
    reader,
)

if TYPE_CHECKING:  # the IR and parsers are imported when a run reads a file
    from dlint.ir.dockerfile import Dockerfile
    from dlint.pool import Spread
    from dlint.suppress import Suppression

__all__ = ["INTERNAL_ERROR", "PARSE_ERROR", "Options", "Progress", "lint"]


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
        run = Run.start(paths, cwd, options)
        run.progress = progress
        return _finish(run)
    from dlint import cache

    with cache.noting() as noted:  # the configs the run reads are noted too
        run = Run.start(paths, cwd, options)
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


def _cache_folder(run: Run) -> Path | None:
    from dlint.cache import default_folder

    if run.options.cache_dir is not None:
        return run.cwd / run.options.cache_dir
    configured = run.policy.config(".").cache_dir
    if configured is not None:
        return run.cwd / configured
    return default_folder()


def _finish(run: Run) -> Report:
    try:
        return _steps(run)
    finally:  # a run that stops early (a path that does not exist) leaves no worker
        if run.work is not None:
            run.work.close()


def _steps(run: Run) -> Report:
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
    reads: list[Read] = []
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
    # what the report needs of the projects: their files' suppressions and what
    # they substituted (hidden in messages)
    composed: dict[str, tuple[Suppression, ...]] = {}
    for p in projects:
        for path, written in p.suppressions:
            composed.setdefault(path, written)
    hidden = printable.Substituted(pair for p in projects for pair in p.substituted)
    del projects
    _collect(run, results)
    return _report(run, shown, composed, hidden)


def _targets(run: Run) -> list[Target]:
    """The files to lint; Compose files named on the command line bring the projects
    above them that may include them (their findings are shown only when in scope)."""
    options = run.options
    named = [*run.paths, *options.compose_files]
    found = discover(
        named, run.policy.excluded, run.cwd, frozenset(run.files.overlay), lambda: _found(run)
    )
    # excludes apply to what folders yield (the walk left those out); to named files
    # only with --force-exclude
    if options.force_exclude:
        found = [t for t in found if not t.explicit or not run.policy.excluded(t.path)]
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


def _found(run: Run) -> None:
    """One more file found: with enough of them, the workers start (and set up while
    the rest are found)."""
    from dlint import pool

    run.found += 1
    if run.found == pool.MIN_ITEMS and run.work is None:
        run.work = _spread(run, pool.workers_for(run.found, run.options.jobs))


def _sniffed(run: Run, target: Target) -> Target | None:
    """A file with "compose" in its name is a Compose file when its top level says so."""
    if target.kind != "maybe-compose":
        return target
    from dlint.parsers.compose.sniff import looks_like_compose

    try:
        text = run.files.read_text(target.path)
    except LoadError:
        return None
    return replace(target, kind="compose") if looks_like_compose(text) else None


def _groups_of(run: Run, targets: list[Target]) -> list[ComposeGroup]:
    """The Compose files read together: those given with ``-f`` first."""
    explicit = [run.cwd / p for p in run.options.compose_files]
    groups = group_compose([t for t in targets if t.path not in explicit])
    if explicit:
        groups.insert(0, ComposeGroup(tuple(explicit), False))
    return groups


def _compose(run: Run, reads: list[Read]) -> list[Loaded]:
    """Each project's findings, but those of a project another one includes; and how
    each Dockerfile a service builds is linted, as the first project of the run to
    build it read it."""
    loaded = []
    first: dict[str, Built] = {}
    for _, project, built in sorted(reads, key=lambda read: read[0]):
        if project is not None:
            loaded.append(project)
        for b in built:
            first.setdefault(b.key, b)
    for key, b in first.items():
        run.linked.add(key)
        if b.error is not None:
            if key in run.wanted:
                run.add(engine_rule(PARSE_ERROR), run.display(Path(key)), *b.error)
            continue
        assert b.left is not None
        if key not in run.wanted:  # not linted, but the project rules may report in it
            run.linted.append(b.left)
            if b.unreadable is not None:
                run.diagnostics.append(b.unreadable)
        elif b.context is None:  # linted apart: the same
            run.reused.add(key)
            if b.left.experimental:
                run.policy.experimental[b.left.path] = b.left.experimental
            done = run.linted_apart.pop(b.left.path, None)
            if done is not None:
                run.applied.extend(done.own)
                run.linted.append(replace(done, own=(), alone=()))
        else:
            run.left_out.add(key)
            found = run.dockerfile(Path(key), b.context)
            if not isinstance(found, LoadError):
                if b.unreadable is not None:
                    run.diagnostics.append(b.unreadable)
                run.pending.append(choose(run, found))
    run.linted_apart.clear()  # those left: linted with another build context
    kept = _not_pulled_in(loaded)
    for read in kept:
        run.diagnostics.extend(read.problems)
        run.notes.extend(read.notes)
    return kept


def _not_pulled_in(projects: list[Loaded]) -> list[Loaded]:
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


def _dockerfiles(run: Run, dockerfiles: list[Path], projects: list[Loaded]) -> None:
    """The Dockerfiles a service names without dlint knowing which stage it builds:
    the project rules read them. (Those a service builds were linted with their
    projects; the others are linted on their own, in chunks, in worker processes
    when there are many.)"""
    from dlint.ir.project import Project

    named = {path for p in projects for path in p.named}
    kept = [
        path
        for path in dockerfiles
        if os.path.abspath(path) not in run.linked and run.display(path) in named
    ]
    read: list[Dockerfile] = []
    for path in kept:
        found = run.dockerfile(path)
        if not isinstance(found, LoadError):  # else reported as linted apart
            read.append(found)
            run.reused.add(os.path.abspath(path))
            experimental_rules(run, found)
    _lint_pending(run)
    if read:
        governed = frozenset(d.path for d in read)
        diagnostics, facts = project_rules(run, Project(tuple(read), ()), governed)
        projects.append(
            Loaded((), False, (), frozenset(), governed, (), (), (), tuple(diagnostics),
                    tuple((code, tuple(f)) for code, f in facts.items()), ())
        )  # fmt: skip


def _lint_pending(run: Run) -> None:
    """The Dockerfiles a project built with another build context than their own."""
    todo, run.pending = run.pending, []
    lint_dockerfiles(run, todo)


def _spread(run: Run, workers: int) -> Spread[Item, Done]:
    from dlint import cache, pool

    setup_args = (run.paths, run.cwd, run.options, cache.is_noting())
    return pool.Spread(parts.lint_part, parts.worker, setup_args, workers)


def _start(
    run: Run, groups: list[ComposeGroup], dockerfiles: list[Path]
) -> tuple[Spread[Item, Done], int]:
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
    numbered: list[Item] = [(i, group, run.wanted) for i, group in enumerate(groups)]
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
    spread.hand(compose + pool.chunks(list[Item](ordered), workers))
    return spread, len(compose)


def _files_in(part: list[Item]) -> int:
    return sum(1 if isinstance(item, Path) else len(item[1].files) for item in part)


def _absorbed(run: Run, done: Done) -> Done:
    """``done``, its findings and failures now the run's own."""
    from dlint import cache

    run.diagnostics.extend(done.diagnostics)
    run.failed |= done.failed
    room = QUOTED_KEPT - len(run.quoted)  # past these, the files are read again
    if room > 0:
        run.quoted.update(((path, number), text) for path, number, text in done.quoted[:room])
    if done.noted is not None:
        cache.absorb(*done.noted)
    return done


def _collect(run: Run, results: Iterator[Done]) -> None:
    """What the Dockerfiles linted apart left, in the order of the files: the results
    are the same whoever did the work. Of those a Compose project builds, only the
    findings of their own rules are kept, when the first project to build them gave
    them the build context they have alone (``run.reused``); the others were linted
    with them (``run.left_out``)."""
    left_out = {run.display(Path(key)) for key in run.left_out}
    reused = {run.display(Path(key)) for key in run.reused}
    taken = {a.path for a in run.linted}
    for done in results:
        for a in _absorbed(run, done).linted:
            if a.path in left_out or a.path in taken:
                continue
            if a.experimental:
                run.policy.experimental[a.path] = a.experimental
            run.applied.extend(a.own)
            if a.path not in reused:
                run.applied.extend(a.alone)
            run.linted.append(replace(a, own=(), alone=()))


def _conclude(run: Run, projects: list[Loaded]) -> None:
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
        for rule in chosen_for(run, rules, config, paths):
            run.run_rules([rule], gathered[rule.code], ".", config, gathered=True)

    run.diagnostics.extend(by_config(run, config_groups(run, governed), each))


def _report(
    run: Run,
    shown: list[str],
    composed: dict[str, tuple[Suppression, ...]],
    hidden: printable.Substituted,
) -> Report:
    policy = run.policy
    # each step lets go of what it replaces: a run of many findings holds one copy
    found, run.diagnostics = run.diagnostics, []
    kept, run.applied = run.applied, []
    kept.extend(configured(run, drain(found)))
    assert run.scope is not None
    scope_files, folders = run.scope
    kept = _suppress(kept, run, scope_files, folders, composed)
    kept = _check_errors(kept, run)
    unique = sorted(set(kept), key=lambda d: (*d.sort_key, d.message))
    del kept
    unique = fingerprints(unique, run.line, lambda text: sys.intern(hidden.message(text)))
    root_config = policy.config(".")
    enabled = policy.enabled(root_config)
    warnings = [*plugin_problems(), *_cannot_fire(run, root_config, enabled)]
    return Report(
        tuple(unique),
        tuple(path for path in shown if in_scope(path, scope_files, folders)),
        run.failed,
        notes=tuple(dict.fromkeys(run.notes)),
        warnings=tuple(warnings),
        rules=tuple(r for r in run.rules if r.code in enabled),
        root=run.cwd,
        output_format=root_config.output_format,
        verbose=root_config.verbose,
        read_lines=reader(run.files, run.cwd),
    )


def _check_errors(diagnostics: list[Diagnostic], run: Run) -> list[Diagnostic]:
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
            d = replace(d, severity=Severity.ERROR, fails=fails_at(Severity.ERROR, config))
        out.append(d)
    return out


def _cannot_fire(run: Run, config: Config, enabled: Selection) -> list[str]:
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
    run: Run,
    files: set[str],
    folders: tuple[str, ...],
    composed: dict[str, tuple[Suppression, ...]],
) -> list[Diagnostic]:
    """Inline suppressions of the files in scope (unless their config turns them off),
    and the useless ones reported (``composed``: those of each Compose file read)."""
    from dlint import suppress

    found: list[suppress.Suppression] = []
    for linted in run.linted:
        if in_scope(linted.path, files, folders):
            found.extend(linted.suppressions)
    for path, written in composed.items():
        if in_scope(path, files, folders):
            found.extend(written)
    found = [s for s in found if not run.policy.config(s.path).disable_suppressions]
    kept = suppress.apply(diagnostics, found)
    unused_rule = engine_rule("unused-suppression")
    for s, message in suppress.useless(found):
        d = run.policy.apply(diagnostic(unused_rule, s.path, s.comment, message))
        if d is not None:
            kept.append(d)
    return kept
