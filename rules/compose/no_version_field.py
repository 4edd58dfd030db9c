"""A Compose file has a top-level `version:`, which Compose ignores.

## What it does
Reports the top-level `version` key of a Compose project (dclint's
`no-version-field`). The Compose Specification made it obsolete: `docker compose`
reads every file with the latest schema whatever `version` says, and warns
"the attribute `version` is obsolete, it will be ignored".

## Why is this bad?
The key says nothing true any more: `version: "2"` does not turn on version 2
behaviour, and `version: "3.8"` does not turn off keys that format lacked. A reader
(or a tool) that believes it draws wrong conclusions, and every `docker compose`
run prints a warning that hides the ones that matter. Delete the line.

## Example
```yaml
version: "3.8"
services:
  web:
    image: nginx:1.27
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
```
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC005",
    name="no-version-field",
    scope="project",
    reads=("compose",),
    severity=Severity.INFO,
    tags=("compose", "style"),
    precision="very-high",
    dclint=True,
)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        node = compose.node
        key = node.key_node("version") if node is not None else None
        if key is None:
            continue
        where = (key.file, key.span.line, key.span.column)
        if where in seen:  # a file shared by several projects (include, extends)
            continue
        seen.add(where)
        yield Finding(
            key.span,
            "`version` is obsolete: Compose ignores it and warns on every run; delete it.",
            path=key.file,
        )
