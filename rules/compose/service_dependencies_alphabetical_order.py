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
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence
from dlint.rule import Finding, RuleMeta

from .._shared.ordering import (
    misplaced,
    name_of,
    own_pairs,
    written_documents,
    written_member,
    written_services,
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
)


def _entries(node: YNode) -> list[tuple[str, YScalar | None]]:
    """(name, node to report) of each entry, as dclint reads them."""
    if isinstance(node, YSequence):
        return [(name_of(i), i) if isinstance(i, YScalar) else ("", None) for i in node.items]
    if isinstance(node, YMapping):
        return [(name_of(k), k) for k, _ in own_pairs(node)]
    return []


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()  # an entry an alias brings to several services
    for root in written_documents(project):
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
                )
