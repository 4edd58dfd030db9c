r"""An `apt-get install` (or upgrade, remove...) runs without `-y` and stops at its prompt.

## What it does
Reports an `apt-get` (also `apt` and `aptitude`) command that changes
packages, `install`, `upgrade`, `dist-upgrade`, `remove`, `purge`,
`autoremove`, `build-dep`..., given none of the options that answer its
"Do you want to continue? [Y/n]" question: `-y`, `--yes`, `--assume-yes`,
quiet level two (`-qq`, `-q -q`, `-q=2`, `--quiet=2`; for apt-get and apt, as
apt documents), or `-o APT::Get::Assume-Yes=true`. Found in `RUN` and
`ONBUILD RUN`, through `sudo`/`env` prefixes, `sh -c '...'`, heredoc scripts
and line continuations, with the options before or after the subcommand,
alone or grouped (`-qy`).

Not reported: a command fed by `yes |`, one run with `--simulate`/`-s` (it
asks nothing), and commands in a stage where an earlier instruction (of the
stage or of a stage it is built `FROM`) writes `APT::Get::Assume-Yes "true"`
into apt's configuration.

## Why is this bad?
During a build nobody answers the prompt: its standard input is empty, so apt
reads end-of-file, prints "Abort." and the build fails as soon as the command
does more than what was named (a dependency to install, a package to
upgrade), which is most of the time. Whether a build passes then depends on
what the mirror has that day.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Differences from hadolint
- hadolint checks `apt-get install` only; dlint also checks the other
  subcommands that ask before they change packages (`upgrade`, `remove`...)
  and `apt` and `aptitude`, which stop at the same prompt.
- hadolint reports `yes | apt-get install ...`, which never waits for an
  answer, and `apt-get install -s` (simulate), which asks nothing; dlint does
  not. It also accepts `--quiet=2`, `-o APT::Get::Assume-Yes=true` and the same
  setting written to apt's configuration by an earlier instruction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.shell import ShellCommand
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, parse

META = RuleMeta(
    code="DL3014",
    name="apt-not-noninteractive",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reliability", "packages", "apt"),
    precision="high",
)

_TOOLS = ("apt-get", "apt", "aptitude")
# the subcommands that ask "Do you want to continue?" before they change packages
_ASKING = frozenset(
    {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "dselect-upgrade",
     "remove", "purge", "autoremove", "auto-remove", "build-dep", "satisfy"}
)  # fmt: skip
_TRUE = frozenset({"true", "yes", "1", "on", "with", "enable"})
_ASSUME_YES_KEYS = frozenset({"apt::get::assume-yes", "aptitude::cmdline::assume-yes"})
# the setting as apt.conf writes it: APT::Get::Assume-Yes "true";
_CONFIG = re.compile(
    r"""(?:APT::Get|Aptitude::CmdLine)::Assume-Yes\s*=?\s*["']?\s*(?:true|yes|1|on)\b""",
    re.IGNORECASE,
)


def _scripted(ins: Instruction) -> Instruction | None:
    """The RUN an instruction runs: itself, or the trigger of ONBUILD RUN."""
    run = ins.trigger if ins.keyword == "ONBUILD" else ins
    if run is None or run.keyword != "RUN" or run.script is None:
        return None
    return run if run.script.dialect in ("posix", "exec") else None


def _configures(words: Iterable[str]) -> bool:
    return any(_CONFIG.search(w) for w in words)


def _written(ins: Instruction) -> list[str]:
    """The heredoc bodies an instruction writes as data (``COPY <<EOF``, ``cat <<EOF >
    file``); a body run as the RUN's script is read through its commands instead."""
    target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger is not None else ins
    commands = target.script.commands if target.script is not None else ()
    return [
        doc.content
        for doc in target.heredocs
        if not any(doc.body.line <= c.span.line <= doc.body.end_line for c in commands)
    ]


def _command_configures(cmd: ShellCommand) -> bool:
    """Whether a command writes the setting (``echo '...' > /etc/apt/apt.conf.d/...``);
    an ``-o`` option of apt itself lasts for that one command only."""
    if parse(cmd) is not None:
        return False
    return _configures(w.value for w in cmd.args if w.value is not None)


def _instruction_configures(ins: Instruction) -> bool:
    """Whether an instruction writes the setting to a file (``echo``, ``printf``, a
    heredoc)."""
    if _configures(_written(ins)):
        return True
    run = _scripted(ins)
    return (
        run is not None
        and run.script is not None
        and any(_command_configures(cmd) for cmd in run.script.commands)
    )


def _inherited(df: Dockerfile, stage: Stage, seen: frozenset[int] = frozenset()) -> bool:
    """Whether a stage this one is built FROM configures the setting."""
    base = stage.base
    if not isinstance(base, StageRef) or base.index in seen or base.index >= len(df.stages):
        return False
    parent = df.stages[base.index]
    if any(_instruction_configures(ins) for ins in parent.instructions):
        return True
    return _inherited(df, parent, seen | {base.index})


def _assumes_yes(inv: Invocation) -> bool:
    if inv.has("--yes"):
        return True
    for opt in inv.options:
        if opt.name == "--option" and opt.value:
            key, _, value = opt.value.partition("=")
            if key.strip().lower() in _ASSUME_YES_KEYS and value.strip().lower() in _TRUE:
                return True
    if inv.tool == "aptitude":
        return False
    quiet = sum(
        int(o.value) if o.value and o.value.isdigit() else 1
        for o in inv.options
        if o.name == "--quiet"
    )
    return quiet >= 2  # apt-get(8): quiet level 2 implies -y


def _fed_by_yes(inv: Invocation, commands: tuple[ShellCommand, ...]) -> bool:
    """``yes | apt-get install ...``: a ``yes`` earlier in the same pipeline."""
    cmd = inv.command
    if cmd.pipeline is None:
        return False
    return any(
        other.pipeline == cmd.pipeline
        and other.nested == cmd.nested
        and other.span < cmd.span
        and other.program == "yes"
        for other in commands
    )


def _span(inv: Invocation) -> Span:
    """The program and its subcommand (``apt-get -q install``), or the program alone when
    they are on different lines."""
    start, sub = inv.program.span, inv.subcommand_word
    if sub is None or sub.span.line != start.end_line:
        return start
    return start.cover(sub.span)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        configured = _inherited(df, stage)
        for ins in stage.instructions:
            run = _scripted(ins)
            if run is not None and run.script is not None:
                commands = run.script.commands
                for cmd in commands:
                    configured = configured or _command_configures(cmd)
                    inv = parse(cmd)
                    if (
                        inv is None
                        or inv.tool not in _TOOLS
                        or inv.subcommand not in _ASKING
                        or configured
                        or inv.has("--simulate")
                        or _assumes_yes(inv)
                        or _fed_by_yes(inv, commands)
                    ):
                        continue
                    what = f"{inv.tool} {inv.subcommand}"
                    yield Finding(
                        _span(inv),
                        f"`{what}` without `-y` stops at its confirmation prompt, which "
                        f"nobody answers during a build: write `{what} -y`.",
                    )
            if _configures(_written(ins)):
                configured = True
