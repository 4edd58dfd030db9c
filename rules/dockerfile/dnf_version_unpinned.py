"""A package is installed with dnf or microdnf without a pinned version.

## What it does
Reports each package a `dnf install` (`dnf in`) or `microdnf install` names
without a version, in `RUN` and `ONBUILD RUN`. A package is pinned when it is
written `name-<version>`: what follows the name's dash is a version, release
and architecture, made of version characters, the last part starting with a
digit (`httpd-2.4.62`, `httpd-2.4.62-1.fc40.x86_64`, `openssl-1:3.2.2`; not
`java-21-openjdk`, whose dashes belong to the name, nor `httpd-2*`). A
`module install` needs a stream: `name:<stream>`.

A package written with a variable is read with the variable's value when the
`RUN` sets it before the command (`V=2.45.2 && dnf install -y git-core-$V`, or
a list: `PKGS="bash tzdata" && microdnf install -y ${PKGS}`), or else when an
`ENV` of the stage (or of a stage it is built on) does (`ENV
GIT_VERSION=2.45.2` then `git-core-$GIT_VERSION`). Each package a variable
holds is judged, and the word that holds it is reported with the packages that
are not pinned. A variable an `ARG` declares earlier in the file, and a
command substitution, stand for a version chosen at build time: the package is
pinned when the variable comes after a dash (`kernel-devel-$(uname -r)`), not
when it is the whole name (`$PACKAGES`). A variable nothing defines is empty:
`git-core-$GIT_VERSION` with no `ARG` or `ENV` for it is reported. An `ONBUILD
RUN` sees the `ENV`s of its stage and the `ONBUILD ARG`s and `ONBUILD ENV`s
before it.

Not reported: `.rpm` files, groups and module profiles (`@development`),
options, and the values of options (`--enablerepo crb`).

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
- hadolint takes a name with a dash and any part that starts with a digit for
  a pinned package (`java-21-openjdk`); dlint needs a version at the end.
- hadolint reads the values of options as packages (`--enablerepo crb`), and
  reports `.rpm` files without a dash in their name (`/tmp/app.rpm`), groups
  (`@development`), which cannot be pinned, and a command substitution after a
  dash (`kernel-devel-$(uname -r)`); dlint does not.
- hadolint takes any `ENV` variable after a dash for a version; dlint reads
  the `ENV`'s value: `ENV TOOLS="jq-1.7.1 make-4.4.1"` then `$TOOLS` is
  pinned, `ENV NAME=python3` then `$NAME-devel` is not, nor is
  `git-core-$VERSION` with an empty `VERSION`. It also reads
  `${VERSION:-2.45.2}`, and the `ENV`s an `ONBUILD RUN` inherits.
- `dnf in` is checked like `dnf install`.
- Each unpinned package is reported at its own place, not the whole `RUN`;
  commands run through `sudo`, a full path, `sh -c` or a heredoc script are
  checked too.

## Known limitations
`dnf5` and `tdnf` are not checked. A variable set only by the base image's
`ENV` is unknown to dlint: a package pinned with it is reported, as hadolint
does.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.rpm import rpm_packages, unpinned

META = RuleMeta(
    code="DL3041",
    name="dnf-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "dnf"),
    precision="high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    yield from unpinned(df, ("dnf", "microdnf"), rpm_packages)
