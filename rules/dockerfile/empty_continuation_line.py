"""An instruction continued over several lines has an empty line inside it.

## What it does
Reports an instruction split with line continuations (`\\` at the end of a
line, or the `# escape=` character) that has an empty line, or a line of
blanks only, among its lines, as BuildKit's `NoEmptyContinuation` check does.
A comment line inside the instruction is not an empty line.

The finding is on the instruction's last line, where BuildKit reports it; the
message gives the empty lines.

## Why is this bad?
Docker skips the empty line and joins the instruction across it, so the lines
after it still belong to the instruction. To a reader, the empty line looks
like the end of the instruction, and the next line like an instruction of its
own. The syntax is deprecated: BuildKit warns about it, and says a future
release will refuse it, which would break the build.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && \\

    apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && \\
    # then the packages
    apt-get install -y --no-install-recommends curl
```

## Known limitations
- When the file ends inside the continuation after a trailing comment line,
  BuildKit reports the comment's line; dlint reports the last line of the
  instruction's text.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DF605",
    name="empty-continuation-line",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "deprecated", "buildkit-check"),
    precision="very-high",
    buildkit=("NoEmptyContinuation",),
)


def _last_line(df: Dockerfile, ins: Instruction) -> Span:
    """The text of the instruction's last line before any heredoc body (where BuildKit
    reports it): an empty line when the file ends inside the continuation."""
    line = max(ins.text_span.end_line, ins.empty_continuation_lines[-1])
    text = df.lines[line - 1].rstrip("\r\n") if line <= len(df.lines) else ""
    stripped = text.lstrip()
    if not stripped.strip():
        return Span.point(line)
    return Span(line, 1 + len(text) - len(stripped), line, len(text.rstrip()) + 1)


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        empty = ins.empty_continuation_lines
        if not empty:
            continue
        where = ", ".join(str(n) for n in empty)
        if len(empty) == 1:
            what, fix = f"line {where}", "delete the empty line or make it a comment"
        else:
            what, fix = f"lines {where}", "delete the empty lines or make them comments"
        yield Finding(
            _last_line(df, ins),
            f"This {ins.keyword} continues across the empty {what}, a syntax BuildKit "
            f"will refuse in a future release: {fix}.",
        )
