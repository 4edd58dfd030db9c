"""A FROM image is named by its tag only, not pinned by digest.

## What it does
Reports a `FROM` image with no `@sha256:...` digest (`FROM python:3.12-slim`).
The image is judged after substitution of the global `ARG`s: `ARG
BASE=python:3.12@sha256:...` then `FROM ${BASE}` is pinned.

Not reported: `scratch`, a `FROM` that names an earlier stage, and an image
whose end is a variable with no known value (`FROM ${BASE}`,
`FROM python:${TAG}`): the value given on the command line may hold a digest.

The rule is off by default: select it (`extend-select = ["DF804"]`) where
builds must be reproducible, and let a bot (Renovate, Dependabot) update the
digests.

## Why is this bad?
A tag is a name that the image's publisher moves: `python:3.12-slim` points
to a new image with every patch release and every rebuild of the operating
system packages, and an attacker who gets into the publisher's account can
point it anywhere. Two builds of the same Dockerfile can then start from
different images. A digest names the image's content: the build either gets
that exact image or fails. Keep the tag beside the digest
(`python:3.12-slim@sha256:...`) so that readers, and update bots, still see
the version.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3
```

## Use instead
```dockerfile
FROM python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8
RUN pip install --no-cache-dir flask==3.0.3
```

## Known limitations
- `COPY --from=<image>` and `RUN --mount=from=<image>` pull images too; they
  are not checked.
- An image that another step of the same pipeline builds locally (`ARG
  BUILD_BASE_IMAGE=app-build:7.0` then `FROM ${BUILD_BASE_IMAGE}`) is reported
  too, although it has no digest to pin yet: suppress the finding there, or
  pass the image as a build context (`--build-context`).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.image import ImageRef
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import references

META = RuleMeta(
    code="DF804",
    name="base-image-not-pinned-by-digest",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("reproducibility", "supply-chain"),
    precision="very-high",
    default_enabled=False,
    preview=True,
)


def _open_end(written: str, unresolved: tuple[str, ...], escape: str) -> bool:
    """Whether the reference ends with a variable that has no known value (which
    may bring a digest)."""
    refs = references(written, escape)
    if not refs or refs[-1].name not in unresolved:
        return False
    return refs[-1].end >= len(written.rstrip("\"'"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ref, ins = stage.base, stage.from_instruction
        if not isinstance(ref, ImageRef) or ins is None or not ins.args:
            continue
        written = ins.args[0].value
        if ref.digest is not None or (not ref.valid and not ref.unresolved):
            continue
        if ref.unresolved and _open_end(written, ref.unresolved, df.escape):
            continue
        if ref.unresolved or written == ref.text:
            shown = f"`{written}`"
        else:
            shown = f"`{written}` (`{ref.text}`)"
        tag = "a tag" if ref.tag is not None or ref.unresolved else "its implicit `latest` tag"
        yield Finding(
            ref.span,
            f"Base image {shown} is named by {tag}, which its publisher can move to another "
            "image: pin it by digest (`@sha256:...`) and keep the tag for readers.",
        )
