"""A `${VARIABLE}` in a Compose file has no value and no default.

## What it does
Reports each use of a variable that neither the `.env` file beside the project
nor a default (`${VAR:-default}`) gives a value, and each `${VAR:?message}`
whose variable is missing. dlint does not read the environment of the machine
it runs on unless asked (`--env`), so its results are the same everywhere.

## Why is this bad?
Compose substitutes an empty string and only prints a warning, so an image tag,
a port or a path silently becomes empty. With `:?`, Compose refuses to start.
Rules that depend on such a value say so instead of guessing it.

## Example
```yaml
services:
  web:
    image: "nginx:${NGINX_VERSION}"
```

## Use instead
```yaml
services:
  web:
    image: "nginx:${NGINX_VERSION:-1.27}"
```
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import UnsetVariable

META = RuleMeta(
    code="DC002",
    name="undefined-variable",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("correctness", "compose"),
    precision="high",
)


def _sources(unset: UnsetVariable) -> str:
    names = [PurePosixPath(f).name for f in unset.sources]
    if not names:
        return "no .env file"
    if names == [".env"]:
        return "no .env value"
    return "no value in " + " or ".join(names)


def _message(unset: UnsetVariable) -> str:
    if unset.required is not None:
        return f"required variable {unset.name!r} is missing a value: {unset.required}"
    more = f" (and {unset.uses - 1} more uses in this file)" if unset.uses > 1 else ""
    return (
        f"variable {unset.name!r} is not set ({_sources(unset)}, no default): Compose uses "
        f"an empty string{more}"
    )


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for unset in compose.unset:
            yield Finding(unset.span, _message(unset), unset.file)
