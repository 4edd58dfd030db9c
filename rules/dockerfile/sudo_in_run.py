"""A RUN uses `sudo`.

## What it does
Reports each `sudo` a `RUN` (or `ONBUILD RUN`) runs, also behind other
wrappers (`env A=1 sudo ...`) and inside `sh -c '...'`, at the word `sudo`.

## Why is this bad?
A build step already runs as the user the last `USER` instruction set, so
`sudo` is either useless (the step runs as root) or a sign that the image
ships `sudo` with a password-less rule for its user, which lets anything
running in the container become root. `sudo` also behaves differently
without a terminal: it can ask for a password, change the environment and
`PATH`, and log through PAM. Switch user with `USER` around the steps that
need root, and use a tool like `gosu` or `su-exec` in the entrypoint to drop
privileges at run time.

## Example
```dockerfile
FROM ubuntu:24.04
USER app
RUN sudo apt-get update && sudo apt-get install -y curl
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y curl
USER app
```

## Differences from hadolint
hadolint sees `sudo` only as a command's own name; dlint also finds it behind
`env`, `nice` and similar wrappers, from a path (`/usr/bin/sudo`) and inside
`sh -c '...'`, and reports each `sudo`, not one per `RUN`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

META = RuleMeta(
    code="DL3004",
    name="sudo-in-run",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("security", "best-practice"),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, dialects=("posix", "exec")):
        for cmd in run.script.commands:
            wrappers = cmd.argv[: len(cmd.argv) - len(cmd.unwrapped())]
            sudo = next(
                (w for w in wrappers if w.value and posixpath.basename(w.value) == "sudo"), None
            )
            if sudo is not None:
                yield Finding(
                    sudo.span,
                    "`sudo` in a build step: run the step as root with `USER root` "
                    "(and switch back after it), or drop privileges at run time with "
                    "`gosu`/`su-exec`.",
                )
