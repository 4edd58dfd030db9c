"""A Compose file has a shape Compose rejects.

## What it does
Checks every Compose project against the official compose-spec JSON schema and
against what the schema cannot say: duplicate keys, a value of the wrong type, a
missing required key, `external` with `driver`, `name` with `external.name`, a
bind mount without a source, dependency cycles in `depends_on`, references to
undefined services, networks, volumes, secrets or configs, a service with
neither `image` nor `build`, a bad `${...}` template, a short-syntax port or
volume that cannot be parsed. Each finding is at the exact key or value.

A key the schema does not know is reported as information only: it may be newer
than the schema dlint ships (such as `pre_start` or `models`), or misspelt.

## Why is this bad?
`docker compose` refuses to load the file (or, for an unknown key, ignores or
rejects it depending on its version), so nothing starts.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports: "8080:80"
    depends_on: [db]
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    depends_on: [db]
  db:
    image: postgres:16
    volumes:
      - db-data:/var/lib/postgresql/data
volumes:
  db-data:
```
"""

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC001",
    name="compose-schema",
    scope="project",
    reads=("compose",),
    severity=Severity.ERROR,
    tags=("correctness", "compose"),
    precision="very-high",
)


def check(project: Project) -> Iterator[Finding]:
    from .._shared.compose_checks import semantic, validate

    for compose in project.compose:
        for problem in compose.problems:
            if problem.kind == "schema":
                yield Finding(problem.span, problem.message, problem.file, problem.severity)
        if compose.node is not None:
            yield from validate(compose.node)
            yield from semantic(compose.node, compose.fragment)
