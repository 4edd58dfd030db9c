"""MAINTAINER is deprecated; use a label.

## What it does
Reports each `MAINTAINER` instruction (BuildKit's `MaintainerDeprecated` check,
hadolint's DL4000).

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13: the author of an image goes
in the `org.opencontainers.image.authors` label, which tools know how to read.

## Example
```dockerfile
FROM alpine:3.20
MAINTAINER jane@example.com
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="jane@example.com"
```

## Fix
Writes the `LABEL` in place of the `MAINTAINER` (safe), on one line: quotes, `$` and
escape characters in the text are escaped, since `LABEL` reads them.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Edit, Finding, Fix, RuleMeta

META = RuleMeta(
    code="DL4000",
    name="maintainer-deprecated",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("deprecated", "buildkit-check"),
    redirects=("DF601", "maintainer-instruction"),
    precision="very-high",
    buildkit=("MaintainerDeprecated",),
    fixable=True,
)


def _label(df: Dockerfile, ins: Instruction) -> Fix | None:
    """The LABEL that says what ``ins`` says, in place of it (as one line)."""
    if not ins.text.strip():
        return None
    escape = df.escape
    # LABEL substitutes variables and reads quotes: escape what MAINTAINER kept as is
    value = "".join(escape + c if c in ('"', "$", escape) else c for c in ins.text.strip())
    keyword = "LABEL" if ins.keyword_text.isupper() or not ins.keyword_text else "label"
    where = ins.keyword_span.cover(ins.text_span)
    text = f'{keyword} org.opencontainers.image.authors="{value}"'
    return Fix("Write the label org.opencontainers.image.authors", (Edit(where, text),))


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        if ins.keyword == "MAINTAINER":
            yield Finding(
                ins.span,
                "Maintainer instruction is deprecated in favor of using label: write "
                'LABEL org.opencontainers.image.authors="..."',
                fix=_label(df, ins),
            )
