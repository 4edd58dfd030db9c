"""A yum command that changes packages runs without `-y`.

## What it does
Reports each `yum` command that installs, upgrades or removes packages
(`install`, `groupinstall`, `localinstall`, `reinstall`, `update`, `upgrade`,
`downgrade`, `distro-sync`, `remove`, `erase`, `autoremove`, `swap`, and the
`group ...` and `module ...` forms that change packages) without `-y` or
`--assumeyes`, in `RUN` and `ONBUILD RUN`.

Not reported: a command with `--setopt=assumeyes=1`, one whose standard input
is piped in (`yes | yum install ...`), one with a word whose value dlint
cannot see (`yum install $OPTS ...`: it may hold `-y`), and any yum command
after a `RUN` of the same stage (or of a stage it is built on) wrote
`assumeyes=1` into a configuration file.

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
hadolint checks `install`, `groupinstall` and `localinstall` only; dlint checks
every subcommand that asks before changing packages, and accepts a piped
answer or `assumeyes=1` set in a configuration file or with `--setopt`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
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

# ---------------------------------------------------------------------------
# Helpers shared by the yum, dnf and zypper rules (DL3030-DL3041). They belong
# in rules/_shared/ and live here until they are moved there.


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
    args: frozenset[str]  # every variable an ARG declares, anywhere in the file
    assumeyes: bool  # an earlier RUN of its stage lineage wrote ``assumeyes=1``


@dataclass(frozen=True, slots=True)
class Action:
    """What a package-manager command does: ``install``, ``group install``..."""

    name: str  # canonical
    written: str  # as written (``in``, ``group install``)
    span: Span  # the subcommand word (both words for ``group install``)
    operands: tuple[ShellWord, ...]  # what follows it


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Expansion:
    """A word as the shell would split it, where dlint can tell."""

    pieces: tuple[str, ...]
    unknown: tuple[str, ...]  # variables no ARG, ENV or assignment defines (kept as written)


def arg_names(df: Dockerfile) -> frozenset[str]:
    """Every variable an ARG declares, anywhere in the file."""
    names: set[str] = set()
    for ins in df.instructions:
        for arg in (ins, ins.trigger):
            if arg is not None and arg.keyword == "ARG":
                names.update(name.value for name, _ in arg.declarations)
    return frozenset(names)


def _assigned(source: str, name: str) -> bool:
    """Whether the script assigns ``name`` (``NAME=...``, ``for NAME in``, ``read NAME``)."""
    n = re.escape(name)
    return (
        re.search(rf"(?<![\w$]){n}\+?=|\bfor\s+{n}\b|\bread\b[^\n;&|]*\b{n}\b", source) is not None
    )


def expand(word: ShellWord, run: Run) -> Expansion | None:
    """The pieces ``word`` stands for; None when its value is chosen at build time
    (an ARG, a variable the script sets, a command substitution)."""
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
            if end < 0:
                return None
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
        if c == "`":
            return None
        if c != "$":
            out.append(c)
            i += 1
            continue
        rest = text[i + 1 :]
        if rest.startswith("{"):
            close = rest.find("}")
            m = _BRACED.fullmatch(rest[1:close]) if close > 0 else None
            if m is None:
                return None
            name, op, default = m.group(1), m.group(2), m.group(3)
            raw = "$" + rest[: close + 1]
            i += close + 2
        else:
            m = _NAME.match(rest)
            if m is None:
                if rest[:1] and not rest[0].isspace():  # $(...), $1, $@...
                    return None
                out.append("$")
                i += 1
                continue
            name, op, default, raw = m.group(), None, None, "$" + m.group()
            i += 1 + len(name)
        if name in run.env:
            value = run.env[name]
            if value is None:
                return None
            out.append(default if op == ":-" and not value and default is not None else value)
        elif name in run.args or _assigned(run.script.source, name):
            return None
        elif op is not None and default is not None:
            if "$" in default:
                return None
            out.append(default)
        else:
            unknown.append(name)
            out.append(raw)
    return Expansion(tuple("".join(out).split()), tuple(unknown))


_ASSUMEYES = re.compile(r"\bassumeyes\s*=\s*(?:1|true|yes|on)\b", re.IGNORECASE)
_CACHE_MOUNTS = frozenset({"cache", "tmpfs"})

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


def rpm_action(inv: Invocation) -> Action | None:
    """The action of a yum/dnf/microdnf command, with two-word subcommands joined."""
    sub, word, operands = inv.subcommand, inv.subcommand_word, inv.operands
    if sub is None:  # an option the shared table does not know took the subcommand's place
        skip = skipped_values(inv, RPM_EXTRA_VALUED)
        operands = tuple(w for w in operands if (w.span.line, w.span.column) not in skip)
        known = TOOLS[inv.tool].subcommands.get(operands[0].value or "") if operands else None
        if known is not None:
            sub, word, operands = known, operands[0], operands[1:]
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


def commands(run: Run, *tools: str) -> Iterator[Invocation]:
    """The commands of ``tools`` a RUN runs, in shell form or exec form."""
    if run.script.dialect not in ("posix", "exec"):
        return
    for cmd in run.script.commands:
        inv = parse(cmd)
        if inv is not None and inv.tool in tools:
            yield inv


def runs(df: Dockerfile) -> Iterator[Run]:
    """Every RUN and ONBUILD RUN with a script, in file order."""
    layers: dict[Span, Layer] = {
        layer.instruction.span: layer for stage in df.all_stages for layer in stage.layers
    }
    args = arg_names(df)
    env_at_end: dict[int, dict[str, str | None]] = {}
    yes_at_end: dict[int, bool] = {}
    for stage in df.all_stages:
        env: dict[str, str | None] = {}
        yes = False
        if isinstance(stage.base, StageRef):
            env.update(env_at_end.get(stage.base.index, {}))
            yes = yes_at_end.get(stage.base.index, False)
        for ins in stage.instructions:
            if ins.keyword == "ENV":
                env.update(_env_pairs(ins))
            run = ins.trigger if ins.keyword == "ONBUILD" else ins
            if run is None or run.keyword != "RUN" or run.script is None:
                continue
            layer = layers.get(ins.span) if run is ins else None
            targets = _cache_targets(run, layer)
            yield Run(run, stage, run is not ins, run.script, targets, dict(env), args, yes)
            if run is ins and any(writes_assumeyes(c) for c in run.script.commands):
                yes = True
        env_at_end[stage.index] = env
        yes_at_end[stage.index] = yes


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


def writes_assumeyes(cmd: ShellCommand) -> bool:
    """Whether a command's words hold ``assumeyes=1`` (a yum/dnf configuration)."""
    return any(w.value is not None and _ASSUMEYES.search(w.value) for w in cmd.args)


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
    """Whether a word written with variables may stand for one of ``options``."""
    if word.value is not None:
        return False
    found = expand(word, run)
    if found is None or (found.unknown and word.text.lstrip('"').startswith("$")):
        return True  # its value is chosen at build time
    return any(p in options for p in found.pieces)


