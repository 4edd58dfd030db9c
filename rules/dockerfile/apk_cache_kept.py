"""`apk add` without `--no-cache` leaves apk's package index in the image.

## What it does
Reports an `apk add` given no `--no-cache`, in every stage, in `RUN` and
`ONBUILD RUN`. The command is found through `sudo`/`env`/`xargs` prefixes,
`sh -c '...'`, heredoc scripts and line continuations.

Not reported when nothing stays in the layer: the `RUN` has a
`--mount=type=cache` or `--mount=type=tmpfs` on `/var/cache/apk` (or on a
folder holding it), or on `/etc/apk/cache` (the cache folder apk uses when
it exists, and the one Docker's documentation mounts); a later command of the
same `RUN` removes the files (`rm -rf /var/cache/apk/*`); or the `apk add`
runs with `--no-network` (it downloads nothing) or `--simulate`.

## Why is this bad?
`apk add --update` (or an `apk update` before it) downloads the index of every
repository into `/var/cache/apk`: a few megabytes that stay in the layer and
are useless once the packages are installed. `--no-cache` fetches the index to
a temporary place and removes it, in one option: no `apk update`, no cleanup
to remember.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --update curl=8.9.1-r2
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r2
```

With BuildKit, a cache mount keeps the downloads between builds and out of
the image:

```dockerfile
FROM alpine:3.20
RUN --mount=type=cache,target=/etc/apk/cache apk add --update curl=8.9.1-r2
```

## Differences from hadolint
- hadolint reports an `apk add` whose `RUN` removes `/var/cache/apk/*`
  afterwards, and `apk add --no-network` (the docker-library images use it to
  record run-time dependencies that are already installed), though nothing is
  left in the image; dlint does not.
- hadolint accepts a cache mount on `/var/cache/apk` only; dlint also accepts
  one on `/etc/apk/cache`, which apk uses as its cache folder when it exists
  (the mount creates it) and which Docker's documentation recommends.

## Known limitations
An `apk update` alone leaves the index in the image too; only `apk add` is
checked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer
from dlint.ir.shell import ShellCommand, ShellScript
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, parse

META = RuleMeta(
    code="DL3019",
    name="apk-cache-kept",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "packages", "apk"),
    precision="high",
)

_CACHE = "/var/cache/apk"
_CACHE_DIRS = (_CACHE, "/etc/apk/cache")


def _covers(target: str, path: str) -> bool:
    """Whether a mount at ``target`` holds ``path``."""
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


def _removes_cache(cmd: ShellCommand) -> bool:
    """``rm -rf /var/cache/apk/*`` (or the folder, or a folder holding it)."""
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None or posixpath.basename(argv[0].value) != "rm":
        return False
    for word in argv[1:]:
        path = word.value
        if path is None or path.startswith("-"):
            continue
        path = path.removesuffix("*").rstrip("/") or "/"
        if path.startswith("/") and _covers(path, _CACHE):
            return True
    return False


def _span(inv: Invocation) -> Span:
    """The program and its subcommand (``apt-get -q install``), or the program alone when
    they are on different lines."""
    start, sub = inv.program.span, inv.subcommand_word
    if sub is None or sub.span.line != start.end_line:
        return start
    return start.cover(sub.span)


def _findings(script: ShellScript, targets: list[str], onbuild: bool) -> Iterator[Finding]:
    if any(_covers(t, d) for t in targets for d in _CACHE_DIRS):
        return
    commands = script.commands
    for i, cmd in enumerate(commands):
        inv = parse(cmd)
        if inv is None or inv.tool != "apk" or inv.subcommand != "add":
            continue
        if inv.has("--no-cache", "--simulate", "--no-network"):
            continue
        if any(_removes_cache(later) for later in commands[i + 1 :]):
            continue
        where = "the images built from this one" if onbuild else "the image"
        yield Finding(
            _span(inv),
            f"`apk add` without `--no-cache` leaves the package index in /var/cache/apk in "
            f"{where}: write `apk add --no-cache` (no `apk update` or cleanup needed).",
        )


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        layers = {layer.instruction.span: layer for layer in stage.layers}
        for ins in stage.instructions:
            onbuild = ins.keyword == "ONBUILD"
            run = ins.trigger if onbuild else ins
            if run is None or run.keyword != "RUN" or run.script is None:
                continue
            if run.script.dialect not in ("posix", "exec"):
                continue
            targets = _mount_targets(run, None if onbuild else layers.get(run.span))
            yield from _findings(run.script, targets, onbuild)
