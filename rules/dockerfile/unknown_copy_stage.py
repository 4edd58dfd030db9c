"""COPY --from names no stage defined before it.

## What it does
Reports a `COPY --from=<name>` where `<name>` is neither a stage defined
earlier in the file (`FROM ... AS <name>`, compared case-insensitively) nor
the number of an earlier stage (`--from=0`), and does not look like an image
reference either: a value with a tag, digest or path (`nginx:1.27`,
`ghcr.io/org/tool`, `alpine@sha256:...`) is an image and is fine. The value is
judged after `ARG` and `ENV` substitution; one that holds a variable with no
known value is not reported. A `--from` naming the stage it is in is left to
`copy-from-own-stage` (DL3023).

## Why is this bad?
When `--from` names no earlier stage, Docker reads it as an image name and
tries to pull it (`--from=builder` becomes `docker.io/library/builder:latest`).
That is almost always a typo in a stage name, or a stage defined further
down, and the build fails with a confusing pull error, or worse, copies files
from an unrelated public image.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=biuld /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Differences from hadolint
- hadolint accepts only values with a `:` as images, so
  `COPY --from=aquasec/trivy /usr/local/bin/trivy ...` is reported. dlint also
  accepts a `/` or an `@` (an image path or digest).
- hadolint accepts `--from=<number>` for any stage of the file. dlint reports a
  number that is not the number of an earlier stage, as it does for names.
- hadolint compares stage names as written, so `COPY --from=build` after
  `FROM ... AS Build` is reported. Docker compares them case-insensitively,
  and so does dlint.
- hadolint reports every value that holds a variable. dlint substitutes the
  `ARG`s and `ENV`s it knows and reports only what it can resolve.

## Known limitations
- A named build context given on the command line or in a Compose or Bake
  file (`docker buildx build --build-context tools=...`) can be used as
  `COPY --from=tools`; dlint does not see it and reports the name. Suppress
  the finding there.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Flag, Layer, Stage, StageRef
from dlint.ir.image import ImageRef
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3022",
    name="unknown-copy-stage",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness",),
    precision="high",
)


def _later(df: Dockerfile, stage: Stage, name: str, named: dict[str, Stage]) -> Stage | None:
    """The stage ``name`` names when it is defined after ``stage``."""
    if name.isdigit():
        index = int(name)
        return df.stages[index] if stage.index < index < len(df.stages) else None
    found = named.get(name.lower())
    return found if found is not None and found.index > stage.index else None


def _finding(
    df: Dockerfile, stage: Stage, layer: Layer, flag: Flag, named: dict[str, Stage]
) -> Finding | None:
    ref = layer.copy_from
    if not isinstance(ref, ImageRef) or ref.unresolved:
        return None
    name = ref.text
    if any(c in name for c in ":/@") or name.lower() == "scratch":
        return None  # an image reference
    if stage.name is not None and name.lower() == stage.name:
        return None  # the stage itself: DL3023
    if name.isdigit() and int(name) == stage.index:
        return None
    span = flag.value_span or flag.span
    shown = f"`{name}` (`{flag.value}`)" if "$" in (flag.value or "") else f"`{name}`"
    later = _later(df, stage, name, named)
    if later is not None:
        line = later.head.span.line
        return Finding(
            span,
            f"COPY --from={shown} names a stage defined later (line {line}): "
            "move that stage before this one.",
        )
    if name.isdigit():
        return Finding(
            span,
            f"COPY --from={name} names no stage: this file has {len(df.stages)} "
            f"stage{'s' if len(df.stages) != 1 else ''}, numbered from 0.",
        )
    return Finding(
        span,
        f"COPY --from={shown} names no earlier stage, so Docker pulls an image called "
        f"`{name}`: define the stage with `FROM ... AS {name}` before this COPY, or give "
        "the image its tag.",
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    named: dict[str, Stage] = {}  # stage name -> the first stage of that name
    for stage in reversed(df.stages):
        if stage.name is not None:
            named[stage.name] = stage
    for stage in df.all_stages:
        for layer in stage.layers:
            if layer.kind != "copy" or isinstance(layer.copy_from, StageRef):
                continue
            flag = layer.instruction.flag("from")
            if flag is None or not flag.value:
                continue
            found = _finding(df, stage, layer, flag, named)
            if found is not None:
                yield found
