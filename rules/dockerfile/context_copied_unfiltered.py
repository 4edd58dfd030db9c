"""The whole build context is copied into the image, and no `.dockerignore` filters it.

## What it does
In the stages whose layers make the image (the last stage and the stages it is
built `FROM`), reports a `COPY` or `ADD` of the whole build context (`.`, `./`,
`*` or `/` as a source, not `--from` another stage or image) when the context
has no `.dockerignore` (neither `<Dockerfile>.dockerignore` beside the
Dockerfile nor `.dockerignore` at the context's root). The finding is on the
source.

Not reported: a copy of named files or folders (`COPY src/ ./src/`), copies in
builder stages that later stages only `COPY --from` (what they copy does not
reach the image), and a Dockerfile whose build context dlint cannot read.

## Why is this bad?
Without a `.dockerignore`, everything in the folder goes into the layer: the
`.git` folder with the project's whole history, `.env` files and local
credentials, editor and OS files, and build output (`node_modules`, `dist`,
`target`) that the image then ships twice. The image is larger, any file in
the folder can leak with it, and every change to any file, even one the image
never uses, invalidates the cache of this layer and of all the layers after
it. A `.dockerignore` that leaves out `.git`, secrets and build output fixes
all three.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY src/ ./src/
```

## Known limitations
The build context is the Dockerfile's folder unless a Compose service says
otherwise: a Dockerfile built with another context (`docker build -f
docker/Dockerfile .`) is judged with its own folder's `.dockerignore`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.stages import shipped

META = RuleMeta(
    code="DF402",
    name="context-copied-unfiltered",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("security", "image-size", "performance"),
    precision="medium",
    preview=True,
)

_WHOLE = frozenset({".", "*", "/"})


def check(df: Dockerfile) -> Iterator[Finding]:
    context = df.context
    if context.dockerignore is not None or context.unreadable is not None:
        return
    if context.files is None:
        return  # dlint could not read the context: nothing is known of it
    images = shipped(df)
    for stage in df.all_stages:
        if stage.index not in images:
            continue
        for layer in stage.layers:
            if layer.kind == "run" or layer.copy_from is not None:
                continue
            for source in layer.sources:
                if source.kind != "context":
                    continue
                path = posixpath.normpath(source.path.strip() or ".")
                if path in _WHOLE or path == "/*":
                    yield Finding(
                        source.span,
                        f"`{layer.instruction.keyword} {source.path}` copies the whole build "
                        "context and no .dockerignore filters it: add one that leaves out "
                        ".git, secrets and build output.",
                    )
