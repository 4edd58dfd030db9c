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
asks nothing) or with options dlint cannot know before the subcommand
(`apt-get $APT_OPTS install`: they may hold `-y`), and commands in a stage
where an earlier instruction (of the stage or of a stage it is built `FROM`)
writes `APT::Get::Assume-Yes "true"` into apt's configuration.

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

## Fix
Writes `-y` right after the subcommand (`apt-get install -y`; `"-y"` as the next
element of a JSON-form `RUN`), also for a command run through `sudo` or `env`
(safe: the command then does what the build already asked of it). No fix for a
command read from a `sh -c '...'` string, after a `--` that ends the options, or
with `--assume-no` or an `-o` setting of `Assume-Yes` already written.

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
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.apt_config import configured
from .._shared.flag_fixes import exec_commands, insert_option
from .._shared.packages import Invocation, parse
from .._shared.runs import Run

META = RuleMeta(
    code="DL3014",
    name="apt-not-noninteractive",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reliability", "packages", "apt"),
    precision="high",
    fixable=True,
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


def _fix(inv: Invocation, exec_form: bool) -> Fix | None:
    """``-y`` after the subcommand, unless the command already says something about
    the prompt (``--assume-no``, an ``-o`` setting of Assume-Yes)."""
    if inv.subcommand_word is None or inv.has("--assume-no"):
        return None
    for opt in inv.options:
        if opt.name == "--option" and "assume-yes" in (opt.value or "").lower():
            return None
    edit = insert_option(inv, inv.subcommand_word.span, "-y", exec_form)
    return None if edit is None else Fix("Add `-y`", (edit,))


def _findings(run: Run, configured_from: int | None, exec_ids: frozenset[int]) -> Iterator[Finding]:
    """The commands of a RUN that stop at the prompt, from the ``configured_from``-th
    command on configured to answer it (None: not configured)."""
    fed: set[int] = set()  # pipelines with a ``yes`` so far
    for i, cmd in enumerate(run.script.commands):
        if cmd.program == "yes" and cmd.pipeline is not None:
            fed.add(cmd.pipeline)
        if configured_from is not None and i >= configured_from:
            return
        inv = parse(cmd)
        if (
            inv is None
            or inv.tool not in _TOOLS
            or inv.subcommand not in _ASKING
            or inv.unknown
            or inv.has("--simulate")
            or _assumes_yes(inv)
            or cmd.pipeline in fed
        ):
            continue
        what = f"{inv.tool} {inv.subcommand}"
        yield Finding(
            inv.head,
            f"`{what}` without `-y` stops at its confirmation prompt, which nobody answers "
            f"during a build: write `{what} -y`.",
            fix=_fix(inv, id(cmd) in exec_ids),
        )


def check(df: Dockerfile) -> Iterator[Finding]:
    exec_ids = exec_commands(df)
    for run, configured_from in configured(df, _CONFIG):
        yield from _findings(run, configured_from, exec_ids)
