"""A service builds from a context, Dockerfile or stage that does not exist.

## What it does
For each service with `build:`, resolves the build context (relative to the
Compose file that wrote it), the Dockerfile (relative to the context) and the
`target` stage, and reports the first of them that cannot be found, or a
Dockerfile that cannot be read.

## Why is this bad?
`docker compose build` fails on it, and dlint cannot check the image that
service would run.

## Example
```yaml
services:
  api:
    build:
      context: ./api
      target: production
```

## Use instead
```yaml
# file: compose.yaml
services:
  api:
    build:
      context: ./api
      target: production
```

```dockerfile
# file: api/Dockerfile
FROM python:3.12-slim AS production
CMD ["python", "-m", "http.server"]
```
"""

from dlint.ir.common import Severity
from dlint.rule import RuleMeta

META = RuleMeta(
    code="DC003",
    name="broken-build-reference",
    scope="engine",
    severity=Severity.ERROR,
    tags=("correctness", "compose", "project"),
    precision="very-high",
)
