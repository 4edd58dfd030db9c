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
word that is only a variable (`$PACKAGES`, `"${deps}"`): what it holds is
unknown.

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
  package; dlint cannot know what it holds and does not report it.
- hadolint reports the `RUN` once; dlint reports each unpinned package.
- hadolint reports `apk add --simulate`, which installs nothing; dlint does
  not.

## Known limitations
Packages listed in a shell variable set earlier in the same script
(`deps="curl wget"; apk add $deps`) are not seen.
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
    code="DL3018",
    name="apk-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "packages", "apk"),
    precision="high",
)

# a word that is one expansion and nothing else: its value is unknown
_ONLY_EXPANSION = re.compile(r"""^(["']?)(\$(\w+|\{[^{}]*\}|\(.*\))|`.*`)\1$""", re.DOTALL)
_CONSTRAINT = re.compile(r"[=~<>]")


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
    """Whether an operand of ``apk add`` is a package named without a version."""
    if word.value is None and _ONLY_EXPANSION.match(word.text):
        return False
    text = _name(word)
    if not text or _CONSTRAINT.search(text) or "/" in text:
        return False  # pinned, or a path
    return not (text.endswith(".apk") or text.startswith("-"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for inv in _invocations(df, "apk"):
        if inv.subcommand != "add" or inv.has("--simulate"):
            continue
        for word in inv.operands:
            if _unpinned(word):
                name = _name(word)
                yield Finding(
                    word.span,
                    f"`{name}` is installed without a version: pin it (`{name}=<version>`, "
                    f"or `{name}~<version prefix>`) so that every build installs the version "
                    "you tested.",
                )
