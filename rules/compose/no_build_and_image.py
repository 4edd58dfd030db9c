"""A service sets both `build` and `image` without a `pull_policy`.

## What it does
Reports a service that has both `build:` and `image:` and no `pull_policy:`
(dclint's `no-build-and-image`), at the `image:` value. Override files and
`extends` are merged first: a `build:` from an override beside the base file's
`image:` is the same service. With the option `check-pull-policy` off, a
`pull_policy:` does not excuse the pair.

## Why is this bad?
When a service has both, Compose follows `pull_policy`; without one, it looks
for the image first (locally, then in the registry) and builds only when it
finds none. `docker compose up` then runs whatever image of that name it
finds, a stale local build or someone else's image on Docker Hub, not the code
in the build context, unless you remember `--build`. Say which one you mean:
`pull_policy: build` to always build (the image name then only tags the
build), `pull_policy: missing` or `never` to use the local image, or keep only
one of the two keys.

Naming the built image (`image: ghcr.io/acme/api:${TAG}` to push it with
`docker compose push`) is a common and deliberate use of the pair, which is
why the rule is off by default.

## Example
```yaml
services:
  api:
    build: .
    image: ghcr.io/acme/api:1.4
```

## Use instead
```yaml
services:
  api:
    build: .
    image: ghcr.io/acme/api:1.4
    pull_policy: build
```

## Options
- `check-pull-policy` (boolean, default `true`): a service that sets
  `pull_policy:` may have both `build:` and `image:`. dclint's
  `checkPullPolicy`.

## Known limitations
An `image:` made only of variables without a value (`image: ${IMAGE}`) names
no image and is not reported; one whose tag or name has a variable without a
value (`image: ${REGISTRY}/api:${TAG}`) still names one and is reported.

## Differences from dclint
dclint reports at the `build:` line; dlint reports at the `image:` value, and
reads the merged service, so a `build:` in `compose.override.yaml` beside an
`image:` in `compose.yaml` is found. dclint also reports `image: ${IMAGE}`
when `IMAGE` has no value, which names no image.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.ir.yaml import YScalar, node_text
from dlint.rule import Finding, Option, RuleMeta

META = RuleMeta(
    code="DC009",
    name="no-build-and-image",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("compose", "build"),
    precision="medium",
    dclint=True,
    default_enabled=False,
    options=(
        Option(
            "check-pull-policy",
            "bool",
            True,
            "A service that sets `pull_policy` may have both `build` and `image`.",
        ),
    ),
)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    excuse = bool(options.get("check-pull-policy", True))
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        for service in compose.services:
            build = service.get("build")
            image = service.get("image")
            if build is None or not isinstance(image, YScalar):
                continue
            # `image: ${IMAGE}` without a value names no image; `${NAME}:${TAG}` does
            if not (node_text(image) or "").strip(" :/"):
                continue
            if isinstance(build, YScalar) and build.value is None:
                continue
            if excuse and service.get("pull_policy") is not None:
                continue
            where = (image.file, image.span.line, image.span.column)
            if where in seen:
                continue
            seen.add(where)
            yield Finding(
                image.span,
                f"service {service.name!r} sets both build and image {quote(image.written)} "
                "without a pull_policy: Compose runs an existing image of that name (local "
                "or pulled) and builds only when there is none; set `pull_policy: build` to "
                "always build, or keep only one of the two.",
                path=image.file,
            )
