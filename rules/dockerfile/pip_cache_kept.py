"""pip install keeps its download and wheel cache in the image.

## What it does
Reports each `pip install` (also `pip3`, `pip3.12`, `python -m pip`) in `RUN`
and `ONBUILD RUN` that runs without `--no-cache-dir`.

Not reported when the cache cannot end up in the layer:
- `PIP_NO_CACHE_DIR` is set: by `ENV` or `ARG` earlier in the stage or in
  the stage it is built from, on the command (`PIP_NO_CACHE_DIR=1 pip
  install`, `env PIP_NO_CACHE_DIR=1 pip install`), or by an earlier
  `export` in the same `RUN`;
- the `RUN` mounts a cache or tmpfs on pip's cache (`--mount=type=cache,
  target=/root/.cache/pip`, or `/root/.cache`, or the folder `PIP_CACHE_DIR`
  or `--cache-dir` names);
- the same `RUN` removes the cache after the install (`pip cache purge`,
  `rm -rf /root/.cache/pip`).

`pipx`, `pipenv` and `uv` are not pip: they manage caches of their own.

## Why is this bad?
pip keeps every package it downloads and every wheel it builds under
`~/.cache/pip`. In an image that cache is dead weight, often as large as the
packages themselves, and it ships in the layer with every pull.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install flask==3.0.3
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3
```

## Differences from hadolint
- pip disables its cache for any value of `PIP_NO_CACHE_DIR` it accepts,
  `0`, `false`, `no` and `off` included (for backward compatibility, pip's
  `--no-cache-dir` callback sets no cache whatever the boolean says). hadolint
  reports `PIP_NO_CACHE_DIR=0 pip install ...` as a kept cache; dlint reports
  it at `style` severity as a setting that says the opposite of what it does.
- hadolint accepts `PIP_NO_CACHE_DIR=1` anywhere in the `RUN` text, even
  after the install or in an unrelated command; dlint wants it in the
  install's environment.
- Removing the cache later in the same `RUN`, a tmpfs or cache mount on
  `~/.cache`, and `ARG PIP_NO_CACHE_DIR=1` are accepted.
- An `ONBUILD RUN` sees the `ENV PIP_NO_CACHE_DIR` of its stage (the image it
  runs on carries it); hadolint does not read `ENV` for `ONBUILD`.
- pip run through `sudo`, by its path (`/opt/venv/bin/pip install`) or in
  `sh -c '...'` is checked; hadolint does not see it.

## Known limitations
`no-cache-dir` set in a pip configuration file (`pip.conf`,
`PIP_CONFIG_FILE`) is not read, and neither is `sudo PIP_NO_CACHE_DIR=1 pip
install` (the install itself goes unseen).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Flag, Instruction, Layer, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, invocations, parse
from .pip_version_unpinned import written

META = RuleMeta(
    code="DL3042",
    name="pip-cache-kept",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size", "pip"),
    precision="high",
)

# Every value pip's strtobool accepts: each of them disables the cache, even those that
# read as "keep it".
_PIP_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})
_PIP_BOOLEANS = frozenset({"y", "yes", "t", "true", "on", "1"}) | _PIP_FALSE


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _scope(df: Dockerfile, stage: Stage, ins: Instruction, onbuild: bool) -> dict[str, str]:
    """Variables a RUN sees from ENV and ARG (an ONBUILD trigger: the whole stage's)."""
    if onbuild:
        return dict(stage.env)
    env: dict[str, str] = {}
    base = stage.base
    if isinstance(base, StageRef) and 0 <= base.index < len(df.stages):
        env.update(df.stages[base.index].env)
    for other in stage.instructions:
        if other is ins:
            break
        if other.keyword == "ENV":
            for i, (key, value, _eq) in enumerate(other.pairs):
                expanded = other.expanded
                env[key.value] = expanded[3 * i + 1] if expanded else value.value
        elif other.keyword == "ARG":
            for name, default in other.declarations:
                if default is not None and name.value not in env:
                    env[name.value] = _unquote(default.value)
    return env


def _assignment(word: ShellWord) -> tuple[str, str] | None:
    """``NAME=value`` of an assignment word (quotes removed; a hole for an expansion)."""
    text = written(word)
    name, eq, value = text.text.partition("=") if text is not None else ("", "", "")
    if not eq or not name.replace("_", "a").isalnum():
        return None
    return name, value


def _before(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.line, b.column)


def _inline(inv: Invocation, commands: tuple[ShellCommand, ...], name: str) -> str | None:
    """The value ``name`` gets for this command from the shell: ``NAME=1 pip``,
    ``env NAME=1 pip``, or an earlier ``export NAME=1`` of the same script."""
    cmd = inv.command
    words = [w for other in commands if other.program == "export" and _before(other.span, cmd.span)
             for w in other.args]  # fmt: skip
    words += list(cmd.assignments)
    words += [w for w in cmd.argv if _before(w.span, inv.program.span)]
    found = None
    for word in words:
        pair = _assignment(word)
        if pair is not None and pair[0] == name:
            found = pair[1]
    return found


def _mount_targets(run: Instruction, layer: Layer | None) -> list[str]:
    """Targets of the RUN's cache and tmpfs mounts."""
    if layer is not None:
        return [m.target for m in layer.mounts if m.type in ("cache", "tmpfs") and m.target]
    return [t for f in run.flags if (t := _flag_target(f)) is not None]


def _flag_target(flag: Flag) -> str | None:
    """The target of a ``--mount=type=cache|tmpfs,...`` flag (ONBUILD triggers have no layer)."""
    if flag.name != "mount" or not flag.value:
        return None
    fields = dict(part.partition("=")[::2] for part in flag.value.split(","))
    if fields.get("type", "bind").strip().lower() not in ("cache", "tmpfs"):
        return None
    target = fields.get("target") or fields.get("dst") or fields.get("destination")
    return target.strip() if target else None


def _is_pip_cache(path: str, cache_dirs: set[str]) -> bool:
    path = path.strip().rstrip("*").rstrip("/")
    if not path:
        return False
    return (
        ".cache/pip" in path
        or path in cache_dirs
        or posixpath.basename(path) == ".cache"
        or any(d.startswith(path + "/") for d in cache_dirs)
    )


def _purged_after(script: ShellScript, cmd: ShellCommand, cache_dirs: set[str]) -> bool:
    """Whether a later command of the script removes pip's cache."""
    for other in script.commands:
        if not _before(cmd.span, other.span):
            continue
        found = parse(other)
        if (
            found is not None
            and found.tool == "pip"
            and found.subcommand == "cache"
            and found.operands
            and found.operands[0].value in ("purge", "remove")
        ):
            return True
        argv = other.unwrapped()
        if (
            argv
            and argv[0].value is not None
            and posixpath.basename(argv[0].value) == "rm"
            and any(_is_pip_cache(_static(w), cache_dirs) for w in argv[1:])
        ):
            return True
    return False


def _static(word: ShellWord) -> str:
    """A word's static text (``$HOME/.cache/pip`` keeps its ``/.cache/pip``)."""
    text = written(word)
    return text.text if text is not None else ""


def _runs(df: Dockerfile) -> Iterator[tuple[Stage, Instruction, Instruction, bool]]:
    """(stage, instruction in the stage, the RUN, whether it is an ONBUILD trigger)."""
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                yield stage, ins, ins, False
            elif ins.keyword == "ONBUILD" and ins.trigger and ins.trigger.keyword == "RUN":
                yield stage, ins, ins.trigger, True


def _kept(
    inv: Invocation,
    script: ShellScript,
    scope: dict[str, str],
    mounts: list[str],
) -> bool:
    """Whether this install leaves pip's cache in the layer."""
    if inv.has("--no-cache-dir"):
        return False
    inline = _inline(inv, script.commands, "PIP_NO_CACHE_DIR")
    value = inline if inline is not None else scope.get("PIP_NO_CACHE_DIR")
    if value is not None and value.strip().lower() in _PIP_BOOLEANS:
        return False
    cache_dirs = {d.rstrip("/") for d in inv.values("--cache-dir") if d}
    cache_dir = _inline(inv, script.commands, "PIP_CACHE_DIR") or scope.get("PIP_CACHE_DIR")
    if cache_dir:
        cache_dirs.add(cache_dir.rstrip("/"))
    if any(_is_pip_cache(target, cache_dirs) for target in mounts):
        return False
    return not _purged_after(script, inv.command, cache_dirs)


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage, ins, run, onbuild in _runs(df):
        script = run.script
        if script is None:
            continue
        layers = {layer.instruction.span: layer for layer in stage.layers}
        mounts = _mount_targets(run, None if onbuild else layers.get(run.span))
        scope: dict[str, str] | None = None
        for inv in invocations(script, "pip"):
            if inv.subcommand != "install" or inv.subcommand_word is None:
                continue
            if scope is None:
                scope = _scope(df, stage, ins, onbuild)
            start = inv.command.unwrapped()[0].span
            value = _inline(inv, script.commands, "PIP_NO_CACHE_DIR")
            value = value if value is not None else scope.get("PIP_NO_CACHE_DIR")
            if value is not None and value.strip().lower() in _PIP_FALSE:
                if not inv.has("--no-cache-dir"):
                    yield Finding(
                        start.cover(inv.subcommand_word.span),
                        f"`PIP_NO_CACHE_DIR={value.strip()}` reads as keeping pip's cache, but "
                        "pip turns the cache off for any yes/no value: write "
                        "`PIP_NO_CACHE_DIR=1` so that the Dockerfile says what happens.",
                        severity=Severity.STYLE,
                    )
                continue
            if not _kept(inv, script, scope, mounts):
                continue
            yield Finding(
                start.cover(inv.subcommand_word.span),
                "pip keeps its download cache in the image: add `--no-cache-dir` "
                "(or set `ENV PIP_NO_CACHE_DIR=1`).",
            )
