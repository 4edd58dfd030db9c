"""yarn install leaves yarn's package cache in the image.

## What it does
Reports each `yarn install` (also a bare `yarn`, `yarn add` and
`yarn global add`) in a `RUN` that does not run `yarn cache clean` after it.

Only stages that end up in an image are checked: the last stage, and stages
another stage is built `FROM`. A stage that only feeds files to others
(`COPY --from=build`) is thrown away with its cache. An `ONBUILD RUN` is
always checked: it runs in the image built from this one.

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
from dlint.ir.dockerfile import Dockerfile, Flag, Instruction, Layer, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, invocations
from .pip_version_unpinned import written

META = RuleMeta(
    code="DL3060",
    name="yarn-cache-kept",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "yarn"),
    precision="high",
)

# Options of yarn that take a value (``yarn --cwd /app install``).
_VALUED = frozenset(
    {"--cwd", "--cache-folder", "--modules-folder", "--global-folder", "--link-folder",
     "--mutex", "--network-timeout", "--network-concurrency", "--registry", "--proxy",
     "--https-proxy", "--use-yarnrc", "--otp", "--prefix", "--emoji", "--scripts-prepend-node-path"}
)  # fmt: skip
_INFO = frozenset({"-v", "--version", "-h", "--help"})


def _subcommand(cmd: ShellCommand) -> tuple[list[str], ShellWord | None]:
    """yarn's subcommand words (``["global", "add"]``; ``[]`` for a bare ``yarn``) and the
    last of them, read past options and their values."""
    argv = cmd.unwrapped()[1:]
    words: list[str] = []
    last: ShellWord | None = None
    skip = False
    for word in argv:
        text = word.value
        if skip:
            skip = False
            continue
        if text is None:
            return ["?"], None  # a variable: what it runs is not known
        if text.startswith("-"):
            if text in _INFO:
                return ["--info"], None
            skip = "=" not in text and text in _VALUED
            continue
        words.append(text)
        last = word
        if words[0] not in ("global", "cache") or len(words) == 2:
            break
    return words, last


def _installs(sub: list[str]) -> bool:
    return sub in ([], ["install"], ["add"], ["global", "add"])


def _cleans(sub: list[str]) -> bool:
    return sub[:2] == ["cache", "clean"]


def _before(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.line, b.column)


def _flag_target(flag: Flag) -> str | None:
    """The target of a ``--mount=type=cache|tmpfs,...`` flag (ONBUILD triggers have no layer)."""
    if flag.name != "mount" or not flag.value:
        return None
    fields = dict(part.partition("=")[::2] for part in flag.value.split(","))
    if fields.get("type", "bind").strip().lower() not in ("cache", "tmpfs"):
        return None
    target = fields.get("target") or fields.get("dst") or fields.get("destination")
    return target.strip() if target else None


def _mount_targets(run: Instruction, layer: Layer | None) -> list[str]:
    if layer is not None:
        return [m.target for m in layer.mounts if m.type in ("cache", "tmpfs") and m.target]
    return [t for f in run.flags if (t := _flag_target(f)) is not None]


def _norm(path: str) -> str:
    return path.strip().rstrip("*").rstrip("/")


def _is_cache(path: str, folders: set[str]) -> bool:
    path = _norm(path)
    if not path:
        return False
    return (
        ".cache/yarn" in path or path in folders or any(f.startswith(path + "/") for f in folders)
    )


def _inside(inner: Span, outer: Span) -> bool:
    return not _before(inner, outer) and (inner.end_line, inner.end_column) <= (
        outer.end_line,
        outer.end_column,
    )


def _names_cache_dir(word: ShellWord, script: ShellScript) -> bool:
    """Whether a word expands ``$(yarn cache dir)``: a command of the script within it."""
    return any(
        _inside(other.span, word.span) and _subcommand(other)[0] == ["cache", "dir"]
        for other in script.calls("yarn")
    )


def _static(word: ShellWord) -> str:
    """A word's static text (``$HOME/.cache/yarn`` keeps its ``/.cache/yarn``)."""
    text = written(word)
    return text.text if text is not None else ""


def _removed_after(script: ShellScript, cmd: ShellCommand, folders: set[str]) -> bool:
    """Whether a later command of the script cleans or removes yarn's cache."""
    for other in script.commands:
        if not _before(cmd.span, other.span):
            continue
        argv = other.unwrapped()
        if not argv or argv[0].value is None:
            continue
        program = posixpath.basename(argv[0].value)
        if program == "yarn" and _cleans(_subcommand(other)[0]):
            return True
        if program == "rm" and any(
            _is_cache(_static(w), folders) or _names_cache_dir(w, script) for w in argv[1:]
        ):
            return True
    return False


def _cache_folders(inv: Invocation, script: ShellScript, env: dict[str, str]) -> set[str]:
    """Where this install keeps its cache, when it says so."""
    folders = {_norm(v) for v in inv.values("--cache-folder") if v}
    argv = inv.command.argv
    for i, word in enumerate(argv[:-1]):
        if word.value == "--cache-folder" and argv[i + 1].value:
            folders.add(_norm(argv[i + 1].value or ""))
    words = [*inv.command.assignments, *(w for w in argv if _before(w.span, inv.program.span))]
    words += [
        w
        for other in script.commands
        if other.program == "export" and _before(other.span, inv.command.span)
        for w in other.args
    ]
    for word in words:
        text = written(word)
        name, eq, value = text.text.partition("=") if text is not None else ("", "", "")
        if eq and name == "YARN_CACHE_FOLDER":
            folders.add(_norm(value))
    if env.get("YARN_CACHE_FOLDER"):
        folders.add(_norm(env["YARN_CACHE_FOLDER"]))
    return {f for f in folders if f}


def _kept(inv: Invocation, script: ShellScript, mounts: list[str], env: dict[str, str]) -> bool:
    folders = _cache_folders(inv, script, env)
    if any(_is_cache(target, folders) for target in mounts):
        return False
    return not _removed_after(script, inv.command, folders)


def _shipped(df: Dockerfile) -> set[int]:
    """Indexes of the stages whose files end up in an image: the last one, and the ones
    other stages are built from (-1: the instructions before any FROM, when there is no
    stage)."""
    if not df.stages:
        return {-1}
    shipped = {df.stages[-1].index}
    shipped.update(s.base.index for s in df.stages if isinstance(s.base, StageRef))
    return shipped


def _runs(df: Dockerfile) -> Iterator[tuple[Stage, Instruction, bool]]:
    """(stage, RUN, whether it is an ONBUILD trigger) for the RUNs to check."""
    shipped = _shipped(df)
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword == "RUN" and stage.index in shipped:
                yield stage, ins, False
            elif ins.keyword == "ONBUILD" and ins.trigger and ins.trigger.keyword == "RUN":
                yield stage, ins.trigger, True


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage, run, onbuild in _runs(df):
        script = run.script
        if script is None:
            continue
        layers = {layer.instruction.span: layer for layer in stage.layers}
        mounts = _mount_targets(run, None if onbuild else layers.get(run.span))
        env = dict(stage.env)
        for inv in invocations(script, "yarn"):
            sub, last = _subcommand(inv.command)
            if not _installs(sub) or not _kept(inv, script, mounts, env):
                continue
            start = inv.command.unwrapped()[0].span
            span = start.cover(last.span) if last is not None else start
            yield Finding(
                span,
                "yarn keeps its package cache in the image: run `yarn cache clean` after "
                "the install in the same RUN.",
            )
