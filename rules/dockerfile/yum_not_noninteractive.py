"""A yum command that changes packages runs without `-y`.

## What it does
Reports each `yum` command that installs, upgrades or removes packages
(`install`, `groupinstall`, `localinstall`, `reinstall`, `update`, `upgrade`,
`downgrade`, `distro-sync`, `remove`, `erase`, `autoremove`, `swap`, and the
`group ...` and `module ...` forms that change packages) without `-y` or
`--assumeyes`, in `RUN` and `ONBUILD RUN`.

Not reported: a command with `--setopt=assumeyes=1`, one whose standard input
is piped in (`yes | yum install ...`), one with a word holding a value chosen
at build time (`yum install $YUM_OPTS ...` with `ARG YUM_OPTS`: it may hold
`-y`), and any yum command after a `RUN` of the same stage (or of a stage it is
built on) wrote `assumeyes=1` into a configuration file.

## Why is this bad?
Without `-y`, yum asks for a confirmation before it changes anything. A build
cannot answer: yum reads the end of its input as "no", and the build fails,
or passes only as long as there happens to be nothing to do (a package already
installed, no update available) and breaks the day there is.

## Example
```dockerfile
FROM centos:7
RUN yum install httpd-2.4.6 && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Differences from hadolint
- hadolint checks `install`, `groupinstall` and `localinstall` only; dlint
  checks every subcommand that asks before changing packages (`update`,
  `remove`... ask too), also through `sudo`, a full path, `sh -c` or a heredoc
  script.
- dlint accepts what does answer the prompt, where hadolint reports:
  `--setopt=assumeyes=1`, `assumeyes=1` written into a configuration file, a
  piped answer, and options in an `ARG` or in an `ENV` that holds `-y`.

## Known limitations
dlint does not read the variables a `RUN` sets itself (nor does hadolint):
`OPTS=-y && yum install $OPTS httpd` is reported.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import TOOLS, Invocation, parse

META = RuleMeta(
    code="DL3030",
    name="yum-not-noninteractive",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reliability", "yum"),
    precision="high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for _inv, action in unconfirmed(df, "yum"):
        yield Finding(
            action.span,
            f"`yum {action.written}` without `-y` stops at a confirmation prompt the build cannot "
            "answer: add `-y`.",
        )


# ===========================================================================
# Helpers shared by the yum, dnf and zypper rules (DL3030-DL3041): the other
# rules of the family import them from here. They are kept together so that they
# can move, as they are, to rules/_shared/rpm.py.
#
#   RUNs and what they see ..... Run, runs, shipped, commands, mount_covers
#   variables in words ......... Expansion, expand, BUILD_TIME
#   yum/dnf subcommands ........ Action, rpm_action, skipped_values
#   prompts (DL3030, DL3038) ... confirmed, unconfirmed, fed_by_pipe, may_hold_option
#   caches (DL3032/36/40) ...... uncleaned, removes_cache, rpm_clean, RPM_CACHES, FILLING
#   pins (DL3033/37/41) ........ unpinned, rpm_packages, rpm_pinned, module_pinned,
#                                version_like, describe, rpm_message
# ===========================================================================

# --- RUNs and what they see -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """A RUN (or the RUN an ONBUILD wraps) and what its stage knows before it."""

    instruction: Instruction
    stage: Stage
    onbuild: bool  # an ONBUILD trigger: it runs in the images built from this one
    script: ShellScript
    cache_targets: tuple[str, ...]  # targets of its cache and tmpfs mounts
    # ENV set before it, in its stage and the stages it builds on (None: the value
    # holds a variable with no known value)
    env: Mapping[str, str | None]
    # the variables an ARG declares before it, anywhere in the file (as hadolint counts
    # them); for an ONBUILD RUN, those an ONBUILD ARG declares
    args: frozenset[str]
    assumeyes: bool  # an earlier RUN of its stage lineage wrote ``assumeyes=1``


def runs(df: Dockerfile) -> Iterator[Run]:
    """Every RUN and ONBUILD RUN with a script, in file order."""
    layers: dict[Span, Layer] = {
        layer.instruction.span: layer for stage in df.all_stages for layer in stage.layers
    }
    declared = _arg_declarations(df)
    env_at_end: dict[int, dict[str, str | None]] = {}
    yes_at_end: dict[int, bool] = {}
    for stage in df.all_stages:
        env: dict[str, str | None] = {}
        yes = False
        if isinstance(stage.base, StageRef):
            env.update(env_at_end.get(stage.base.index, {}))
            yes = yes_at_end.get(stage.base.index, False)
        onbuild_env: dict[str, str | None] = {}  # ONBUILD ENV: seen by later ONBUILD RUNs
        for ins in stage.instructions:
            if ins.keyword == "ENV":
                env.update(_env_pairs(ins))
            elif ins.trigger is not None and ins.trigger.keyword == "ENV":
                onbuild_env.update(_env_pairs(ins.trigger))
            run = ins.trigger if ins.keyword == "ONBUILD" else ins
            if run is None or run.keyword != "RUN" or run.script is None:
                continue
            onbuild = run is not ins
            layer = layers.get(ins.span) if not onbuild else None
            where = (ins.span.line, ins.span.column)
            args = frozenset(n for pos, n, ob in declared if pos < where and ob == onbuild)
            seen = {**env, **onbuild_env} if onbuild else dict(env)
            targets = _cache_targets(run, layer)
            yield Run(run, stage, onbuild, run.script, targets, seen, args, yes)
            if not onbuild and any(writes_assumeyes(c) for c in run.script.commands):
                yes = True
        env_at_end[stage.index] = env
        yes_at_end[stage.index] = yes


def _arg_declarations(df: Dockerfile) -> list[tuple[tuple[int, int], str, bool]]:
    """(where, name, in an ONBUILD) of each variable an ARG declares."""
    out: list[tuple[tuple[int, int], str, bool]] = []
    for ins in df.instructions:
        arg = ins.trigger if ins.keyword == "ONBUILD" else ins
        if arg is not None and arg.keyword == "ARG":
            where = (ins.span.line, ins.span.column)
            out.extend((where, name.value, arg is not ins) for name, _ in arg.declarations)
    return out


def _env_pairs(ins: Instruction) -> Iterator[tuple[str, str | None]]:
    """Each key of an ENV with its value (None when it uses a variable with no value)."""
    expanded = ins.expanded
    for i, (key, value, _) in enumerate(ins.pairs):
        if "$" in value.value and (ins.unresolved or expanded is None):
            yield key.value, None
        elif expanded is not None and 3 * i + 1 < len(expanded):
            yield key.value, expanded[3 * i + 1]
        else:
            yield key.value, value.value


_CACHE_MOUNTS = frozenset({"cache", "tmpfs"})


def _cache_targets(ins: Instruction, layer: Layer | None) -> tuple[str, ...]:
    if layer is not None:
        return tuple(m.target for m in layer.mounts if m.type in _CACHE_MOUNTS and m.target)
    out = []
    for flag in ins.flags:  # ONBUILD RUN: no layer, read the --mount flags (BuildKit CSV)
        if flag.name != "mount" or not flag.value:
            continue
        fields = dict(part.split("=", 1) for part in flag.value.split(",") if "=" in part)
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type", "bind") in _CACHE_MOUNTS and target:
            out.append(target)
    return tuple(out)


def shipped(df: Dockerfile) -> frozenset[int]:
    """Indexes of the stages whose layers are in the image a plain build makes: the last
    stage and the stages it is built FROM (-1: the instructions before any FROM, when
    there is no FROM)."""
    if not df.stages:
        return frozenset({-1})
    out: set[int] = set()
    stage: Stage | None = df.stages[-1]
    while stage is not None and stage.index not in out:
        out.add(stage.index)
        base = stage.base
        stage = df.stages[base.index] if isinstance(base, StageRef) else None
    return frozenset(out)


def commands(run: Run, *tools: str) -> Iterator[Invocation]:
    """The commands of ``tools`` a RUN runs, in shell form or exec form."""
    if run.script.dialect not in ("posix", "exec"):
        return
    for cmd in run.script.commands:
        inv = parse(cmd)
        if inv is not None and inv.tool in tools:
            yield inv


def mount_covers(targets: tuple[str, ...], dirs: tuple[str, ...]) -> bool:
    """Whether a cache or tmpfs mount holds one of ``dirs`` (``/var/cache/dnf``), or
    ends with one written without its leading ``/`` (``.cache/libdnf5``)."""
    for target in targets:
        t = posixpath.normpath(target.strip())
        for d in dirs:
            if d.startswith("/"):
                if t == d or (t != "/" and d.startswith(t + "/")):
                    return True
            elif t == d or t.endswith("/" + d):
                return True
    return False


# --- Variables in words -----------------------------------------------------
#
# The IR gives a word's source text, and its value only when it holds no
# expansion. Until it gives the parts of a word (literal, quoted, ``$NAME``,
# ``${NAME:-default}``, ``$(...)``), ``expand`` reads them from the word's text.
# The variables a script assigns itself (``V=1 && ...``, ``for V in``, ``read V``)
# are not in the IR either: they count as variables nothing defines.

BUILD_TIME = "\x00"  # in an expanded word: a value chosen at build time


@dataclass(frozen=True, slots=True)
class Expansion:
    """A word as the shell would split it, where dlint can tell."""

    # the fields; BUILD_TIME stands for a value chosen at build time: an ARG, an ENV
    # that holds one, a command substitution
    pieces: tuple[str, ...]
    unknown: tuple[str, ...]  # variables no ARG or ENV defines (kept as written)


def expand(word: ShellWord, run: Run) -> Expansion:
    """The fields ``word`` stands for: ENV values put in, and BUILD_TIME for what is
    chosen at build time."""
    if word.value is not None:
        return Expansion((word.value,), ())
    text = word.text
    out: list[str] = []
    unknown: list[str] = []
    double = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "'" and not double:
            end = text.find("'", i + 1)
            end = len(text) if end < 0 else end
            out.append(text[i + 1 : end])
            i = end + 1
            continue
        if c == '"':
            double = not double
            i += 1
            continue
        if c == "\\":
            out.append(text[i + 1 : i + 2])
            i += 2
            continue
        if c == "`":  # a command substitution
            end = text.find("`", i + 1)
            out.append(BUILD_TIME)
            i = len(text) if end < 0 else end + 1
            continue
        if c != "$":
            out.append(c)
            i += 1
            continue
        rest = text[i + 1 :]
        if rest[:1] in ("'", '"'):  # $'...' and $"...": quotes
            i += 1
            continue
        if rest.startswith("("):  # $(...) and $((...))
            out.append(BUILD_TIME)
            i += 1 + _closing(rest)
            continue
        if rest.startswith("{"):
            close = rest.find("}")
            body = rest[1:close] if close > 0 else ""
            i = i + close + 2 if close > 0 else len(text)
            name = _name(body)
            if not name:  # ${#V}, ${1}, ${@}...
                out.append(BUILD_TIME)
                continue
            after = body[len(name) :]
            op = next((o for o in (":-", "-") if after.startswith(o)), None)
            default = after[len(op) :] if op else None
            plain, raw = not after, "${" + body + "}"
        else:
            name = _name(rest)
            if not name:
                if rest[:1] and not rest[0].isspace():  # $1, $@, $$...
                    unknown.append(rest[0])
                    out.append("$" + rest[0])
                    i += 2
                else:
                    out.append("$")
                    i += 1
                continue
            op, default, plain, raw = None, None, True, "$" + name
            i += 1 + len(name)
        out.append(_variable(name, op, default, plain, raw, run, unknown))
    return Expansion(tuple("".join(out).split()), tuple(unknown))


def _variable(
    name: str,
    op: str | None,
    default: str | None,
    plain: bool,
    raw: str,
    run: Run,
    unknown: list[str],
) -> str:
    """What ``$name`` (with ``${name:-default}``, ``${name-default}``) stands for."""
    if name in run.env:
        value = run.env[name]
        if value is None or not (plain or op is not None):
            return BUILD_TIME
        if op == ":-" and not value and default is not None:
            return default if "$" not in default else BUILD_TIME
        return value
    if name in run.args:
        return BUILD_TIME
    if op is not None and default is not None:  # unset: the default
        return default if "$" not in default else BUILD_TIME
    unknown.append(name)
    return raw


def _name(text: str) -> str:
    """The shell variable name ``text`` starts with (empty when there is none)."""
    if not text or not (text[0].isascii() and (text[0].isalpha() or text[0] == "_")):
        return ""
    end = 1
    while end < len(text) and text[end].isascii() and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[:end]


def _closing(text: str) -> int:
    """Where the parenthesis that opens ``text`` closes (the end when it does not)."""
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return i + 1
    return len(text)


# --- yum/dnf subcommands ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """What a package-manager command does: ``install``, ``group install``..."""

    name: str  # canonical
    written: str  # as written (``in``, ``group install``)
    span: Span  # the subcommand word (both words for ``group install``)
    operands: tuple[ShellWord, ...]  # what follows it


# Options of yum and dnf that take a value but are missing from the shared table.
RPM_EXTRA_VALUED = frozenset(
    {"--disableexcludes", "--disableexcludepkgs", "--repofrompath", "--advisory",
     "--advisories", "--cve", "--cves", "--bz", "--bzs", "--sec-severity", "--secseverity",
     "--randomwait", "--excludepkgs", "--includepkgs", "--from-repo", "--enable-repo",
     "--disable-repo", "--exclude-from"}
)  # fmt: skip


def skipped_values(inv: Invocation, valued: frozenset[str]) -> frozenset[tuple[int, int]]:
    """Where the values of options ``valued`` are written (the shared table misses them)."""
    argv = inv.command.unwrapped()
    out = set()
    for opt in inv.options:
        if opt.name in valued and opt.value is None:
            for i, word in enumerate(argv[:-1]):
                if word.span == opt.word.span:
                    nxt = argv[i + 1].span
                    out.add((nxt.line, nxt.column))
    return frozenset(out)


# Subcommands the shared table does not know, as the subcommand they stand for.
_EXTRA_SUBCOMMANDS = {
    "groupupdate": "group update",
    "groupremove": "group remove",
    "groupupgrade": "group upgrade",
    "grouperase": "group remove",
    "localupdate": "localupdate",
    "update-minimal": "upgrade-minimal",
    "dsync": "distro-sync",
    "dg": "downgrade",
    "distribution-synchronization": "distro-sync",
}
_GROUP_WORDS = {"group": "group", "groups": "group", "module": "module"}
_GROUP_COMBINED = {"groupinstall": "group install"}


def _subcommand(
    inv: Invocation, valued: frozenset[str]
) -> tuple[str | None, ShellWord | None, tuple[ShellWord, ...]]:
    """(subcommand, its word, the operands after it). When the shared parser found none,
    because a word took its place (the value of an option it does not know, or a
    variable: ``yum $OPTS install``), the first known subcommand after such words."""
    sub, word, operands = inv.subcommand, inv.subcommand_word, inv.operands
    if sub is not None:
        return sub, word, operands
    skip = skipped_values(inv, valued)
    rest = [w for w in operands if (w.span.line, w.span.column) not in skip]
    while rest and rest[0].value is None:
        rest.pop(0)
    known = TOOLS[inv.tool].subcommands.get(rest[0].value or "") if rest else None
    if known is None:
        return None, None, tuple(rest)
    return known, rest[0], tuple(rest[1:])


def zypper_action(inv: Invocation) -> Action | None:
    """The action of a zypper command."""
    sub, word, operands = _subcommand(inv, frozenset())
    if sub is None or word is None:
        return None
    return Action(sub, word.literal, word.span, operands)


def rpm_action(inv: Invocation) -> Action | None:
    """The action of a yum/dnf/microdnf command, with two-word subcommands joined."""
    sub, word, operands = _subcommand(inv, RPM_EXTRA_VALUED)
    if sub is None and operands and operands[0].value in _EXTRA_SUBCOMMANDS:
        first = operands[0]
        name = _EXTRA_SUBCOMMANDS[first.value or ""]
        return Action(name, first.literal, first.span, operands[1:])
    if sub is None or word is None:
        return None
    if sub in _GROUP_WORDS:
        if operands and operands[0].value is not None and not operands[0].value.startswith("-"):
            second = operands[0]
            name = f"{_GROUP_WORDS[sub]} {second.value}"
            written = f"{word.literal} {second.literal}"
            return Action(name, written, word.span.cover(second.span), operands[1:])
        return Action(_GROUP_WORDS[sub], word.literal, word.span, operands)
    return Action(_GROUP_COMBINED.get(sub, sub), word.literal, word.span, operands)


# --- Prompts (DL3030, DL3038; DL3034 uses fed_by_pipe and may_hold_option) ---

# Actions that ask for a confirmation.
ASKING = frozenset(
    {"install", "group install", "localinstall", "localupdate", "reinstall", "update",
     "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "remove", "erase",
     "autoremove", "swap", "group remove", "group update", "group upgrade",
     "module install", "module enable", "module disable", "module reset", "module remove",
     "module switch-to", "module update", "module upgrade"}
)  # fmt: skip
_TRUE = frozenset({"1", "true", "yes", "on"})


def assumeyes_set(text: str) -> bool:
    """Whether configuration text (``assumeyes=1``, ``[main]\\nassumeyes = True``)
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


