"""A package is installed with `apk add` without a pinned version.

## What it does
Reports each package of an `apk add` that names no version: `curl` instead of
`curl=8.9.1-r2`. Each unpinned package is reported at its own position, in
`RUN` and `ONBUILD RUN`, through `sudo`/`env` prefixes, `sh -c '...'`,
heredoc scripts and line continuations.

A package counts as pinned with any of apk's version constraints: `=1.2-r0`,
`~1.2` and `=~1.2` (fuzzy), `>=1.2`, `<2`. Not reported: an `.apk` file or a
path, the values of options that take one (`--virtual .build-deps`, `-t`,
`--repository`/`-X <url>`), an `apk add` run with `--simulate`/`-s`, and a
word that is only a variable dlint cannot know (`$PACKAGES`, `"${deps}"`):
what it holds is unknown.

A variable the script sets itself is read: `INSTALL_PKGS="bash tzdata" && apk
add --no-cache ${INSTALL_PKGS}` reports each package it holds without a
version, on `${INSTALL_PKGS}`, also when its value is built from other variables
the script sets (`INSTALL_PKGS="bash $jdk"`, `jdk` set in each branch of a
`case`).

## Why is this bad?
Without a version, `apk add` takes whatever the repository has on the day of
the build. Two builds of the same Dockerfile can then differ, a rebuild can
pull a new release with a regression, and a failing build cannot be
reproduced. A pinned version makes the build repeatable and every upgrade a
visible change to review. (Alpine keeps only the latest build of each package
in a branch: pin with `~` to a version prefix, or pin exactly and expect to
bump the pins when a build fails.)

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl ca-certificates
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r2 "ca-certificates~20240705"
```

## Differences from hadolint
- hadolint reports a word that is only a variable (`$PACKAGES`) as an unpinned
  package; dlint does not, unless the script sets it: it cannot know what an
  ARG or the base image puts there.
- hadolint reports the `RUN` once; dlint reports each unpinned package.
- hadolint reports `apk add --simulate`, which installs nothing; dlint does
  not.
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
    code="DL3018",
    name="apk-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "packages", "apk"),
    precision="high",
)

_CONSTRAINTS = "=~<>"  # apk's version constraints: pkg=1.2, pkg~1.2, pkg>=1.2...


def _unpinned(name: str) -> bool:
    """Whether an operand of ``apk add`` is a package named without a version."""
    if not name or any(c in name for c in _CONSTRAINTS) or "/" in name:
        return False  # pinned, or a path
    return not (name.endswith(".apk") or name.startswith("-"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, ("posix", "exec")):
        for cmd in run.script.commands:
            inv = parse(cmd)
            if inv is None or inv.tool != "apk":
                continue
            if inv.subcommand != "add" or inv.has("--simulate"):
                continue
            for word in inv.operands:
                for name, sources, origin in names(run, word):
                    shown = show(name, sources)
                    if _unpinned(name):
                        yield Finding(
                            word.span,
                            f"`{shown}`{origin} is installed without a version: pin it "
                            f"(`{shown}=<version>`, or `{shown}~<version prefix>`) so that "
                            "every build installs the version you tested.",
                        )
