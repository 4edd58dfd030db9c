"""Services are not in alphabetical order.

## What it does
Reports each service of a Compose file whose name sorts before the name of a
service written above it, at the service's name, and says which service it
should come before (dclint's `services-alphabetical-order`). Names compare
the way dclint compares them (JavaScript's `localeCompare`, the Unicode
collation): case is ignored except to break ties, where lower case comes
first, and `_`, `-` and `.` sort before digits and digits before letters.
Every Compose file of the project is read as it is written: an override,
included or extended file is checked on its own order. A service is reported
once even when its file belongs to several projects.

## Why is this bad?
In a file with many services, alphabetical order lets a reader find a service
without searching, and keeps the diffs of two people adding services apart.
It is a convention, not a correctness matter: the rule is off by default.

## Example
```yaml
services:
  web:
    image: nginx:1.27
  api:
    image: example/api:1.4
```

## Use instead
```yaml
services:
  api:
    image: example/api:1.4
  web:
    image: nginx:1.27
```

## Known limitations
Names with letters outside ASCII are compared by their base letter and then
by code point, which is close to the Unicode collation but not exact (the
Compose schema allows only ASCII letters, digits, `.`, `_` and `-` in
service names).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

from .._shared.ordering import misplaced, name_of, own_pairs, services_of, written_documents

META = RuleMeta(
    code="DC501",
    name="services-alphabetical-order",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
)


def check(project: Project) -> Iterator[Finding]:
    for root in written_documents(project):
        services = services_of(root)
        if services is None:
            continue
        pairs = own_pairs(services)
        names = [name_of(key) for key, _ in pairs]
        for index, before in misplaced(names):
            key = pairs[index][0]
            yield Finding(
                key.span,
                f"service {names[index]!r} should come before {before!r}: "
                "keep services in alphabetical order.",
                path=key.file,
            )
