"""yum, dnf, microdnf and zypper commands as the rules of their family read them
(DL3030-DL3041): what a command does (``group install`` is one action), whether it
can stop at a prompt, whether a cache it fills is cleaned in the same RUN, and
whether the packages it installs are pinned.

Words are read through the IR's expansions with the values ``Run.values`` gives,
plus what hadolint's cases and ONBUILD triggers need beyond them (``Expander``).
"""

from __future__ import annotations

import posixpath
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, StageRef
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord
from dlint.rule import Finding

from .memo import by_identity
from .packages import Invocation, parsed
from .runs import CACHE_MOUNTS, Run, runs, under
from .stages import shipped

DIALECTS = ("posix", "exec")  # the RUNs whose commands dlint reads

# --- Actions ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """What a package-manager command does: ``install``, ``group install``..."""

    name: str  # canonical
    written: str  # as written (``in``, ``group install``)
    span: Span  # the subcommand word (both words for ``group install``)
    operands: tuple[ShellWord, ...]  # what follows it


_GROUP_WORDS = {"group": "group", "groups": "group", "module": "module"}
_COMBINED = {"groupinstall": "group install"}


def zypper_action(inv: Invocation) -> Action | None:
    """The action of a zypper command."""
    word = inv.subcommand_word
    if inv.subcommand is None or word is None:
        return None
    return Action(inv.subcommand, word.literal, word.span, inv.operands)


def rpm_action(inv: Invocation) -> Action | None:
    """The action of a yum/dnf/microdnf command, with two-word subcommands joined."""
    sub, word, operands = inv.subcommand, inv.subcommand_word, inv.operands
    if sub is None or word is None:
        return None
    if sub in _GROUP_WORDS:
        second = operands[0] if operands else None
        if second is not None and second.value is not None and not second.value.startswith("-"):
            name = f"{_GROUP_WORDS[sub]} {second.value}"
            written = f"{word.literal} {second.literal}"
            return Action(name, written, word.span.cover(second.span), operands[1:])
        return Action(_GROUP_WORDS[sub], word.literal, word.span, operands)
    return Action(_COMBINED.get(sub, sub), word.literal, word.span, operands)


def commands(run: Run, *tools: str) -> Iterator[tuple[ShellCommand, Invocation | None]]:
    """Each command of a RUN (shell or exec form), with its invocation when it runs one
    of ``tools``."""
    for cmd, inv in parsed(run.script):
        yield cmd, inv if inv is not None and inv.tool in tools else None


def calls(df: Dockerfile, *tools: str) -> Iterator[tuple[Run, Invocation]]:
    """Each command of ``tools`` in the RUNs and ONBUILD RUNs of a Dockerfile."""
    for run in runs(df, DIALECTS):
        for _cmd, inv in commands(run, *tools):
            if inv is not None:
                yield run, inv


# --- Words ------------------------------------------------------------------

MARK = "\x00"  # in an expanded word: a value chosen at build time


@dataclass(frozen=True, slots=True)
class Expansion:
    """The words the shell makes of one word, where dlint can tell."""

    pieces: tuple[str, ...]  # every word any of its expansions gives (MARK: unknown)
    unset: tuple[str, ...]  # variables in it that nothing sets