def fed_by_pipe(cmd: ShellCommand, script: ShellScript) -> bool:
    """Whether an earlier command of the same pipeline feeds ``cmd``'s input."""
    if cmd.pipeline is None:
        return False
    for other in script.commands:
        if other is cmd:
            return False
        if other.pipeline == cmd.pipeline and other.nested == cmd.nested:
            return True
    return False


def may_hold_option(word: ShellWord, run: Run, options: tuple[str, ...]) -> bool:
    """Whether a word written with variables holds, or may hold, one of ``options``: an
    ENV value that holds it, or a value chosen at build time."""
    if word.value is not None:
        return False
    found = expand(word, run)
    return any(p in options or p.startswith(BUILD_TIME) for p in found.pieces)


def confirmed(run: Run, inv: Invocation) -> bool:
    """Whether a yum/dnf command cannot stop at a confirmation prompt."""
    if inv.has("--assumeyes") or any(assumeyes_set(v) for v in inv.values("--setopt")):
        return True
    if run.assumeyes or fed_by_pipe(inv.command, run.script):
        return True
    if any(may_hold_option(w, run, ("-y", "--assumeyes")) for w in inv.command.args):
        return True
    for cmd in run.script.commands:
        if cmd is inv.command:
            return False
        if writes_assumeyes(cmd):
            return True
    return False


