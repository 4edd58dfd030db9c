"""A service runs an image without a tag, or with a tag that moves (`latest`).

## What it does
Reports a service whose `image:` has no tag and no digest (`image: redis`,
which Compose pulls as `redis:latest`), or a tag that names no version but a
channel that moves to each new release: by default `latest`, `stable`, `edge`,
`test`, `nightly`, `dev`, `beta`, `canary` and `lts` (dclint's list; the
`prohibited-tags` option changes it). An image pinned by digest is not
reported, whatever its tag.

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
and vulnerability reports harder. `stable`, `edge`, `nightly` and the like move
the same way.

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

## Options
- `prohibited-tags`: the tags reported as moving (compared ignoring case).

## Differences from dclint
dclint also reports the `image:` of a service that has `build:`; that name is
the tag the build gives its result, not an image pulled from a registry.

## Known limitations
Tags that name a variant rather than a version (`alpine`) and major-version
tags (`16`) move too, but more slowly and on purpose: they are not reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, Option, RuleMeta

from .._shared.compose_values import built_images, pulled_image

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject

# dclint's default list
_MOVING = ("latest", "stable", "edge", "test", "nightly", "dev", "beta", "canary", "lts")

META = RuleMeta(
    code="DC310",
    name="service-image-require-explicit-tag",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "reproducibility", "supply-chain"),
    precision="high",
    redirects=("image-tag-unpinned",),
    dclint=True,
    options=(
        Option(
            "prohibited-tags",
            "list[str]",
            list(_MOVING),
            "Tags that name no version but a channel that moves (compared ignoring case).",
        ),
    ),
)


def _project(
    project: ComposeProject, moving: frozenset[str], seen: set[tuple[str, int, int]]
) -> Iterator[Finding]:
    built = built_images(project)
    for service in project.services:
        pulled = pulled_image(service, built)
        if pulled is None:
            continue
        ref, node = pulled
        if ref.digest is not None or (ref.tag is not None and ref.tag.lower() not in moving):
            continue
        key = (node.file, node.span.line, node.span.column)
        if key in seen:
            continue
        seen.add(key)
        what = (
            "has no tag, so Compose pulls `latest`"
            if ref.tag is None
            else f"uses the tag `{ref.tag}`"
        )
        yield Finding(
            node.span,
            f"service {service.name!r} image {node.shown} {what}, which moves to each new "
            "release: pin a version tag (or a digest).",
            path=node.file,
        )


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    value = options.get("prohibited-tags")
    tags = _MOVING if value is None else [value] if isinstance(value, str) else value
    moving = frozenset(str(t).lower() for t in tags)
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        yield from _project(compose, moving, seen)
