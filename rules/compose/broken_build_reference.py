"""A service builds from a context, Dockerfile or stage that does not exist.

## What it does
For each service with `build:`, resolves the build context (relative to the
Compose file that wrote it), the Dockerfile (relative to the context) and the
`target` stage, and reports the first of them that cannot be found, or a
Dockerfile that cannot be read.

## Why is this bad?
`docker compose build` fails on it, and dlint cannot check the image that
service would run.

## Example
```yaml
services:
  api:
    build:
      context: ./api
      target: production
```

## Use instead
```yaml
# file: compose.yaml
services:
  api:
    build:
      context: ./api
      target: production
```

```dockerfile
# file: api/Dockerfile
FROM python:3.12-slim AS production
CMD ["python", "-m", "http.server"]
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import Build, BuildGap

META = RuleMeta(
    code="DC003",
    name="broken-build-reference",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("correctness", "compose", "project"),
    precision="very-high",
)


def _message(service: str, build: Build, gap: BuildGap) -> str:
    if gap.part == "context":
        shown = build.context.shown if build.context is not None else repr(".")
        return f"service {service!r}: build context {shown} {gap.reason}"
    if gap.part == "dockerfile":
        return f"service {service!r}: Dockerfile {build.dockerfile_path} {gap.reason}"
    assert build.target is not None
    return f"service {service!r}: target stage {build.target.shown} {gap.reason}"


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            build = service.build
            if build is not None and build.gap is not None:
                yield Finding(
                    build.gap.span, _message(service.name, build, build.gap), build.gap.file
                )