def unconfirmed(df: Dockerfile, *tools: str) -> Iterator[tuple[Invocation, Action]]:
    """yum/dnf commands of ``tools`` that would stop at a confirmation prompt."""
    for run in runs(df):
        for inv in commands(run, *tools):
            action = rpm_action(inv)
            if action is not None and action.name in ASKING and not confirmed(run, inv):
                yield inv, action


# --- Caches (DL3032, DL3036, DL3040) ---------------------------------------

RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", ".cache/libdnf5")
# Actions of yum/dnf that fill the cache.
FILLING = frozenset(
    {"install", "group install", "localinstall", "localupdate", "reinstall", "update",
     "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "swap", "makecache",
     "group update", "group upgrade", "module install"}
)  # fmt: skip


def removes_cache(cmd: ShellCommand, dirs: tuple[str, ...]) -> bool:
    """``rm -r`` of one of ``dirs`` (the absolute ones), of their content, or of
    ``/var/cache``."""
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None or posixpath.basename(argv[0].value) != "rm":
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
        if path == "/var/cache":
            return True
        for d in dirs:
            if d.startswith("/") and (path == d or path.startswith(d + "/")):
                return True
    return False


def uncleaned(
    df: Dockerfile,
    cleaners: Mapping[str, frozenset[str]],
    action_of: Callable[[Invocation], Action | None],
    filling: frozenset[str],
    is_clean: Callable[[Invocation, Action], bool],
    caches: tuple[str, ...],
) -> Iterator[tuple[Invocation, Action]]:
    """For each RUN, per tool of ``cleaners``: the last command that fills the cache
    with no clean after it. ``cleaners[tool]``: the tools whose clean counts. Only the
    layers of the built image are checked (and ONBUILD triggers)."""
    in_image = shipped(df)
    for run in runs(df):
        if not run.onbuild and run.stage.index not in in_image:
            continue
        if run.script.dialect not in ("posix", "exec") or mount_covers(run.cache_targets, caches):
            continue
        pending: dict[str, tuple[Invocation, Action]] = {}
        for cmd in run.script.commands:
            if removes_cache(cmd, caches):
                pending.clear()
                continue
            inv = parse(cmd)
            if inv is None:
                continue
            action = action_of(inv)
            if action is None:
                continue
            if is_clean(inv, action):
                for tool in [t for t in pending if inv.tool in cleaners[t]]:
                    del pending[tool]
            elif inv.tool in cleaners and action.name in filling:
                pending[inv.tool] = (inv, action)
        yield from pending.values()


