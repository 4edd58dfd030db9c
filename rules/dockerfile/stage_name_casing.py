"""A stage name is not written in lower case.

## What it does
Reports a `FROM ... AS <name>` whose name has upper-case letters
(`AS Builder`, `AS BUILD`), as BuildKit's `StageNameCasing` check does.

## Why is this bad?
Docker lower-cases stage names: `AS Builder` names the stage `builder`, and
`COPY --from=BUILDER`, `FROM builder` and `--target builder` all reach it. A
name written in capitals suggests a distinction that does not exist, and the
same stage ends up spelt several ways across the Dockerfile, the CI scripts
and the compose files that name a build target.

## Example
```dockerfile
FROM golang:1.23 AS Builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=Builder /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.23 AS builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /app
```

## Fix
Writes the stage name in lower case at its `AS` and at every reference to the
stage in the file, in one go: `FROM builder`, `COPY --from=builder` and
`RUN --mount=from=builder` (safe: Docker reads the names in lower case anyway).
No fix when a reference is written with a variable (`COPY --from=${STAGE}`), in
quotes or with escapes: the name could not be changed everywhere. References in
`ONBUILD` triggers name a stage of a later build and are left alone, as are other
files that name the stage (CI scripts, `--target`, compose files).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Stage, StageRef
from dlint.rule import Edit, Finding, Fix, RuleMeta

from .._shared.buildkit import on_first_line

META = RuleMeta(
    code="DF604",
    name="stage-name-casing",
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "buildkit-check"),
    precision="very-high",
    buildkit=("StageNameCasing",),
    fixable=True,
)


def _written(df: Dockerfile, span: Span) -> str | None:
    """The text at ``span`` when it lies on one line."""
    if span.line != span.end_line or not 0 < span.line <= len(df.lines):
        return None
    return df.lines[span.line - 1][span.column - 1 : span.end_column - 1]


def _edit(df: Dockerfile, span: Span | None, value: str, name: str) -> Edit | None:
    """``name`` in place of ``value``, a reference to the stage written as is at ``span``
    (None when it is written otherwise: with a variable, quotes or escapes)."""
    if span is None or value.lower() != name or _written(df, span) != value:
        return None
    return Edit(span, name)


def _mount_edits(df: Dockerfile, span: Span, name: str) -> tuple[Edit, ...] | None:
    """The edit of ``from=`` in a ``--mount`` flag written at ``span`` (none when it names
    the stage by its index); None when the flag is not written plainly."""
    text = _written(df, span)
    if text is None or not text.startswith("--mount=") or any(c in text for c in "\"'$`\\"):
        return None
    at = span.column + len("--mount=")
    edits: list[Edit | None] = []
    for field in text[len("--mount=") :].split(","):
        key, eq, value = field.partition("=")
        if eq and key.lower() == "from" and not value.isdigit():
            where = Span(span.line, at + len(key) + 1, span.line, at + len(field))
            edits.append(_edit(df, where, value, name))
        at += len(field) + 1
    if len(edits) > 1 or None in edits:
        return None  # several from= (which one counts is a guess), or not the stage's name
    return tuple(e for e in edits if e is not None)


def _fix(df: Dockerfile, stage: Stage, name: str) -> Fix | None:
    """The stage name in lower case at its ``AS`` and at each reference to it."""
    ins = stage.from_instruction
    assert ins is not None
    edits: list[Edit | None] = [_edit(df, ins.args[2].span, ins.args[2].value, name)]
    for later in df.stages[stage.index + 1 :]:
        base = later.from_instruction
        if isinstance(later.base, StageRef) and later.base.index == stage.index:
            if base is None or not base.args:
                return None
            edits.append(_edit(df, base.args[0].span, base.args[0].value, name))
        for layer in later.layers:
            ref = layer.copy_from
            if isinstance(ref, StageRef) and ref.index == stage.index:
                flag = layer.instruction.flag("from")
                if flag is None or flag.value is None:
                    return None
                if not flag.value.isdigit():
                    edits.append(_edit(df, flag.value_span, flag.value, name))
            for mount in layer.mounts:
                if isinstance(mount.from_ref, StageRef) and mount.from_ref.index == stage.index:
                    more = _mount_edits(df, mount.span, name)
                    if more is None:
                        return None
                    edits.extend(more)
    done = [e for e in edits if e is not None]
    if len(done) < len(edits):
        return None
    # a reference already in lower case needs no edit
    return Fix(f"Name the stage `{name}`", tuple(e for e in done if _written(df, e.span) != name))


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ins = stage.from_instruction
        if ins is None or len(ins.args) != 3:
            continue
        written = ins.args[2]
        if written.value == written.value.lower():
            continue
        lower = written.value.lower()
        yield Finding(
            on_first_line(ins, written.span),
            f"Stage name `{written.value}` is not lower case (Docker reads it as "
            f"`{lower}`): write `{ins.args[1].value} {lower}`.",
            fix=_fix(df, stage, lower) if lower.isascii() else None,
        )
