"""A dnf or microdnf install leaves its cache in the image (no `clean all` after it).

## What it does
Reports a `dnf` or `microdnf` command that fills the package cache
(`install`/`in`, `groupinstall`, `localinstall`, `reinstall`/`rei`,
`update`, `upgrade`/`up`, `upgrade-minimal`/`up-min`, `downgrade`,
`distro-sync`, `swap`, `makecache`, `group install`/`update`,
`module install`) when no clean of the same tool (`dnf clean all`, or
`yum clean all` for dnf; `microdnf clean all` for microdnf) and no `rm -r` of
the cache folder (`/var/cache/dnf`, `/var/cache/yum`, `/var/cache/libdnf5`,
or `/var/cache` itself) follows it in the same `RUN`. Checked in `RUN` and
`ONBUILD RUN`; one finding per tool and `RUN`, at the last such command.

Only the layers of the image the Dockerfile builds are checked: a `RUN` in
the last stage, or in a stage the last stage is built `FROM` (directly or
through other stages). A stage that is only copied from (`COPY --from`) or not
used is not checked. An `ONBUILD RUN` is always checked: its trigger runs in
the images built from this one.

Not reported: a `RUN` whose cache folder is a cache or tmpfs mount
(`RUN --mount=type=cache,target=/var/cache/libdnf5`).

## Why is this bad?
dnf keeps the repository metadata it downloaded, and often the packages, in
its cache folder. Left there, they become part of the layer and make the image
tens or hundreds of megabytes larger, for files nothing in the container uses.
A clean in a later `RUN` does not help: the earlier layer keeps them.

## Example
```dockerfile
FROM fedora:40
RUN dnf install -y mariadb-10.11.8
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y mariadb-10.11.8 && dnf clean all
```

## Differences from hadolint
- hadolint does not check `dnf update`, `groupinstall`, `localinstall`,
  `downgrade`, `distro-sync`, `swap` or `makecache`; dlint does (`update` is
  `upgrade`, `groupinstall` is `group install`), also through `sudo`, a full
  path, `sh -c` or a heredoc script.
- hadolint takes any `rm -rf` (`rm -rf /tmp/app`) for a clean, and compares
  the first install with the first clean: a `RUN` that removes a download
  before the install and runs `microdnf clean all` at its end is reported.
  dlint needs a clean of the cache that follows the install, and reports an
  install that comes after the clean (`dnf install ... && dnf clean all && dnf
  install ...`).
- `clean packages`, `clean metadata` and `clean dbcache` keep part of the
  cache: hadolint takes any `dnf clean` for a clean, dlint only `clean all`.
- dlint accepts `rm -r` written any way (`-fr`, `-R`, `--recursive`) of
  `/var/cache/dnf` (dnf 4's cache) and `/var/cache/yum` (microdnf's) as well
  as `/var/cache/libdnf5`, cache and tmpfs mounts on those folders or on
  `/var/cache`, and `yum clean all` after `dnf` (on RHEL 8 and later `yum` is
  dnf). A mount on a folder inside the cache (`/var/cache/libdnf5/fedora`)
  keeps the rest of it in the layer: hadolint accepts it, dlint does not.
- hadolint checks every stage; dlint checks the stages whose layers are in the
  built image, as hadolint itself does for the apt lists (DL3009).

## Known limitations
`dnf5` and `tdnf` are not checked. With `--target`, a build may stop at an
earlier stage; the rule judges the stages of the last one, the image a plain
`docker build` makes.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.rpm import FILLING, RPM_CACHES, rpm_action, rpm_clean, uncleaned

META = RuleMeta(
    code="DL3040",
    name="dnf-cache-kept",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size", "dnf"),
    precision="high",
)
_DNF = {"dnf": frozenset({"dnf", "yum"}), "microdnf": frozenset({"microdnf"})}


def check(df: Dockerfile) -> Iterator[Finding]:
    for inv, action in uncleaned(df, _DNF, rpm_action, FILLING, rpm_clean, RPM_CACHES):
        yield Finding(
            action.span,
            f"`{inv.tool} {action.written}` leaves {inv.tool}'s cache in the image: run "
            f"`{inv.tool} clean all` after it in the same RUN.",
        )
