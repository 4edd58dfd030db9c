"""A Go module is installed or run without a pinned version.

## What it does
Reports each remote package that `go install`, `go get` or `go run` names
without a version, or with a version that moves (`@latest`, `@upgrade`,
`@patch`, `@master`, `@main`, `@HEAD`), in `RUN` and `ONBUILD RUN`: for
`go run`, the package it runs (the words after it are the program's).

Not reported:
- local packages: `.`, `./...`, `../x`, `/src/x`, `~/x`, `$GOPATH/src/x`,
  `.go` files;
- for `go install` and `go run`, import paths whose first element has no dot
  (`myapp/cmd/server`, `std`, `tool`): the go command downloads only from
  hosts, so these are the main module's, GOPATH's or the standard library's
  (`go get` names modules to add to `go.mod`: all of its operands are
  checked);
- import paths under the GOPATH folder the `RUN` works in (`WORKDIR
  /go/src/github.com/org/app` then `go install github.com/org/app/cmd/x`);
- `go install pkg` and `go run pkg` without a version once the stage has a
  `go.mod` (copied in, bind-mounted into the `RUN`, or made by an earlier
  `go mod ...`): the go command then builds the version `go.mod` requires
  and never fetches a newer one (`go get pkg` does, and stays reported);
- `pkg@none` (`go get` removes that dependency), a version written with a
  variable dlint cannot know (`pkg@$VERSION`), and a word that is only such a
  variable (`"$PKG"`): what it holds is not known.

A variable the script sets itself is read: `V=latest && go install
golang.org/x/tools/gopls@$V` is reported, on the word that uses it.

A package whose path is written with a variable part
(`example.com/tools/${TOOL}`) is reported when it has no version, and so is
`${TOOL}@latest`.

## Why is this bad?
Without a version, the go command picks the newest one published that day:
two builds of the same Dockerfile get different code, and a release that
breaks your image can arrive without any change on your side.

## Example
```dockerfile
FROM golang:1.23
RUN go install golang.org/x/tools/gopls@latest
```

## Use instead
```dockerfile
FROM golang:1.23
RUN go install golang.org/x/tools/gopls@v0.16.2
```

## Differences from hadolint
- hadolint reports `@none`, which installs nothing; dlint does not. dlint
  also reports the moving queries `@upgrade` and `@patch` and the branch names
  `@master`, `@main` and `@HEAD`.
- Import paths with no dot in their first element given to `go install` or
  `go run`, paths under the GOPATH working folder, and `.go` files (`go run
  main.go`) are the build's own code or the standard library: hadolint
  reports them.
- A word that is only a variable (`"$PKG"`) is not reported, as in the apt and
  apk rules, unless the script sets it: hadolint reports it.
- hadolint reports `go install pkg` and `go run pkg` even where `go.mod` pins
  `pkg`.
- Each unpinned package is reported at its own place, not the whole `RUN`.

## Known limitations
dlint sees a `go.mod` only where the Dockerfile names it, or where a copied
folder of the build context holds one; a `go.mod` brought in any other way
(`COPY . .` when the context cannot be read, `git clone`) goes unseen, and
`go install pkg` is reported there as hadolint does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Layer, Stage, StageRef
from dlint.ir.shell import ShellScript, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.operands import HOLE, names, show
from .._shared.packages import Invocation, invocations
from .._shared.runs import Run, runs

META = RuleMeta(
    code="DL3062",
    name="go-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "go"),
    precision="high",
)

_MOVING = frozenset({"", "latest", "upgrade", "patch", "master", "main", "HEAD"})
_MODULE_FILES = ("go.mod", "go.work")


def _local(path: str, gopath_package: str | None, fetches: bool) -> bool:
    """Whether a package path names the build's own code (``fetches``: ``go get``, whose
    operands are modules to add to go.mod)."""
    if path in (".", "..") or path.startswith(("./", "../", "/", "~/")) or path.endswith(".go"):
        return True
    if not fetches and "." not in path.split("/", 1)[0]:
        return True  # no host: the main module, GOPATH or the standard library
    # under the GOPATH folder the RUN works in: the build's own package
    return bool(gopath_package) and (path + "/").startswith(f"{gopath_package}/")


def _gopath_package(workdir: str) -> str | None:
    """The import path of a working folder under a GOPATH (``/go/src/x.org/app``)."""
    _, sep, rest = workdir.partition("/src/")
    rest = rest.strip("/")
    return rest if sep and rest else None


def _packages(inv: Invocation) -> tuple[ShellWord, ...]:
    """The operands that name packages (``go run``: the first only)."""
    return inv.operands[:1] if inv.subcommand == "run" else inv.operands


def _is_module_file(path: str | None) -> bool:
    return bool(path) and posixpath.basename((path or "").rstrip("/")) in _MODULE_FILES


def _runs_go_mod(script: ShellScript | None, until: Span | None = None) -> bool:
    """Whether the script runs ``go mod ...`` (before ``until``, if given)."""
    return any(
        inv.subcommand == "mod" and (until is None or inv.command.span < until)
        for inv in invocations(script, "go")
    )


def _brings_module(df: Dockerfile, layer: Layer) -> bool:
    """Whether a step puts a ``go.mod`` in the image (or makes one)."""
    if layer.kind == "run":
        return _runs_go_mod(layer.script)
    for source in layer.sources:
        if _is_module_file(source.path):
            return True
        if source.kind == "context" and layer.copy_from is None:
            files = df.context.matching(source.path)
            if files and any(_is_module_file(f) for f in files):
                return True
    return False


class _Modules:
    """Where a go.mod comes into each stage, worked out once per stage."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        self.first: dict[int, Span | None] = {}  # stage -> its first step with a go.mod
        self.anywhere: dict[int, bool] = {}  # stage -> a go.mod in it or a stage below it

    def _first(self, stage: Stage) -> Span | None:
        if stage.index not in self.first:
            self.first[stage.index] = next(
                (s.instruction.span for s in stage.layers if _brings_module(self.df, s)), None
            )
        return self.first[stage.index]

    def _parent(self, stage: Stage) -> Stage | None:
        """The stage ``stage`` is built FROM (None: an image, or none)."""
        base = stage.base
        if isinstance(base, StageRef) and 0 <= base.index < stage.index:
            return self.df.stages[base.index]
        return None

    def _anywhere(self, stage: Stage | None) -> bool:
        """Whether a go.mod comes in a stage or the stages it is built on (each stage
        worked out once: ``ancestry`` per RUN would grow with RUNs x stages)."""
        chain: list[Stage] = []
        while stage is not None and stage.index not in self.anywhere:
            chain.append(stage)
            stage = self._parent(stage)
        found = stage is not None and self.anywhere[stage.index]
        for s in reversed(chain):
            found = found or self._first(s) is not None
            self.anywhere[s.index] = found
        return found

    def there(self, run: Run, layer: Layer, until: Span) -> bool:
        """Whether a go.mod is there when the command at ``until`` of ``run`` runs."""
        if any(
            m.type == "bind" and (_is_module_file(m.source) or _is_module_file(m.target))
            for m in run.mounts
        ):
            return True
        if _runs_go_mod(run.script, until):
            return True
        first = self._first(run.stage)
        if first is not None and first < layer.instruction.span:
            return True
        return self._anywhere(self._parent(run.stage))


