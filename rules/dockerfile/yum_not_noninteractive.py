"""A yum command that changes packages runs without `-y`.

## What it does
Reports each `yum` command that installs, upgrades or removes packages
(`install`, `groupinstall`, `localinstall`, `reinstall`, `update`, `upgrade`,
`downgrade`, `distro-sync`, `remove`, `erase`, `autoremove`, `swap`, and the
`group ...` and `module ...` forms that change packages) without `-y` or
`--assumeyes`, in `RUN` and `ONBUILD RUN`.

Not reported: a command with `--setopt=assumeyes=1`, one whose standard input
is piped in (`yes | yum install ...`), one with a word holding a value chosen
at build time (`yum install $YUM_OPTS ...` with `ARG YUM_OPTS` and no default:
it may hold `-y`) or holding `-y` (an `ARG`'s default, an `ENV`, or a variable
the `RUN` sets before the command: `OPTS=-y && yum install $OPTS ...`), and
any yum command after a `RUN` of the same stage (or of a stage it is built on)
wrote `assumeyes=1` into a configuration file.

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

## Fix
Writes `-y` right after the subcommand (`"-y"` as the next element of a JSON-form
`RUN`), also for a command run through `sudo` or `env` (safe: the command then
does what the build already asked of it). No fix for a command read from a
`sh -c '...'` string, after a `--` that ends the options, or with `--assumeno`
or a `--setopt` of `assumeyes` already written.

## Differences from hadolint
- hadolint checks `install`, `groupinstall` and `localinstall` only; dlint
  checks every subcommand that asks before changing packages (`update`,
  `remove`... ask too), also through `sudo`, a full path, `sh -c` or a heredoc
  script.
- dlint accepts what does answer the prompt, where hadolint reports:
  `--setopt=assumeyes=1`, `assumeyes=1` written into a configuration file, a
  piped answer, and options in an `ARG`, or in an `ENV` or a variable the
  `RUN` sets that holds `-y`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.flag_fixes import exec_commands, rpm_assume_yes
from .._shared.rpm import unconfirmed

META = RuleMeta(
    code="DL3030",
    name="yum-not-noninteractive",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reliability", "yum"),
    precision="high",
    fixable=True,
)


def check(df: Dockerfile) -> Iterator[Finding]:
    exec_ids = exec_commands(df)
    for inv, action in unconfirmed(df, "yum"):
        yield Finding(
            action.span,
            f"`yum {action.written}` without `-y` stops at a confirmation prompt the build cannot "
            "answer: add `-y`.",
            fix=rpm_assume_yes(inv, action.span, id(inv.command) in exec_ids),
        )
