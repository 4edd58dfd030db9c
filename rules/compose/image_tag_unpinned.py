"""A service runs an image without a tag or with the tag latest.

## What it does
Reports a service whose `image:` has no tag and no digest (`image: redis`,
which Compose pulls as `redis:latest`) or the tag `latest` without a digest.
An image pinned by digest is not reported.

Not reported:

- a service with `build:`: its `image:` names what the build produces, not
  something pulled;
- a service whose `image:` is the build output of another service of the
  project;
- an image whose name or tag comes from a variable (`${IMAGE}`,
  `app:${TAG}`): the version is chosen where the variable is set.

## Why is this bad?
`latest` is not a version: it moves to each new release, so two machines (or
two `docker compose pull`s) run different software from the same file, and a
new major release can break the service or migrate its data without any change
to the Compose file. It also hides which version runs, which makes rollbacks
and vulnerability reports harder.

## Example
```yaml
services:
  cache:
    image: redis
  web:
    image: nginx:latest
```

## Use instead
```yaml
services:
  cache:
    image: redis:7.4-alpine
  web:
    image: nginx:1.27
```

## Known limitations
Other floating tags (`stable`, `edge`, `alpine`, a major version such as `16`)
are not reported: only a missing tag and `latest` are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import mask

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject

META = RuleMeta(
    code="DC310",
    name="image-tag-unpinned",
    scope="project",
    severity=Severity.WARNING,
    tags=("security", "reproducibility", "supply-chain"),
    precision="high",
)


def _built(project: ComposeProject) -> set[str]:
    """The image names services with ``build:`` give their output."""
    out = set()
    for service in project.services:
        if service.get("build") is not None and service.image is not None:
            out.add(service.image.text)
            out.add(service.image.name)
    return out


def _project(project: ComposeProject, seen: set[tuple[str, int, int]]) -> Iterator[Finding]:
    built = _built(project)
    for service in project.services:
        ref, node = service.image, service.image_node
        if ref is None or node is None or service.get("build") is not None:
            continue
        if not ref.valid or ref.digest is not None:
            continue
        if ref.tag is not None and ref.tag != "latest":
            continue
        written = node.written if node.written is not None else node.value
        last = mask(written).split("@", 1)[0].rsplit("/", 1)[-1]
        if "\0" in last or ref.unresolved:
            continue  # the name or the tag comes from a variable
        if ref.text in built or (ref.tag is None and ref.name in built):
            continue  # another service builds it
        key = (node.file, node.span.line, node.span.column)
        if key in seen:
            continue
        seen.add(key)
        what = "has no tag, so Compose pulls `latest`" if ref.tag is None else "uses `latest`"
        yield Finding(
            node.span,
            f"service {service.name!r} image {node.shown} {what}, which moves to each new "
            "release: pin a version tag (or a digest).",
            path=node.file,
        )


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        yield from _project(compose, seen)
