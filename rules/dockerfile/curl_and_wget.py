"""A stage downloads with both `curl` and `wget`.

## What it does
In each stage, reports the `RUN` that brings in the second of the two tools
(and every later `RUN` that uses either), at the first `curl` or `wget` it
runs. `ONBUILD RUN` triggers are followed on their own, per stage. A `RUN`
that looks the tools up first (`command -v curl`, `which wget`) to use
whichever is there is not counted.

## Why is this bad?
Both tools do the same job. Using both means both must be installed (and
kept up to date) in the image, and readers must know two sets of options for
retries, redirects, TLS and proxies. Pick one per image.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN wget -q https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN curl -fsSLO https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```

## Differences from hadolint
hadolint keeps the state of `ONBUILD RUN` triggers across stages; dlint starts
again at each `FROM`, like for `RUN`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.runs import runs

META = RuleMeta(
    code="DL4001",
    name="curl-and-wget",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("maintainability", "image-size"),
    precision="high",
)

_TOOLS = ("curl", "wget")
_LOOKUPS = frozenset({"which", "type", "hash", "whereis"})


def _uses(script: ShellScript) -> list[tuple[str, ShellWord]]:
    """The tools a script runs, each with its first word; empty when it looks them up."""
    found: dict[str, ShellWord] = {}
    for cmd in script.commands:
        argv = cmd.unwrapped()
        program = cmd.unwrapped_program()
        if program is None:
            continue
        lookup = program in _LOOKUPS or (
            program == "command" and len(argv) > 1 and argv[1].value in ("-v", "-V")
        )
        if lookup and any(w.value in _TOOLS for w in argv[1:]):
            return []
        if program in _TOOLS and program not in found:
            found[program] = argv[0]
    return sorted(found.items(), key=lambda item: (item[1].span.line, item[1].span.column))


def check(df: Dockerfile) -> Iterator[Finding]:
    # tool -> line of its first use, per stage, for its RUNs and its ONBUILD RUNs apart
    seen: dict[tuple[int, bool], dict[str, int]] = {}
    for run in runs(df, dialects=("posix", "exec")):
        uses = _uses(run.script)
        if not uses:
            continue
        first = seen.setdefault((run.stage.index, run.onbuild is not None), {})
        new = [(tool, word) for tool, word in uses if tool not in first]
        for tool, word in uses:
            first.setdefault(tool, word.span.line)
        if len(first) < 2:
            continue
        # the tool this RUN adds (the second one, when it adds both), else its first one
        tool, word = new[-1] if new else uses[0]
        other = "wget" if tool == "curl" else "curl"
        yield Finding(
            word.span,
            f"This stage uses both `curl` and `wget` (`{other}` at line {first[other]}): "
            "use one of them.",
        )
