"""An image is pulled from a registry that is not in the trusted list.

## What it does
When `trusted-registries` is set, reports every image pulled from another
registry: `FROM` base images, `COPY --from=<image>`, `RUN --mount=from=<image>`
(cache and bind mounts), and the `image:` of Compose services that have no
`build:` (a service that builds names its own result with `image:`; the images
its Dockerfile pulls are checked there).

An image without a registry (`ubuntu`, `bitnami/redis`) comes from Docker
Hub, which is trusted when the list names `docker.io` or `hub.docker.com`
(`index.docker.io` and `registry-1.docker.io` count as Docker Hub too). An
entry may start or end with `*`: `*.corp.example` trusts every subdomain,
`registry.corp.*` every registry whose name starts that way, and `*` alone
trusts everything. Names compare case-insensitively.

Not reported: `scratch`, references to a build stage (`FROM build`,
`COPY --from=build`, `--from=0`), and references that still hold a variable
with no known value. With an empty list (the default) the rule reports nothing.

## Why is this bad?
Every image pulled into a build or a deployment runs code in your
environment. An organisation that vets, mirrors or scans images in its own
registries loses that protection for any image pulled from elsewhere, and a
public registry can serve a different image under the same tag tomorrow.

## Example
Options: {"trusted-registries": ["ghcr.io"]}
```dockerfile
FROM python:3.12-slim
COPY --from=quay.io/prometheus/node-exporter:v1.8.2 /bin/node_exporter /usr/local/bin/
```

## Use instead
Options: {"trusted-registries": ["ghcr.io"]}
```dockerfile
FROM ghcr.io/example/python:3.12-slim
COPY --from=ghcr.io/example/node-exporter:v1.8.2 /bin/node_exporter /usr/local/bin/
```

## Options
- `trusted-registries` (list of strings, default `[]`): the registries images
  may come from, each a host name (with its port, if any) or a pattern with a
  leading or trailing `*`. hadolint's `trustedRegistries`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Flag, Instruction, Layer, StageRef
from dlint.ir.image import DEFAULT_REGISTRY, ImageRef
from dlint.ir.project import Project
from dlint.rule import Finding, Option, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject

META = RuleMeta(
    code="DL3026",
    name="untrusted-registry",
    scope="project",
    severity=Severity.ERROR,
    tags=("security", "supply-chain"),
    redirects=("DF201",),
    precision="very-high",
    security_severity=5.0,
    options=(
        Option(
            "trusted-registries",
            "list[str]",
            [],
            "Registries images may come from (host[:port], or a pattern with a leading or "
            "trailing `*`); empty: the rule is off.",
            required=True,
        ),
    ),
)

_DOCKER_HUB = ("docker.io", "hub.docker.com", "index.docker.io", "registry-1.docker.io")


def _matches(pattern: str, registry: str) -> bool:
    pattern = pattern.strip().lower()
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return registry.endswith(pattern[1:])
    if pattern.endswith("*"):
        return registry.startswith(pattern[:-1])
    return registry == pattern


def _trusted(ref: ImageRef, patterns: list[str]) -> bool:
    names = {ref.registry.lower()}
    if ref.registry == DEFAULT_REGISTRY:
        first, sep, _ = ref.text.partition("/")
        if sep and first.lower() in _DOCKER_HUB:
            names.add(first.lower())
        names.update(_DOCKER_HUB)
    return any(_matches(p, name) for p in patterns for name in names)


def _message(what: str, ref: ImageRef, patterns: list[str]) -> str:
    if ref.registry == DEFAULT_REGISTRY:
        where = "Docker Hub (docker.io)"
    else:
        where = f"registry `{ref.registry}`"
    trusted = ", ".join(f"`{p}`" for p in patterns)
    return (
        f"{what} `{ref.text}` is pulled from {where}, which is not a trusted registry "
        f"(trusted-registries: {trusted})."
    )


def _value_span(flag: Flag) -> Span:
    """The span of a flag's value (the whole flag when it is not on one line as written)."""
    span = flag.span
    value = flag.value or ""
    if span.line == span.end_line and span.end_column - span.column == len(flag.name) + 3 + len(
        value
    ):
        return Span(span.line, span.end_column - len(value), span.line, span.end_column)
    return span


