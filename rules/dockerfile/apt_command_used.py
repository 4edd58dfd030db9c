r"""A RUN uses `apt`, the interactive front end, instead of `apt-get` or `apt-cache`.

## What it does
Reports every `apt` command in a `RUN` (and in `ONBUILD RUN`), whatever its
subcommand: `apt update`, `apt install`, `apt search`... The command is found
through `sudo`, `env`, `xargs` and `sh -c '...'`, in heredoc scripts and
across line continuations. `apt-get`, `apt-cache`, `apt-mark` and other tools
whose names start with `apt` are not reported, and neither is `command -v apt`,
which only checks that apt exists.

## Why is this bad?
`apt` is made for people at a terminal: its output, its progress bars and its
command line may change from one release to the next, and it warns on every
run that it "does not have a stable CLI interface. Use with caution in
scripts." A Dockerfile is a script: `apt-get` (to install, update, remove) and
`apt-cache` (to search and show) do the same work with a stable interface.

## Example
```dockerfile
FROM debian:12
RUN apt update && apt install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Differences from hadolint
- hadolint reads the first word of each command only; dlint also finds `apt`
  run through `sudo`, `env` or `xargs`, and by its path (`/usr/bin/apt`).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.packages import parse
from .._shared.runs import runs

META = RuleMeta(
    code="DL3027",
    name="apt-command-used",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reliability", "packages", "apt"),
    precision="very-high",
)

# what to write instead of `apt <subcommand>`
_INSTEAD = {
    **{sub: f"apt-get {sub}" for sub in (
        "update", "upgrade", "dist-upgrade", "install", "reinstall", "remove", "purge",
        "autoremove", "clean", "autoclean", "source", "build-dep", "download", "satisfy",
        "changelog", "check",
    )},
    **{sub: f"apt-cache {sub}" for sub in (
        "search", "show", "showsrc", "policy", "depends", "rdepends", "madison",
    )},
    "full-upgrade": "apt-get dist-upgrade",
    "list": "dpkg-query --list",
}  # fmt: skip


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, ("posix", "exec")):
        for cmd in run.script.commands:
            inv = parse(cmd)  # `command -v apt` only looks apt up: it is no invocation
            if inv is None or inv.tool != "apt":
                continue
            sub = inv.subcommand
            if sub is None and inv.operands and inv.operands[0].value in _INSTEAD:
                sub = inv.operands[0].value
            instead = _INSTEAD.get(sub or "")
            what = f"`apt {sub}`" if sub else "`apt`"
            advice = f"`{instead}`" if instead else "`apt-get` or `apt-cache`"
            yield Finding(
                inv.program.span,
                f"{what} is meant for interactive use and its command line is not stable: "
                f"use {advice} in a Dockerfile.",
            )
