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

## Fix
Deletes the line of `version:` (with a comment written on that line); the lines
around it, comments included, stay as they are (safe). No fix is offered when the
key is not at the start of its line (a flow mapping, an indented document), when its
value is not a scalar on that same line, or when the value is also used through an
alias.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity, Span
from dlint.ir.project import Project
from dlint.ir.yaml import YScalar, walk
from dlint.rule import Edit, Finding, Fix, RuleMeta

if TYPE_CHECKING:  # a run without Compose files does not import the Compose IR
    from dlint.ir.compose import ComposeProject

META = RuleMeta(
    code="DC005",
    name="no-version-field",
    scope="project",
    reads=("compose",),
    severity=Severity.INFO,
    tags=("compose", "style"),
    precision="very-high",
    dclint=True,
    fixable=True,
)


def _delete_line(compose: ComposeProject, key: YScalar) -> Fix | None:
    """Deleting the line ``key: value``, when that line holds nothing else (but a
    comment) and nothing else refers to the value."""
    root = dict(compose.documents).get(key.file)
    if root is None or not root.pairs or key.span.column != 1:
        return None
    first = root.pairs[0][0].span
    if (root.span.line, root.span.column) != (first.line, first.column):
        return None  # a flow mapping: `{version: "3", ...}`
    value = next((v for k, v in root.pairs if k.span == key.span and k.file == key.file), None)
    if not isinstance(value, YScalar) or value.file != key.file:
        return None
    line = key.span.line
    if value.span.line != line or value.span.end_line != line:
        return None  # an alias of a value written elsewhere, or a scalar over several lines
    on_line = [
        n for n in walk(root) if n.file == key.file and line in (n.span.line, n.span.end_line)
    ]
    if any(isinstance(n, YScalar) and n is not key and n is not value for n in on_line):
        return None  # something else written on that line
    if sum(1 for n in walk(root) if n.file == value.file and n.span == value.span) != 1:
        return None  # an anchor that an alias uses elsewhere
    return Fix("Delete the `version` line", (Edit(Span(line, 1, line + 1, 1), ""),))


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
            fix=_delete_line(compose, key),
        )
