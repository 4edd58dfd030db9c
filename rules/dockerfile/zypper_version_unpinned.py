"""A package is installed with zypper without a pinned version.

## What it does
Reports each package a `zypper install` (`zypper in`) names without a
version, in `RUN` and `ONBUILD RUN`. A package is pinned by a version
condition (`httpd=2.4.58`, `'httpd>=2.4'`, also written as separate words:
`httpd '>=' 2.4`), or written `name-<version>`, which zypper reads the same
way (`httpd-2.4.58`: the part after the last `-` starts with a digit).

A package written with a variable is read with the variable's value when an
`ENV` of the stage (or of a stage it is built on) sets it, and counts as
pinned when an `ARG` declares the variable or the `RUN` itself assigns it: its
value is chosen at build time.

Not reported: `.rpm` files and anything else with a `/` (local paths and
URLs), capabilities such as `perl(JSON)`, packages marked for removal
(`!name`, `~name`), installs of patterns, patches and products
(`-t pattern`), and words holding a command substitution.

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
  `httpd=2.4.58`.
- Local paths and URLs (anything with a `/`), capabilities, removals and
  `-t pattern`/`patch`/`product` installs are not reported.
- Each unpinned package is reported at its own place, not the whole `RUN`.

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
from .yum_version_unpinned import PackageTest, describe, unpinned

META = RuleMeta(
    code="DL3037",
    name="zypper-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "zypper"),
    precision="high",
)

_OPERATOR_CHARS = "=<>"


def _pinned(piece: str) -> bool:
    if piece.startswith(("-", "!", "~")):  # an option, or a removal
        return True
    piece = piece.lstrip("+")
    if any(c in piece for c in _OPERATOR_CHARS):
        return True
    if piece.endswith(".rpm") or "/" in piece or "(" in piece:
        return True
    name, sep, version = piece.rpartition("-")
    return bool(sep and name) and version[:1].isdigit()


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
    if inv.subcommand != "install":
        return
    kind, where = _type_word(inv)
    if kind is not None and kind != "package":
        return
    words = [w for w in inv.operands if (w.span.line, w.span.column) != where]
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
