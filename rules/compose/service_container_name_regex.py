"""A `container_name` that Docker refuses as a container name.

## What it does
Reports a service's `container_name` that does not match Docker's pattern for
container names, `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`: it must start with a letter
or a digit, hold only letters, digits, `_`, `.` and `-`, and be at least two
characters long (one leading `/` is allowed). A name built from variables is
checked on its value, and the message quotes it as the file writes it; a name
whose variables have no value is not reported.

## Why is this bad?
The Docker daemon checks every container name against this pattern: `docker
compose up` fails with "Invalid container name (...), only
[a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" when it creates the container, after
the other services may have started. The Compose file format's schema only
looks for two valid characters somewhere in the name, so `docker compose
config` does not catch a space, a `:` or a leading `_`.

## Example
```yaml
services:
  api:
    image: ghcr.io/acme/api:1.4
    container_name: acme api
```

## Use instead
```yaml
services:
  api:
    image: ghcr.io/acme/api:1.4
    container_name: acme-api
```

## References
- moby: `RestrictedNamePattern` in `daemon/names`, checked by the daemon's
  `reserveName` on the name without its leading `/`.

## Differences from dclint
dclint checks the name as written, so it reports `container_name:
${NAME}`; dlint checks the value the variables give, and skips a name whose
variables have no value. dclint also refuses a leading `/`, which Docker
strips.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.ir.yaml import YScalar, node_text
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC012",
    name="service-container-name-regex",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("compose", "correctness"),
    precision="very-high",
    dclint=True,
)

# moby: RestrictedNamePattern, checked on the name without its leading "/"
_NAME = re.compile(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+")


def _why(name: str) -> str:
    bare = name[1:] if name.startswith("/") else name
    if len(bare) < 2:
        return "it must be at least two characters long"
    if not bare[0].isascii() or not bare[0].isalnum():
        return f"it must start with a letter or a digit, not {bare[0]!r}"
    bad = sorted({c for c in bare if not (c.isascii() and (c.isalnum() or c in "_.-"))})
    return f"it holds {', '.join(repr(c) for c in bad)}"


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        for service in compose.services:
            node = service.node.get("container_name")
            if not isinstance(node, YScalar) or node.unresolved:
                continue
            name = node_text(node)
            # an empty name is no name: Compose names the container itself
            if not name or _NAME.fullmatch(name):
                continue
            where = (node.file, node.span.line, node.span.column)
            if where in seen:
                continue
            seen.add(where)
            # a substituted value may be a secret: say nothing of it
            why = "with the values of its variables" if node.raw is not None else _why(name)
            yield Finding(
                node.span,
                f"service {service.name!r} sets container_name {quote(node.written)}, which "
                f"Docker refuses as a container name ({why}): use only letters, digits, "
                "'_', '.' and '-', starting with a letter or a digit.",
                path=node.file,
            )
