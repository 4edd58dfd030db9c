"""A variable BuildKit substitutes has no value where it is used.

## What it does
Reports `$NAME` or `${NAME}` in an instruction whose arguments BuildKit
substitutes itself (`ADD`, `COPY`, `ENV`, `ARG` defaults, `LABEL`, `EXPOSE`,
`USER`, `VOLUME`, `WORKDIR`, `STOPSIGNAL`, and the `--chown`/`--chmod` of
`COPY` and `ADD`) when no `ARG` or `ENV` of the stage, or of the stages it is
built on, sets `NAME` at that point: BuildKit's `UndefinedVar` check.

BuildKit also knows the base image's environment, which dlint cannot read
offline, so dlint reports only the cases where the image cannot help:

- the stage starts `FROM scratch`, or from an official `alpine`, `debian`,
  `ubuntu` or `busybox` image (directly or through the stages it is built
  on), whose environment holds only `PATH`;
- `NAME` is one of BuildKit's automatic platform arguments (`TARGETARCH`,
  `TARGETOS`, `BUILDPLATFORM`...), which reach a stage only through an `ARG`
  in it;
- an `ARG` or `ENV` later in the same stage (or another pair of the same
  `ENV`) sets `NAME`: it is used before it is set;
- `NAME` is a global `ARG` (declared before the first `FROM`), which a stage
  sees only when it declares it again;
- `NAME` is a near-miss of a variable the Dockerfile sets (`$DIR_ASSET` for
  `DIR_ASSETS`, `$PAHT` for `PATH`).

Not reported: shell-form `RUN`, `CMD` and `ENTRYPOINT` (the shell expands
those), `ONBUILD` triggers, heredoc bodies, and, on any other base image,
names images commonly set (`HOME`, `LANG`, `JAVA_HOME`, proxy variables...)
and the version or home of software an image may install (`NODE_VERSION`,
`MAVEN_HOME`, or `APP_VERSION` on an image whose name has `app`).

## Why is this bad?
An unset variable is replaced with nothing, silently: `COPY app-$VERSION.jar
/app.jar` copies `app-.jar` (or fails), `WORKDIR $APP_HOME` works in `/`, and
`ENV PATH=$PAHT:/opt/bin` drops the whole system path.

## Example
```dockerfile
ARG VERSION=1.4.2
FROM eclipse-temurin:21-jre
COPY target/app-${VERSION}.jar /opt/app.jar
```

## Use instead
```dockerfile
ARG VERSION=1.4.2
FROM eclipse-temurin:21-jre
ARG VERSION
COPY target/app-${VERSION}.jar /opt/app.jar
```

## Differences from BuildKit
- BuildKit reads the base image's environment and reports every other
  unset variable too; dlint does not guess what an image sets, so it misses
  those. BuildKit also reports a heredoc body's variables (`COPY <<EOF`).
- BuildKit checks only the stages the build target needs; dlint checks every
  stage, since any of them can be built with `--target`.
- The finding points at the variable. When it sits on a continuation line, it
  starts at the instruction (the line BuildKit reports) and ends at the
  variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, Word
from dlint.ir.image import DEFAULT_REGISTRY, ImageRef
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import AUTOMATIC_ARGS, Spelling, on_first_line, piece
from .._shared.instructions import references
from .._shared.stages import parent

META = RuleMeta(
    code="DF302",
    name="undefined-var",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "variables", "buildkit-check"),
    precision="high",
    buildkit=("UndefinedVar",),
)

# instructions whose arguments BuildKit substitutes (ARG: its defaults)
_EXPANDED = frozenset(
    {"ADD", "ARG", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)
_FLAGS = frozenset({"chown", "chmod"})
# what base images commonly set in their environment: not reported on an image whose
# environment dlint does not know
_IMAGE_VARIABLES = frozenset(
    {
        "PATH", "HOME", "HOSTNAME", "USER", "SHELL", "TERM", "PWD", "TZ", "LANG", "LANGUAGE",
        "LC_ALL", "LC_CTYPE", "DEBIAN_FRONTEND", "container", "JAVA_HOME", "JAVA_VERSION",
        "JRE_HOME", "JDK_HOME", "CATALINA_HOME", "MAVEN_HOME", "MAVEN_CONFIG", "GRADLE_HOME",
        "GOPATH", "GOROOT", "GOTOOLCHAIN", "GOLANG_VERSION", "CARGO_HOME", "RUSTUP_HOME",
        "GEM_HOME", "BUNDLE_PATH", "BUNDLE_APP_CONFIG", "NODE_VERSION", "NODE_ENV",
        "YARN_VERSION", "NPM_CONFIG_PREFIX", "PYTHON_VERSION", "PYTHONPATH", "PIP_NO_CACHE_DIR",
        "PHP_INI_DIR", "PHPIZE_DEPS", "PGDATA", "PG_MAJOR", "PG_VERSION", "GPG_KEY",
        "DOTNET_ROOT", "CONDA_DIR", "NB_USER", "NB_UID", "NB_GID", "VIRTUAL_ENV", "APP_UID",
        "LD_LIBRARY_PATH", "http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy",
        "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
    }
)  # fmt: skip
# official images whose configuration sets no variable but PATH
_PATH_ONLY = frozenset({"library/alpine", "library/busybox", "library/debian", "library/ubuntu"})
# names ending so are what images set for their own software (RUBY_VERSION, MAVEN_HOME)
_IMAGE_SUFFIXES = ("_VERSION", "_HOME", "_MAJOR", "_MINOR", "_RELEASE", "_SHA256", "_URL")
# software that base images install and describe in their environment
_SOFTWARE = frozenset(
    {
        "ant", "aspnet", "aspnetcore", "bundler", "caddy", "cargo", "catalina", "conda",
        "docker", "dotnet", "elasticsearch", "elixir", "erlang", "gosu", "golang", "gradle",
        "haproxy", "httpd", "java", "jdk", "jre", "julia", "kafka", "kotlin", "lua", "mariadb",
        "maven", "mongo", "mysql", "nginx", "njs", "node", "npm", "openjdk", "otp", "perl",
        "pg", "php", "pip", "postgres", "python", "r", "redis", "ruby", "rubygems", "rust",
        "rustup", "sbt", "scala", "setuptools", "spark", "tini", "tomcat", "wheel", "yarn",
    }
)  # fmt: skip


def _words(ins: Instruction) -> Iterator[Word]:
    """The words of ``ins`` BuildKit substitutes variables in."""
    if ins.keyword == "ARG":
        yield from (default for _name, default in ins.declarations if default is not None)
        return
    if ins.keyword in ("ENV", "LABEL"):
        for key, value, _eq in ins.pairs:
            yield key
            yield value
        return
    if ins.keyword in ("COPY", "ADD"):
        for flag in ins.flags:
            if flag.name in _FLAGS and flag.value:
                yield Word(flag.value, flag.value_span or flag.span)
        for arg in ins.args:
            if not arg.value.lstrip("0123456789").startswith("<<"):  # a heredoc
                yield arg
        return
    yield from ins.args


def _bottoms(df: Dockerfile) -> dict[int, Stage]:
    """For each stage, the stage at the bottom of the FROM chain it is built on (itself
    when it starts from an image or scratch); one pass in file order."""
    out: dict[int, Stage] = {}
    for stage in df.stages:
        up = parent(df, stage)
        out[stage.index] = out.get(up.index, up) if up is not None else stage
    return out


def _root(root: Stage) -> str | None:
    """What a stage at the bottom of a FROM chain starts from: ``scratch``, the name of
    an official image whose environment holds only PATH (``alpine``), or None (another
    image: its environment is unknown)."""
    ins = root.from_instruction
    if ins is None or not ins.args:
        return None
    if root.base is None:
        return "scratch"
    if isinstance(root.base, ImageRef) and not root.base.unresolved and root.base.valid:
        base = root.base
        if base.registry == DEFAULT_REGISTRY and base.repository in _PATH_ONLY:
            return base.name
    return None


def _image_words(root: Stage) -> frozenset[str] | None:
    """The words of the name of the image a stage at the bottom of a FROM chain starts
    from (``{"eclipse", "temurin", ...}``); None when it is not known."""
    base = root.base
    if not isinstance(base, ImageRef) or base.unresolved or not base.valid:
        return None
    return frozenset(w for w in re.split(r"[^a-z0-9]+", base.repository.lower()) if w)


def _image_variable(name: str, image: frozenset[str] | None) -> bool:
    """Whether the base image may well set ``name``: a name images commonly set, or the
    version or home of software the image may install (``NODE_VERSION``, and
    ``APP_VERSION`` on an image whose name has ``app``, or whose name is unknown)."""
    if name in _IMAGE_VARIABLES:
        return True
    upper = name.upper()
    suffix = next((s for s in _IMAGE_SUFFIXES if upper.endswith(s)), None)
    if suffix is None:
        return False
    if image is None:
        return True
    words = {w for w in upper[: -len(suffix)].lower().split("_") if w}
    return bool(words & (_SOFTWARE | image))


class _File:
    """What the checks of one file share: its global ARGs and the names it sets."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        self.global_args: dict[str, int] = {}
        for ins in df.global_args:
            for name, _default in ins.declarations:
                self.global_args.setdefault(name.value, ins.span.line)
        self._spelling: Spelling | None = None
        self._closest: dict[str, str | None] = {}

    def closest(self, name: str) -> str | None:
        if name in self._closest:
            return self._closest[name]
        if self._spelling is None:
            names = {"PATH", *AUTOMATIC_ARGS, *self.global_args}
            for stage in self.df.stages:
                names.update(stage.variables.changes)
            self._spelling = Spelling(names)
        found = self._closest[name] = self._spelling.closest(name)
        return found


