r"""`apt-get update` leaves the package lists in the final image.

## What it does
Reports an `apt-get update` (also `apt update` and `aptitude update`) whose
`RUN` leaves what apt downloads in its layer, when that layer ends up in an
image: the `RUN` is in the last stage, or in a stage that a later `FROM`
builds on. Lists left in a stage that is only copied from (`COPY --from`) or
not used at all never reach an image and are not reported. An `ONBUILD RUN`
is always checked: its trigger runs in the images built from this one.

The lists count as removed when a later command of the same `RUN` is an `rm`
of `/var/lib/apt/lists/*` (or of the folder, or of a folder holding it, or of
a pattern for the files inside: `/var/lib/apt/lists/*.lz4`),
`find /var/lib/apt/lists ... -delete`, or `apt-get distclean`. They never
reach the layer when the `RUN` has a `--mount=type=cache` or
`--mount=type=tmpfs` on `/var/lib/apt/lists` or a folder holding it
(`/var/lib/apt`).

The downloaded packages are the other half. Debian and Ubuntu images delete
them after every install (`/etc/apt/apt.conf.d/docker-clean`); once an earlier
command removes that file, as BuildKit cache recipes do, they stay in
`/var/cache/apt`. The `RUN` is then reported unless it also mounts a cache
or tmpfs on `/var/cache/apt` or runs `apt-get clean` (or removes
`/var/cache/apt/*`) after the update.

## Why is this bad?
`apt-get update` downloads the index of every configured repository into
`/var/lib/apt/lists`: tens of megabytes that nothing in a container needs once
the packages are installed. Removing them in a later instruction does not
help: the layer that holds them is already part of the image. Official Debian
and Ubuntu images ship with empty lists for this reason.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

With BuildKit, cache mounts keep the lists and downloads between builds and
out of the image:

```dockerfile
FROM debian:12
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    --mount=type=cache,target=/var/cache/apt,sharing=locked \
    apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Differences from hadolint
- hadolint counts any `rm` given `-rf` (`rm -rf /tmp/build`) as the cleanup;
  dlint needs the `rm` to remove the lists, and to come after the update
  (`rm -rf /var/lib/apt/lists/* && apt-get update` leaves them in place).
- hadolint accepts a cache mount on `/var/lib/apt` only together with one on
  `/var/cache/apt`; dlint accepts it alone while the image's `docker-clean`
  still deletes the downloaded packages: the lists are in the mount and
  nothing else stays.
- Once `docker-clean` is removed, dlint reports the packages left in
  `/var/cache/apt` also when the lists themselves are removed or mounted on
  `/var/lib/apt/lists`; hadolint does not.
- dlint also accepts `find ... -delete` and `apt-get distclean` (`dist-clean`)
  as the cleanup.

## Known limitations
A base image without `docker-clean` (not an official Debian or Ubuntu one)
keeps the downloaded packages unless the `RUN` cleans them; only a removal
written in the Dockerfile is seen. A stage that no later `FROM` uses but that
is built on its own (`docker build --target`) is not checked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellScript
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, parse

META = RuleMeta(
    code="DL3009",
    name="apt-lists-not-removed",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "packages", "apt"),
    precision="high",
)

_TOOLS = ("apt-get", "apt", "aptitude")
_LISTS = "/var/lib/apt/lists"
_ARCHIVES = "/var/cache/apt"
_DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"
_DISTCLEAN = frozenset({"distclean", "dist-clean"})


def _covers(target: str, path: str) -> bool:
    """Whether a mount (or removal) at ``target`` holds ``path``."""
    root = posixpath.normpath(target)
    return path == root or path.startswith(root.rstrip("/") + "/")


def _mount_targets(run: Instruction, layer: Layer | None) -> list[str]:
    """Targets of the cache and tmpfs mounts of a RUN (or of an ONBUILD RUN trigger,
    which has no layer here: its ``--mount`` flags are read as written)."""
    if layer is not None:
        return [m.target for m in layer.mounts if m.type in ("cache", "tmpfs") and m.target]
    targets = []
    for flag in run.flags:
        if flag.name != "mount" or not flag.value:
            continue
        fields = {}
        for part in flag.value.split(","):
            key, _, value = part.partition("=")
            fields[key.strip().lower()] = value.strip().strip("\"'")
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type", "bind").lower() in ("cache", "tmpfs") and target:
            targets.append(target)
    return targets


def _path(word: str) -> str | None:
    """An absolute path an ``rm``/``find`` operand names, without a trailing ``/*``."""
    path = word.removesuffix("*").rstrip("/") or "/"
    return path if path.startswith("/") else None


def _operands(cmd: ShellCommand, program: str) -> list[str] | None:
    """The static operands of ``cmd`` when it runs ``program`` (None otherwise)."""
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None or posixpath.basename(argv[0].value) != program:
        return None
    return [w.value for w in argv[1:] if w.value is not None]


def _removes(cmd: ShellCommand, path: str) -> bool:
    """Whether ``cmd`` is an ``rm`` of ``path`` (or of a folder holding it)."""
    words = _operands(cmd, "rm")
    if words is None:
        return False
    paths = [_path(w) for w in words if not w.startswith("-")]
    return any(p is not None and _covers(p, path) for p in paths)


def _apt(cmd: ShellCommand) -> Invocation | None:
    inv = parse(cmd)
    return inv if inv is not None and inv.tool in _TOOLS else None


def _removes_lists(cmd: ShellCommand) -> bool:
    if _removes(cmd, _LISTS):
        return True
    words = _operands(cmd, "rm")
    if words is not None and any(_covers(_LISTS, w) and any(c in w for c in "*?[") for w in words):
        return True  # a pattern for the lists' files (``/var/lib/apt/lists/*.lz4``)
    words = _operands(cmd, "find")
    if words is not None and ("-delete" in words or "rm" in words):
        paths = [_path(w) for w in words if not w.startswith("-")]
        return any(p is not None and (_covers(p, _LISTS) or _covers(_LISTS, p)) for p in paths)
    inv = _apt(cmd)
    if inv is None:
        return False
    first = inv.operands[0].value if inv.operands else None
    return inv.subcommand in _DISTCLEAN or (inv.subcommand is None and first in _DISTCLEAN)


def _removes_archives(cmd: ShellCommand) -> bool:
    """``apt-get clean`` (or distclean), or an ``rm`` of ``/var/cache/apt/*``."""
    if _removes(cmd, _ARCHIVES) or _removes(cmd, _ARCHIVES + "/archives"):
        return True
    inv = _apt(cmd)
    return inv is not None and inv.subcommand in ("clean", *_DISTCLEAN)


@dataclass(frozen=True, slots=True)
class _Left:
    """What an ``apt-get update`` leaves in its layer."""

    update: Invocation
    lists: bool  # the package lists (else: only the downloaded packages)


def _left(script: ShellScript, targets: list[str], docker_clean: bool) -> _Left | None:
    """The first ``apt-get update`` of a script that leaves apt's downloads in its
    layer. ``docker_clean``: whether the image still deletes the downloaded packages
    when the script starts."""
    lists_mounted = any(_covers(t, _LISTS) for t in targets)
    archives_kept = not docker_clean or _removes_docker_clean(script)
    if archives_kept and any(_covers(t, _ARCHIVES) for t in targets):
        archives_kept = False
    commands = script.commands
    for i, cmd in enumerate(commands):
        inv = _apt(cmd)
        if inv is None or inv.subcommand != "update":
            continue
        later = commands[i + 1 :]
        if not lists_mounted and not any(_removes_lists(c) for c in later):
            return _Left(inv, lists=True)
        if archives_kept and not any(_removes_archives(c) for c in later):
            return _Left(inv, lists=False)
    return None


def _removes_docker_clean(script: ShellScript | None) -> bool:
    return script is not None and any(_removes(c, _DOCKER_CLEAN) for c in script.commands)


def _reused(df: Dockerfile) -> set[int]:
    """Indexes of the stages whose layers are in an image: the last stage and the
    stages a later FROM builds on (-1: instructions before any FROM, when there is
    no FROM)."""
    if not df.stages:
        return {-1}
    reused = {df.stages[-1].index}
    for stage in df.stages:
        if isinstance(stage.base, StageRef):
            reused.add(stage.base.index)
    return reused


def _inherits_removal(df: Dockerfile, stage: Stage) -> bool:
    """Whether a stage this one is built FROM removes ``docker-clean``."""
    seen: set[int] = set()
    base = stage.base
    while isinstance(base, StageRef) and base.index not in seen and base.index < len(df.stages):
        seen.add(base.index)
        parent = df.stages[base.index]
        if any(_removes_docker_clean(ins.script) for ins in parent.instructions):
            return True
        base = parent.base
    return False


def _span(inv: Invocation) -> Span:
    """The program and its subcommand (``apt-get -q install``), or the program alone when
    they are on different lines."""
    start, sub = inv.program.span, inv.subcommand_word
    if sub is None or sub.span.line != start.end_line:
        return start
    return start.cover(sub.span)


def _message(left: _Left, onbuild: bool) -> str:
    what = f"`{left.update.tool} update`"
    where = "in the images built from this one" if onbuild else "in the image"
    if not left.lists:
        return (
            f"{what} runs with /etc/apt/apt.conf.d/docker-clean removed: the packages apt "
            f"downloads stay in /var/cache/apt {where}. Use a cache mount on /var/cache/apt "
            "too, or run `apt-get clean` at the end of the RUN."
        )
    return (
        f"{what} leaves the package lists {where}: remove them at the end of the same RUN "
        "(`rm -rf /var/lib/apt/lists/*`) or use cache mounts on /var/lib/apt and "
        "/var/cache/apt."
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    reused = _reused(df)
    for stage in df.all_stages:
        layers = {layer.instruction.span: layer for layer in stage.layers}
        # whether docker-clean still deletes the downloaded packages, for the RUNs of
        # this image and for the ONBUILD triggers that run in the images built from it
        removed = _inherits_removal(df, stage)
        removed_onbuild = removed
        for ins in stage.instructions:
            onbuild = ins.keyword == "ONBUILD"
            run = ins.trigger if onbuild else ins
            if run is None or run.keyword != "RUN" or run.script is None:
                continue
            if run.script.dialect not in ("posix", "exec"):
                continue
            if onbuild or stage.index in reused:
                targets = _mount_targets(run, None if onbuild else layers.get(run.span))
                left = _left(run.script, targets, not (removed_onbuild if onbuild else removed))
                if left is not None:
                    yield Finding(_span(left.update), _message(left, onbuild))
            if _removes_docker_clean(run.script):
                removed_onbuild = True
                removed = removed or not onbuild
