"""A package is installed with dnf or microdnf without a pinned version.

## What it does
Reports each package a `dnf install` (`dnf in`) or `microdnf install` names
without a version, in `RUN` and `ONBUILD RUN`. A package is pinned when it is
written `name-<version>`: the part after its last `-` starts with a digit
(`httpd-2.4.62`, `httpd-2.4.62-1.fc40.x86_64`, `openssl-1:3.2.2`). A
`module install` needs a stream: `name:<stream>`.

A package written with a variable is read with the variable's value when an
`ENV` of the stage (or of a stage it is built on) sets it
(`ENV GIT_VERSION=2.45.2` then `git-core-$GIT_VERSION`), and counts as pinned
when an `ARG` declares the variable or the `RUN` itself assigns it: its value
is chosen at build time. A variable nothing defines is empty, so
`git-core-$GIT_VERSION` with no `ARG` or `ENV` for it is reported.

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
FROM fedora:40
RUN dnf install -y tomcat && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y tomcat-10.1.25 && dnf clean all
```

## Differences from hadolint
- Local paths and URLs (anything with a `/`), groups (`@name`) and
  capabilities (`perl(JSON)`) are not reported: they cannot be pinned with
  `-<version>`.
- A variable the `RUN` assigns itself counts as pinned.
- `dnf in` is checked like `dnf install`.
- Each unpinned package is reported at its own place, not the whole `RUN`.

## Known limitations
`dnf5` and `tdnf` are not checked. A variable set only by the base image's
`ENV` is unknown to dlint: a package pinned with it (`httpd-$HTTPD_VERSION`)
is reported, as hadolint does.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .yum_version_unpinned import rpm_message, rpm_packages, unpinned

META = RuleMeta(
    code="DL3041",
    name="dnf-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "dnf"),
    precision="high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for inv, word, bad, unknown in unpinned(df, ("dnf", "microdnf"), rpm_packages):
        yield Finding(word.span, rpm_message(inv, word, bad, unknown))
