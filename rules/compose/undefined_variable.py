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

from dlint.ir.common import Severity
from dlint.rule import RuleMeta

META = RuleMeta(
    code="DC002",
    name="undefined-variable",
    scope="engine",
    severity=Severity.WARNING,
    tags=("correctness", "compose"),
    precision="high",
)