class Expander:
    """Reads the words of a Dockerfile's RUNs with the values ``Run.values`` gives them,
    and what it does not give:

    - a variable an ``ARG`` declares earlier anywhere in the file (in another stage,
      or before FROM with no ARG in the stage) is chosen at build time, as hadolint
      counts it (its cases: ``git-core-${version}`` with the ARG in another stage is
      pinned);
    - an ONBUILD trigger sees the ``ONBUILD ENV`` of its stage and the ``ONBUILD
      ARG``s before it (they run in the same build as it).
    """

    def __init__(self, df: Dockerfile) -> None:
        self._args: dict[str, tuple[int, int]] = {}  # name -> first ARG declaring it
        self._trigger_args: dict[str, tuple[int, int]] = {}  # same, ONBUILD ARG
        # (stage, name) -> (where, value) of each ONBUILD ENV, in order
        self._trigger_env: dict[tuple[int, str], list[tuple[tuple[int, int], str | None]]] = {}
        for ins in df.instructions:
            arg = ins.trigger if ins.keyword == "ONBUILD" else ins
            if arg is not None and arg.keyword == "ARG":
                first = self._trigger_args if arg is not ins else self._args
                for name, _ in arg.declarations:
                    first.setdefault(name.value, (ins.span.line, ins.span.column))
        for stage in df.all_stages:
            for ins in stage.instructions:
                env = ins.trigger
                if env is None or env.keyword != "ENV":
                    continue
                for key, value, _ in env.pairs:
                    # set in the build that runs the trigger: a value with a variable is
                    # not known here
                    known = None if "$" in value.value else value.value
                    entries = self._trigger_env.setdefault((stage.index, key.value), [])
                    entries.append(((ins.span.line, ins.span.column), known))

    def lookup(self, run: Run, at: Span) -> Callable[[str], tuple[str, ...] | None]:
        """The values ``$name`` can have at ``at`` in the script of ``run`` (() when
        nothing sets it, None when dlint cannot know)."""
        where = (run.written.span.line, run.written.span.column)
        never = (1 << 62, 0)

        def values(name: str) -> tuple[str, ...] | None:
            own = run.script.assigned(name, at)
            if own is None or own:
                return own
            if run.onbuild is not None:
                entries = self._trigger_env.get((run.stage.index, name), [])
                i = bisect_left(entries, where, key=lambda e: e[0]) - 1
                if i >= 0:
                    value = entries[i][1]
                    return None if value is None else (value,)
                if self._trigger_args.get(name, never) < where:
                    return None
                return run.values(name, at)
            found = run.values(name, at)
            if found == () and self._args.get(name, never) < where:
                return None
            return found

        return values

    def expand(self, run: Run, word: ShellWord) -> Expansion:
        """What ``word`` expands to, a value chosen at build time as MARK."""
        if word.value is not None:
            return Expansion((word.value,), ())
        lookup = self.lookup(run, word.span)
        known: dict[str, tuple[str, ...] | None] = {}

        def marked(name: str) -> tuple[str, ...]:
            if name not in known:
                known[name] = lookup(name)
            found = known[name]
            return (MARK,) if found is None else found

        found = word.expansions(marked)
        if found is None:  # $(...), ${V#x}...: its text with MARK for what it puts there
            text = "".join(p.value if p.kind == "text" else MARK for p in word.parts)
            found = ((text,),)
        pieces = tuple(dict.fromkeys(p for fields in found for p in fields))
        unset = tuple(
            p.value
            for p in word.parts
            if p.kind == "variable" and p.operator not in (":-", "-") and known.get(p.value) == ()
        )
        return Expansion(pieces, tuple(dict.fromkeys(unset)))

    def may_hold(self, run: Run, word: ShellWord, options: tuple[str, ...]) -> bool:
        """Whether a word written with variables holds, or may hold, one of
        ``options``: a known value that holds it, or a value chosen at build time."""
        if word.value is not None:
            return False
        return any(p in options or p.startswith(MARK) for p in self.expand(run, word).pieces)


# --- Prompts (DL3030, DL3038; DL3034 reads pipes and variables the same way) ---

# Actions of yum and dnf that ask for a confirmation.
ASKING = frozenset(
    {"install", "group install", "localinstall", "localupdate", "reinstall", "update",
     "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "remove", "erase",
     "autoremove", "swap", "group remove", "group update", "group upgrade",
     "module install", "module enable", "module disable", "module reset", "module remove",
     "module switch-to", "module update", "module upgrade"}
)  # fmt: skip
_TRUE = frozenset({"1", "true", "yes", "on"})


def assumeyes_set(text: str) -> bool:
    """Whether yum/dnf configuration text (``assumeyes=1``, ``[main]\\nassumeyes = True``)
    turns assumeyes on."""
    lowered = text.lower()
    start = lowered.find("assumeyes")
    while start >= 0:
        before = lowered[start - 1 : start]
        rest = lowered[start + len("assumeyes") :].lstrip(" \t")
        if not (before.isalnum() or before == "_") and rest.startswith("="):
            value = rest[1:].lstrip(" \t")
            end = 0
            while end < len(value) and value[end].isalnum():
                end += 1
            if value[:end] in _TRUE:
                return True
        start = lowered.find("assumeyes", start + 1)
    return False


def writes_assumeyes(cmd: ShellCommand) -> bool:
    """Whether a command's words hold ``assumeyes=1`` (a yum/dnf configuration)."""
    return any(w.value is not None and assumeyes_set(w.value) for w in cmd.args)


def answered(run: Run, *tools: str) -> Iterator[tuple[Invocation, bool, bool]]:
    """Each command of ``tools`` in a RUN, with whether an earlier command of its
    pipeline feeds its input, and whether an earlier command of the RUN wrote
    ``assumeyes=1``."""
    pipelines: set[int] = set()
    yes = False
    for (cmd, inv), writes in zip(commands(run, *tools), _writers(run.script), strict=True):
        fed = cmd.pipeline is not None and cmd.pipeline in pipelines
        if cmd.pipeline is not None:
            pipelines.add(cmd.pipeline)
        if inv is not None:
            yield inv, fed, yes
        yes = yes or writes


