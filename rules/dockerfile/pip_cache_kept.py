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

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, invocations, parse
from .._shared.runs import CACHE_MOUNTS, Run, runs, under

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
HOLE = "\x00"  # stands for an expansion dlint cannot know, in a path


def _option_values(run: Run, inv: Invocation, name: str) -> Iterator[str]:
    """The values given to an option (``--cache-dir "$CACHE"`` too, when the script
    sets ``CACHE``)."""
    for option in inv.options:
        if option.name == name and option.value is not None:
            yield option.value
        elif option.name == name and option.value_word is not None:
            yield from run.fields(option.value_word) or ()


def _paths(run: Run, word: ShellWord) -> tuple[str, ...]:
    """The paths a word names (``$HOME/.cache/pip`` keeps its ``/.cache/pip`` when
    ``HOME`` is not known)."""
    return run.fields(word) or ("".join(p.value if p.kind == "text" else HOLE for p in word.parts),)


def _holds_cache(path: str, cache_dirs: set[str]) -> bool:
    """Whether ``path`` (removed or mounted) holds pip's cache."""
    path = path.strip().rstrip("*").rstrip("/")
    if not path:
        return False
    return (
        ".cache/pip" in path
        or posixpath.basename(path) == ".cache"
        or any(under(d, path) for d in cache_dirs)
    )


def _purged_after(run: Run, cmd: ShellCommand, cache_dirs: set[str]) -> bool:
    """Whether a later command of the script removes pip's cache."""
    for other in run.script.commands:
        if not other.span > cmd.span:
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
            and any(_holds_cache(p, cache_dirs) for w in argv[1:] for p in _paths(run, w))
        ):
            return True
    return False


def _kept(run: Run, inv: Invocation) -> bool:
    """Whether this install leaves pip's cache in the layer."""
    cache_dirs = {d for d in _option_values(run, inv, "--cache-dir") if d}
    cache_dirs.update(
        d for d in run.environment(inv.command, inv.program, "PIP_CACHE_DIR") or () if d
    )
    if any(
        m.type in CACHE_MOUNTS and m.target and _holds_cache(m.target, cache_dirs)
        for m in run.mounts
    ):
        return False
    return not _purged_after(run, inv.command, cache_dirs)


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        for inv in invocations(run.script, "pip"):
            if inv.subcommand != "install" or inv.subcommand_word is None:
                continue
            if inv.has("--no-cache-dir"):
                continue
            span = inv.command.unwrapped()[0].span.cover(inv.subcommand_word.span)
            values = [
                v.strip()
                for v in run.environment(inv.command, inv.program, "PIP_NO_CACHE_DIR") or ()
            ]
            if values and all(v.lower() in _PIP_BOOLEANS for v in values):
                misleading = [v for v in values if v.lower() in _PIP_FALSE]
                if misleading:
                    yield Finding(
                        span,
                        f"`PIP_NO_CACHE_DIR={misleading[0]}` reads as keeping pip's cache, but "
                        "pip turns the cache off for any yes/no value: write "
                        "`PIP_NO_CACHE_DIR=1` so that the Dockerfile says what happens.",
                        severity=Severity.STYLE,
                    )
                continue
            if _kept(run, inv):
                yield Finding(
                    span,
                    "pip keeps its download cache in the image: add `--no-cache-dir` "
                    "(or set `ENV PIP_NO_CACHE_DIR=1`).",
                )
