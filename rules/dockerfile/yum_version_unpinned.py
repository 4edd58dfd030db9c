"""A package is installed with yum without a pinned version.

## What it does
Reports each package a `yum install` names without a version, in `RUN` and
`ONBUILD RUN`. A package is pinned when it is written `name-<version>`: the
part after its last `-` starts with a digit (`httpd-2.4.6`,
`httpd-2.4.6-99.el7.x86_64`, `openssl-1:1.0.2k`). A `yum module install`
needs a stream: `name:<stream>`.

A package written with a variable is read with the variable's value when an
`ENV` of the stage (or of a stage it is built on) sets it
(`ENV HTTPD_VERSION=2.4.6` then `httpd-$HTTPD_VERSION`), and counts as pinned
when an `ARG` declares the variable or the `RUN` itself assigns it: its value
is chosen at build time. A variable nothing defines is empty, so
`httpd-$HTTPD_VERSION` with no `ARG` or `ENV` for it is reported.

Not reported: `.rpm` files and anything else with a `/` (local paths and
URLs), groups and module profiles (`@development`), capabilities such as
`perl(JSON)` or `pkgconfig(zlib)`, and words holding a command substitution.

## Why is this bad?
Without a version, each build installs whatever is newest in the repositories
that day: two builds of the same Dockerfile get different software, an update
that breaks your image can arrive without any change on your side, and the
build cache hides when it happened.

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Differences from hadolint
- Local paths and URLs (anything with a `/`), groups (`@name`) and
  capabilities (`perl(JSON)`) are not reported: they cannot be pinned with
  `-<version>`.
- A variable the `RUN` assigns itself counts as pinned.
- Each unpinned package is reported at its own place, not the whole `RUN`.

## Known limitations
A variable set only by the base image's `ENV` is unknown to dlint: a package
pinned with it (`httpd-$HTTPD_VERSION`) is reported, as hadolint does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation
from .yum_not_noninteractive import (
    RPM_EXTRA_VALUED,
    commands,
    expand,
    rpm_action,
    runs,
    skipped_values,
)

META = RuleMeta(
    code="DL3033",
    name="yum-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "yum"),
    precision="high",
)

# ---------------------------------------------------------------------------
# Helpers shared with DL3037 and DL3041 (they belong in rules/_shared/).


def rpm_pinned(piece: str) -> bool:
    """``name-<version>``, an ``.rpm``, a path or URL, a group or a capability."""
    if piece.startswith("-"):  # an option, from a variable
        return True
    if piece.endswith(".rpm") or "/" in piece or piece.startswith("@") or "(" in piece:
        return True
    name, sep, version = piece.rpartition("-")
    return bool(sep and name) and version[:1].isdigit()


def module_pinned(piece: str) -> bool:
    """``name:<stream>`` (with or without ``/profile``)."""
    return piece.startswith("-") or ":" in piece


PackageTest = Callable[[str], bool]


def unpinned(
    df: Dockerfile,
    tools: tuple[str, ...],
    packages: Callable[[Invocation], Iterator[tuple[ShellWord, PackageTest]]],
) -> Iterator[tuple[Invocation, ShellWord, tuple[str, ...], tuple[str, ...]]]:
    """(command, word, its unpinned pieces, unknown variables) for each package word that
    ``packages`` gives and its test rejects."""
    for run in runs(df):
        for inv in commands(run, *tools):
            for word, pinned in packages(inv):
                found = expand(word, run)
                if found is None:
                    continue
                bad = tuple(p for p in found.pieces if not pinned(p))
                if bad:
                    yield inv, word, bad, found.unknown


def rpm_packages(inv: Invocation) -> Iterator[tuple[ShellWord, PackageTest]]:
    """The packages of ``install`` and the modules of ``module install``."""
    action = rpm_action(inv)
    if action is None or action.name not in ("install", "module install"):
        return
    test = rpm_pinned if action.name == "install" else module_pinned
    skip = skipped_values(inv, RPM_EXTRA_VALUED)
    for word in action.operands:
        if (word.span.line, word.span.column) not in skip:
            yield word, test


def describe(
    word: ShellWord,
    bad: tuple[str, ...],
    unknown: tuple[str, ...],
    pinned_form: Callable[[str], str],
    missing: str = "a version",
) -> str:
    """The message for an unpinned package word; ``pinned_form(name)`` shows how to pin."""
    if unknown:
        names = ", ".join(f"`{n}`" for n in unknown)
        return (
            f"`{word.text}` gets no version: no ARG or ENV defines {names}; pin the package "
            f"as `{pinned_form('name')}`."
        )
    if len(bad) == 1 and bad[0] == word.value:
        return f"`{bad[0]}` is installed without {missing}: pin it as `{pinned_form(bad[0])}`."
    listed = ", ".join(f"`{p}`" for p in bad[:3]) + (", ..." if len(bad) > 3 else "")
    each = "it" if len(bad) == 1 else "each"
    return (
        f"`{word.text}` installs {listed} without {missing}: pin {each} as `{pinned_form('name')}`."
    )


def rpm_message(
    inv: Invocation, word: ShellWord, bad: tuple[str, ...], unknown: tuple[str, ...]
) -> str:
    action = rpm_action(inv)
    if action is not None and action.name == "module install":
        return describe(word, bad, unknown, lambda name: f"{name}:<stream>", "a stream")
    return describe(word, bad, unknown, lambda name: f"{name}-<version>")


# ---------------------------------------------------------------------------


def check(df: Dockerfile) -> Iterator[Finding]:
    for inv, word, bad, unknown in unpinned(df, ("yum",), rpm_packages):
        yield Finding(word.span, rpm_message(inv, word, bad, unknown))