@by_identity(256)
def _writers(script: ShellScript) -> tuple[bool, ...]:
    """For each command of ``script``, whether it writes ``assumeyes=1`` (each rpm rule
    asks about every command)."""
    return tuple(writes_assumeyes(cmd) for cmd in script.commands)


def unconfirmed(df: Dockerfile, *tools: str) -> Iterator[tuple[Invocation, Action]]:
    """yum/dnf commands of ``tools`` that would stop at a confirmation prompt. An
    ``assumeyes=1`` a RUN writes answers for the later RUNs of its stage and of the
    stages built on it."""
    expander = Expander(df)
    by_stage: dict[int, list[Run]] = {}
    for run in runs(df, DIALECTS):
        by_stage.setdefault(run.stage.index, []).append(run)
    configured: dict[int, bool] = {}  # stage -> assumeyes=1 written by its end
    for stage in df.all_stages:
        base = stage.base
        yes = isinstance(base, StageRef) and configured.get(base.index, False)
        for run in by_stage.get(stage.index, ()):
            for inv, fed, written in answered(run, *tools):
                action = rpm_action(inv)
                if action is None or action.name not in ASKING or yes or fed or written:
                    continue
                if inv.has("--assumeyes") or any(assumeyes_set(v) for v in inv.values("--setopt")):
                    continue
                if any(expander.may_hold(run, w, ("-y", "--assumeyes")) for w in inv.command.args):
                    continue
                yield inv, action
            if run.onbuild is None:
                yes = yes or any(_writers(run.script))
        configured[stage.index] = yes


# --- Caches (DL3032, DL3036, DL3040) ----------------------------------------

# the cache folders: absolute, or under a home folder (dnf 5's for a user other than root)
RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", ".cache/libdnf5")
ZYPPER_CACHES = ("/var/cache/zypp",)
# Actions of yum/dnf that fill the cache.
FILLING = frozenset(
    {"install", "group install", "localinstall", "localupdate", "reinstall", "update",
     "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "swap", "makecache",
     "group update", "group upgrade", "module install"}
)  # fmt: skip


def _mounted(run: Run, caches: tuple[str, ...]) -> bool:
    """Whether a cache or tmpfs mount of the RUN holds one of ``caches`` (one written
    without a leading ``/``: a mount whose target ends with it)."""
    if any(run.cached(c) for c in caches if c.startswith("/")):
        return True
    ends = tuple("/" + c for c in caches if not c.startswith("/"))
    return bool(ends) and any(
        m.type in CACHE_MOUNTS
        and m.target is not None
        and posixpath.normpath("/" + m.target).endswith(ends)
        for m in run.mounts
    )


def removes_cache(cmd: ShellCommand, caches: tuple[str, ...]) -> bool:
    """``rm -r`` of one of ``caches`` (the absolute ones), of their content, or of
    ``/var/cache``."""
    argv = cmd.unwrapped()
    if cmd.unwrapped_program() != "rm":
        return False
    recursive = False
    paths = []
    options = True
    for word in argv[1:]:
        value = word.value
        if value is None:
            continue
        if options and value == "--":
            options = False
        elif options and value.startswith("--"):
            recursive = recursive or value == "--recursive"
        elif options and value.startswith("-") and value != "-":
            recursive = recursive or "r" in value or "R" in value
        else:
            paths.append(value)
    if not recursive:
        return False
    for value in paths:
        path = posixpath.normpath(value.rstrip("*").rstrip("/") or "/")
        if path == "/var/cache" or any(under(path, c) for c in caches if c.startswith("/")):
            return True
    return False


def uncleaned(
    df: Dockerfile,
    cleaners: Mapping[str, frozenset[str]],
    action_of: Callable[[Invocation], Action | None],
    filling: frozenset[str],
    is_clean: Callable[[Action], bool],
    caches: tuple[str, ...],
) -> Iterator[tuple[Invocation, Action]]:
    """For each RUN, per tool of ``cleaners``: the last command that fills the cache
    with no clean after it. ``cleaners[tool]``: the tools whose clean counts. Only the
    layers of the built image are checked (and ONBUILD triggers)."""
    in_image = shipped(df)
    tools = frozenset(cleaners).union(*cleaners.values())
    for run in runs(df, DIALECTS):
        if run.onbuild is None and run.stage.index not in in_image:
            continue
        if _mounted(run, caches):
            continue
        pending: dict[str, tuple[Invocation, Action]] = {}
        for cmd, inv in commands(run, *tools):
            if removes_cache(cmd, caches):
                pending.clear()
                continue
            action = action_of(inv) if inv is not None else None
            if inv is None or action is None:
                continue
            if is_clean(action):
                for tool in [t for t in pending if inv.tool in cleaners[t]]:
                    del pending[tool]
            elif inv.tool in cleaners and action.name in filling:
                pending[inv.tool] = (inv, action)
        yield from pending.values()


