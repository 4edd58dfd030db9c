"""A Compose project has no top-level `name:`.

## What it does
Reports a Compose project none of whose files sets the top-level `name` key
(dclint's `require-project-name-field`). The finding is on the first key of
the project's main file (`compose.yaml`, `docker-compose.yml`...), once per
project. Override files (`compose.override.yaml`), files pulled in with
`include` or `extends`, and variant files read on their own
(`compose.prod.yaml`, usually merged over the main file with `-f`) are not
reported: they take the main file's name.

## Why is this bad?
Without `name:`, Compose names the project after the folder that holds the
file (lowercased, with characters other than letters, digits, `-` and `_`
removed). Container, network and volume names all start with it, so the same
file checked out in a folder named differently (a CI workspace, a second clone,
`app` vs `App-2`) starts a separate project: `docker compose down` no longer
finds the containers, and named volumes holding data seem to vanish because a
new, empty set is created under the new prefix.

## Example
```yaml
services:
  web:
    image: nginx:1.27
```

## Use instead
```yaml
name: shop
services:
  web:
    image: nginx:1.27
```

## Known limitations
A project named by `COMPOSE_PROJECT_NAME` (in the environment, or in the `.env`
file) or by `docker compose -p` is reported all the same: the file alone does
not carry its name.

## Differences from dclint
dclint reports every file without `name`, override and variant files included,
at line 1; dlint reports each project once, at its main file, and not when an
override file sets the name.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC508",
    name="require-project-name-field",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
)


def check(project: Project) -> Iterator[Finding]:
    seen: set[str] = set()
    for compose in project.compose:
        if compose.fragment or not compose.files:
            continue
        merged = compose.node
        if merged is not None and merged.key_node("name") is not None:
            continue  # an override file may set it
        main = compose.files[0]
        root = dict(compose.documents).get(main)
        if root is None or not root.pairs or main in seen:
            continue
        seen.add(main)
        first = root.pairs[0][0]
        yield Finding(
            first.span,
            f"the project has no top-level `name:`: Compose names it after its folder "
            f"({compose.name!r}), so a checkout in another folder starts a separate project; "
            f"add `name: {compose.name}`.",
            path=first.file,
        )
