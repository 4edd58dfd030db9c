"""A RUN changes directory with `cd` instead of using WORKDIR.

## What it does
Reports a `RUN` (or `ONBUILD RUN`) that runs `cd`, at its first `cd`
command; the message counts the others. Commands inside `sh -c '...'`
strings are not looked at.

## Why is this bad?
`cd` lasts only until the end of its `RUN`, so every later step starts in
the previous directory again, and a reader has to follow each `cd` through
`&&` chains to know where a command runs. `WORKDIR` sets the directory once,
for every following instruction (`RUN`, `COPY`, `CMD`...), creates it if it
does not exist, and shows in the image's configuration.

## Example
```dockerfile
FROM golang:1.22
COPY . /src
RUN cd /src && go build -o /usr/local/bin/app .
```

## Use instead
```dockerfile
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app .
```

## Differences from hadolint
hadolint does not look at `ONBUILD RUN`; dlint does, since the trigger runs in
the child image exactly like a `RUN`, and `ONBUILD WORKDIR` is the fix there.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

META = RuleMeta(
    code="DL3003",
    name="cd-in-run",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("best-practice", "readability"),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, dialects=("posix", "exec")):
        cds = [c for c in run.script.commands if not c.nested and c.program == "cd"]
        if not cds:
            continue
        more = len(cds) - 1
        extra = f" (and {more} more `cd` in this RUN)" if more else ""
        yield Finding(
            cds[0].span,
            f"`cd` lasts only until the end of this RUN{extra}: set the directory with "
            "WORKDIR instead.",
        )
