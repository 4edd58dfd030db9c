"""A file could not be read or parsed.

## What it does
Reports a file that dlint cannot read as what its name says: a Dockerfile
that BuildKit would refuse (an unknown instruction, a bad flag, an
unterminated heredoc, no instructions at all), a file that is not UTF-8, a
binary file. Docker would stop the build on the same problem.

## Why is this bad?
`docker build` fails on these files, and no other rule can check what dlint
cannot read. dlint reports the problem at its exact position and still lints
every other file.

## Example
```dockerfile
FROM alpine:3.20
RUNN echo hello
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
    code="DM001",
    name="parse-error",
    scope="engine",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="very-high",
)
