"""A RUN replaces `/bin/sh` with `ln` instead of using SHELL.

## What it does
Reports each `ln` in a `RUN` (or `ONBUILD RUN`), also through `sudo`, whose
link name is `/bin/sh` (or `/usr/bin/sh`, the same file on merged-`/usr`
systems), at that operand.

## Why is this bad?
`/bin/sh` is the shell of every `RUN` in shell form, and of every script in
the image that starts with `#!/bin/sh`. Pointing it at another shell changes
them all, invisibly: scripts written for the system's sh can break, and the
next reader sees `RUN` lines behave like bash without any trace of why. The
`SHELL` instruction changes the shell `RUN` uses, in the open, and leaves the
system alone.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN ln -sf /bin/bash /bin/sh
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-c"]
```

## Differences from hadolint
hadolint reports any `ln` with a `/bin/sh` argument, also when `/bin/sh` is
the target a new link points to (`ln -s /bin/sh /usr/local/bin/sh`), which
leaves `/bin/sh` alone; dlint looks at the link name only, and also knows
`/usr/bin/sh`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.ir.shell import ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL4005",
    name="bin-sh-replaced",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("best-practice", "shell"),
    precision="very-high",
)

_SYSTEM_SH = frozenset({"/bin/sh", "/usr/bin/sh"})
_SHORT_VALUED = frozenset("St")  # -S SUFFIX, -t DIRECTORY
_LONG_VALUED = frozenset({"--suffix", "--target-directory"})


def _runs(df: Dockerfile) -> Iterator[tuple[Instruction, ShellScript]]:
    """Each RUN with its script, ``ONBUILD RUN`` triggers included."""
    for ins in df.instructions:
        run = ins.trigger if ins.keyword == "ONBUILD" else ins
        if run is not None and run.keyword == "RUN" and run.script is not None:
            yield run, run.script


def _link_name(args: tuple[ShellWord, ...]) -> ShellWord | None:
    """The link ``ln`` creates when it is named by the last operand, else None."""
    operands: list[ShellWord] = []
    target_dir = False
    i = 0
    while i < len(args):
        word = args[i]
        text = word.literal
        i += 1
        if text == "--":
            operands.extend(args[i:])
            break
        if text.startswith("--"):
            name, eq, _ = text.partition("=")
            if name in _LONG_VALUED:
                target_dir = target_dir or name == "--target-directory"
                if not eq:
                    i += 1
            continue
        if text.startswith("-") and len(text) > 1:
            for j, letter in enumerate(text[1:], start=1):
                if letter in _SHORT_VALUED:
                    target_dir = target_dir or letter == "t"
                    if j == len(text) - 1:
                        i += 1
                    break
            continue
        operands.append(word)
    if target_dir or len(operands) < 2:
        return None
    return operands[-1]


def check(df: Dockerfile) -> Iterator[Finding]:
    for _ins, script in _runs(df):
        for cmd in script.commands:
            argv = cmd.unwrapped()
            if not argv or argv[0].value is None or posixpath.basename(argv[0].value) != "ln":
                continue
            link = _link_name(argv[1:])
            if link is None or link.value is None:
                continue
            if posixpath.normpath(link.value) in _SYSTEM_SH:
                yield Finding(
                    link.span,
                    f"`ln` replaces {link.value}, the shell of every RUN: set the shell with "
                    'a SHELL instruction (`SHELL ["/bin/bash", "-c"]`) instead.',
                )