def rpm_clean(inv: Invocation, action: Action) -> bool:
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
    if BUILD_TIME in piece:
        return "-" in piece
    name, sep, version = piece.partition("-")
    return bool(sep and name) and version_like(version)


def module_pinned(piece: str) -> bool:
    """``name:<stream>`` (with or without ``/profile``)."""
    return piece.startswith("-") or ":" in piece


PackageTest = Callable[[str], bool]


def unpinned(
    df: Dockerfile,
    tools: tuple[str, ...],
    packages: Callable[[Invocation], Iterator[tuple[ShellWord, PackageTest]]],
) -> Iterator[tuple[Invocation, ShellWord, tuple[str, ...], tuple[str, ...]]]:
    """(command, word, its unpinned pieces, unknown variables) for each package word that
    ``packages`` gives and its test rejects."""
    for run in runs(df):
        for inv in commands(run, *tools):
            for word, pinned in packages(inv):
                found = expand(word, run)
                bad = tuple(p for p in found.pieces if not pinned(p))
                if bad:
                    yield inv, word, bad, found.unknown


def rpm_packages(inv: Invocation) -> Iterator[tuple[ShellWord, PackageTest]]:
    """The packages of ``install`` and the modules of ``module install``."""
    action = rpm_action(inv)
    if action is None or action.name not in ("install", "module install"):
        return
    test = rpm_pinned if action.name == "install" else module_pinned
    skip = skipped_values(inv, RPM_EXTRA_VALUED)
    for word in action.operands:
        if (word.span.line, word.span.column) not in skip:
            yield word, test


