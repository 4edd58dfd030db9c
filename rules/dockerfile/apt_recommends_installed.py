r"""`apt-get install` also installs every recommended package.

## What it does
Reports an `apt-get install` (also `apt install` and `aptitude install`)
given neither `--no-install-recommends` nor
`-o APT::Install-Recommends=false` (nor `--install-recommends=false`, nor
aptitude's `-R`/`--without-recommends`). Found in `RUN` and `ONBUILD RUN`,
through `sudo`/`env` prefixes, `sh -c '...'`, heredoc scripts and line
continuations, with the options before or after `install`.

Not reported: an install run with `--simulate`/`-s`, and installs in a stage
where an earlier instruction (of the stage or of a stage it is built `FROM`)
writes `APT::Install-Recommends "false"` (or `"0"`) into apt's configuration,
the usual `/etc/apt/apt.conf.d/` drop-in.

## Why is this bad?
By default apt installs a package's "Recommends" as well as its dependencies:
documentation, optional tools, whole desktop libraries. They are not needed
for the package to work, and they make the image bigger, slower to pull and
larger to scan, with more software that can have vulnerabilities.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y curl=7.88.1-10+deb12u8 \
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
- hadolint checks `apt-get` only; dlint also checks `apt install` and
  `aptitude install`, which install recommended packages too.
- hadolint reports every install in a stage that already turned recommends
  off in apt's configuration (`echo 'APT::Install-Recommends "false";' >
  /etc/apt/apt.conf.d/...`); dlint does not. It also accepts the setting's
  other spellings of false (`0`, `no`, `off`) and `--install-recommends=false`.
- hadolint reports `apt-get install -s` (simulate), which installs nothing;
  dlint does not.
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
    code="DL3015",
    name="apt-recommends-installed",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "packages", "apt"),
    precision="high",
)

_TOOLS = ("apt-get", "apt", "aptitude")
_FALSE = frozenset({"false", "no", "0", "off", "without", "disable"})
# the setting as apt.conf writes it: APT::Install-Recommends "false";
_CONFIG = re.compile(
    r"""APT::Install-Recommends\s*=?\s*["']?\s*(?:false|no|0|off)\b""", re.IGNORECASE
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


def _skips_recommends(inv: Invocation) -> bool:
    if inv.has("--no-install-recommends", "-R", "--without-recommends"):
        return True
    for opt in inv.options:
        if opt.name == "--install-recommends" and (opt.value or "").lower() in _FALSE:
            return True
        if opt.name == "--option" and opt.value:
            key, _, value = opt.value.partition("=")
            if key.strip().lower() == "apt::install-recommends" and value.strip().lower() in _FALSE:
                return True
    return False


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
                for cmd in run.script.commands:
                    configured = configured or _command_configures(cmd)
                    inv = parse(cmd)
                    if (
                        inv is None
                        or inv.tool not in _TOOLS
                        or inv.subcommand != "install"
                        or configured
                        or inv.has("--simulate")
                        or _skips_recommends(inv)
                    ):
                        continue
                    flag = (
                        "--without-recommends"
                        if inv.tool == "aptitude"
                        else ("--no-install-recommends")
                    )
                    yield Finding(
                        _span(inv),
                        f"`{inv.tool} install` also installs the packages recommended by those "
                        f"you name: add `{flag}` and name the ones you need.",
                    )
            if _configures(_written(ins)):
                configured = True
