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
(`$PACKAGES`, `"${deps}"`, `$(cat packages.txt)`): what it holds is unknown.

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
  package; dlint cannot know what it holds and does not report it.
- `apt-get install -s` (simulate) installs nothing and is not reported.
- hadolint reads the first word of each command only; dlint also reads
  `apt-get` run through `sudo`, `env` or `xargs` (`... | xargs apt-get install
  -y --reinstall man` installs `man` unpinned).
- hadolint reports the `RUN` once; dlint reports each unpinned package.

## Known limitations
Packages listed in a shell variable set earlier in the same script
(`deps="curl wget"; apt-get install $deps`) are not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, parse

META = RuleMeta(
    code="DL3008",
    name="apt-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "packages", "apt"),
    precision="high",
)

_TOOLS = ("apt-get", "apt", "aptitude")
# a word that is one expansion and nothing else: its value is unknown
_ONLY_EXPANSION = re.compile(r"""^(["']?)(\$(\w+|\{[^{}]*\}|\(.*\))|`.*`)\1$""", re.DOTALL)


def _invocations(df: Dockerfile, *tools: str) -> Iterator[Invocation]:
    """The package-manager commands of every RUN and ONBUILD RUN, in file order (shell
    form, heredoc scripts, and the one command of an exec-form RUN)."""
    for ins in df.instructions:
        run = ins.trigger if ins.keyword == "ONBUILD" else ins
        if run is None or run.keyword != "RUN" or run.script is None:
            continue
        if run.script.dialect not in ("posix", "exec"):
            continue
        for cmd in run.script.commands:
            found = parse(cmd)
            if found is not None and found.tool in tools:
                yield found


def _name(word: ShellWord) -> str:
    """The package a word names, as written but without its quotes."""
    if word.value is not None:
        return word.value
    text = word.text
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _unpinned(word: ShellWord) -> bool:
    """Whether an operand of ``apt-get install`` is a package named without a version."""
    if word.value is None and _ONLY_EXPANSION.match(word.text):
        return False
    text = _name(word)
    if not text or "=" in text or "/" in text:
        return False  # pinned, from a release (pkg/suite) or a path
    return not (text.endswith((".deb", "-")) or text.startswith("-"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for inv in _invocations(df, *_TOOLS):
        if inv.subcommand != "install" or inv.has("--simulate"):
            continue
        for word in inv.operands:
            if _unpinned(word):
                name = _name(word)
                yield Finding(
                    word.span,
                    f"`{name}` is installed without a version: pin it (`{name}=<version>`) so "
                    "that every build installs the version you tested.",
                )
