r"""A package is installed with `apt-get install` without a pinned version.

## What it does
Reports each package of an `apt-get install` (also `apt install` and
`aptitude install`) that names no version: `curl` instead of
`curl=7.88.1-10+deb12u8`. Each unpinned package is reported at its own
position, in `RUN` and `ONBUILD RUN`, through `sudo`/`env`/`xargs` prefixes,
`sh -c '...'`, heredoc scripts and line continuations.

Not reported: a package with a version (`pkg=1.2`, also with a variable:
`pkg=${PKG_VERSION}`), one taken from a release (`pkg/bookworm-backports`),
a `.deb` file or a path (`./tool.deb`, `/tmp/pkgs/x.deb`), a package marked
for removal (`pkg-`), the value of `-t`/`--target-release` and of other options
that take one (`-o Dpkg::Options::=--force-confold`), an install run with
`--simulate`/`-s` (it installs nothing), and a word that is only a variable
dlint cannot know (`$PACKAGES`, `"${deps}"`, `$(cat packages.txt)`): what it
holds is unknown.

A variable the script sets itself is read: `fetchDeps="gnupg dirmngr"; apt-get
install -y $fetchDeps` reports each package it holds without a version, on
`$fetchDeps`, also when its value is built from other variables the script sets
(`PKGS="bash $extra"`, `extra` set in each branch of a `case`).

## Why is this bad?
Without a version, `apt-get install` takes whatever the mirror has on the day
of the build. Two builds of the same Dockerfile can then differ, a rebuild can
pull a new release with a regression or a changed default, and a failing
build cannot be reproduced. A pinned version makes the build repeatable and
makes every upgrade a visible change to review.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      curl=7.88.1-10+deb12u8 \
      ca-certificates=20230311 \
 && rm -rf /var/lib/apt/lists/*
```

## Differences from hadolint
- hadolint checks `apt-get` only; dlint also checks `apt install` and
  `aptitude install`, which take the same `package=version` pins (DL3027 tells
  to replace `apt`, and the pins are still missing once it is replaced).
- hadolint reports a word that is only a variable (`$PACKAGES`) as an unpinned
  package; dlint does not, unless the script sets it: it cannot know what an
  ARG or the base image puts there.
- `apt-get install -s` (simulate) installs nothing and is not reported.
- hadolint reads the first word of each command only; dlint also reads
  `apt-get` run through `sudo`, `env` or `xargs` (`... | xargs apt-get install
  -y --reinstall man` installs `man` unpinned).
- hadolint reports the `RUN` once; dlint reports each unpinned package.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.operands import names, show
from .._shared.packages import parse
from .._shared.runs import runs

META = RuleMeta(
    code="DL3008",
    name="apt-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "packages", "apt"),
    precision="high",
)

_TOOLS = ("apt-get", "apt", "aptitude")


def _unpinned(name: str) -> bool:
    """Whether an operand of ``apt-get install`` is a package named without a version."""
    if not name or "=" in name or "/" in name:
        return False  # pinned, from a release (pkg/suite) or a path
    return not (name.endswith((".deb", "-")) or name.startswith("-"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, ("posix", "exec")):
        for cmd in run.script.commands:
            inv = parse(cmd)
            if inv is None or inv.tool not in _TOOLS:
                continue
            if inv.subcommand != "install" or inv.has("--simulate"):
                continue
            for word in inv.operands:
                for name, sources, origin in names(run, word):
                    shown = show(name, sources)
                    if _unpinned(name):
                        yield Finding(
                            word.span,
                            f"`{shown}`{origin} is installed without a version: pin it "
                            f"(`{shown}=<version>`) so that every build installs the version "
                            "you tested.",
                        )
