"""The work of a run, in parts that a worker process (or the run itself) does: reading
and linting Compose projects (``lint_groups``), each with the Dockerfiles its services
build, and Dockerfiles on their own (``lint_alone``). A part sends back only what its
files leave for the rest of the run (``Done``), never the files."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlint.config import Config
from dlint.discovery import ComposeGroup
from dlint.files import LoadError
from dlint.ir.common import Span, pickled_by_fields
from dlint.registry import engine_rule
from dlint.report import Diagnostic
from dlint.rule import Rule
from dlint.run import (
    CONFIGS_KEPT,
    PARSE_ERROR,
    Asked,
    Options,
    Run,
    diagnostic,
    in_scope,
    internal,
    scope_of,
)

if TYPE_CHECKING:  # the IR and parsers are imported when a run reads a file
    from dlint.ir.compose import ComposeProject
    from dlint.ir.dockerfile import Dockerfile
    from dlint.ir.project import Project
    from dlint.suppress import Suppression


APART = 32  # Dockerfiles a Compose part lints apart together (ShellCheck asks at once)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Loaded:
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
    # the suppressions written in each of its files that can be read, in merge order
    suppressions: tuple[tuple[str, tuple[Suppression, ...]], ...]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Built:
    """A Dockerfile a service builds, as the first project of a part of the run to
    build it read it: the first project of the run to build it decides how it is
    linted (with the build context that project's service gives it)."""

    key: str  # its absolute path
    context: str | None  # the build context it was read with (None: its folder)
    error: tuple[Span, str] | None  # why it cannot be read as a Dockerfile
    unreadable: Diagnostic | None  # its build context cannot be read
    left: Linted | None  # its suppressions and directives (None: it cannot be read)


# a project read: its group's place among the groups, what it left (None: it could not
# be read at all), and the Dockerfiles it was the first of its part to build
Read = tuple[int, "Loaded | None", tuple[Built, ...]]


Chosen = tuple["Dockerfile", Config, list[Rule]]  # a Dockerfile, its config, its rules


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Linted:
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


Noted = tuple[dict[str, str], dict[str, str]]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Done:
    """What a part of the run's work left: each project read (a part of Compose
    groups), or what each Dockerfile linted apart left (a part of Dockerfiles); the
    findings about no project or Dockerfile of the part in particular; whether dlint
    itself failed; and (in a worker of a run that is cached) what the work read."""

    reads: tuple[Read, ...] = ()
    linted: tuple[Linted, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    failed: bool = False
    noted: Noted | None = None
    quoted: tuple[Quote, ...] = ()  # the lines its findings point at


# a file (as shown), a line number and that line's text (None: the file has no such line)
Quote = tuple[str, int, "str | None"]
QUOTE_MAX = 512  # longer lines are not quoted: what a run keeps of them stays small

# a Compose group (its place among the groups, and the Dockerfiles linted), a Dockerfile
Item = tuple[int, ComposeGroup, frozenset[str]] | Path


def lint_groups(run: Run, groups: list[tuple[int, ComposeGroup, frozenset[str]]]) -> Done:
    """Read and lint the Compose projects of ``groups``, one at a time. A Dockerfile
    linted that a project is the first here to build, with the build context it has
    alone, is linted apart here too: its own rules' findings serve (see dlint.engine._compose)."""
    failed, run.failed = run.failed, False
    kept, run.diagnostics = run.diagnostics, []
    reads: list[Read] = []
    apart: list[Dockerfile] = []
    linted: list[Linted] = []
    for index, group, _ in groups:
        asked: list[Asked] = []
        project = run.compose(group, asked)
        built, linked = _built(run, asked, apart)
        loaded = None if project is None else lint_project(run, project, linked)
        reads.append((index, loaded, built))
        if len(apart) >= APART or index == groups[-1][0]:
            done = lint_alone(run, [], apart)
            run.failed |= done.failed
            linted.extend(done.linted)
            apart.clear()
    done = Done(tuple(reads), tuple(linted), tuple(run.diagnostics), run.failed)
    run.diagnostics, run.failed = kept, failed
    return done


def _built(
    run: Run, asked: list[Asked], apart: list[Dockerfile]
) -> tuple[tuple[Built, ...], list[Dockerfile]]:
    """The Dockerfiles a project's services build (each path once, as the first service
    to build it gives it to the project rules), and those this process had not seen
    built yet, as they were read; ``apart`` gets those of them to lint apart."""
    out: list[Built] = []
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
            out.append(Built(key, context, (found.span, found.message), None, None))
            continue
        if key in run.wanted:
            experimental_rules(run, found)  # the project rules it turns on
            if context is None:
                apart.append(found)
        out.append(Built(key, context, None, context_problem(found), leaves(run, found, ())))
    return tuple(out), list(linked.values())


def lint_project(run: Run, project: ComposeProject, linked: list[Dockerfile]) -> Loaded:
    from dlint.ir.project import Project

    problems = tuple(
        diagnostic(engine_rule(PARSE_ERROR), p.file, p.span, p.message)
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
    diagnostics, facts = project_rules(run, Project(tuple(linked), (project,)), governed)
    return Loaded(
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
        _written(run, project),
    )


def _written(run: Run, project: ComposeProject) -> tuple[tuple[str, tuple[Suppression, ...]], ...]:
    """The suppressions written in each file of ``project`` that it could read (in the
    text it read)."""
    from dlint import suppress

    return tuple(
        (path, tuple(suppress.compose(path, text, run.rules)))
        for path in project.files
        if (text := project.text(path)) is not None
    )


def choose(run: Run, df: Dockerfile) -> Chosen:
    """``df`` with its config and the per-file rules that config runs on it (after
    reporting its parse problems)."""
    for problem in df.problems:
        run.add(engine_rule(PARSE_ERROR), df.path, problem.span, problem.message)
    config = run.policy.config(df.path)
    wanted = experimental_rules(run, df)
    known = run.chosen.get((id(config), wanted))
    if known is not None and known[0] is config:
        return df, config, known[1]
    enabled = run.policy.enabled(config)  # a rule its config turns off does not run
    chosen = [
        r
        for r in run.rules
        if r.runs and r.meta.scope == "dockerfile" and (r.code in enabled or r.code in wanted)
    ]
    if len(run.chosen) >= CONFIGS_KEPT:
        run.chosen.clear()
    run.chosen[(id(config), wanted)] = (config, chosen)
    return df, config, chosen


def experimental_rules(run: Run, df: Dockerfile) -> tuple[str, ...]:
    """The rules ``df``'s ``# check=experimental=`` directive turns on for it."""
    from dlint.suppress import experimental

    wanted = experimental(df, run.rules)
    if wanted:
        run.policy.experimental[df.path] = wanted
    return wanted


def context_problem(df: Dockerfile) -> Diagnostic | None:
    """A finding about the file that keeps dlint from reading ``df``'s build context."""
    if df.context.unreadable is None:
        return None
    where, why = df.context.unreadable
    return diagnostic(
        engine_rule(PARSE_ERROR),
        where,
        Span.point(1),
        f"this file {why}; dlint does not read it, and assumes nothing about "
        "the build context it belongs to",
    )


def lint_dockerfiles(
    run: Run, todo: list[Chosen], apart: dict[str, list[Diagnostic]] | None = None
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
    prepare_rules(todo)
    for df, config, chosen in todo:
        if apart is None:
            run.run_rules(chosen, df, df.path, config)
            run.linted.append(leaves(run, df, ()))
            continue
        run.diagnostics = apart.pop(df.path)
        run.run_rules(chosen, df, df.path, config)
        problem = context_problem(df)
        if problem is not None:
            run.diagnostics.append(problem)
        own, run.diagnostics = tuple(configured(run, run.diagnostics)), []
        enabled = run.policy.enabled(config)
        wanted = run.policy.experimental.get(df.path, ())
        alone_rules = [r for r in whole if r.code in enabled or r.code in wanted]
        run.run_rules(alone_rules, Project((df,), ()), ".", config)
        run.linted.append(leaves(run, df, own, tuple(configured(run, run.diagnostics))))


def leaves(
    run: Run, df: Dockerfile, own: tuple[Diagnostic, ...], alone: tuple[Diagnostic, ...] = ()
) -> Linted:
    """What ``df`` leaves for the rest of the run once its rules have run."""
    from dlint.suppress import check_error
    from dlint.suppress import dockerfile as written_suppressions

    strict = any(d.name == "check" and check_error(d.value) for d in df.directives)
    suppressions = tuple(written_suppressions(df, run.rules))
    wanted = run.policy.experimental.get(df.path, ())
    return Linted(df.path, own, alone, suppressions, strict, wanted)


def lint_alone(run: Run, paths: list[Path], read: Sequence[Dockerfile] = ()) -> Done:
    """Lint ``paths`` (and the Dockerfiles already ``read``) each on its own, as if no
    Compose service built them."""
    failed, run.failed = run.failed, False
    kept, linted = run.diagnostics, run.linted
    run.linted = []
    found: dict[str, list[Diagnostic]] = {}  # by file
    todo: list[Chosen] = []
    for df in read:
        run.diagnostics = found.setdefault(df.path, [])
        todo.append(choose(run, df))
    for path in paths:  # read all first, so that prepare_rules sees them together
        display = run.display(path)
        run.diagnostics = found.setdefault(display, [])
        result = run.dockerfile(path)
        run.dockerfiles.pop((os.path.abspath(path), None), None)
        if isinstance(result, LoadError):
            run.add(engine_rule(PARSE_ERROR), display, result.span, result.message)
        else:
            todo.append(choose(run, result))
    lint_dockerfiles(run, todo, found)
    out = [
        *run.linted,
        *(Linted(path, tuple(configured(run, d)), (), (), False, ()) for path, d in found.items()),
    ]
    done = Done(linted=tuple(out), failed=run.failed)
    run.diagnostics, run.linted, run.failed = kept, linted, failed
    return done


def prepare_rules(todo: list[Chosen]) -> None:
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


def configured(run: Run, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
    """The diagnostics in scope, as their files' configs have them."""
    if run.scope is None:
        run.scope = scope_of([*run.paths, *run.options.compose_files], run.cwd)
    files, folders = run.scope
    for d in diagnostics:
        if in_scope(d.path, files, folders):
            applied = run.policy.apply(d)
            if applied is not None:
                yield applied


def worker(paths: tuple[str, ...], cwd: Path, options: Options, noting: bool) -> object:
    """A worker process's own run (its reading gate, configs and rules), with what
    reading and linting need imported while the run still looks for its files."""
    import dlint.read_compose
    import dlint.read_dockerfile  # noqa: F401
    from dlint import shellcheck

    shellcheck.THREADS = 1  # the other workers keep the other cores busy
    run = Run.start(paths, cwd, options)
    enabled = run.policy.enabled(run.policy.config("."))
    for rule in run.rules:
        if rule.code in enabled and rule.runs:
            rule.check  # noqa: B018 (imported now)
    return run, noting


def lint_part(state: tuple[Run, bool], part: list[Item]) -> Done:
    """Read and lint the Compose groups or the Dockerfiles of ``part``."""
    run, noting = state
    groups = [item for item in part if not isinstance(item, Path)]
    paths = [item for item in part if isinstance(item, Path)]
    if groups:
        run.wanted = groups[0][2]
    if not noting:
        done = lint_groups(run, groups) if groups else lint_alone(run, paths)
        return replace(done, quoted=quotes(run, done))
    from dlint import cache

    with cache.noting() as noted:
        done = lint_groups(run, groups) if groups else lint_alone(run, paths)
    return replace(done, noted=(noted.paths, noted.folders), quoted=quotes(run, done))


def quotes(run: Run, done: Done) -> tuple[Quote, ...]:
    """The lines the findings and the suppressions of ``done`` point at (an unused
    suppression is reported where it is written), read where the work was done: their
    fingerprints quote them, and the process that reports need not read the files again."""
    out: list[Quote] = []
    for path, number in sorted(set(_places(done))):
        line = run.line(path, number)
        if line is None or len(line) <= QUOTE_MAX:  # a longer one is read again
            out.append((path, number, line))
    return tuple(out)


def _places(done: Done) -> Iterator[tuple[str, int]]:
    """Where the findings and suppressions of ``done`` are: (file, line)."""
    left = [*done.linted]
    found = [*done.diagnostics]
    written: list[Suppression] = []
    for _, loaded, built in done.reads:
        if loaded is not None:
            found += [*loaded.problems, *loaded.diagnostics]
            written += [s for _, file in loaded.suppressions for s in file]
        found += [b.unreadable for b in built if b.unreadable is not None]
        left += [b.left for b in built if b.left is not None]
    for a in left:
        found += [*a.own, *a.alone]
        written += a.suppressions
    yield from ((d.path, d.span.line) for d in found)
    yield from ((s.path, s.comment.line) for s in written)


def config_groups(run: Run, paths: Iterable[str]) -> list[tuple[Config, set[str]]]:
    """The distinct configs that govern ``paths``, each with the paths it governs."""
    by_config: dict[int, tuple[Config, set[str]]] = {}
    for path in sorted(paths):
        config = run.policy.config(path)
        by_config.setdefault(id(config), (config, set()))[1].add(path)
    return list(by_config.values()) or [(run.policy.config("."), set())]


def chosen_for(run: Run, rules: list[Rule], config: Config, governed: set[str]) -> list[Rule]:
    enabled = run.policy.enabled(config)  # a rule its config turns off does not run
    wanted = {c for path in governed for c in run.policy.experimental.get(path, ())}
    return [r for r in rules if r.code in enabled or r.code in wanted]


def by_config(
    run: Run, groups: list[tuple[Config, set[str]]], each: Callable[[Config, set[str]], None]
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


def project_rules(
    run: Run, whole: Project, governed: frozenset[str]
) -> tuple[list[Diagnostic], dict[str, list[object]]]:
    """The project rules over one project, once per distinct config of its files: what
    they find, and what the rules that compare projects gather from it."""
    rules = [r for r in run.rules if r.runs and r.meta.scope == "project"]
    if not whole.compose:  # the rules that read only Compose projects have nothing to read
        rules = [r for r in rules if r.meta.reads != ("compose",)]
    facts: dict[str, list[object]] = {}

    def each(config: Config, paths: set[str]) -> None:
        chosen = chosen_for(run, rules, config, paths)
        run.run_rules([r for r in chosen if r.gather is None], whole, ".", config)
        for rule in chosen:
            if rule.gather is not None and rule.code not in facts:
                try:
                    facts[rule.code] = list(rule.gather(whole))
                except Exception as exc:  # reported as run_rules does
                    run.failed = True
                    run.diagnostics.append(internal(".", f"rule {rule.code} {rule.name}", exc))

    return by_config(run, config_groups(run, governed), each), facts
