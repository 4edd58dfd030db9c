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

## Fix
Appends `&& rm -rf /var/lib/apt/lists/*` after the last command of the `RUN`
(unsafe: a later step may run apt through a script, which then finds no package
lists), written the way the `RUN`'s chain is: on a continuation line of its own
with the indentation of the others (`&&` first on the line, or last, as the
chain has it), or on the same line for a `RUN` written on one line.

No fix when the `RUN` is not a plain list of commands (`if`, a subshell, `||`,
a redirection, a comment after the last command...) or its last command follows
a `;` rather than `&&` or a pipe; for a heredoc or JSON-form `RUN`; for a `RUN`
with a mount in or on the lists' folder, or one that also leaves the downloaded
packages (see above); nor when a later `RUN` of the stage, or of a stage built
on it, runs apt (`apt-get install`, `apt-cache`...) before an `apt-get update`
of its own: it needs the lists.

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

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, StageRef
from dlint.ir.shell import ShellCommand
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.flag_fixes import append_command
from .._shared.packages import Invocation, parse
from .._shared.runs import Run, runs, under
from .._shared.stages import shipped

META = RuleMeta(
    code="DL3009",
    name="apt-lists-not-removed",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "packages", "apt"),
    precision="high",
    fixable=True,
)

_TOOLS = ("apt-get", "apt", "aptitude")
_LISTS = "/var/lib/apt/lists"
_ARCHIVES = "/var/cache/apt"
_DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"
_DISTCLEAN = "distclean"  # the shared table's name for `distclean` and `dist-clean`


def _operands(run: Run, cmd: ShellCommand, program: str) -> list[str] | None:
    """What the words after ``program`` expand to, when ``cmd`` runs it (None otherwise);
    a word dlint cannot know gives nothing."""
    argv = cmd.unwrapped()
    if cmd.unwrapped_program() != program:
        return None
    return [field for word in argv[1:] for field in run.fields(word) or ()]


def _paths(words: list[str]) -> list[str]:
    """The absolute paths ``rm``/``find`` operands name, without a trailing ``/*``."""
    paths = (w.removesuffix("*").rstrip("/") or "/" for w in words if not w.startswith("-"))
    return [p for p in paths if p.startswith("/")]


def _removes(run: Run, cmd: ShellCommand, path: str) -> bool:
    """Whether ``cmd`` is an ``rm`` of ``path`` (or of a folder holding it)."""
    words = _operands(run, cmd, "rm")
    return words is not None and any(under(path, p) for p in _paths(words))


def _apt(cmd: ShellCommand) -> Invocation | None:
    inv = parse(cmd)
    return inv if inv is not None and inv.tool in _TOOLS else None


def _removes_lists(run: Run, cmd: ShellCommand) -> bool:
    if _removes(run, cmd, _LISTS):
        return True
    words = _operands(run, cmd, "rm")
    if words is not None and any(under(w, _LISTS) and any(c in w for c in "*?[") for w in words):
        return True  # a pattern for the lists' files (``/var/lib/apt/lists/*.lz4``)
    words = _operands(run, cmd, "find")
    if words is not None and ("-delete" in words or "rm" in words):
        return any(under(_LISTS, p) or under(p, _LISTS) for p in _paths(words))
    inv = _apt(cmd)
    return inv is not None and inv.subcommand == _DISTCLEAN


def _removes_archives(run: Run, cmd: ShellCommand) -> bool:
    """``apt-get clean`` (or distclean), or an ``rm`` of ``/var/cache/apt/*``."""
    if _removes(run, cmd, _ARCHIVES) or _removes(run, cmd, _ARCHIVES + "/archives"):
        return True
    inv = _apt(cmd)
    return inv is not None and inv.subcommand in ("clean", _DISTCLEAN)


def _removes_docker_clean(run: Run) -> bool:
    return any(_removes(run, cmd, _DOCKER_CLEAN) for cmd in run.script.commands)


@dataclass(frozen=True, slots=True)
class _Left:
    """What an ``apt-get update`` leaves in its layer."""

    update: Invocation
    lists: bool  # the package lists (else: only the downloaded packages)
    packages: bool = False  # the downloaded packages too (for some update of the RUN)


def _last(run: Run, removes: Callable[[Run, ShellCommand], bool]) -> int:
    """The index of the last command of the script that ``removes`` (-1: none)."""
    found = [i for i, cmd in enumerate(run.script.commands) if removes(run, cmd)]
    return found[-1] if found else -1


