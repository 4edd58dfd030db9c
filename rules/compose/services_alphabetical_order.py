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

## Fix
Moves the services into alphabetical order (safe: the order of services changes
nothing Compose does). Each service moves with the comments at its indent directly
above it and the more indented comments after it; blank lines between services stay
where they are. No fix is offered where which lines belong to which service is
unclear: services written in flow style, a `<<` merge key or a less indented
comment between services, a service whose alias would come before its anchor
(`api: *web` moved above `web: &web`), an alias on a line of its own below its
name, a duplicated name, a `|+` block scalar, or a comment at the top of the file
directly above a first service that moves.

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

from .._shared.ordering import collation_key, misplaced, name_of, own_pairs, services_of
from .._shared.reorder import documents_with_text, mapping_entries, reorder, sorted_order

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
    fixable=True,
)


def check(project: Project) -> Iterator[Finding]:
    for root, text in documents_with_text(project):
        services = services_of(root)
        if services is None:
            continue
        pairs = own_pairs(services)
        names = [name_of(key) for key, _ in pairs]
        found = list(misplaced(names))
        if not found:
            continue
        order = sorted_order([collation_key(n) for n in names])
        fix = None
        if text is not None:
            fix = reorder(
                text, services, mapping_entries(pairs), order, "Sort the services by name"
            )
        for index, before in found:
            key = pairs[index][0]
            yield Finding(
                key.span,
                f"service {names[index]!r} should come before {before!r}: "
                "keep services in alphabetical order.",
                path=key.file,
                fix=fix,
            )