def _why(
    file: _File,
    root: str | None,
    image: frozenset[str] | None,
    later: dict[str, tuple[int, int]],
    name: str,
    ins: Instruction,
) -> str | None:
    """Why ``name`` has no value at ``ins`` (None: the base image may set it)."""
    if root is not None and name == "PATH":
        return None
    if name in AUTOMATIC_ARGS:
        return (
            f"is empty here: BuildKit's automatic platform arguments reach a stage only "
            f"through an ARG in it; add `ARG {name}` to this stage before using it"
        )
    if root is None and _image_variable(name, image):
        return None
    first = later.get(name)
    if first is not None and first == (ins.span.line, ins.span.column):
        return (
            "is set by this same instruction, which substitutes every variable before it "
            "sets any: set it in an instruction of its own before this one"
        )
    if first is not None and first > (ins.span.line, ins.span.column):
        return (
            f"is used before the ARG or ENV on line {first[0]} sets it, so it is empty here: "
            "declare it first"
        )
    line = file.global_args.get(name)
    if line is not None:
        return (
            f"is a global ARG (line {line}), which a stage sees only when it declares it "
            f"again: add `ARG {name}` to this stage"
        )
    hint = file.closest(name)
    if hint is not None:
        return f"is not set here (did you mean `{hint}`?)"
    if root is not None:
        built = "from scratch" if root == "scratch" else f"on `{root}`"
        return (
            f"is not set here: the stage is built {built}, whose environment holds only "
            "PATH, and no ARG or ENV before this sets it"
        )
    return None


def check(df: Dockerfile) -> Iterator[Finding]:
    file = _File(df)
    bottoms = _bottoms(df)
    for stage in df.stages:
        root = _root(bottoms[stage.index])
        image = _image_words(bottoms[stage.index]) if root is None else None
        later = {name: changes[0][0] for name, changes in stage.variables.changes.items()}
        for ins in stage.instructions:
            if ins.keyword not in _EXPANDED:
                continue
            for word in _words(ins):
                seen: set[str] = set()
                for ref in references(word.value, df.escape):
                    if ref.name in seen or stage.variables.at(ref.name, ins.span) is not None:
                        continue
                    seen.add(ref.name)
                    why = _why(file, root, image, later, ref.name, ins)
                    if why is None:
                        continue
                    yield Finding(
                        on_first_line(ins, piece(word.span, word.value, ref.start, ref.end)),
                        f"`${ref.name}` {why}.",
                    )
