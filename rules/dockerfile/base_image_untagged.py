"""A FROM image has neither a tag nor a digest.

## What it does
Reports a `FROM` whose image has no tag and no digest (`FROM ubuntu`), so that
Docker pulls `:latest`. The image is judged after substitution of the global
`ARG`s: `ARG BASE=python` then `FROM ${BASE}` is reported, and
`ARG BASE=python:3.12` then `FROM ${BASE}` is not.

Not reported: `scratch`, a `FROM` that names an earlier stage (`FROM build`),
and an image that still holds a variable with no known value (an `ARG` with no
default, given only on the command line).

## Why is this bad?
Without a tag the build uses whatever `latest` points to on the day it runs.
Two builds of the same Dockerfile can then get different operating systems or
language versions, and a new major release of the base image can break the
build, or the application, without any change to the Dockerfile.

## Example
```dockerfile
FROM ubuntu
RUN apt-get update
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update
```

## Fix
With the option `tags` (image name -> tag: `{"ubuntu" = "24.04"}`), appends the tag
the config names to an image written without variables (`FROM ubuntu` ->
`FROM ubuntu:24.04`). Unsafe: another base image is built on. Without the option,
or for an image the option does not name, there is no fix.

## Differences from hadolint
- hadolint skips every image that starts with `$`, whatever the variable
  holds. dlint substitutes the global `ARG`s it knows and judges the result,
  and skips only an image whose variables have no known value: with
  `ARG BASE_IMAGE=quay.io/org/base` then `FROM $BASE_IMAGE`, a plain
  `docker build` pulls `quay.io/org/base:latest`, and dlint reports it.
- hadolint reports a `FROM` that builds a stage name from a variable
  (`ARG VARIANT=slim`, `FROM build-${VARIANT}` after `FROM ... AS build-slim`)
  as an untagged image. dlint substitutes the variable, finds the stage, and
  does not report it: a stage needs no tag.
- hadolint compares stage names as written, so `FROM golang:1.23 AS Build`
  then `FROM build` is reported. Docker compares them case-insensitively, and
  so does dlint.
- hadolint reads the port of a registry as a tag, so
  `FROM localhost:5000/team/app` passes. dlint reports it.

## Known limitations
- `FROM name` may also name a build context given on the command line or in
  a Compose or Bake file (`--build-context name=...`), which needs no tag;
  dlint does not see those and reports the name. Suppress the finding there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.image import ImageRef
from dlint.rule import Edit, Finding, Fix, Option, RuleMeta

META = RuleMeta(
    code="DL3006",
    name="base-image-untagged",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain"),
    precision="very-high",
    fixable=True,
    options=(
        Option(
            "tags",
            "dict[str,str]",
            {},
            "The tag to pin each image to (`ubuntu` -> `24.04`): the unsafe fix appends it.",
        ),
    ),
)


def _pin(ref: ImageRef, written: str, tags: Mapping[str, str]) -> Fix | None:
    """The fix that appends the tag the config names, for an image written plainly."""
    tag = tags.get(ref.name) or tags.get(ref.text)
    if not tag or written != ref.text or ref.span.line != ref.span.end_line:
        return None
    if not all(c.isalnum() or c in "._-" for c in tag) or len(tag) > 128:
        return None  # not a tag Docker takes
    end = Span.point(ref.span.end_line, ref.span.end_column)
    return Fix(f"Pin `{ref.text}:{tag}`", (Edit(end, f":{tag}"),), safe=False)


def check(df: Dockerfile, options: Mapping[str, Any]) -> Iterator[Finding]:
    tags = options.get("tags") or {}
    for stage in df.stages:
        ref, ins = stage.base, stage.from_instruction
        if not isinstance(ref, ImageRef) or ins is None or not ins.args:
            continue
        if ref.unresolved or not ref.valid or ref.tag is not None or ref.digest is not None:
            continue
        written = ins.args[0].value
        also = f" (`{written}`)" if written != ref.text else ""
        yield Finding(
            ref.span,
            f"Base image `{ref.text}`{also} has no tag, so the build gets whatever `latest` "
            f"is that day: pin a version, e.g. `{ref.text}:<version>`.",
            fix=_pin(ref, written, tags),
        )
