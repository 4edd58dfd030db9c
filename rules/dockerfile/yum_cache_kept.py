"""A yum install leaves its cache in the image (no `yum clean all` after it).

## What it does
Reports a `yum` command that fills yum's cache (`install`, `groupinstall`,
`localinstall`, `reinstall`, `update`, `upgrade`, `downgrade`, `distro-sync`,
`swap`, `makecache`, `group install`/`update`, `module install`) when no
`yum clean all` (or `dnf clean all`: on RHEL 8 and later `yum` is dnf) and no
`rm -r` of the cache folder (`/var/cache/yum`, `/var/cache/dnf`, or
`/var/cache` itself) follows it in the same `RUN`. Checked in `RUN` and
`ONBUILD RUN`; one finding per `RUN`, at the last such command.

Only the layers of the image the Dockerfile builds are checked: a `RUN` in
the last stage, or in a stage the last stage is built `FROM` (directly or
through other stages). A stage that is only copied from (`COPY --from`) or not
used is not checked. An `ONBUILD RUN` is always checked: its trigger runs in
the images built from this one.

Not reported: a `RUN` whose cache folder is a cache or tmpfs mount
(`RUN --mount=type=cache,target=/var/cache/yum`).

## Why is this bad?
yum keeps the repository metadata it downloaded, and often the packages, in
`/var/cache/yum`. Left there, they become part of the layer and make the image
tens or hundreds of megabytes larger, for files nothing in the container uses.
A clean in a later `RUN` does not help: the earlier layer keeps them.

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Differences from hadolint
- hadolint checks `yum install` only; dlint checks every command that fills
  the cache, also through `sudo`, a full path, `sh -c` or a heredoc script.
- hadolint takes any `rm -rf` (`rm -rf /tmp/app`) for a clean, and compares
  the first install with the first clean; dlint needs a clean of the cache
  that follows the install, and reports an install that comes after the clean
  (`yum install ... && yum clean all && yum install ...`).
- `clean packages` and `clean metadata` keep part of the cache: hadolint takes
  any `yum clean` for a clean, dlint only `clean all`.
- dlint accepts `dnf clean all`, `rm -r` written any way (`-fr`, `-R`,
  `--recursive`) of `/var/cache/yum`, `/var/cache/dnf` or `/var/cache/*`, and
  a cache or tmpfs mount on the cache folder. It does not accept
  `rm -f /var/cache/yum/*`, which removes no folder.
- hadolint checks every stage; dlint checks the stages whose layers are in the
  built image, as hadolint itself does for the apt lists (DL3009).

## Known limitations
With `--target`, a build may stop at an earlier stage; the rule judges the
stages of the last one, the image a plain `docker build` makes.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.rpm import FILLING, RPM_CACHES, rpm_action, rpm_clean, uncleaned

META = RuleMeta(
    code="DL3032",
    name="yum-cache-kept",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size", "yum"),
    precision="high",
)
_YUM = {"yum": frozenset({"yum", "dnf"})}


def check(df: Dockerfile) -> Iterator[Finding]:
    for _inv, action in uncleaned(df, _YUM, rpm_action, FILLING, rpm_clean, RPM_CACHES):
        yield Finding(
            action.span,
            f"`yum {action.written}` leaves yum's cache in the image: run `yum clean all` after "
            "it in the same RUN.",
        )
