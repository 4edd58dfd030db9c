"""A build tool leaves its download or build cache in the image.

## What it does
In the stages whose layers make the image (the last stage and the stages it
is built `FROM`), and in every `ONBUILD RUN`, reports a command that fills a
build tool's cache in the layer:
- `npm install` and `npm ci`, which keep every package in `~/.npm`;
- `go build`, `go install` (the build cache `~/.cache/go-build` and the
  module cache `$GOPATH/pkg/mod`) and `go mod download` (the module cache);
- `cargo build`, `cargo install` and `cargo fetch`, which keep the crates in
  `$CARGO_HOME/registry` (`~/.cargo/registry`);
- `mvn` (and `./mvnw`) with a goal, which keeps every artifact in
  `~/.m2/repository`;
- `gradle` (and `./gradlew`) with a task, which keeps dependencies and the
  wrapper's distribution in `~/.gradle`.

Not reported when the cache stays out of the layer: the `RUN` mounts a cache
or tmpfs on it (`--mount=type=cache,target=/root/.npm`, or on the folder an
option or variable moved it to: `--cache`, `npm_config_cache`, `GOCACHE`,
`GOMODCACHE`, `GOPATH`, `CARGO_HOME`, `-Dmaven.repo.local`,
`--gradle-user-home`, `GRADLE_USER_HOME`), or a later command of the same
`RUN` removes it (`npm cache clean --force`, `go clean -cache -modcache`,
`rm -rf ~/.m2`). An offline build (`--offline`) downloads nothing and is not
reported either.

The caches of apt, apk, dnf, yum, zypper, pip and yarn have rules of their own
(`apt-lists-not-removed`, `apk-cache-kept`, `pip-cache-kept`,
`yarn-cache-kept`...) and are not reported again here.

## Why is this bad?
These caches only speed up the next download or compilation. In an image they
are dead weight, often larger than the application (hundreds of megabytes for
Go's build cache or Maven's repository), shipped with every pull. Removing
them in a later `RUN` does not help: the layer that wrote them keeps them. A
cache mount keeps the cache between builds, where it speeds them up, and out
of the image.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
```

## Known limitations
- A cache folder set in a configuration file (`.npmrc`, `settings.xml`,
  `gradle.properties`, `.cargo/config.toml`) is not read.
- A stage that only hands files to others (`COPY --from=build`) is not
  checked: its cache is not in the image, only in the build cache.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.caches import Cache, option_values
from .._shared.packages import Invocation, Opt, invocations
from .._shared.runs import Run, runs
from .._shared.stages import shipped

META = RuleMeta(
    code="DF102",
    name="package-cache-in-layer",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "npm", "go", "cargo", "maven", "gradle"),
    precision="high",
    preview=True,
)


def _parts(path: str) -> list[str]:
    return [p for p in posixpath.normpath(path).split("/") if p]


def _has(path: str, *names: str) -> bool:
    """Whether ``path`` has a folder named one of ``names``."""
    return any(p in names for p in _parts(path))


def _follows(path: str, first: tuple[str, ...], second: str) -> bool:
    """Whether a folder of ``path`` in ``first`` holds one named ``second``."""
    parts = _parts(path)
    return any(a in first and b == second for a, b in pairwise(parts))


def _env(run: Run, inv: Invocation, *names: str) -> set[str]:
    out: set[str] = set()
    for name in names:
        out.update(v for v in run.environment(inv.command, inv.program, name) or () if v)
    return out


def _never(inv: Invocation) -> bool:
    return False


# npm: ``~/.npm`` (``npm cache clean --force`` empties it)
_NPM = Cache(
    lambda p: _has(p, ".npm"),
    lambda inv: (
        inv.tool == "npm"
        and inv.subcommand == "cache"
        and bool(inv.operands)
        and inv.operands[0].value in ("clean", "clear", "rm")
    ),
)
# go: the build cache ``~/.cache/go-build`` and the module cache ``$GOPATH/pkg/mod``
_GO_BUILD = Cache(
    lambda p: _has(p, "go-build") or posixpath.basename(p) == ".cache",
    lambda inv: inv.tool == "go" and inv.subcommand == "clean" and inv.has("-cache"),
)
_GO_MOD = Cache(
    lambda p: _follows(p, ("pkg",), "mod"),
    lambda inv: inv.tool == "go" and inv.subcommand == "clean" and inv.has("-modcache"),
)
# cargo: ``$CARGO_HOME/registry`` (``~/.cargo``, ``/usr/local/cargo`` in rust images)
_CARGO = Cache(lambda p: _has(p, ".cargo") or _follows(p, ("cargo",), "registry"), _never)
_MAVEN = Cache(lambda p: _has(p, ".m2"), _never)
_GRADLE = Cache(lambda p: _has(p, ".gradle"), _never)


def _npm_folders(run: Run, inv: Invocation) -> set[str]:
    found = {v for v in option_values(run, inv, "--cache") if v}
    return found | _env(run, inv, "npm_config_cache", "NPM_CONFIG_CACHE")


def _go_build_folders(run: Run, inv: Invocation) -> set[str]:
    return _env(run, inv, "GOCACHE")


def _go_mod_folders(run: Run, inv: Invocation) -> set[str]:
    found = _env(run, inv, "GOMODCACHE")
    for gopath in _env(run, inv, "GOPATH"):
        found.update(posixpath.join(p, "pkg/mod") for p in gopath.split(":") if p)
    # GOPATH is often set by the base image (``/go`` in golang images), else ``~/go``
    return found or {"/go/pkg/mod", "/root/go/pkg/mod"}


def _cargo_folders(run: Run, inv: Invocation) -> set[str]:
    return {posixpath.join(h, "registry") for h in _env(run, inv, "CARGO_HOME")}


def _option_folders(run: Run, inv: Invocation) -> set[str]:
    """mvn's ``-Dmaven.repo.local=``, gradle's ``--gradle-user-home`` (and
    ``GRADLE_USER_HOME``): kept as the Invocation's options by ``_build_tool``."""
    found = {o.value for o in inv.options if o.value}
    if inv.tool == "gradle":
        found |= _env(run, inv, "GRADLE_USER_HOME")
    return found