def rpm_clean(action: Action) -> bool:
    """``yum clean all``, ``dnf clean all``..."""
    return action.name == "clean" and any(w.value == "all" for w in action.operands)


# --- Pins (DL3033, DL3037, DL3041) ------------------------------------------

_VERSION_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.~^_:+")


def version_like(text: str) -> bool:
    """A version, release or architecture after a package name's dash: version
    characters only, and a digit first for the last part (``2.4.6``, ``1:1.1.1k``,
    ``2.4.6-99.el7.x86_64``; not ``openjdk``, ``9*``)."""
    parts = text.split("-")
    if not all(set(p) <= _VERSION_CHARS for p in parts):
        return False
    return parts[-1][:1].isdigit()


def rpm_pinned(piece: str) -> bool:
    """``name-<version>``, an ``.rpm`` file, a group or module (``@name``), or a
    name with a value chosen at build time after a dash (``git-$GIT_VERSION``)."""
    if piece.startswith("-"):  # an option, from a variable
        return True
    if piece.endswith(".rpm") or piece.startswith("@"):
        return True
    if MARK in piece:
        return "-" in piece
    name, sep, version = piece.partition("-")
    return bool(sep and name) and version_like(version)


def module_pinned(piece: str) -> bool:
    """``name:<stream>`` (with or without ``/profile``)."""
    return piece.startswith("-") or ":" in piece


@dataclass(frozen=True, slots=True)
class Pin:
    """How a package of some kind is pinned."""

    pinned: Callable[[str], bool]  # whether a package, as the shell gives it, is
    form: Callable[[str], str]  # a name -> the name pinned (``name-<version>``)
    missing: str = "a version"


RPM_PACKAGE = Pin(rpm_pinned, lambda name: f"{name}-<version>")
RPM_MODULE = Pin(module_pinned, lambda name: f"{name}:<stream>", "a stream")


def rpm_packages(inv: Invocation) -> Iterator[tuple[ShellWord, Pin]]:
    """The packages of ``install`` and the modules of ``module install``."""
    action = rpm_action(inv)
    if action is None or action.name not in ("install", "module install"):
        return
    pin = RPM_PACKAGE if action.name == "install" else RPM_MODULE
    for word in action.operands:
        yield word, pin


def _message(word: ShellWord, found: Expansion, bad: tuple[str, ...], pin: Pin) -> str:
    """What to say of a package word whose packages ``bad`` are not pinned."""
    if found.unset:
        names = ", ".join(f"`{n}`" for n in found.unset)
        return (
            f"`{word.text}` shows no version dlint can see: no ARG or ENV sets {names}; pin "
            f"the package as `{pin.form('name')}`."
        )
    if any(MARK in p for p in bad):
        return (
            f"`{word.text}` is chosen at build time and shows no version: write it as "
            f"`{pin.form('name')}` (a variable for the version is fine)."
        )
    name = bad[0].rstrip("-")  # `mod_ssl-` (from `mod_ssl-$EMPTY`): `mod_ssl-<version>`
    plain = len(bad) == 1 and all(c.isalnum() or c in "-._+" for c in name)
    how = f"pin it as `{pin.form(name)}`" if plain else f"pin each as `{pin.form('name')}`"
    if word.value is not None:  # one package, as written
        if not plain:
            how = f"name the package and pin it as `{pin.form('name')}`"
        return f"`{bad[0]}` is installed without {pin.missing}: {how}."
    # packages a variable holds: name them and the word that holds them
    listed = ", ".join(f"`{p}`" for p in bad[:_LISTED])
    more = f" and {len(bad) - _LISTED} more" if len(bad) > _LISTED else ""
    return f"`{word.text}` installs {listed}{more} without {pin.missing}: {how}."


_LISTED = 5  # unpinned packages a message names


def unpinned(
    df: Dockerfile,
    tools: tuple[str, ...],
    packages: Callable[[Invocation], Iterator[tuple[ShellWord, Pin]]],
) -> Iterator[Finding]:
    """A finding on each package word that ``packages`` gives when its ``Pin`` rejects
    a package it holds (a word with a variable may hold several: each is judged)."""
    expander = Expander(df)
    for run, inv in calls(df, *tools):
        for word, pin in packages(inv):
            found = expander.expand(run, word)
            bad = tuple(p for p in found.pieces if not pin.pinned(p))
            if bad:
                yield Finding(word.span, _message(word, found, bad, pin))
