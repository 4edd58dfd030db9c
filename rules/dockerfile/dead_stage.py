"""A build stage that nothing builds: no later stage uses it and it is not the last one.

## What it does
Reports a stage of a multi-stage Dockerfile that is not the last stage, that no
later stage uses (as its base in `FROM`, in `COPY --from` or in
`RUN --mount=from=`), and that no Compose service of the project builds as its
`build.target`. A plain `docker build` skips such a stage.

- An unnamed stage of that kind is always reported: no build can run it, since
  `--target` selects stages by name only.
- A named stage is reported only when it looks like a leftover rather than a
  target built on purpose with `docker build --target`: not when it starts
  `FROM scratch` (a stage that exports files with `--output`), is built on
  another stage (`FROM build AS test`), sets a `CMD` or `ENTRYPOINT` (an image
  to run), or has `test`, `lint`, `ci`, `check`, `validate`, `debug`, `dev`,
  `e2e` or `bench` as a word of its name.

A reference with a variable (`FROM base-${VARIANT}`, `COPY --from=build-$TARGETARCH`)
may pick any stage whose name fits it, whatever value the build gives the
variable, so each such stage counts as used.

## Why is this bad?
A stage that no build reaches is dead code: it is not built, not tested, and goes
stale while readers still spend time on it and assume it matters. When it is a
leftover of a refactoring (a builder that the final stage no longer copies from),
delete it; when a script builds it with `--target` (a test or lint stage), this
finding can be suppressed for that stage.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM golang:1.23 AS build-old
RUN go build -tags legacy -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Known limitations
dlint reads Compose files but not the other places that name targets:
`docker buildx bake` files (`docker-bake.hcl`), CI scripts and Makefiles that run
`docker build --target`. A named stage that only those build, and that none of
the signs above marks as a target, is reported: the rule's precision is low, and
its findings are information only. A stage used only by a dead stage is not
reported until that one is removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import references
from .._shared.stages import used

META = RuleMeta(
    code="DF305",
    name="dead-stage",
    scope="project",
    severity=Severity.INFO,
    tags=("maintainability", "multi-stage"),
    precision="low",
    preview=True,
)


def _pattern(raw: str, escape: str) -> tuple[str, ...] | None:
    """The stage names a reference with variables can name, as the literal pieces
    between its variables (each variable may take any value); None when ``raw`` has no
    variable."""
    refs = sorted(references(raw, escape), key=lambda r: r.start)
    if not refs:
        return None
    parts: list[str] = []
    at = 0
    for ref in refs:
        if ref.start < at:  # inside an earlier one (``${A:-$B}``)
            continue
        parts.append(raw[at : ref.start].strip("\"'").lower())
        at = ref.end
    parts.append(raw[at:].strip("\"'").lower())
    return tuple(parts)


def _matches(pieces: tuple[str, ...], name: str) -> bool:
    """Whether ``name`` is the pieces with anything between them: the first piece at its
    start, the last at its end, the others in order (leftmost first, which is enough).
    String searches only: the pieces come from the file and must not backtrack."""
    first, *middle, last = pieces
    if len(name) < len(first) + len(last) or not name.startswith(first):
        return False
    at = len(first)
    end = len(name) - len(last)
    for piece in middle:
        found = name.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return name.endswith(last) and at <= end


def _mount_from(flag_value: str) -> str | None:
    """The ``from=`` of a ``--mount`` value as written (its fields are comma separated)."""
    for field in flag_value.split(","):
        key, eq, value = field.partition("=")
        if eq and key.strip().lower() == "from":
            return value
    return None


def _raw_references(stage: Stage) -> Iterator[str]:
    """Each stage reference of ``stage`` as written: its FROM, COPY --from and RUN
    --mount from=, also in ONBUILD triggers (they run when a later stage is built
    FROM this one, and may name a stage of this file)."""
    ins = stage.from_instruction
    if ins is not None and ins.args:
        yield ins.args[0].value
    for item in stage.instructions:
        yield from _flag_references(item.trigger or item)


def _flag_references(ins: Instruction) -> Iterator[str]:
    if ins.keyword in ("COPY", "ADD"):
        for value in ins.flag_values("from"):
            yield value
    elif ins.keyword == "RUN":
        for value in ins.flag_values("mount"):
            found = _mount_from(value)
            if found is not None:
                yield found


_MAX_PATTERNS = 32  # more distinct references with variables: any stage may be one


def _maybe_used(df: Dockerfile) -> set[int] | None:
    """Stages that a reference with variables may name, or an ONBUILD trigger names
    (None: any stage may be one)."""
    patterns: set[tuple[str, ...]] = set()
    names: set[str] = set()
    for stage in df.stages:
        for raw in _raw_references(stage):
            pattern = _pattern(raw, df.escape) if "$" in raw else None
            if pattern is not None:
                patterns.add(pattern)
            else:
                names.add(raw.strip("\"'").lower())
    if len(patterns) > _MAX_PATTERNS:
        return None
    out = {s.index for s in df.stages if s.name in names}
    for pieces in patterns:
        out |= {s.index for s in df.stages if s.name and _matches(pieces, s.name)}
    return out


@dataclass(frozen=True, slots=True)
class _Built:
    """A Compose service builds stage ``index`` of the Dockerfile at ``path``; with no
    index, a stage a variable names (any stage of it may be the one)."""

    path: str
    index: int | None


@dataclass(frozen=True, slots=True)
class _Dead:
    """Stage ``index`` of the Dockerfile at ``path`` is dead unless a service builds it."""

    path: str
    index: int
    finding: Finding


def _built(project: Project) -> Iterator[_Built]:
    """The stages Compose services build, and the Dockerfiles some service builds with a
    target dlint could not resolve (a variable)."""
    for compose in project.compose:
        for service in compose.services:
            build = service.build
            if build is None:
                continue
            if build.image is not None and build.stage is not None:
                yield _Built(build.image.path, build.stage.index)
                continue
            target = build.target
            if target is None or not target.unresolved or build.dockerfile_path is None:
                continue  # the last stage, a target that names no stage, or no Dockerfile
            yield _Built(build.dockerfile_path, None)


def _written_name(stage: Stage) -> str:
    ins = stage.from_instruction
    if ins is not None and len(ins.args) == 3:
        return ins.args[2].value
    return stage.name or str(stage.index)


# Words of stage names that say the stage is built on purpose with --target
_TARGET_WORDS = frozenset(
    {"test", "tests", "lint", "ci", "check", "validate", "debug", "dev", "e2e", "bench"}
)


def _deliberate(stage: Stage) -> bool:
    """Whether a named stage looks like one built on its own with ``--target``: it
    exports files (FROM scratch), extends another stage (``FROM build AS test``), is an
    image to run (CMD or ENTRYPOINT), or its name says so (``test``, ``lint``...)."""
    if stage.base is None or isinstance(stage.base, StageRef):
        return True
    if any(ins.keyword in ("CMD", "ENTRYPOINT") for ins in stage.instructions):
        return True
    return bool(_TARGET_WORDS & set(re.split(r"[-_.]", stage.name or "")))


def _dockerfile(df: Dockerfile) -> Iterator[_Dead]:
    if len(df.stages) < 2:
        return
    maybe = _maybe_used(df)
    if maybe is None:
        return
    reached = set(used(df)) | maybe
    for stage in df.stages[:-1]:
        if stage.index in reached or stage.from_instruction is None:
            continue
        if stage.name is not None and stage.name_span is not None:
            if _deliberate(stage):
                continue
            name = _written_name(stage)
            yield _Dead(
                df.path,
                stage.index,
                Finding(
                    stage.name_span,
                    f"Stage `{name}` is not the last stage, no later stage uses it and no "
                    f"Compose service builds it: a build skips it unless you build it with "
                    f"`--target {name}`; if nothing does, remove it.",
                    path=df.path,
                ),
            )
        else:
            yield _Dead(
                df.path,
                stage.index,
                Finding(
                    stage.from_instruction.keyword_span,
                    f"Stage {stage.index} has no name, is not the last stage and no later stage "
                    "uses it: no build ever runs it (`--target` selects stages by name); "
                    "remove it, or use it.",
                    path=df.path,
                ),
            )


def gather(project: Project) -> Iterator[_Built | _Dead]:
    """The stages the project's services build, and its Dockerfiles' stages that only a
    build of theirs could reach: a Dockerfile several projects build is judged on the
    stages all of them build."""
    yield from _built(project)
    for df in project.dockerfiles:
        yield from _dockerfile(df)


def check(facts: Sequence[_Built | _Dead]) -> Iterator[Finding]:
    built = {(f.path, f.index) for f in facts if isinstance(f, _Built)}
    seen: set[tuple[str, int]] = set()
    for fact in facts:
        if not isinstance(fact, _Dead) or (fact.path, fact.index) in seen:
            continue
        seen.add((fact.path, fact.index))
        if (fact.path, fact.index) not in built and (fact.path, None) not in built:
            yield fact.finding