def confirmed(run: Run, inv: Invocation) -> bool:
    """Whether a yum/dnf command cannot stop at a confirmation prompt."""
    if inv.has("--assumeyes") or any(_ASSUMEYES.search(v) for v in inv.values("--setopt")):
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


# Actions that ask for a confirmation.
ASKING = frozenset(
    {"install", "group install", "localinstall", "localupdate", "reinstall", "update",
     "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "remove", "erase",
     "autoremove", "swap", "group remove", "group update", "group upgrade",
     "module install", "module enable", "module disable", "module reset", "module remove",
     "module switch-to", "module update", "module upgrade"}
)  # fmt: skip


def unconfirmed(df: Dockerfile, *tools: str) -> Iterator[tuple[Invocation, Action]]:
    """yum/dnf commands of ``tools`` that would stop at a confirmation prompt."""
    for run in runs(df):
        for inv in commands(run, *tools):
            action = rpm_action(inv)
            if action is not None and action.name in ASKING and not confirmed(run, inv):
                yield inv, action


# ---------------------------------------------------------------------------


def check(df: Dockerfile) -> Iterator[Finding]:
    for _inv, action in unconfirmed(df, "yum"):
        yield Finding(
            action.span,
            f"`yum {action.written}` without `-y` stops at a confirmation prompt the build cannot "
            "answer: add `-y`.",
        )
