"""A service's image is named by its tag only, not pinned by digest.

## What it does
Reports a service whose `image:` has no `@sha256:...` digest
(`image: postgres:16.4`), the Compose counterpart of
`base-image-not-pinned-by-digest` (DF804).

Not reported:

- a service with `build:`: its `image:` names what the build produces;
- a service whose `image:` is the build output of another service of the
  project;
- an image whose name or tag comes from a variable (`${IMAGE}`,
  `app:${TAG}`): the value may hold a digest.

The rule is off by default: select it (`extend-select = ["DC312"]`) where
deployments must be reproducible, and let a bot (Renovate, Dependabot) update
the digests. An image without any tag, or with `latest`, is reported by
`service-image-require-explicit-tag` (DC310) as well.

## Why is this bad?
A tag is a name that the image's publisher moves: `postgres:16.4` points to a
new image with every rebuild of the operating system packages, and an attacker
who gets into the publisher's account can point it anywhere. Two hosts that
pull the same Compose file a day apart can run different images. A digest
names the image's content: the pull either gets that exact image or fails.
Keep the tag beside the digest (`postgres:16.4@sha256:...`) so that readers,
and update bots, still see the version.

## Example
```yaml
services:
  db:
    image: postgres:16.4
```

## Use instead
```yaml
services:
  db:
    image: postgres:16.4@sha256:3a8e29b7ab1e3bd6e4a1c5a4ec3c6a2bc7e45f8b5a5bcfa51d1f7b1e1c3ae6f2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import built_images, pulled_image

META = RuleMeta(
    code="DC312",
    name="service-image-not-pinned-by-digest",
    scope="project",
    reads=("compose",),
    severity=Severity.INFO,
    tags=("reproducibility", "supply-chain"),
    precision="very-high",
    default_enabled=False,
    preview=True,
)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        built = built_images(compose)
        for service in compose.services:
            pulled = pulled_image(service, built)
            if pulled is None or pulled[0].digest is not None:
                continue
            ref, node = pulled
            key = (node.file, node.span.line, node.span.column)
            if key in seen:
                continue
            seen.add(key)
            yield Finding(
                node.span,
                f"service {service.name!r} image {node.shown} is named by a tag, which its "
                f"publisher can move to another image: pin it by digest "
                f"(`{ref.shown}@sha256:...`) and keep the tag for readers.",
                path=node.file,
            )