def _mount_from(flag: Flag) -> tuple[str, Span] | None:
    """``from=`` of a ``--mount`` flag as written, with its span."""
    value = flag.value or ""
    whole = _value_span(flag)
    if whole == flag.span or '"' in value:
        # written over several lines or quoted: the flag is the best place
        for part in value.split(","):
            key, eq, val = part.partition("=")
            if eq and key.strip().lower() == "from":
                return val.strip(), flag.span
        return None
    offset = 0
    for part in value.split(","):
        key, eq, val = part.partition("=")
        if eq and key.strip().lower() == "from":
            start = whole.column + offset + len(key) + 1
            return val, Span(whole.line, start, whole.line, start + len(val))
        offset += len(part) + 1
    return None


def _is_stage(df: Dockerfile, text: str) -> bool:
    return text.isdigit() or df.stage_named(text) is not None


def _dockerfile(df: Dockerfile, patterns: list[str]) -> Iterator[Finding]:
    for stage in df.stages:
        base = stage.base
        if isinstance(base, ImageRef) and not base.unresolved and not _trusted(base, patterns):
            yield Finding(base.span, _message("base image", base, patterns), path=df.path)
    layers: dict[Span, Layer] = {
        layer.instruction.span: layer for stage in df.stages for layer in stage.layers
    }
    for ins in df.instructions:
        yield from _copy_from(df, ins, layers.get(ins.span), patterns)
        yield from _mounts(df, ins, patterns)


def _copy_from(
    df: Dockerfile, ins: Instruction, layer: Layer | None, patterns: list[str]
) -> Iterator[Finding]:
    flag = ins.flag("from") if ins.keyword == "COPY" else None
    if flag is None or not flag.value:
        return
    span = _value_span(flag)
    if "$" in flag.value:
        # a variable: what it stands for is known only inside a stage
        copied = layer.copy_from if layer is not None else None
        if not isinstance(copied, ImageRef) or copied.unresolved:
            return
        ref = ImageRef.parse(copied.text, span)
    else:
        ref = ImageRef.parse(flag.value, span)
    if (layer is not None and isinstance(layer.copy_from, StageRef)) or _is_stage(df, ref.text):
        return
    if ref.text.lower() == "scratch" or _trusted(ref, patterns):
        return
    yield Finding(span, _message("COPY --from image", ref, patterns), path=df.path)


def _mounts(df: Dockerfile, ins: Instruction, patterns: list[str]) -> Iterator[Finding]:
    if ins.keyword != "RUN":
        return
    for flag in ins.flags:
        if flag.name != "mount":
            continue
        found = _mount_from(flag)
        if found is None:
            continue
        text, span = found
        if not text or "$" in text or _is_stage(df, text) or text.lower() == "scratch":
            continue
        ref = ImageRef.parse(text, span)
        if not _trusted(ref, patterns):
            yield Finding(span, _message("mount source image", ref, patterns), path=df.path)


def _compose(project: ComposeProject, patterns: list[str]) -> Iterator[Finding]:
    for service in project.services:
        ref, node = service.image, service.image_node
        if service.build is not None or ref is None or node is None or node.unresolved:
            continue
        if ref.unresolved or _trusted(ref, patterns):
            continue
        yield Finding(
            node.span,
            _message(f"service {service.name!r} image", ref, patterns),
            path=node.file,
        )


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    value = options.get("trusted-registries") or []
    patterns = [value] if isinstance(value, str) else [str(p) for p in value]
    patterns = [p for p in patterns if p.strip()]
    if not patterns:
        return
    for df in project.dockerfiles:
        yield from _dockerfile(df, patterns)
    for compose in project.compose:
        yield from _compose(compose, patterns)