def describe(
    word: ShellWord,
    bad: tuple[str, ...],
    unknown: tuple[str, ...],
    pinned_form: Callable[[str], str],
    missing: str = "a version",
) -> str:
    """The message for an unpinned package word; ``pinned_form(name)`` shows how to pin."""
    if unknown:
        names = ", ".join(f"`{n}`" for n in unknown)
        return (
            f"`{word.text}` shows no version dlint can see: no ARG or ENV sets {names}; pin "
            f"the package as `{pinned_form('name')}`."
        )
    if any(BUILD_TIME in p for p in bad):
        return (
            f"`{word.text}` is chosen at build time and shows no version: write it as "
            f"`{pinned_form('name')}` (a variable for the version is fine)."
        )
    if len(bad) == 1 and bad[0] == word.value:
        name = bad[0]
        if all(c.isalnum() or c in "-._+" for c in name):
            return f"`{name}` is installed without {missing}: pin it as `{pinned_form(name)}`."
        return (
            f"`{name}` is installed without {missing}: name the package and pin it as "
            f"`{pinned_form('name')}`."
        )
    listed = ", ".join(f"`{p}`" for p in bad[:3]) + (", ..." if len(bad) > 3 else "")
    each = "it" if len(bad) == 1 else "each"
    return (
        f"`{word.text}` installs {listed} without {missing}: pin {each} as `{pinned_form('name')}`."
    )


def rpm_message(
    inv: Invocation, word: ShellWord, bad: tuple[str, ...], unknown: tuple[str, ...]
) -> str:
    action = rpm_action(inv)
    if action is not None and action.name == "module install":
        return describe(word, bad, unknown, lambda name: f"{name}:<stream>", "a stream")
    return describe(word, bad, unknown, lambda name: f"{name}-<version>")
