"""COPY or ADD of several sources to a destination that does not end in `/`.

## What it does
Reports a `COPY` or `ADD` with two or more sources whose destination does not
end in `/` (`COPY package.json yarn.lock app`), `.` and `..` included. The
destination is judged after `ARG` and `ENV` substitution; one that holds a
variable with no known value is not reported.

## Why is this bad?
Several files can only be copied into a folder. Docker's classic builder
refuses the instruction ("When using COPY with more than one source file, the
destination must be a directory and end with a /"), even for `COPY a b .`:
it checks the destination as written, and `.` does not end in `/`. BuildKit
creates the folder. A trailing `/` (`./`) makes the destination a folder for
every builder, and tells the reader so.

## Example
```dockerfile
FROM node:22-alpine
COPY package.json yarn.lock /app
```

## Use instead
```dockerfile
FROM node:22-alpine
COPY package.json yarn.lock /app/
```

## Differences from hadolint
- hadolint checks `COPY` only; the classic builder refuses `ADD` of several
  sources to such a destination in the same way, so dlint checks both.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3021",
    name="copy-destination-not-folder",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("correctness",),
    precision="high",
)


def _folder(dest: str) -> bool:
    # the classic builder checks the path as written: only a final separator counts
    return dest.endswith(("/", "\\"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        for layer in stage.layers:
            ins = layer.instruction
            if layer.kind == "run" or len(layer.sources) < 2 or len(ins.args) < 3:
                continue
            word = ins.args[-1]
            if any(f"${n}" in word.value or "${" + n in word.value for n in ins.unresolved):
                continue
            dest = ins.expanded[-1] if ins.expanded else word.value
            if _folder(dest):
                continue
            yield Finding(
                word.span,
                f"{ins.keyword} of {len(layer.sources)} sources to `{dest}`, which does not end "
                f"in `/`: write `{dest}/` so the destination is a folder.",
            )