@dataclass(frozen=True, slots=True)
class _BuildTool:
    """How mvn or gradle reads its command line: options that take a value, and where
    the cache folder can be given."""

    name: str
    programs: frozenset[str]
    valued: frozenset[str]
    folder_options: frozenset[str]  # options whose value is the cache folder
    folder_properties: frozenset[str]  # ``-Dname=folder``


_MAVEN_VALUED = frozenset(
    {"-f", "--file", "-s", "--settings", "-gs", "--global-settings", "-t", "--toolchains",
     "-gt", "--global-toolchains", "-P", "--activate-profiles", "-pl", "--projects", "-rf",
     "--resume-from", "-T", "--threads", "-l", "--log-file", "-b", "--builder", "-D",
     "--define", "-emp", "--encrypt-master-password", "-ep", "--encrypt-password"}
)  # fmt: skip
_GRADLE_VALUED = frozenset(
    {"-b", "--build-file", "-c", "--settings-file", "-g", "--gradle-user-home", "-p",
     "--project-dir", "-I", "--init-script", "-x", "--exclude-task", "--console",
     "--warning-mode", "--max-workers", "--include-build", "--project-cache-dir",
     "--priority", "-M", "--write-verification-metadata", "-F", "--dependency-verification",
     "-D", "--system-prop", "-P", "--project-prop", "--update-locks",
     "--configuration-cache-problems"}
)  # fmt: skip
_BUILD_TOOLS = (
    _BuildTool(
        "mvn",
        frozenset({"mvn", "mvnw", "mvnd"}),
        _MAVEN_VALUED,
        frozenset(),
        frozenset({"maven.repo.local"}),
    ),
    _BuildTool(
        "gradle",
        frozenset({"gradle", "gradlew"}),
        _GRADLE_VALUED,
        frozenset({"-g", "--gradle-user-home"}),
        frozenset(),
    ),
)
_OFFLINE = ("-o", "--offline")


def _build_tool(cmd: ShellCommand) -> Invocation | None:
    """``mvn``/``gradle`` (or their wrappers) run with a goal or task, as an Invocation
    whose subcommand is the first goal and whose options are the cache folders it is
    given; None for anything else, and for offline runs."""
    argv = cmd.unwrapped()
    program = cmd.unwrapped_program()
    if program is None:
        return None
    tool = next((t for t in _BUILD_TOOLS if program in t.programs), None)
    if tool is None:
        return None
    goal: ShellWord | None = None
    folders: list[Opt] = []
    i = 1
    while i < len(argv):
        word = argv[i]
        text = word.value
        i += 1
        if text is None:
            continue  # ``$MAVEN_ARGS``: options, most likely
        name, eq, value = text.partition("=")
        if text in _OFFLINE:
            return None
        if text.startswith("-D") and len(text) > 2:  # -Dname=value
            key, _, val = text[2:].partition("=")
            if key in tool.folder_properties and val:
                folders.append(Opt(key, word, val))
            continue
        if text.startswith("-P") and len(text) > 2 and tool.name == "gradle":
            continue
        if text.startswith("-"):
            if name in tool.valued and not eq:
                following = argv[i] if i < len(argv) else None
                i += 1
                if name in tool.folder_options and following is not None and following.value:
                    folders.append(Opt(name, word, following.value, following))
            elif name in tool.folder_options and value:
                folders.append(Opt(name, word, value))
            continue
        if goal is None:
            goal = word
    if goal is None:
        return None
    return Invocation(tool.name, cmd, argv[0], goal.value, goal, tuple(folders), ())


def _head(inv: Invocation) -> Span:
    """The program and its subcommand (``go mod download``: the three words), on one
    line."""
    span = inv.head
    if inv.tool == "go" and inv.subcommand == "mod" and inv.operands:
        last = inv.operands[0].span
        if last.line == span.end_line:
            span = span.cover(last)
    return span


def _fills_npm(inv: Invocation) -> bool:
    return (
        inv.subcommand in ("install", "ci")
        and inv.subcommand_word is not None
        and not inv.unknown
        and not inv.has("--offline", "--help", "-h")
    )


