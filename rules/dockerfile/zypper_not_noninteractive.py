"""A zypper command that changes packages runs without `--non-interactive`.

## What it does
Reports each `zypper` command that installs, upgrades or removes packages
(`install`/`in`, `remove`/`rm`, `update`/`up`, `dist-upgrade`/`dup`,
`patch`, `source-install`/`si`, `install-new-recommends`) without a
non-interactive switch: `--non-interactive` (`-n`), or the subcommand's
`--no-confirm` (`-y`). Checked in `RUN` and `ONBUILD RUN`.

Not reported: a command whose standard input is piped in
(`yes | zypper install ...`), and one with a word holding a value chosen at
build time (`zypper $ZYPPER_OPTS install ...` with `ARG ZYPPER_OPTS` and no
default: it may hold `-n`) or holding a switch (an `ARG`'s default, an `ENV`,
or a variable the `RUN` sets before the command:
`OPTS=-n && zypper $OPTS install ...`).

## Why is this bad?
Without a non-interactive switch, zypper asks for a confirmation before it
changes anything, and may ask more (licenses, key imports). A build cannot
answer, so the build fails, or passes only as long as there happens to be
nothing to do and breaks the day there is.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper install httpd=2.4.58 && zypper clean -a
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install httpd=2.4.58 && zypper clean -a
```

## Fix
Writes the global `--non-interactive` right after `zypper`, before the
subcommand (`"--non-interactive"` as the next element of a JSON-form `RUN`),
also for a command run through `sudo` or `env` (safe: the command then does what
the build already asked of it). No fix for a command read from a `sh -c '...'`
string.

## Differences from hadolint
- hadolint does not check `update`, `dist-upgrade` and
  `install-new-recommends`, which ask too; dlint does, also through `sudo`, a
  full path, `sh -c` or a heredoc script.
- dlint accepts a piped answer, and switches in an `ARG` or in an `ENV` that
  holds one; hadolint reports them.

## Known limitations
Like hadolint, dlint accepts `-n` anywhere in the command, but after the
subcommand zypper reads `-n` as `--name`: write the global
`--non-interactive` before the subcommand. (`patch`'s
`--non-interactive-include-reboot-patches` alone is no switch: it is reported.)
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.flag_fixes import exec_commands, insert_option
from .._shared.packages import Invocation
from .._shared.rpm import DIALECTS, Expander, answered, zypper_action
from .._shared.runs import runs

META = RuleMeta(
    code="DL3034",
    name="zypper-not-noninteractive",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reliability", "zypper"),
    precision="high",
    fixable=True,
)
_SWITCHES = ("-n", "--non-interactive", "-y", "--no-confirm")
_ASKING = frozenset(
    {"install", "remove", "update", "dist-upgrade", "patch", "source-install",
     "install-new-recommends"}
)  # fmt: skip


def _fix(inv: Invocation, exec_form: bool) -> Fix | None:
    """The global ``--non-interactive`` right after the program's word."""
    edit = insert_option(inv, inv.program.span, "--non-interactive", exec_form)
    return None if edit is None else Fix("Add `--non-interactive`", (edit,))


def check(df: Dockerfile) -> Iterator[Finding]:
    expander = Expander(df)
    exec_ids = exec_commands(df)
    for run in runs(df, DIALECTS):
        for inv, fed, _configured in answered(run, "zypper"):
            action = zypper_action(inv)
            if action is None or action.name not in _ASKING or fed:
                continue
            # `-n` after the subcommand is zypper's `--name`, but hadolint takes it for
            # the switch (its cases say so): so does dlint
            if inv.has("--non-interactive", "--no-confirm") or any(
                o.name == "--name" and o.word.value == "-n" for o in inv.options
            ):
                continue
            if any(expander.may_hold(run, w, _SWITCHES) for w in inv.command.args):
                continue
            yield Finding(
                action.span,
                f"`zypper {action.written}` without `--non-interactive` stops at a prompt the "
                "build cannot answer: write `zypper --non-interactive` (or add `-y`).",
                fix=_fix(inv, id(inv.command) in exec_ids),
            )
