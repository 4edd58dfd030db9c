"""yarn install leaves yarn's package cache in the image.

## What it does
Reports each `yarn install` (also a bare `yarn`, `yarn add` and
`yarn global add`) in a `RUN` that does not run `yarn cache clean` after it.

Only stages that end up in the image are checked: the last stage, and the
stages it is built `FROM`. A stage that only feeds files to others (`COPY
--from=build`) is thrown away with its cache. An `ONBUILD RUN` is always
checked: it runs in the image built from this one.

Not reported either when the `RUN` mounts a cache or tmpfs on yarn's cache
(`--mount=type=cache,target=/usr/local/share/.cache/yarn`, any target with
`.cache/yarn`, or the folder `--cache-folder` or `YARN_CACHE_FOLDER` names), or
removes that folder after the install (`rm -rf /usr/local/share/.cache/yarn`,
`rm -rf "$(yarn cache dir)"`).

## Why is this bad?
yarn keeps a copy of every package it downloads in its global cache. In an
image that copy is dead weight, often larger than `node_modules` itself, and
it ships in the layer with every pull. Cleaning it in a later `RUN` does not
help: the layer that added it still holds it.

## Example
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile && yarn cache clean
```

## Differences from hadolint
- hadolint looks only for `yarn install`; dlint also reads a bare `yarn`,
  `yarn add` and `yarn global add`, which fill the same cache, and reads
  yarn run through `sudo` or in `sh -c '...'`.
- `yarn run install` runs the project's `install` script, not an install:
  hadolint reports it, dlint does not.
- Removing the cache folder with `rm`, and a cache mount on the folder
  `--cache-folder` or `YARN_CACHE_FOLDER` names, are accepted.

## Known limitations
yarn run through another program (`corepack yarn`, `npx yarn`) is not read,
and neither is a cache folder set in `.yarnrc`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, invocations, parse
from .._shared.runs import CACHE_MOUNTS, Run, runs, under
from .._shared.stages import shipped

META = RuleMeta(
    code="DL3060",
    name="yarn-cache-kept",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "yarn"),
    precision="high",
)

_INFO = ("-v", "--version", "-h", "--help")
HOLE = "\x00"  # stands for an expansion dlint cannot know, in a path


def _installs(inv: Invocation) -> bool:
    """Whether yarn fills its cache here: ``yarn install``, ``yarn add``, ``yarn global
    add``, or a bare ``yarn``."""
    if inv.unknown or inv.has(*_INFO):
        return False  # what it runs is not known, or it only prints
    if inv.subcommand is None:
        return not inv.operands
    word = inv.subcommand_word
    return inv.subcommand == "global add" or (
        word is not None and word.value in ("install", "add") and inv.subcommand == "install"
    )


def _option_values(run: Run, inv: Invocation, name: str) -> Iterator[str]:
    """The values given to an option (``--cache-folder "$CACHE"`` too, when the script
    sets ``CACHE``)."""
    for option in inv.options:
        if option.name == name and option.value is not None:
            yield option.value
        elif option.name == name and option.value_word is not None:
            yield from run.fields(option.value_word) or ()


def _paths(run: Run, word: ShellWord) -> tuple[str, ...]:
    """The paths a word names (``$HOME/.cache/yarn`` keeps its ``/.cache/yarn`` when
    ``HOME`` is not known)."""
    return run.fields(word) or ("".join(p.value if p.kind == "text" else HOLE for p in word.parts),)


def _holds_cache(path: str, folders: set[str]) -> bool:
    """Whether ``path`` (removed or mounted) holds yarn's cache."""
    path = path.strip().rstrip("*").rstrip("/")
    if not path:
        return False
    return ".cache/yarn" in path or any(under(f, path) for f in folders)


def _removed_after(run: Run, cmd: ShellCommand, folders: set[str], cache_dirs: list[Span]) -> bool:
    """Whether a later command of the script cleans or removes yarn's cache
    (``cache_dirs``: where ``$(yarn cache dir)`` is written)."""
    for other in run.script.commands:
        if not other.span > cmd.span:
            continue
        found = parse(other)
        if found is not None and found.tool == "yarn" and found.subcommand == "cache clean":
            return True
        argv = other.unwrapped()
        if not argv or argv[0].value is None or posixpath.basename(argv[0].value) != "rm":
            continue
        for word in argv[1:]:
            if any(word.span.contains(s) for s in cache_dirs):
                return True
            if any(_holds_cache(p, folders) for p in _paths(run, word)):
                return True
    return False


def _kept(run: Run, inv: Invocation, cache_dirs: list[Span]) -> bool:
    folders = {v for v in _option_values(run, inv, "--cache-folder") if v}
    folders.update(
        v for v in run.environment(inv.command, inv.program, "YARN_CACHE_FOLDER") or () if v
    )
    if any(
        m.type in CACHE_MOUNTS and m.target and _holds_cache(m.target, folders) for m in run.mounts
    ):
        return False
    return not _removed_after(run, inv.command, folders, cache_dirs)


def check(df: Dockerfile) -> Iterator[Finding]:
    images = shipped(df)
    for run in runs(df):
        if run.onbuild is None and run.stage.index not in images:
            continue  # a stage that only hands files on: its cache goes away with it
        yarns = list(invocations(run.script, "yarn"))
        cache_dirs = [i.command.span for i in yarns if i.subcommand == "cache dir"]
        for inv in yarns:
            if not _installs(inv) or not _kept(run, inv, cache_dirs):
                continue
            start = inv.command.unwrapped()[0].span
            last = inv.subcommand_word
            if inv.subcommand == "global add" and last is not None:
                after = last.span
                last = next(
                    (w for w in inv.command.argv if w.span > after and w.value == "add"), last
                )
            yield Finding(
                start.cover(last.span) if last is not None else start,
                "yarn keeps its package cache in the image: run `yarn cache clean` after "
                "the install in the same RUN.",
            )
