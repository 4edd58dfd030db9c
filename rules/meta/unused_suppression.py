"""An inline `# dlint:` suppression suppresses nothing, or names no rule.

## What it does
Reports each `# dlint: ignore=...` (or `# dlint: global ignore=...`) comment
that silenced no finding in this run, names something that is not a dlint
rule, or cannot be read. hadolint pragmas and BuildKit `# check=skip=`
directives are not reported: hadolint and BuildKit use them too.

## Why is this bad?
A suppression that outlived its finding hides the next real problem at that
place, and a misspelt rule name suppresses nothing while looking as if it did.

## Example
```dockerfile
FROM alpine:3.20
# dlint: ignore=layer-cache-order -- nothing is copied here
RUN echo hello
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN echo hello
```
"""

from dlint.ir.common import Severity
from dlint.rule import RuleMeta

META = RuleMeta(
    code="DM003",
    name="unused-suppression",
    scope="engine",
    severity=Severity.WARNING,
    tags=("dlint", "suppression"),
    precision="very-high",
)
