"""A RUN replaces `/bin/sh` with `ln` instead of using SHELL.

## What it does
Reports each `ln` in a `RUN` (or `ONBUILD RUN`), also through `sudo`, whose
link name is `/bin/sh` (or `/usr/bin/sh`, the same file on merged-`/usr`
systems), at that operand, also when a variable the script or the stage sets
holds the link name (`SH=/bin/sh; ln -sf /bin/bash $SH`).

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
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

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
    for run in runs(df, dialects=("posix", "exec")):
        for cmd in run.script.calls("ln"):
            link = _link_name(cmd.unwrapped()[1:])
            fields = run.fields(link) if link is not None else None  # one word, or unknown
            if link is None or fields is None or len(fields) != 1:
                continue
            if posixpath.normpath(fields[0]) not in _SYSTEM_SH:
                continue
            names = ", ".join(f"`${n}`" for n in dict.fromkeys(link.variables))
            held = f" (from {names})" if names else ""
            yield Finding(
                link.span,
                f"`ln` replaces {fields[0]}{held}, the shell of every RUN: set the shell with "
                'a SHELL instruction (`SHELL ["/bin/bash", "-c"]`) instead.',
            )
