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
runs with `--no-network` (it downloads nothing) or `--simulate`, or with
options dlint cannot know before `add` (`apk $APK_OPTS add`: they may hold
`--no-cache`).

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

## Fix
Writes `--no-cache` right after `add` (`"--no-cache"` as the next element of a
JSON-form `RUN`), also for a command run through `sudo` or `env` (safe: apk
installs the same packages). No fix for a command read from a `sh -c '...'`
string or after a `--` that ends the options.

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

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.flag_fixes import exec_commands, insert_option
from .._shared.packages import Invocation, parse
from .._shared.runs import Run, runs, under

META = RuleMeta(
    code="DL3019",
    name="apk-cache-kept",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "packages", "apk"),
    precision="high",
    fixable=True,
)

_CACHE = "/var/cache/apk"
_CACHE_DIRS = (_CACHE, "/etc/apk/cache")


def _removes_cache(run: Run, cmd: ShellCommand) -> bool:
    """``rm -rf /var/cache/apk/*`` (or the folder, or a folder holding it)."""
    argv = cmd.unwrapped()
    if cmd.unwrapped_program() != "rm":
        return False
    paths = (path for word in argv[1:] for path in run.fields(word) or ())
    return any(p.startswith("/") and under(_CACHE, p.removesuffix("*")) for p in paths)


def _fix(inv: Invocation, exec_form: bool) -> Fix | None:
    assert inv.subcommand_word is not None
    edit = insert_option(inv, inv.subcommand_word.span, "--no-cache", exec_form)
    return None if edit is None else Fix("Add `--no-cache`", (edit,))


def _findings(run: Run, exec_ids: frozenset[int]) -> Iterator[Finding]:
    if any(run.cached(folder) for folder in _CACHE_DIRS):
        return
    commands = run.script.commands
    # an `apk add` before the last removal of the cache leaves nothing
    removed = max((i for i, cmd in enumerate(commands) if _removes_cache(run, cmd)), default=-1)
    for cmd in commands[removed + 1 :]:
        inv = parse(cmd)
        if inv is None or inv.tool != "apk" or inv.subcommand != "add":
            continue
        if inv.unknown or inv.has("--no-cache", "--simulate", "--no-network"):
            continue
        where = "the images built from this one" if run.onbuild else "the image"
        yield Finding(
            inv.head,
            f"`apk add` without `--no-cache` leaves the package index in /var/cache/apk in "
            f"{where}: write `apk add --no-cache` (no `apk update` or cleanup needed).",
            fix=_fix(inv, id(cmd) in exec_ids),
        )


def check(df: Dockerfile) -> Iterator[Finding]:
    exec_ids = exec_commands(df)
    for run in runs(df, ("posix", "exec")):
        yield from _findings(run, exec_ids)
