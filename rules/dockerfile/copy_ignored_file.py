"""COPY or ADD names a file that .dockerignore leaves out of the build context.

## What it does
Reports a `COPY` or `ADD` source taken from the build context (not
`--from`, not a URL or a Git repository) that the build's `.dockerignore`
excludes: the path itself or a folder above it matches a pattern
(`<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's
`.dockerignore`, as in BuildKit). BuildKit's `CopyIgnoredFile` check, with its
limits: nothing is reported when the ignore file has `!` exceptions (a
folder may be excluded and a file in it brought back), and the whole context
(`COPY . .`) is reported only when the ignore file excludes everything (`*`,
`**` or `**/*`).

The check is experimental in BuildKit, and off by default here too: select it,
or turn it on for a file with `# check=experimental=CopyIgnoredFile`.

## Why is this bad?
The builder never receives an excluded file: `COPY` of a single excluded
file fails with "not found", and a wildcard or a folder silently copies less
than it says. Either the `.dockerignore` pattern is too broad or the `COPY`
asks for something that should not be in the image (a `.env` file, local
build output): one of them has to change.

## Example
```text
# file: .dockerignore
*.md
```
```dockerfile
FROM nginx:1.27-alpine
COPY README.md /usr/share/nginx/html/
```

## Use instead
```text
# file: .dockerignore
*.md
```
```dockerfile
FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
```

## Differences from BuildKit
- A source written with a leading `/` (`COPY /config.yaml .`) is matched
  without it, as the build context sends it; BuildKit's check misses it.
- A source whose variables have no known value is not checked.
- The finding points at the source. When the source sits on a continuation
  line, it starts at the instruction (the line BuildKit reports) and ends at
  the source.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.context import DockerIgnore, IgnorePattern
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import on_first_line

META = RuleMeta(
    code="DF401",
    name="copy-ignored-file",
    scope="dockerfile",
    severity=Severity.WARNING,
    default_enabled=False,  # experimental in BuildKit
    tags=("correctness", "build-context", "buildkit-check"),
    precision="high",
    buildkit=("CopyIgnoredFile",),
)

# patterns that exclude the whole context, so that `COPY . .` copies nothing
_EVERYTHING = frozenset({"*", "**", "**/*"})


def _pattern(ignore: DockerIgnore, path: str) -> IgnorePattern | None:
    """The first pattern that excludes ``path``, for the message."""
    for pattern in ignore.patterns:
        if DockerIgnore(ignore.path, (pattern,)).ignores(path):
            return pattern
    return None


def check(df: Dockerfile) -> Iterator[Finding]:
    ignore = df.context.dockerignore
    if ignore is None or df.context.unreadable is not None or ignore.has_exclusions:
        return
    everything = next((p for p in ignore.patterns if p.text in _EVERYTHING), None)
    name = posixpath.basename(ignore.path)
    for stage in df.stages:
        for layer in stage.layers:
            if layer.kind == "run" or layer.copy_from is not None:
                continue
            ins = layer.instruction
            for source in layer.sources:
                if source.kind != "context" or source.unresolved or not source.path.strip():
                    continue
                path = posixpath.normpath(source.path.strip())
                if path.lstrip("/") in ("", "."):
                    pattern = everything
                elif ignore.ignores(path):
                    pattern = _pattern(ignore, path)
                else:
                    continue
                if pattern is None:
                    continue
                yield Finding(
                    on_first_line(ins, source.span),
                    f"{ins.keyword} source `{source.path}` is excluded from the build "
                    f"context by `{pattern.text}` ({name} line {pattern.line}), so the "
                    "builder never gets it: narrow the pattern, or stop copying it.",
                )
