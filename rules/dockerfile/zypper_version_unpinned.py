"""A package is installed with zypper without a pinned version.

## What it does
Reports each package a `zypper install` (`zypper in`) names without a
version, in `RUN` and `ONBUILD RUN`. A package is pinned by a version
condition (`httpd=2.4.58`, `'httpd>=2.4'`, also written as separate words:
`httpd '>=' 2.4`), or written `name-<version>`, which zypper reads the same
way (`httpd-2.4.58`: what follows the name's dash is a version, its last part
starting with a digit; not `java-17-openjdk`, whose dashes belong to the
name).

A package written with a variable is read with the variable's value when the
`RUN` sets it before the command (`PKGS="vim=9.1 jq" && zypper -n in $PKGS`),
or else when an `ENV` of the stage (or of a stage it is built on) does. Each
package a variable holds is judged, and the word that holds it is reported
with the packages that are not pinned. A variable an `ARG` declares earlier in
the file, and a command substitution, stand for a version chosen at build
time: the package is pinned when the variable comes after `=` or a dash
(`tomcat=$TOMCAT_VERSION`), not when it is the whole name.

Not reported: `.rpm` files, packages marked for removal (`!name`, `~name`),
installs of patches (`-t patch`), options, and the values of options
(`--from repo-oss`).

## Why is this bad?
Without a version, each build installs whatever is newest in the repositories
that day: two builds of the same Dockerfile get different software, an update
that breaks your image can arrive without any change on your side, and the
build cache hides when it happened.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install tomcat && zypper clean -a
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install tomcat=9.0.89 && zypper clean -a
```

## Differences from hadolint
- `name-<version>` counts as pinned: zypper reads `httpd-2.4.58` as
  `httpd=2.4.58`. So does a condition written in separate words.
- hadolint reads the values of options as packages (`-r repo-oss`,
  `--from repo-oss`), and reports removals (`!vim`) and patches, which are
  not installed or are fixed updates; dlint does not.
- dlint reads the value of an `ENV`: `ENV PACKAGES="jq=1.7.1 make=4.4.1"`
  then `$PACKAGES` is pinned.
- Each unpinned package is reported at its own place, not the whole `RUN`;
  commands run through `sudo`, a full path, `sh -c` or a heredoc script are
  checked too.

## Known limitations
A variable set only by the base image's `ENV` is unknown to dlint: a package
pinned with it (`httpd-$HTTPD_VERSION`) is reported, as hadolint does.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation
from .._shared.rpm import MARK, Pin, unpinned, version_like, zypper_action

META = RuleMeta(
    code="DL3037",
    name="zypper-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "zypper"),
    precision="high",
)

_OPERATOR_CHARS = "=<>"
# Package types whose names are no packages to pin: a patch is one fixed update.
_NOT_PINNED = frozenset({"patch"})


def _pinned(piece: str) -> bool:
    if piece.startswith(("-", "!", "~")):  # an option, or a removal
        return True
    piece = piece.lstrip("+")
    if any(c in piece for c in _OPERATOR_CHARS) or piece.endswith(".rpm"):
        return True
    if MARK in piece:  # name-$VERSION: zypper reads it as name=$VERSION
        return "-" in piece
    name, sep, version = piece.partition("-")
    return bool(sep and name) and version_like(version)


def _form(name: str) -> str:
    return f"{name.lstrip('+')}=<version>"


_PACKAGE = Pin(_pinned, _form)
_CONDITION = Pin(lambda piece: True, _form)  # a name with its condition in the next words


def _packages(inv: Invocation) -> Iterator[tuple[ShellWord, Pin]]:
    action = zypper_action(inv)
    if action is None or action.name != "install":
        return
    if any(kind in _NOT_PINNED for kind in inv.values("--type")):
        return
    words = action.operands
    i = 0
    while i < len(words):
        word = words[i]
        text = word.value or ""
        following = (words[i + 1].value or "") if i + 1 < len(words) else ""
        if text and text[-1] in _OPERATOR_CHARS:  # `name>=` `1.2`: one condition
            yield word, _CONDITION
            i += 2
        elif following and following[0] in _OPERATOR_CHARS:  # `name` `>=` `1.2`
            yield word, _CONDITION
            i += 2 if following.rstrip(_OPERATOR_CHARS) else 3
        else:
            yield word, _PACKAGE
            i += 1


def check(df: Dockerfile) -> Iterator[Finding]:
    yield from unpinned(df, ("zypper",), _packages)
