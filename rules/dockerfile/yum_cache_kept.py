"""A yum install leaves its cache in the image (no `yum clean all` after it).

## What it does
Reports a `yum` command that fills yum's cache (`install`, `groupinstall`,
`localinstall`, `reinstall`, `update`, `upgrade`, `downgrade`, `distro-sync`,
`swap`, `makecache`, `group install`/`update`, `module install`) when no
`yum clean all` (or `dnf clean all`: on RHEL 8 and later `yum` is dnf) and no
`rm -rf` of the cache folder (`/var/cache/yum`, `/var/cache/dnf`, or
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
  the cache, and reports the last one that no clean follows.
- dlint accepts `dnf clean all`, `rm -rf /var/cache/dnf` and
  `rm -rf /var/cache/*` as cleans, and a cache or tmpfs mount on the cache
  folder.
- hadolint checks every stage; dlint checks the stages whose layers are in the
  built image, as hadolint itself does for the apt lists (DL3009).

## Known limitations
With `--target`, a build may stop at an earlier stage; the rule judges the
stages of the last one, the image a plain `docker build` makes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, parse
from .yum_not_noninteractive import Action, mount_covers, rpm_action, runs, shipped

META = RuleMeta(
    code="DL3032",
    name="yum-cache-kept",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size", "yum"),
    precision="high",
)

# ---------------------------------------------------------------------------
# Helpers shared with DL3036 and DL3040 (they belong in rules/_shared/).

RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", ".cache/libdnf5")
# Actions that fill the cache.
FILLING = frozenset(
    {"install", "group install", "localinstall", "localupdate", "reinstall", "update",
     "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "swap", "makecache",
     "group update", "group upgrade", "module install"}
)  # fmt: skip


def _removes_cache(cmd: ShellCommand, dirs: tuple[str, ...]) -> bool:
    """``rm`` of one of ``dirs`` (absolute ones), its content, or ``/var/cache``."""
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None or posixpath.basename(argv[0].value) != "rm":
        return False
    for word in argv[1:]:
        path = word.value
        if path is None or path.startswith("-"):
            continue
        path = posixpath.normpath(path.rstrip("*").rstrip("/") or "/")
        if path == "/var/cache":
            return True
        for d in dirs:
            if d.startswith("/") and (path == d or path.startswith(d + "/")):
                return True
    return False


def uncleaned(
    df: Dockerfile,
    cleaners: Mapping[str, frozenset[str]],
    action_of: Callable[[Invocation], Action | None],
    filling: frozenset[str],
    is_clean: Callable[[Invocation, Action], bool],
    caches: tuple[str, ...],
) -> Iterator[tuple[Invocation, Action]]:
    """For each RUN, per tool of ``cleaners``: the last command that fills the cache
    with no clean after it. ``cleaners[tool]``: the tools whose clean counts. Only the
    layers of the built image are checked (and ONBUILD triggers)."""
    in_image = shipped(df)
    for run in runs(df):
        if not run.onbuild and run.stage.index not in in_image:
            continue
        if run.script.dialect not in ("posix", "exec") or mount_covers(run.cache_targets, caches):
            continue
        pending: dict[str, tuple[Invocation, Action]] = {}
        for cmd in run.script.commands:
            if _removes_cache(cmd, caches):
                pending.clear()
                continue
            inv = parse(cmd)
            if inv is None:
                continue
            action = action_of(inv)
            if action is None:
                continue
            if is_clean(inv, action):
                for tool in [t for t in pending if inv.tool in cleaners[t]]:
                    del pending[tool]
            elif inv.tool in cleaners and action.name in filling:
                pending[inv.tool] = (inv, action)
        yield from pending.values()


def rpm_clean(inv: Invocation, action: Action) -> bool:
    """``yum clean all``, ``dnf clean all``..."""
    return action.name == "clean" and any(w.value == "all" for w in action.operands)


# ---------------------------------------------------------------------------

_YUM = {"yum": frozenset({"yum", "dnf"})}


def check(df: Dockerfile) -> Iterator[Finding]:
    for _inv, action in uncleaned(df, _YUM, rpm_action, FILLING, rpm_clean, RPM_CACHES):
        yield Finding(
            action.span,
            f"`yum {action.written}` leaves yum's cache in the image: run `yum clean all` after "
            "it in the same RUN.",
        )
