"""A service's container runs as root.

## What it does
Decides the user each Compose service's container runs as, and reports the
services that run as root:

- the service's `user:` decides when it is set: `root`, `0`, or either with a
  group (`root:root`, `0:0`, `0:docker`) is reported at the value; any other
  user is not;
- otherwise, for a service that builds a Dockerfile dlint read, the last
  `USER` of the stage it builds (its `target`, else the last stage) and of
  the stages that stage is built `FROM` decides. With no `USER` anywhere in
  that chain, the base image decides: `scratch`, and the well-known images that
  run as root (the OS images `alpine`, `debian`, `ubuntu`, `fedora`...; the
  language images `python`, `node`, `golang`, `rust`, `ruby`, `php` (its
  `cli` variants), `openjdk`, `eclipse-temurin`, `maven`, the .NET images of
  `mcr.microsoft.com/dotnet/`, the distroless images other than `nonroot`...)
  are reported at the service's `build` key.

The `user:` check is compose-lint's CL-0018; the Dockerfile part is what no
single-file linter can see: `root-user-last` (DL3002) only reports a `USER root`
that is written, not a Dockerfile that never sets a user.

## Why is this bad?
Root in a container is the host's root user, confined only by namespaces,
capabilities and seccomp. A flaw in the application, or in a package it pulls
in, then gets root inside the container: it can rewrite the application,
read every mounted secret, and write to any host folder that is mounted; a
container escape gives root on the host. Most images that run as root do so
because nobody chose another user: add a `USER` to the Dockerfile (or
`user:` to the service) with an unprivileged user that owns only what the
application writes.

## Example
```yaml
# file: compose.yaml
services:
  api:
    build: ./api
```

```dockerfile
# file: api/Dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "-m", "api"]
```

## Use instead
```yaml
# file: compose.yaml
services:
  api:
    build: ./api
```

```dockerfile
# file: api/Dockerfile
FROM python:3.12-slim
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY . .
USER app
CMD ["python", "-m", "api"]
```

## Known limitations
- A service that only names an `image:` (no `build:`) and sets no `user:`
  is not reported: the user an image runs as is in its configuration, which
  dlint does not download.
- A Dockerfile whose last `USER` is root is not reported here: `root-user-last`
  (DL3002) reports that `USER` in the Dockerfile, where the fix goes.
- A base image outside the short list above is not judged, and neither are
  images whose main process starts as root by design and hands the work to
  an unprivileged user (`nginx`, `httpd`, `php` `apache`/`fpm` variants,
  `postgres`, `redis`...).
- An image that drops root in its entrypoint (with `gosu`, `su-exec`,
  `setpriv`, `s6-setuidgid`...) is not reported when its Dockerfile mentions
  such a tool, nor when it runs `supervisord`, `nginx`, `apache2`, `httpd` or
  `php-fpm`; an entrypoint script that uses `su` is not seen.
- A `FROM` that uses a build argument is not judged when the service's
  `build.args` may change it, nor a stage chain with any `USER` (one with a
  variable included), and a `dockerfile_inline` build is not
  read.
- A variant file read on its own (`compose.prod.yaml`) is not reported for a
  service that the project's base file, in the same folder, gives a `user:`:
  the variant is merged over it with `-f`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.image import DEFAULT_REGISTRY, ImageRef
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YScalar
from dlint.rule import Finding, RuleMeta

from .._shared.stages import ancestry

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject, Service

META = RuleMeta(
    code="DC311",
    name="container-runs-as-root",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "privileges"),
    precision="high",
    security_severity=5.0,
)

# Docker Hub images that set no USER and whose entrypoint does not drop root
_ROOT_IMAGES = frozenset(
    {
        # operating systems
        "alpine", "debian", "ubuntu", "centos", "fedora", "rockylinux", "almalinux",
        "amazonlinux", "oraclelinux", "busybox", "archlinux", "opensuse/leap",
        "opensuse/tumbleweed", "photon", "clearlinux", "mageia", "buildpack-deps",
        # language runtimes and build tools
        "python", "pypy", "node", "golang", "rust", "ruby", "php", "openjdk",
        "eclipse-temurin", "amazoncorretto", "ibmjava", "sapmachine", "maven", "gradle",
        "perl", "elixir", "erlang", "haskell", "gcc", "swift", "julia", "bash",
        "clojure",
    }
)  # fmt: skip
_DOTNET = frozenset({"dotnet/sdk", "dotnet/runtime", "dotnet/aspnet", "dotnet/runtime-deps"})
_REDHAT = ("registry.access.redhat.com", "registry.redhat.io")
_UBI = re.compile(r"^ubi\d+(?:/ubi|/ubi-minimal|/ubi-micro|/ubi-init)?$|^ubi\d+-(?:minimal|micro)$")

# Tools that run a command as another user: an entrypoint that uses one likely drops
# root; and servers whose master process keeps root by design while workers drop it
_DROPS_ROOT = re.compile(
    r"(?<![\w-])(?:gosu|su-exec|setpriv|runuser|chpst|s6-setuidgid|setuser|supervisord"
    r"|s6-overlay|nginx|apache2(?:ctl)?|httpd|php-fpm\d*(?:\.\d+)?)(?![\w-])"
)


def _root_user(user: str) -> bool:
    name = user.strip().split(":", 1)[0].strip()
    return name in ("root", "0")


def _root_image(ref: ImageRef) -> bool:
    """Whether ``ref`` is a well-known image that runs its command as root."""
    if ref.unresolved or not ref.valid:
        return False
    tag = (ref.tag or "latest").lower()
    if "nonroot" in tag or "non-root" in tag or "rootless" in tag:
        return False
    if ref.registry == DEFAULT_REGISTRY:
        name = ref.name
        if name.startswith("redhat/ubi"):
            return _UBI.match(name[len("redhat/") :]) is not None
        if name not in _ROOT_IMAGES:
            return False
        # php's apache and fpm variants run a server that hands requests to www-data
        return not (name == "php" and ("apache" in tag or "fpm" in tag))
    if ref.registry == "mcr.microsoft.com":
        # the chiseled and distroless .NET images run as the `app` user
        return ref.repository in _DOTNET and not ("chiseled" in tag or "distroless" in tag)
    if ref.registry in _REDHAT:
        return _UBI.match(ref.repository) is not None
    # distroless: the `nonroot` tags were set aside above
    return ref.registry == "gcr.io" and ref.repository.startswith("distroless/")


def _words(ins: Instruction) -> Iterator[str]:
    """What an instruction names that could be a program: a RUN's command words (read
    through the shell IR, heredoc bodies included), the arguments of the others."""
    if ins.script is not None:
        for command in ins.script.commands:
            for word in command.argv:
                yield word.value if word.value is not None else word.text
        return
    for arg in ins.args:
        yield arg.value
    if ins.keyword in ("COPY", "ADD"):
        for doc in ins.heredocs:  # a file the image gets (an entrypoint script), not shell
            yield doc.content


def _drops_root(chain: tuple[Stage, ...]) -> bool:
    """Whether the image may drop root itself: its Dockerfile installs or runs a tool
    that switches users, or a server whose master process keeps root by design.

    A RUN is read word by word; a shell-form CMD or ENTRYPOINT, which the IR keeps as
    one command line, and a file written from a heredoc are searched for the names: a
    mention there only ever keeps the rule silent."""
    for stage in chain:
        for ins in stage.instructions:
            target = ins.trigger if ins.trigger is not None else ins
            if target.keyword not in ("RUN", "COPY", "ADD", "ENTRYPOINT", "CMD"):
                continue
            for word in _words(target):
                if _DROPS_ROOT.search(word.lower()):
                    return True
    return False


def _dockerfile_verdict(df: Dockerfile, stage: Stage, service: Service) -> str | None:
    """Why the stage's image runs as root, for a message; None when it does not or
    dlint cannot tell."""
    args_given = _build_args(service)
    chain = ancestry(df, stage)
    if any(link.windows for link in chain):
        return None  # Windows containers have no root user
    for link in chain:
        for ins in reversed(link.instructions):
            if ins.keyword == "ONBUILD" and ins.trigger is not None:
                if ins.trigger.keyword == "USER" and link is not stage:
                    return None  # runs when a later stage is built FROM this one
                continue
            if ins.keyword == "USER":
                # an explicit root USER is reported in the Dockerfile (DL3002)
                return None
    root = chain[-1]
    base = root.base
    if isinstance(base, StageRef):
        return None  # a stage dlint could not follow
    if args_given and root.from_instruction is not None and "$" in root.from_instruction.text:
        return None  # a build argument may change the base image
    if base is not None and not _root_image(base):
        return None
    if _drops_root(chain):
        return None
    shown = "scratch" if base is None else base.shown
    return f"no USER after FROM {shown}"


def _build_args(service: Service) -> bool:
    node = service.get("build")
    return isinstance(node, YMapping) and node.get("args") is not None


def _compose_user(service: Service) -> YScalar | bool | None:
    """The service's `user:` when it is root; False when it is set to another user or
    to a value dlint cannot know; None when it is not set."""
    node = service.get("user")
    if not isinstance(node, YScalar) or node.value is None or not node.text.strip():
        return None  # not set (or not a string: the schema rule reports that)
    if node.unresolved:
        return False
    return node if _root_user(node.text) else False


def _stage_name(df: Dockerfile, stage: Stage) -> str:
    if stage.name:
        return f"stage {stage.name!r}"
    return "the last stage" if stage.index == len(df.stages) - 1 else f"stage {stage.index}"


@dataclass(frozen=True, slots=True)
class _SetsUser:
    """A project that is not a variant, in ``directory``, gives ``service`` a `user:`."""

    directory: str
    service: str


@dataclass(frozen=True, slots=True)
class _RunsAsRoot:
    """A finding about ``service``; in a variant (``directory`` set), unless a project
    of its folder gives that service a `user:`: the variant is likely merged over it
    with `-f`, and that `user:` then applies."""

    finding: Finding
    directory: str | None
    service: str


def _shown_path(path: str, compose: ComposeProject) -> str:
    """The Dockerfile's path from the project's folder, the way `build:` names it."""
    return posixpath.relpath(path, compose.directory) if compose.directory else path


def _service(compose: ComposeProject, service: Service) -> Finding | None:
    user = _compose_user(service)
    if isinstance(user, YScalar):
        return Finding(
            user.span,
            f"service {service.name!r} runs as root (user: {user.written}): set `user:` to an "
            "unprivileged user, or remove it and set USER in the image.",
            path=user.file,
        )
    if user is not None:
        return None
    build = service.build
    if build is None or build.image is None or build.stage is None or build.gap is not None:
        return None
    why = _dockerfile_verdict(build.image, build.stage, service)
    if why is None:
        return None
    key = service.node.key_node("build")
    span, path = (key.span, key.file) if key is not None else (build.span, build.file)
    return Finding(
        span,
        f"service {service.name!r} builds {_stage_name(build.image, build.stage)} of "
        f"{_shown_path(build.image.path, compose)}, which runs as root ({why}): add a USER with an unprivileged "
        "user to the Dockerfile, or set `user:` on the service.",
        path=path,
    )


def gather(project: Project) -> Iterator[_SetsUser | _RunsAsRoot]:
    for compose in project.compose:
        for service in compose.services:
            if not compose.fragment and service.get("user") is not None:
                yield _SetsUser(compose.directory, service.name)
            finding = _service(compose, service)
            if finding is not None:
                variant = compose.directory if compose.fragment else None
                yield _RunsAsRoot(finding, variant, service.name)


def check(facts: Sequence[_SetsUser | _RunsAsRoot]) -> Iterator[Finding]:
    users = {(f.directory, f.service) for f in facts if isinstance(f, _SetsUser)}
    seen: set[tuple[str, int, int]] = set()
    for fact in facts:
        if not isinstance(fact, _RunsAsRoot) or (fact.directory, fact.service) in users:
            continue
        finding = fact.finding
        where = (finding.path or "", finding.span.line, finding.span.column)
        if where not in seen:
            seen.add(where)
            yield finding
