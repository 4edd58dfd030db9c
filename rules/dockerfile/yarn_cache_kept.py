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

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.caches import Cache, option_values
from .._shared.packages import Invocation, invocations
from .._shared.runs import Run, runs
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


# yarn keeps its cache in ``~/.cache/yarn`` (``yarn cache clean`` empties it)
_CACHE = Cache(lambda p: ".cache/yarn" in p, lambda inv: inv.subcommand == "cache clean")


def _folders(run: Run, inv: Invocation) -> set[str]:
    """Where an option or variable moved yarn's cache."""
    folders = {v for v in option_values(run, inv, "--cache-folder") if v}
    folders.update(
        v for v in run.environment(inv.command, inv.program, "YARN_CACHE_FOLDER") or () if v
    )
    return folders


def check(df: Dockerfile) -> Iterator[Finding]:
    images = shipped(df)
    for run in runs(df):
        if run.onbuild is None and run.stage.index not in images:
            continue  # a stage that only hands files on: its cache goes away with it
        yarns = list(invocations(run.script, "yarn"))
        cache_dirs = [i.command.span for i in yarns if i.subcommand == "cache dir"]
        installs = [inv for inv in yarns if _installs(inv)]
        kept = _CACHE.kept(run, installs, _folders, cache_dirs)
        for i, inv in enumerate(installs):
            if i not in kept:
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
