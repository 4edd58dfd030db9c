"""A package is installed with zypper without a pinned version.

## What it does
Reports each package a `zypper install` (`zypper in`) names without a
version, in `RUN` and `ONBUILD RUN`. A package is pinned by a version
condition (`httpd=2.4.58`, `'httpd>=2.4'`, also written as separate words:
`httpd '>=' 2.4`), or written `name-<version>`, which zypper reads the same
way (`httpd-2.4.58`: what follows the name's dash is a version, its last part
starting with a digit; not `java-17-openjdk`, whose dashes belong to the
name).

A package written with a variable is read with the variable's value when an
`ENV` of the stage (or of a stage it is built on) sets it. A variable an `ARG`
declares earlier in the file, and a command substitution, stand for a version
chosen at build time: the package is pinned when the variable comes after
`=` or a dash (`tomcat=$TOMCAT_VERSION`), not when it is the whole name.

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
A variable set only by the base image's `ENV`, or by the `RUN` itself, is
unknown to dlint: a package pinned with it (`httpd-$HTTPD_VERSION`) is
reported, as hadolint does.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation
from .yum_not_noninteractive import (
    BUILD_TIME,
    PackageTest,
    describe,
    unpinned,
    version_like,
    zypper_action,
)

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
    if BUILD_TIME in piece:  # name-$VERSION: zypper reads it as name=$VERSION
        return "-" in piece
    name, sep, version = piece.partition("-")
    return bool(sep and name) and version_like(version)


def _yes(piece: str) -> bool:
    return True


def _type_word(inv: Invocation) -> tuple[str | None, tuple[int, int] | None]:
    """The package type ``-t``/``--type`` asks for, and where its value is written when
    it is a word of its own (the shared table reads ``-t`` as ``--terse``)."""
    argv = inv.command.unwrapped()
    for opt in inv.options:
        written = opt.word.value or ""
        if written.startswith("--type="):
            return written.partition("=")[2], None
        if written in ("-t", "--type"):
            for i, word in enumerate(argv[:-1]):
                if word.span == opt.word.span:
                    after = argv[i + 1]
                    return after.value, (after.span.line, after.span.column)
    return None, None


def _packages(inv: Invocation) -> Iterator[tuple[ShellWord, PackageTest]]:
    action = zypper_action(inv)
    if action is None or action.name != "install":
        return
    kind, where = _type_word(inv)
    if kind in _NOT_PINNED:
        return
    words = [w for w in action.operands if (w.span.line, w.span.column) != where]
    i = 0
    while i < len(words):
        word = words[i]
        text = word.literal
        following = words[i + 1].literal if i + 1 < len(words) else ""
        if text and text[-1] in _OPERATOR_CHARS:  # `name>=` `1.2`: one condition
            yield word, _yes
            i += 2
        elif following and following[0] in _OPERATOR_CHARS:  # `name` `>=` `1.2`
            yield word, _yes
            i += 2 if following.rstrip(_OPERATOR_CHARS) else 3
        else:
            yield word, _pinned
            i += 1


def check(df: Dockerfile) -> Iterator[Finding]:
    for _inv, word, bad, unknown in unpinned(df, ("zypper",), _packages):
        message = describe(word, bad, unknown, lambda name: f"{name.lstrip('+')}=<version>")
        yield Finding(word.span, message)
