"""Two consecutive RUN instructions could be one.

## What it does
Reports a `RUN` that directly follows another `RUN` (only comments between
them) with the same flags (`--mount`, `--network`, `--security`), when each
of the two runs a single command, at the keyword of the second one. A `RUN`
that already chains commands (`a && b`, `a; b`, `a | b`, or a command in
`$(...)`) was split off on purpose: it is not reported, nor is the `RUN`
after it. `RUN`s whose shell dlint does not read (PowerShell, cmd) or cannot
parse are not reported.

## Why is this bad?
Each `RUN` makes a layer and a cache entry. Short steps in a row, such as
`RUN apt-get update` followed by `RUN apt-get install ...`, are usually one
piece of work split in two: joined with `&&` they make one layer, files
deleted in the same step really leave the image, and the first step cannot
be served stale from the cache while the second one changes.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN mkdir -p /app/data
RUN chown nobody /app/data
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN mkdir -p /app/data \\
 && chown nobody /app/data
```

## Differences from hadolint
hadolint reads PowerShell and cmd scripts as shell and counts their commands;
dlint does not judge `RUN`s it cannot read as shell. The message names the
previous `RUN`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3059",
    name="consecutive-runs",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("performance", "layers"),
    precision="medium",
)


def _commands(ins: Instruction) -> int | None:
    """How many named commands a RUN runs, those in ``$(...)`` included and those in
    ``sh -c '...'`` strings not (None: its shell is not read, or does not parse).
    hadolint's limit reads "more than two commands", but ShellCheck hands it each
    command twice, so it too pairs only RUNs of one command each."""
    script = ins.script
    if script is None or script.dialect not in ("posix", "exec") or script.has_errors:
        return None
    return sum(1 for c in script.commands if not c.nested and c.name is not None)


def _flags(ins: Instruction) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted((f.name, f.value) for f in ins.flags))


def check(df: Dockerfile) -> Iterator[Finding]:
    previous: tuple[Instruction, tuple[tuple[str, str | None], ...], int] | None = None
    for ins in df.instructions:
        if ins.keyword != "RUN":
            previous = None
            continue
        count = _commands(ins)
        if count is None:
            previous = None
            continue
        flags = _flags(ins)
        if previous is None or previous[1] != flags or count > 1 or previous[2] > 1:
            previous = (ins, flags, count)
            continue
        yield Finding(
            ins.keyword_span,
            f"This RUN follows the RUN at line {previous[0].span.line} with the same flags: "
            "join them with `&&` into one layer.",
        )
        previous = (ins, flags, count)
