"""A FROM gives no valid image reference with the ARG defaults.

## What it does
Reports a `FROM` whose image uses build arguments and, evaluated with the
defaults of the global `ARG`s alone (what a build without `--build-arg` gets),
is empty or not a valid image reference: `ARG VERSION` then
`FROM busybox:$VERSION` gives `busybox:`. BuildKit's `InvalidDefaultArgInFrom`
check.

## Why is this bad?
A build that does not pass every argument fails at the `FROM` ("invalid
reference format", "base name should not be blank"), and tools that read the
Dockerfile without build arguments (image scanners, dependency bots, `docker
build --check`) cannot tell which image it uses. A default that makes a valid
reference keeps the Dockerfile buildable as it is and still lets a build
choose another value.

## Example
```dockerfile
ARG VERSION
FROM busybox:$VERSION
RUN busybox --help
```

## Use instead
```dockerfile
ARG VERSION=1.36
FROM busybox:$VERSION
RUN busybox --help
```

## Differences from BuildKit
- A `FROM` with no variable is not reported here: an invalid literal
  reference (`FROM Ubuntu`) is a plain error that every build reports.
- A `FROM` that depends on BuildKit's automatic platform arguments
  (`$TARGETARCH`, directly or through a global `ARG` default) is not
  checked: their values come from the machine that builds.

## Known limitations
A global `ARG` declared again without a default keeps its earlier default in
BuildKit; dlint does not check a `FROM` that uses such an argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.image import DEFAULT_REGISTRY, ImageRef
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import AUTOMATIC_ARGS
from .._shared.instructions import references

META = RuleMeta(
    code="DF303",
    name="invalid-default-arg-in-from",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "variables", "buildkit-check"),
    precision="very-high",
    buildkit=("InvalidDefaultArgInFrom",),
)

_HEX64 = re.compile(r"^[a-f0-9]{64}$")
_HOST = re.compile(
    r"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])"
    r"(?::[0-9]+)?$"
)
_NAME_MAX = 255


def _valid(text: str, span: Span) -> bool:
    """Whether Docker's ParseNormalizedNamed accepts ``text``."""
    if not text or _HEX64.match(text):
        return False
    ref = ImageRef.parse(text, span)
    if not ref.valid:
        return False
    if len(ref.registry) + 1 + len(ref.repository) > _NAME_MAX:
        return False  # checked first: the host pattern is only ever run on a short name
    return ref.registry == DEFAULT_REGISTRY or _HOST.match(ref.registry) is not None


def _uncertain(df: Dockerfile) -> set[str]:
    """Global ARGs whose default dlint cannot know: set from an automatic platform
    argument (directly or through another ARG), or declared again without a default
    after having one (BuildKit then keeps the earlier default)."""
    out: set[str] = set()
    defaulted: set[str] = set()
    for ins in df.global_args:
        for name, default in ins.declarations:
            if default is None:
                if name.value in defaulted:
                    out.add(name.value)
                continue
            defaulted.add(name.value)
            used = {r.name for r in references(default.value, df.escape)}
            if used & (AUTOMATIC_ARGS | out):
                out.add(name.value)
            else:
                out.discard(name.value)
    return out


def check(df: Dockerfile) -> Iterator[Finding]:
    uncertain: set[str] | None = None
    for stage in df.stages:
        ins = stage.from_instruction
        if ins is None or not ins.args or not ins.expanded:
            continue
        word = ins.args[0]
        names = {r.name for r in references(word.value, df.escape)}
        if not names:
            continue
        if uncertain is None:
            uncertain = _uncertain(df)
        result = ins.expanded[0]
        if names & (AUTOMATIC_ARGS | uncertain) or "$" in result or _valid(result, word.span):
            continue
        missing = sorted(names & set(ins.unresolved))
        what = f"gives `{result}`, which is not a valid image reference" if result else "is empty"
        if missing:
            listed = ", ".join(f"`{n}`" for n in missing)
            advice = f"give {listed} a default that makes it valid"
        else:
            advice = "change the ARG defaults so that it is valid"
        span = word.span
        if span.line != ins.span.line:  # BuildKit reports the FROM's first line
            span = Span(ins.span.line, ins.span.column, span.end_line, span.end_column)
        yield Finding(
            span,
            f"With the global ARG defaults, FROM `{word.value}` {what}, so a build "
            f"without --build-arg fails: {advice}.",
        )
