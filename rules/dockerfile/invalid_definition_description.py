"""The comment above a FROM or ARG does not start with the stage or argument name.

## What it does
Reports a named stage (`FROM ... AS <name>`) or an `ARG` whose comment, the
last comment line above it, does not begin with the stage's name or one of
the argument names followed by a space, as BuildKit's experimental
`InvalidDefinitionDescription` check does. Off by default, as the check is in
BuildKit: select it (`extend-select = ["DF609"]`) to use it.

The comment is the one BuildKit attaches to the instruction: the last comment
line since the instruction before it. Empty lines do not separate a comment
from the instruction below it; an empty comment line (`#` alone) does.

## Why is this bad?
`docker buildx build --call=outline` and `--call=targets` list a Dockerfile's
build arguments and stages with a description taken from the comment right
above each one, when that comment has the form `# <name> <description>`. A
comment of another form is left out, so the listing shows no description,
and a reader cannot tell a description from a note about something else.

## Example
```dockerfile
# The Go toolchain version
ARG GO_VERSION=1.23

# Compiles the binaries
FROM golang:${GO_VERSION} AS build
RUN go build -o /out/app .
```

## Use instead
```dockerfile
# GO_VERSION is the Go toolchain version
ARG GO_VERSION=1.23

# build compiles the binaries
FROM golang:${GO_VERSION} AS build
RUN go build -o /out/app .

# A note about the image, not a description
#
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Known limitations
- BuildKit's message advises an empty line between a comment that is not a
  description and the instruction, but BuildKit's parser keeps the comment
  across empty lines: dlint reports what BuildKit's check reports. Use an empty
  `#` line instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import on_first_line

META = RuleMeta(
    code="DF609",
    name="invalid-definition-description",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("style", "documentation", "buildkit-check"),
    precision="high",
    buildkit=("InvalidDefinitionDescription",),
    default_enabled=False,
)

_SHOWN = 40  # longest comment the message quotes in full


def _defined(ins: Instruction) -> tuple[list[str], Span] | None:
    """The names a FROM or ARG defines, and the span of them as written."""
    if ins.keyword == "FROM":
        if len(ins.args) != 3 or ins.args[1].value.lower() != "as":
            return None
        name = ins.args[2]
        return [name.value.lower()], name.span  # BuildKit compares the lower-cased name
    if ins.keyword == "ARG" and ins.declarations:
        keys = [key for key, _default in ins.declarations]
        return [k.value for k in keys], keys[0].span.cover(keys[-1].span)
    return None


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        if not ins.comments:
            continue
        found = _defined(ins)
        if found is None:
            continue
        names, span = found
        comment = ins.comments[-1]
        if comment.split(" ")[0] in names:
            continue
        what = "stage" if ins.keyword == "FROM" else "argument"
        example = names[0] if len(names) == 1 else "<name>"
        quoted = comment if len(comment) <= _SHOWN else comment[: _SHOWN - 3] + "..."
        yield Finding(
            on_first_line(ins, span),
            f"The comment above this {ins.keyword} (`# {quoted}`) is not a description of "
            f"the {what}: start it with the name (`# {example} <description>`), or put "
            "an empty `#` line between them.",
        )
