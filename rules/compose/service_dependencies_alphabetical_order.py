"""The services under a `depends_on` are not in alphabetical order.

## What it does
Reports a service's `depends_on` (list or mapping) whose entries are not in
alphabetical order, once per list, at the first entry that sorts before an
entry above it, and says which entry it should come before (dclint's
`service-dependencies-alphabetical-order`). Names compare as dclint compares
them (JavaScript's `localeCompare`: case only breaks ties). Every Compose
file of the project is read as it is written (override, included and
extended files too). As in dclint, a `depends_on` written as an
alias (`depends_on: *shared`) is not checked.

## Why is this bad?
A sorted dependency list shows at a glance whether a service waits for the
database or the cache, and keeps two changes that add dependencies from
conflicting. It is a convention, not a correctness matter: the rule is off
by default.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    depends_on:
      - redis
      - db
  db:
    image: postgres:16
  redis:
    image: redis:7
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    depends_on:
      - db
      - redis
  db:
    image: postgres:16
  redis:
    image: redis:7
```

## Fix
Moves the entries of the `depends_on` list or mapping into alphabetical order
(safe: Compose starts services in the order of the dependency graph, not of the
list). Each entry moves with the comments at its indent directly above it and the
more indented comments after it; blank lines between entries stay where they are.
No fix is offered for a list in flow style (`[redis, db]`), an entry that is not a
name, an alias as a list entry (`- *db`) or on a line of its own below its key, a
`<<` merge key or a less indented comment between entries, or an alias that would
come before its anchor.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.ordering import (
    collation_key,
    misplaced,
    name_of,
    own_pairs,
    written_member,
    written_services,
)
from .._shared.reorder import (
    documents_with_text,
    mapping_entries,
    reorder,
    sequence_entries,
    sorted_order,
)

META = RuleMeta(
    code="DC504",
    name="service-dependencies-alphabetical-order",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
    fixable=True,
)


def _entries(node: YNode) -> list[tuple[str, YScalar | None]]:
    """(name, node to report) of each entry, as dclint reads them."""
    if isinstance(node, YSequence):
        return [(name_of(i), i) if isinstance(i, YScalar) else ("", None) for i in node.items]
    if isinstance(node, YMapping):
        return [(name_of(k), k) for k, _ in own_pairs(node)]
    return []


def _fix(text: str | None, depends: YNode, entries: list[tuple[str, YScalar | None]]) -> Fix | None:
    if text is None or any(node is None for _, node in entries):
        return None
    order = sorted_order([collation_key(name) for name, _ in entries])
    title = "Sort the dependencies by name"
    if isinstance(depends, YSequence):
        return reorder(text, depends, sequence_entries(depends.items), order, title)
    if isinstance(depends, YMapping):
        return reorder(text, depends, mapping_entries(own_pairs(depends)), order, title)
    return None


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()  # an entry an alias brings to several services
    for root, text in documents_with_text(project):
        for key, service in written_services(root):
            found = written_member(service, "depends_on")
            if found is None:
                continue
            depends_key, depends = found
            entries = _entries(depends)
            first = next(misplaced([n for n, _ in entries]), None)
            if first is None:
                continue
            at, before = first
            name, node = entries[at]
            target = node if node is not None else depends_key
            where = (target.file, target.span.line, target.span.column)
            if where not in seen:
                seen.add(where)
                yield Finding(
                    target.span,
                    f"`depends_on` of service {name_of(key)!r}: {name!r} should come "
                    f"before {before!r}; keep the dependencies in alphabetical order.",
                    path=target.file,
                    fix=_fix(text, depends, entries),
                )
