"""A service's `volumes` entry is written in quotes.

## What it does
Reports each short-syntax entry of a service's `volumes` list that is written
single-quoted, double-quoted or as a block scalar (dclint's
`no-quotes-in-volumes`). Every Compose file of the project is read as it is
written, override, included and extended files too; an entry shared through a
YAML anchor is reported once, where it is written. Long-syntax entries
(mappings) are not checked.

An entry that YAML cannot read back as the same string when written plain (it
holds `: ` or ` #`, starts with a YAML indicator such as `*`, `&`, `!`, `[`,
`{` or `%`, or would read as a number, a boolean or null) is not reported:
there the quotes are needed.

## Why is this bad?
It is a house style: a volume entry (`./data:/var/lib/data:ro`) is a plain
string for YAML, and quoting some entries but not others makes a file harder
to scan and to diff. dclint's users who enabled this rule expect their files
to keep that style.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    volumes:
      - "./html:/usr/share/nginx/html:ro"
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    volumes:
      - ./html:/usr/share/nginx/html:ro
```

## Known limitations
The style is judged per entry: a flow sequence (`volumes: ["a:/a,b"]`) is
treated like a block one, so an entry holding a `,` in a flow list may be
reported even though it needs its quotes there.

## Differences from dclint
dclint also reports entries that cannot be written plain (`"./a: b:/c"`),
whose quotes its fix would remove, breaking the file; dlint does not. dclint
skips entries reached through YAML anchors and `<<` merge keys; dlint reports
them once, where the anchor is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import clip
from dlint.rule import Finding, RuleMeta

from .._shared.ordering import section_items, written_documents

META = RuleMeta(
    code="DC507",
    name="no-quotes-in-volumes",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
)

_STYLES = {"'": "single-quoted", '"': "double-quoted", "|": "a block scalar", ">": "a block scalar"}

# YAML 1.2 core-schema plain scalars that do not read as strings
_NOT_STRING = re.compile(
    r"[-+]?(?:\d+|0o[0-7]+|0x[0-9a-fA-F]+)"
    r"|[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
)


def _can_be_plain(text: str) -> bool:
    """Whether ``text`` written as a plain scalar in a block list reads back unchanged."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or text.endswith(":"):
        return False
    if ": " in text or " #" in text:
        return False
    return not _NOT_STRING.fullmatch(text)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for root in written_documents(project):
        for item in section_items(root, "volumes"):
            how = _STYLES.get(item.style)
            if how is None or not _can_be_plain(item.written):
                continue
            where = (item.file, item.span.line, item.span.column)
            if where in seen:  # an anchor used twice
                continue
            seen.add(where)
            yield Finding(
                item.span,
                f"volume entry `{clip(item.written)}` is {how}: write it plain, without quotes.",
                path=item.file,
            )
