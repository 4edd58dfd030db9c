"""The image has no HEALTHCHECK.

## What it does
Reports a build stage that can end up as an image and has no `HEALTHCHECK`,
neither its own nor one inherited from a stage it is built `FROM` (hadolint's
DL3057). `HEALTHCHECK NONE` counts: it says on purpose that there is none.

A stage counts as an image when no later stage uses it (with `FROM`,
`COPY --from` or `RUN --mount=from=`): the last stage, and the other targets
that `docker build --target` may pick. Stages that only feed others (build
stages) never run as containers and are not reported.

This rule is off by default: select it (`DL3057` or `healthcheck-missing`) to
use it.

## Why is this bad?
Without a health check, Docker and Compose only know whether the container's
process is running, not whether the service inside answers: a hung server stays
"up", `depends_on: condition: service_healthy` cannot wait for it, and Swarm
cannot replace it.

## Example
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```

## Differences from hadolint
hadolint also reports the stages that other stages only copy from or mount
(build stages, which never run as a container), and a stage that later stages
are built `FROM` when none of them adds a `HEALTHCHECK` (dlint reports those
later stages, the images that run, instead). Like dlint, it accepts a stage
that a stage with a `HEALTHCHECK` is built from.

## Known limitations
A `HEALTHCHECK` set by an external base image is unknown: the stage is
reported even when its base image has one.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import last
from .._shared.stages import nearest, used

META = RuleMeta(
    code="DL3057",
    name="healthcheck-missing",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("reliability", "operations"),
    precision="medium",
    default_enabled=False,
)


def check(df: Dockerfile) -> Iterator[Finding]:
    later = used(df)
    checked = nearest(df, (s.index for s in df.stages if last(s, "HEALTHCHECK") is not None))
    for stage in df.stages:
        if stage.index in later or stage.index in checked:
            continue
        what = f"Stage `{stage.name}`" if stage.name else f"Stage {stage.index}"
        yield Finding(
            stage.head.span,
            f"{what} has no HEALTHCHECK: add one (or `HEALTHCHECK NONE` to say "
            "there is none on purpose) so Docker can tell when the service stops answering.",
        )
