"""A RUN calls a command that is pointless or interactive in a build.

## What it does
Reports each command of a `RUN` (or `ONBUILD RUN`) that runs `free`, `kill`,
`mount`, `ps`, `service`, `shutdown`, `ssh`, `top` or `vim`, also through
`sudo`, `env` and similar wrappers, from a path (`/usr/bin/vim`) and inside
`sh -c '...'`, at the command's name.

Not reported: `command -v ps` (a lookup, not a run), `vim` run in batch mode
to install plugins (`vim -es`, `vim +PlugInstall +qall`), and `ssh` in a `RUN`
that mounts the SSH agent (`--mount=type=ssh`).

## Why is this bad?
A build step runs in a throw-away container with no terminal, no init system
and no other processes: `vim` and `top` wait for a user who is not there,
`service` and `kill` manage processes that die when the step ends, `ps` and
`free` describe the builder rather than the image, `mount` and `shutdown` need
privileges a build does not have, and `ssh` to another host makes the build
depend on it. What such a step seems to set up is not in the image; the work
belongs in the container's entrypoint, or nowhere.

## Example
```dockerfile
FROM ubuntu:24.04
RUN service nginx start
```

## Use instead
```dockerfile
FROM ubuntu:24.04
CMD ["nginx", "-g", "daemon off;"]
```

## Differences from hadolint
hadolint matches the command name exactly, so it misses `sudo service ...`,
`/usr/bin/vim` and `sh -c 'ps aux'`. It reports `vim` in batch mode, which
waits for no one, and `ssh` in a `RUN` that mounts the SSH agent for it,
which is BuildKit's documented way to reach a host over SSH; dlint does not.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

META = RuleMeta(
    code="DL3001",
    name="pointless-command",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("best-practice",),
    precision="high",
)

_WHY = {
    "free": "reports the memory of the build container, not of the image",
    "kill": "signals a process of the build container, which ends with the step anyway",
    "mount": "needs privileges a build step does not have, and a mount does not persist",
    "ps": "lists the processes of the build container, not of the image",
    "service": "starts or stops a service that dies when the step ends",
    "shutdown": "cannot shut down a build container",
    "ssh": "makes the build depend on another host",
    "top": "shows the processes of the build container, not of the image",
    "vim": "is an interactive editor, and a build has no one to type in it",
}

# vim options that run it without a user: ex mode, silent mode, commands to run
_VIM_BATCH = ("-e", "-E", "-s", "-es", "-Es", "-c", "--cmd", "-S")


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, dialects=("posix", "exec")):
        ssh_agent = any(m.type == "ssh" for m in run.mounts)
        for cmd in run.script.calls(*_WHY):  # not `command -v ps`, a lookup
            argv = cmd.unwrapped()
            name = cmd.unwrapped_program() or ""
            if name == "ssh" and ssh_agent:
                continue
            if name == "vim" and any(
                (a.value or "").startswith("+") or a.value in _VIM_BATCH for a in argv[1:]
            ):
                continue
            yield Finding(
                argv[0].span,
                f"`{name}` {_WHY[name]}: remove it from the build, or run it when the "
                "container starts.",
            )
