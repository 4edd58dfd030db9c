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

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

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


def _runs(df: Dockerfile) -> Iterator[tuple[Instruction, ShellScript]]:
    """Each RUN with its script, ``ONBUILD RUN`` triggers included."""
    for ins in df.instructions:
        run = ins.trigger if ins.keyword == "ONBUILD" else ins
        if run is not None and run.keyword == "RUN" and run.script is not None:
            yield run, run.script


def _program(cmd: ShellCommand) -> tuple[str, ShellWord] | None:
    """The program a command runs (through wrappers) and its word; None for a lookup
    such as ``command -v ps``."""
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None:
        return None
    prefix = cmd.argv[: len(cmd.argv) - len(argv)]
    names = [posixpath.basename(w.value or "") for w in prefix]
    if "command" in names:
        after = prefix[names.index("command") + 1 :]
        if any((w.value or "").startswith("-") and "v" in (w.value or "").lower() for w in after):
            return None
    return posixpath.basename(argv[0].value), argv[0]


def _batch_vim(cmd: ShellCommand, word: ShellWord) -> bool:
    args = cmd.argv[cmd.argv.index(word) + 1 :]
    return any((a.value or "").startswith("+") or (a.value or "") in _VIM_BATCH for a in args)


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins, script in _runs(df):
        ssh_mount = any(
            f.name == "mount" and "type=ssh" in (f.value or "").replace(" ", "") for f in ins.flags
        )
        for cmd in script.commands:
            found = _program(cmd)
            if found is None or found[0] not in _WHY:
                continue
            name, word = found
            if name == "vim" and _batch_vim(cmd, word):
                continue
            if name == "ssh" and ssh_mount:
                continue
            yield Finding(
                word.span,
                f"`{name}` {_WHY[name]}: remove it from the build, or run it when the "
                "container starts.",
            )
