"""A FROM uses a variable that no global ARG declares.

## What it does
Reports a `$NAME` or `${NAME}` in a `FROM` instruction (the image, or its
`--platform` value) when no `ARG` before the first `FROM` declares `NAME` and
it is not one of BuildKit's automatic platform arguments (`BUILDPLATFORM`,
`BUILDOS`, `BUILDARCH`, `BUILDVARIANT`, `TARGETPLATFORM`, `TARGETOS`,
`TARGETARCH`, `TARGETVARIANT`, their `OSVERSION` variants and `TARGETSTAGE`):
BuildKit's `UndefinedArgInFrom` check. When a declared name or an automatic
argument is spelled almost the same, the message suggests it
(`$BULIDPLATFORM`: did you mean `BUILDPLATFORM`?).

## Why is this bad?
A `FROM` sees only the global build arguments. An undeclared variable is
always empty there, even with `--build-arg`: `FROM node:22${VARIANT}` pulls
`node:22` whatever the build passes, and `FROM --platform=$BULIDPLATFORM`
fails with "empty platform value". Declare the argument before the first
`FROM` (with a default when the build may not pass one).

## Example
```dockerfile
FROM node:22${VARIANT} AS build
RUN npm --version
```

## Use instead
```dockerfile
ARG VARIANT=-alpine3.20
FROM node:22${VARIANT} AS build
RUN npm --version
```

## Differences from BuildKit
- The finding points at the variable rather than the whole `FROM` line. When
  the variable sits on a continuation line, the finding starts at the `FROM`
  (the line BuildKit reports) and ends at the variable.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import AUTOMATIC_ARGS, Spelling, on_first_line, piece
from .._shared.instructions import references

META = RuleMeta(
    code="DF301",
    name="undefined-arg-in-from",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "variables", "buildkit-check"),
    precision="very-high",
    buildkit=("UndefinedArgInFrom",),
)


def check(df: Dockerfile) -> Iterator[Finding]:
    declared = {name.value for ins in df.global_args for name, _default in ins.declarations}
    spelling = Spelling(declared | set(AUTOMATIC_ARGS))
    for stage in df.stages:
        ins = stage.from_instruction
        if ins is None or not ins.args:
            continue
        written: list[tuple[str, Span, str]] = []  # (what, where, text)
        flag = ins.flag("platform")
        if flag is not None and flag.value:
            written.append(("--platform", flag.value_span or flag.span, flag.value))
        written.append(("image", ins.args[0].span, ins.args[0].value))
        for what, where, text in sorted(written, key=lambda w: (w[1].line, w[1].column)):
            seen: set[str] = set()
            for ref in references(text, df.escape):
                if ref.name in declared or ref.name in AUTOMATIC_ARGS or ref.name in seen:
                    continue
                seen.add(ref.name)
                hint = spelling.closest(ref.name, short=4)
                place = "FROM" if what == "image" else f"FROM {what}"
                if hint is not None:
                    message = (
                        f"{place} uses `{ref.name}`, which no global ARG declares (did you "
                        f"mean `{hint}`?): it is always empty here; fix the name, or declare "
                        "it with ARG before the first FROM."
                    )
                else:
                    message = (
                        f"{place} uses `{ref.name}`, which no global ARG declares, so it is "
                        f"always empty here: declare it with `ARG {ref.name}` before the "
                        "first FROM."
                    )
                yield Finding(on_first_line(ins, piece(where, text, ref.start, ref.end)), message)