def _left(run: Run, docker_clean: bool, cleans: bool) -> _Left | None:
    """The first ``apt-get update`` of a RUN that leaves apt's downloads in its layer.
    ``docker_clean``: whether the image still deletes the downloaded packages when the
    RUN starts; ``cleans``: whether the RUN removes docker-clean itself."""
    updates = [
        (i, inv)
        for i, cmd in enumerate(run.script.commands)
        if (inv := _apt(cmd)) is not None and inv.subcommand == "update"
    ]
    if not updates:
        return None
    lists_kept = not run.cached(_LISTS)
    archives_kept = (not docker_clean or cleans) and not run.cached(_ARCHIVES)
    # a removal counts when it comes after the update
    lists_removed = _last(run, _removes_lists) if lists_kept else -1
    archives_removed = _last(run, _removes_archives) if archives_kept else -1
    packages = archives_kept and any(archives_removed < i for i, _ in updates)
    for i, inv in updates:
        if lists_kept and lists_removed < i:
            return _Left(inv, lists=True, packages=packages)
        if archives_kept and archives_removed < i:
            return _Left(inv, lists=False)
    return None


def _inherited(df: Dockerfile, removed: set[int]) -> set[int]:
    """The stages built FROM a stage whose RUNs remove docker-clean (``removed``), or
    FROM one that inherits the removal."""
    out: set[int] = set()
    for stage in df.stages:  # a stage comes after the stage it is built FROM
        base = stage.base
        if isinstance(base, StageRef) and (base.index in removed or base.index in out):
            out.add(stage.index)
    return out


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


# apt subcommands that do not read the package lists
_LISTLESS = frozenset(
    {"update", "clean", "autoclean", "auto-clean", _DISTCLEAN, "remove", "purge",
     "autoremove", "auto-remove"}
)  # fmt: skip
_REMOVED = "rm -rf /var/lib/apt/lists/*"


def _reads_lists(run: Run) -> bool:
    """Whether a RUN runs apt in a way that reads the package lists before an update
    of its own downloads them."""
    for cmd in run.script.commands:
        if cmd.unwrapped_program() == "apt-cache":
            return True
        inv = _apt(cmd)
        if inv is None:
            continue
        if inv.subcommand == "update":
            return False
        if inv.subcommand not in _LISTLESS:
            return True
    return False


def _fix(df: Dockerfile, run: Run, left: _Left, later: list[Run]) -> Fix | None:
    """The lists' removal at the end of the RUN, when it is all the RUN needs and no
    later RUN of the image needs the lists."""
    if not left.lists or left.packages or run.instruction.heredocs:
        return None
    if any(_reads_lists(other) for other in later):
        return None
    # a mount in or on the lists (a bind mount: read-only; a mount point: busy)
    if any(
        m.target is not None and (under(m.target, _LISTS) or under(_LISTS, m.target))
        for m in run.mounts
    ):
        return None
    edit = append_command(run.script, df.escape, _REMOVED)
    # unsafe: a later step may run apt through a script dlint cannot see into
    return None if edit is None else Fix(f"Append `&& {_REMOVED}`", (edit,), safe=False)


def _later(df: Dockerfile, found: list[Run], i: int) -> list[Run]:
    """The RUNs after the ``i``-th one, in its stage and in the stages built on it."""
    stages = {found[i].stage.index}
    for stage in df.stages:  # a stage comes after the stage it is built FROM
        base = stage.base
        if isinstance(base, StageRef) and base.index in stages:
            stages.add(stage.index)
    return [run for run in found[i + 1 :] if run.stage.index in stages]


def check(df: Dockerfile) -> Iterator[Finding]:
    found = [(run, _removes_docker_clean(run)) for run in runs(df, ("posix", "exec"))]
    inherited = _inherited(
        df, {run.stage.index for run, cleans in found if cleans and not run.onbuild}
    )
    # the layers that end up in an image: the last stage's, and those of the stages a
    # later FROM builds on
    reused = shipped(df) | {s.base.index for s in df.stages if isinstance(s.base, StageRef)}
    stage: int | None = None
    # whether docker-clean is gone, for the RUNs of this image and for the ONBUILD
    # triggers that run in the images built from it
    removed = removed_onbuild = False
    for i, (run, cleans) in enumerate(found):
        if run.stage.index != stage:
            stage = run.stage.index
            removed = removed_onbuild = stage in inherited
        onbuild = run.onbuild is not None
        if onbuild or stage in reused:
            left = _left(run, not (removed_onbuild if onbuild else removed), cleans)
            if left is not None:
                later = _later(df, [r for r, _ in found], i)
                yield Finding(
                    left.update.head, _message(left, onbuild), fix=_fix(df, run, left, later)
                )
        if cleans:
            removed_onbuild = True
            removed = removed or not onbuild
