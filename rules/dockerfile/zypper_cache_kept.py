"""A zypper install leaves its cache in the image (no `zypper clean` after it).

## What it does
Reports a `zypper` command that fills zypper's cache (`install`/`in`,
`update`/`up`, `dist-upgrade`/`dup`, `patch`, `source-install`/`si`,
`install-new-recommends`) when no `zypper clean` (`cc`) and no `rm -r` of
`/var/cache/zypp` (or of `/var/cache` itself) follows it in the same `RUN`.
Checked in `RUN` and `ONBUILD RUN`; one finding per `RUN`, at the last such
command.

Only the layers of the image the Dockerfile builds are checked: a `RUN` in
the last stage, or in a stage the last stage is built `FROM` (directly or
through other stages). A stage that is only copied from (`COPY --from`) or not
used is not checked. An `ONBUILD RUN` is always checked: its trigger runs in
the images built from this one.

Not reported: a `RUN` with a cache or tmpfs mount on the cache folder
(`RUN --mount=type=cache,target=/var/cache/zypp`).

## Why is this bad?
zypper keeps the repository metadata it downloaded, and the packages of
repositories that keep them, in `/var/cache/zypp`. Left there, they become part
of the layer and make the image larger, for files nothing in the container
uses. A clean in a later `RUN` does not help: the earlier layer keeps them.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper install -y mariadb=10.11.8
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper install -y mariadb=10.11.8 && zypper clean -a
```

## Differences from hadolint
- hadolint checks `zypper install` only; dlint checks every command that fills
  the cache, also through `sudo`, a full path, `sh -c` or a heredoc script.
- hadolint compares the first install with the first clean; dlint needs a
  clean that follows the install, and reports an install that comes after it
  (`zypper in ... && zypper clean && zypper in ...`).
- dlint also accepts `rm -r` of `/var/cache/zypp` or `/var/cache/*` as a
  clean, and a cache or tmpfs mount on `/var/cache`. A mount on a folder
  inside the cache (`/var/cache/zypp/packages`) keeps the rest of it in the
  layer: hadolint accepts it, dlint does not.
- hadolint checks every stage; dlint checks the stages whose layers are in the
  built image, as hadolint itself does for the apt lists (DL3009).

## Known limitations
Like hadolint, dlint accepts a plain `zypper clean`, which removes cached
packages but keeps the repository metadata: `zypper clean -a` removes both.
With `--target`, a build may stop at an earlier stage; the rule judges the
stages of the last one, the image a plain `docker build` makes.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.rpm import ZYPPER_CACHES, Action, uncleaned, zypper_action

META = RuleMeta(
    code="DL3036",
    name="zypper-cache-kept",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size", "zypper"),
    precision="high",
)
_FILLING = frozenset(
    {"install", "update", "dist-upgrade", "patch", "source-install", "install-new-recommends"}
)
_ZYPPER = {"zypper": frozenset({"zypper"})}


def _clean(action: Action) -> bool:
    return action.name == "clean"


def check(df: Dockerfile) -> Iterator[Finding]:
    for _inv, action in uncleaned(df, _ZYPPER, zypper_action, _FILLING, _clean, ZYPPER_CACHES):
        yield Finding(
            action.span,
            f"`zypper {action.written}` leaves zypper's cache in the image: run `zypper clean -a` "
            "after it in the same RUN.",
        )
