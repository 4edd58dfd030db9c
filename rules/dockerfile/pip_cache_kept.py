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

## Fix
Writes `--no-cache-dir` right after `install` (safe: pip installs the same
packages), also for a pip run through `sudo`, `env` or `python -m`. No fix for
a command read from a `sh -c '...'` string, after a `--` that ends the
options, or with a `--cache-dir` (pip takes the last of the two options), nor
for a `PIP_NO_CACHE_DIR` value that reads as the opposite of what it does.

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
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.caches import Cache, option_values
from .._shared.flag_fixes import insert_option
from .._shared.packages import Invocation, invocations
from .._shared.runs import Run, runs

META = RuleMeta(
    code="DL3042",
    name="pip-cache-kept",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size", "pip"),
    precision="high",
    fixable=True,
)

# Every value pip's strtobool accepts: each of them disables the cache, even those that
# read as "keep it".
_PIP_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})
_PIP_BOOLEANS = frozenset({"y", "yes", "t", "true", "on", "1"}) | _PIP_FALSE


def _clears(inv: Invocation) -> bool:
    """``pip cache purge`` or ``pip cache remove``."""
    return (
        inv.tool == "pip"
        and inv.subcommand == "cache"
        and bool(inv.operands)
        and inv.operands[0].value in ("purge", "remove")
    )


# pip keeps its cache in ``~/.cache/pip``: a path holding it, or ``~/.cache`` itself
_CACHE = Cache(lambda p: ".cache/pip" in p or posixpath.basename(p) == ".cache", _clears)


def _cache_dirs(run: Run, inv: Invocation) -> set[str]:
    """Where an option or variable moved pip's cache."""
    cache_dirs = {d for d in option_values(run, inv, "--cache-dir") if d}
    cache_dirs.update(
        d for d in run.environment(inv.command, inv.program, "PIP_CACHE_DIR") or () if d
    )
    return cache_dirs


def _fix(inv: Invocation) -> Fix | None:
    """``--no-cache-dir`` after ``install``; not with a ``--cache-dir``, which wins
    when written after it."""
    if inv.subcommand_word is None or inv.has("--cache-dir"):
        return None
    edit = insert_option(inv, inv.subcommand_word.span, "--no-cache-dir")
    return None if edit is None else Fix("Add `--no-cache-dir`", (edit,))


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        installs = [
            inv
            for inv in invocations(run.script, "pip")
            if inv.subcommand == "install"
            and inv.subcommand_word is not None
            and not inv.has("--no-cache-dir")
        ]
        kept = _CACHE.kept(run, installs, _cache_dirs)
        for i, inv in enumerate(installs):
            assert inv.subcommand_word is not None
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
            if i in kept:
                yield Finding(
                    span,
                    "pip keeps its download cache in the image: add `--no-cache-dir` "
                    "(or set `ENV PIP_NO_CACHE_DIR=1`).",
                    fix=_fix(inv),
                )
