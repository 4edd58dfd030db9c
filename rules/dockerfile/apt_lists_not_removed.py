r"""`apt-get update` leaves the package lists in the final image.

## What it does
Reports an `apt-get update` (also `apt update` and `aptitude update`) whose
`RUN` does not remove `/var/lib/apt/lists` afterwards, when that layer ends
up in the image the Dockerfile builds: the `RUN` is in the last stage, or in
a stage the last stage is built `FROM` (directly or through other stages).
Lists left in a stage that is only copied from (`COPY --from`) or not used
at all never reach the image and are not reported. An `ONBUILD RUN` is
always checked: its trigger runs in the images built from this one.

The lists count as removed when a later command of the same `RUN` is an `rm`
of `/var/lib/apt/lists/*` (or of the folder, or of a folder holding it),
`find /var/lib/apt/lists ... -delete`, or `apt-get distclean`. The lists
never reach the layer when the `RUN` has a `--mount=type=cache` or
`--mount=type=tmpfs` on `/var/lib/apt/lists`, or mounts on both
`/var/lib/apt` and `/var/cache/apt` (Docker's documented pattern).

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
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    --mount=type=cache,target=/var/cache/apt,sharing=locked \
    apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Differences from hadolint
- hadolint counts any `rm` given `-rf` (`rm -rf /tmp/build`) as the cleanup;
  dlint needs the `rm` to remove the lists, and to come after the update
  (`rm -rf /var/lib/apt/lists/* && apt-get update` leaves them in place).
- hadolint reports a stage that any later `FROM` reuses; dlint reports the
  stages the last stage is built from, so lists left in a stage whose only
  user is itself discarded are not reported.
- dlint also accepts `find ... -delete` and `apt-get distclean` as the cleanup.

## Known limitations
With `--target`, a build may stop at an earlier stage; the rule judges the
stages of the last one, the image a plain `docker build` makes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

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
_STATE = "/var/lib/apt"
_ARCHIVES = "/var/cache/apt"
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


def _mounted(targets: list[str]) -> bool:
    """Whether the mounts keep the lists out of the layer: one on the lists folder
    itself, or mounts on both apt folders."""
    if any(posixpath.normpath(t) == _LISTS for t in targets):
        return True
    return any(_covers(t, _STATE) for t in targets) and any(_covers(t, _ARCHIVES) for t in targets)


def _path(word: str) -> str | None:
    """An absolute path an ``rm``/``find`` operand names, without a trailing ``/*``."""
    path = word.removesuffix("*").rstrip("/") or "/"
    return path if path.startswith("/") else None


def _removes_lists(cmd: ShellCommand) -> bool:
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None:
        return False
    program = posixpath.basename(argv[0].value)
    words = [w.value for w in argv[1:] if w.value is not None]
    if program == "rm":
        paths = [_path(w) for w in words if not w.startswith("-")]
        return any(p is not None and _covers(p, _LISTS) for p in paths)
    if program == "find" and ("-delete" in words or "rm" in words):
        paths = [_path(w) for w in words if not w.startswith("-")]
        return any(p is not None and (_covers(p, _LISTS) or _covers(_LISTS, p)) for p in paths)
    inv = parse(cmd)
    if inv is not None and inv.tool in _TOOLS:
        first = inv.operands[0].value if inv.operands else None
        return inv.subcommand in _DISTCLEAN or (inv.subcommand is None and first in _DISTCLEAN)
    return False


def _span(inv: Invocation) -> Span:
    """The program and its subcommand (``apt-get -q install``), or the program alone when
    they are on different lines."""
    start, sub = inv.program.span, inv.subcommand_word
    if sub is None or sub.span.line != start.end_line:
        return start
    return start.cover(sub.span)


def _forgotten(script: ShellScript, targets: list[str]) -> Invocation | None:
    """The first ``apt-get update`` of a script that leaves the lists in its layer."""
    if _mounted(targets):
        return None
    commands = script.commands
    for i, cmd in enumerate(commands):
        inv = parse(cmd)
        if inv is None or inv.tool not in _TOOLS or inv.subcommand != "update":
            continue
        if not any(_removes_lists(later) for later in commands[i + 1 :]):
            return inv
    return None


def _shipped(df: Dockerfile) -> set[int]:
    """Indexes of the stages whose layers are in the image: the last stage and the
    stages it is built FROM (-1: instructions before any FROM, when there is no FROM)."""
    if not df.stages:
        return {-1}
    shipped: set[int] = set()
    stage: Stage | None = df.stages[-1]
    while stage is not None and stage.index not in shipped:
        shipped.add(stage.index)
        base = stage.base
        stage = df.stages[base.index] if isinstance(base, StageRef) else None
    return shipped


def _message(inv: Invocation, targets: list[str], onbuild: bool) -> str:
    what = f"`{inv.tool} update`"
    where = "in the images built from this one" if onbuild else "in the image"
    partial = [t for t in targets if _covers(t, _LISTS)]
    if partial:
        return (
            f"{what} runs with a cache mount on {partial[0]} but none on /var/cache/apt: "
            "mount /var/cache/apt too, or remove the lists at the end of the RUN "
            "(`rm -rf /var/lib/apt/lists/*`)."
        )
    return (
        f"{what} leaves the package lists {where}: remove them at the end of the same RUN "
        "(`rm -rf /var/lib/apt/lists/*`) or use cache mounts on /var/lib/apt and "
        "/var/cache/apt."
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    shipped = _shipped(df)
    for stage in df.all_stages:
        layers = {layer.instruction.span: layer for layer in stage.layers}
        for ins in stage.instructions:
            onbuild = ins.keyword == "ONBUILD"
            run = ins.trigger if onbuild else ins
            if run is None or run.keyword != "RUN" or run.script is None:
                continue
            if run.script.dialect not in ("posix", "exec"):
                continue
            if not onbuild and stage.index not in shipped:
                continue
            targets = _mount_targets(run, None if onbuild else layers.get(run.span))
            inv = _forgotten(run.script, targets)
            if inv is not None:
                yield Finding(_span(inv), _message(inv, targets, onbuild))