def _go(inv: Invocation) -> str | None:
    """What a go command fills: "both" caches, "mod" only, or None."""
    if inv.unknown:
        return None
    if inv.subcommand in ("build", "install"):
        return "both"
    if inv.subcommand == "mod" and inv.operands and inv.operands[0].value == "download":
        return "mod"
    return None


_FIX = {
    "npm": "mount a cache on it (`RUN --mount=type=cache,target=/root/.npm`) or run "
    "`npm cache clean --force` after it in the same RUN",
    "cargo": "mount a cache on it (`RUN --mount=type=cache,target=/usr/local/cargo/registry`)",
    "mvn": "mount a cache on it (`RUN --mount=type=cache,target=/root/.m2`)",
    "gradle": "mount a cache on it (`RUN --mount=type=cache,target=/root/.gradle`)",
}
_WHAT = {
    "npm": "its package cache (`~/.npm`)",
    "cargo": "its registry cache (`$CARGO_HOME/registry`)",
    "mvn": "every downloaded artifact (`~/.m2/repository`)",
    "gradle": "its dependency cache and distribution (`~/.gradle`)",
}
_NAMES = {"npm": "npm", "cargo": "cargo", "mvn": "Maven", "gradle": "Gradle"}


def _kept(
    run: Run,
    cache: Cache,
    found: list[Invocation],
    folders: Callable[[Run, Invocation], set[str]],
    outputs: list[Span] | None = None,
) -> set[int]:
    return cache.kept(run, found, folders, outputs or ()) if found else set()


def _printing(invs: list[Invocation], subcommand: str, *words: str) -> list[Span]:
    """Commands that print where a cache is (``go env GOCACHE``, ``npm config get
    cache``): ``rm -rf "$(...)"`` of their output removes it."""
    return [
        inv.command.span
        for inv in invs
        if inv.subcommand == subcommand
        and tuple(w.value for w in inv.operands[: len(words)]) == words
    ]


def _go_findings(run: Run, every: list[Invocation]) -> Iterator[Finding]:
    gos = [inv for inv in every if _go(inv) is not None]
    builds = [i for i, inv in enumerate(gos) if _go(inv) == "both"]
    printed = _printing(every, "env", "GOCACHE")
    kept_build = _kept(run, _GO_BUILD, [gos[i] for i in builds], _go_build_folders, printed)
    printed = _printing(every, "env", "GOMODCACHE") + _printing(every, "env", "GOPATH")
    kept_mod = _kept(run, _GO_MOD, gos, _go_mod_folders, printed)
    build_kept = {builds[k] for k in kept_build}
    for i, inv in enumerate(gos):
        caches = []
        if i in build_kept:
            caches.append("build cache (`~/.cache/go-build`)")
        if i in kept_mod:
            caches.append("module cache (`$GOPATH/pkg/mod`)")
        if not caches:
            continue
        mounts = []
        if i in build_kept:
            mounts.append("--mount=type=cache,target=/root/.cache/go-build")
        if i in kept_mod:
            mounts.append("--mount=type=cache,target=/go/pkg/mod")
        yield Finding(
            _head(inv),
            f"go keeps its {' and '.join(caches)} in the image: mount a cache on "
            f"{'them' if len(caches) > 1 else 'it'} (`RUN {' '.join(mounts)}`).",
        )


def check(df: Dockerfile) -> Iterator[Finding]:
    images = shipped(df)
    for run in runs(df):
        if run.onbuild is None and run.stage.index not in images:
            continue  # a stage that only hands files on: its cache goes away with it
        every = list(invocations(run.script, "npm", "go", "cargo"))
        npms = [inv for inv in every if inv.tool == "npm" and _fills_npm(inv)]
        gos = [inv for inv in every if inv.tool == "go"]
        cargos: list[Invocation] = []
        for inv in every:
            if (
                inv.tool == "cargo"
                and inv.subcommand is not None
                and not inv.unknown
                and not inv.has("--offline", "--frozen")
            ):
                cargos.append(inv)
        builds = [b for c in run.script.commands if (b := _build_tool(c)) is not None]
        maven = [b for b in builds if b.tool == "mvn"]
        gradle = [b for b in builds if b.tool == "gradle"]
        found: list[tuple[Invocation, str]] = []
        npm_cache = _printing(every, "config", "get", "cache")
        for tool, cache, invs, folders, printed in (
            ("npm", _NPM, npms, _npm_folders, npm_cache),
            ("cargo", _CARGO, cargos, _cargo_folders, []),
            ("mvn", _MAVEN, maven, _option_folders, []),
            ("gradle", _GRADLE, gradle, _option_folders, []),
        ):
            kept = _kept(run, cache, invs, folders, printed)
            found.extend((invs[i], tool) for i in sorted(kept))
        for inv, tool in found:
            yield Finding(
                _head(inv),
                f"{_NAMES[tool]} keeps {_WHAT[tool]} in the image: {_FIX[tool]}.",
            )
        yield from _go_findings(run, gos)