def check(df: Dockerfile) -> Iterator[Finding]:
    layers = {layer.instruction.span: layer for stage in df.all_stages for layer in stage.layers}
    modules = _Modules(df)
    for run in runs(df):
        # an ONBUILD trigger runs in another build: its folder and go.mod are unknown
        layer = layers.get(run.instruction.span) if run.onbuild is None else None
        gopath_package = _gopath_package(layer.workdir) if layer is not None else None
        for inv in invocations(run.script, "go"):
            if inv.subcommand not in ("install", "get", "run"):
                continue
            module: bool | None = None  # worked out when needed
            for word in _packages(inv):
                for spec, sources, origin in names(run, word):
                    if not spec or spec.startswith("-") or any("@" in e for e in sources):
                        continue  # an option, or a version that comes with a variable
                    path, at, version = spec.partition("@")
                    if HOLE in version or (at and version not in _MOVING):
                        continue  # a version (``pkg@$VERSION``), or ``pkg@none``: a removal
                    if HOLE in path.split("/", 1)[0]:
                        if not at:
                            continue  # ``$GOPATH/src/app``, ``${REPO}/cmd/x``: where is unknown
                    elif _local(path, gopath_package, inv.subcommand == "get"):
                        continue
                    if not at and inv.subcommand != "get" and layer is not None:
                        if module is None:
                            module = modules.there(run, layer, inv.command.span)
                        if module:
                            continue
                    yield Finding(
                        word.span,
                        f"`{show(spec, sources)}`{origin} has no pinned version: write "
                        f"`{show(path, sources)}@<version>` (a release tag or a commit).",
                    )
