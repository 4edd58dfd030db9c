"""Sources are copied in before dependencies are installed, so every edit re-runs the install.

## What it does
In each stage, finds a `COPY` or `ADD` that brings in the whole build context
(or a folder that holds dependency manifests) before a step that installs
dependencies: pip, uv, poetry, pipenv, pdm, conda; npm, yarn, pnpm, bun;
`go mod download`; Maven and Gradle; bundler; composer; cargo; `dotnet
restore`; and system packages (apt-get, apk, dnf, yum, microdnf, zypper).

Not reported: `COPY --from` another stage or image, a `COPY` of specific
manifest files, build steps that need the sources (`make`, `go build`,
`npm run build`), and a context that `.dockerignore` reduces to the manifests.

A first build of the project itself (`mvn package`, `gradle build`,
`cargo build`, `dotnet publish`, `pip install .`, `poetry install`,
`uv sync`) counts as an install step when nothing in the stage (or the stage it
builds on) installed that ecosystem's dependencies before, and the step has no
cache mount: it downloads every dependency again each time a source file
changes.

## Why is this bad?
Docker reuses a layer only while everything that went into it is unchanged.
A `COPY . .` changes whenever any file in the context changes, so every step
after it runs again: a one-line source edit re-downloads and re-installs all
dependencies. Copying the manifests first and installing before copying the
rest keeps the install cached until the dependencies themselves change.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]
```

## Known limitations
The build context is the Dockerfile's folder unless a compose file says
otherwise. When that folder does not hold what the Dockerfile copies, dlint
assumes the context is elsewhere and judges only copies of the whole context.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase

from dlint.ir.common import Severity
from dlint.ir.context import BuildContext
from dlint.ir.dockerfile import Dockerfile, Layer, Stage, StageRef
from dlint.rule import Finding, RuleMeta

from .._shared.install_steps import (
    BUILD_FILES,
    MANIFESTS,
    InstallStep,
    install_steps,
)

META = RuleMeta(
    code="DF101",
    name="layer-cache-order",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("performance", "build-cache"),
    precision="high",
)

_WHOLE = frozenset({".", "./", "*", "./*", "/"})
_ALL_MANIFESTS = tuple(p for patterns in MANIFESTS.values() for p in patterns)
_PREPARE = {
    "maven": "resolve them with `mvn dependency:go-offline`",
    "gradle": "resolve them with `gradle dependencies`",
    "cargo": "fetch them with `cargo fetch` (or build a dependency-only crate)",
    "dotnet": "restore them with `dotnet restore`",
    "poetry": "install them with `poetry install --no-root`",
    "uv": "install them with `uv sync --no-install-project`",
    "pdm": "install them with `pdm install --no-self`",
    "pip": "install them from a requirements file",
}


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    base = posixpath.basename(path)
    return any(fnmatchcase(path, p) or ("/" not in p and fnmatchcase(base, p)) for p in patterns)


def _is_manifest(path: str, patterns: tuple[str, ...] = _ALL_MANIFESTS) -> bool:
    return _matches(path, patterns)


def _trusted_files(df: Dockerfile) -> tuple[str, ...] | None:
    """The context listing, when it is believable as this Dockerfile's context.

    The listing is a guess (the Dockerfile's folder). If it holds nothing but
    build files, or misses a file the Dockerfile copies, the real context is
    elsewhere (``docker build -f sub/Dockerfile .``) and the listing is unused.
    """
    ctx: BuildContext = df.context
    files = ctx.files
    if files is None or all(_matches(f, BUILD_FILES) for f in files):
        return None
    for stage in df.stages:
        for layer in stage.layers:
            if layer.kind == "run" or layer.copy_from is not None:
                continue
            for source in layer.sources:
                if source.kind != "context" or source.unresolved:
                    continue
                found = ctx.matching(source.path)
                ignored = ctx.dockerignore is not None and ctx.dockerignore.ignores(source.path)
                if not found and not ignored and source.path.strip() not in _WHOLE:
                    return None
    return files


@dataclass(frozen=True, slots=True)
class _Copy:
    layer: Layer
    stage: int  # index of the stage the COPY is in
    whole: bool  # brings in the whole context
    files: tuple[str, ...] | None  # what it brings, when the context is known
    what: str  # how the message names it


def _context_copy(
    layer: Layer, stage: int, ctx: BuildContext, files: tuple[str, ...] | None
) -> _Copy | None:
    if layer.copy_from is not None:
        return None
    sources = [s for s in layer.sources if s.kind == "context"]
    if not sources:
        return None
    whole = any(s.path.strip() in _WHOLE for s in sources)
    brought: tuple[str, ...] | None = None
    if files is not None:
        known = BuildContext(ctx.root, ctx.dockerignore, files)
        collected: list[str] = []
        for s in sources:
            collected.extend(known.matching(s.path) or ())
        excludes = layer.instruction.flag_values("exclude")
        brought = tuple(f for f in collected if not any(fnmatchcase(f, e) for e in excludes))
    what = " ".join(s.path for s in sources)
    return _Copy(layer, stage, whole, brought, what)


def _brings_sources(copy: _Copy) -> bool:
    if copy.files is None:
        return True
    return any(not _is_manifest(f) and not _matches(f, BUILD_FILES) for f in copy.files)


def _breaks(copy: _Copy, step: InstallStep) -> bool:
    if not _brings_sources(copy):
        return False
    if copy.whole:
        return True
    if step.kind == "named" or copy.files is None:
        return False
    patterns = MANIFESTS.get(step.family, ())
    return any(_matches(f, patterns) for f in copy.files)


def _message(copy: _Copy, step: InstallStep, stage: Stage) -> str:
    keyword = copy.layer.instruction.keyword
    where = "the whole build context" if copy.whole else f"`{copy.what}`"
    line = step.command.span.line
    if stage.index != copy.stage:
        # the install is in a later stage built on the COPY's stage
        return (
            f"{keyword} brings in {where} before `{step.text}` (line {line}, in stage "
            f"{stage.label}, which builds on this one): every source change re-runs it. "
            f"Build that stage on a stage that has not copied the sources yet."
        )
    head = f"{keyword} brings in {where} before `{step.text}` (line {line})"
    if step.kind == "named":
        return (
            f"{head}, which needs no project files: every source change re-runs it. "
            f"Move that step above this {keyword}."
        )
    manifests = ", ".join(step.manifests) if step.manifests else "the dependency manifests"
    if step.kind == "project":
        how = _PREPARE.get(step.tool, "install them")
        return (
            f"{head}, which downloads every dependency again on each source change. "
            f"Copy {manifests} first and {how} in a step of its own, then copy the rest."
        )
    return (
        f"{head}: every source change re-runs the install. "
        f"Copy {manifests} first, run the install, then copy the rest."
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    files = _trusted_files(df)
    # What each stage leaves to the stages built on it: its context copies and
    # the ecosystems whose dependencies it installed.
    copies_by_stage: list[list[_Copy]] = []
    families_by_stage: list[set[str]] = []
    reported: set[int] = set()  # id() of copies already reported
    for stage in df.stages:
        copies: list[_Copy] = []
        installed: set[str] = set()
        if isinstance(stage.base, StageRef) and stage.base.index < len(copies_by_stage):
            copies.extend(copies_by_stage[stage.base.index])
            installed |= families_by_stage[stage.base.index]
        for layer in stage.layers:
            if layer.kind != "run":
                copy = _context_copy(layer, stage.index, df.context, files)
                if copy is not None:
                    copies.append(copy)
                continue
            cached = any(m.type == "cache" for m in layer.mounts)
            for step in install_steps(layer.script):
                if step.kind == "project" and (step.family in installed or cached):
                    continue
                for copy in copies:
                    if id(copy) not in reported and _breaks(copy, step):
                        reported.add(id(copy))
                        yield Finding(
                            copy.layer.instruction.span,
                            _message(copy, step, stage),
                        )
                if step.kind == "manifest":
                    installed.add(step.family)
        copies_by_stage.append(copies)
        families_by_stage.append(installed)
