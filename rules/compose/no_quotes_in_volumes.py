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

## Fix
Removes the quotes: `"./html:/usr/share/nginx/html:ro"` becomes
`./html:/usr/share/nginx/html:ro` (safe: YAML reads the same string). No fix is
offered for a block scalar, an entry written over several lines, with escapes or a
tag, or an entry of a flow list (`volumes: ["a:/a"]`) holding `,`, `[`, `]`, `{`
or `}`, which the list would read apart.

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
from dlint.ir.yaml import YMapping, YScalar, YSequence
from dlint.rule import Edit, Finding, Fix, RuleMeta

from .._shared.ordering import services_of, written_documents

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
    fixable=True,
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


def _volumes(root: YMapping) -> Iterator[tuple[YScalar, YSequence]]:
    """The scalar entries of each service's ``volumes`` (merged ones included), with
    their list."""
    services = services_of(root)
    for _key, service in services.pairs if services is not None else ():
        entries = service.get("volumes") if isinstance(service, YMapping) else None
        if isinstance(entries, YSequence):
            yield from ((item, entries) for item in entries.items if isinstance(item, YScalar))


def _flow(entries: YSequence) -> bool:
    """Whether ``entries`` is a flow list (``[a, b]``): a block list ends where its last
    entry ends, a flow list after it, at its ``]``."""
    last = entries.items[-1].span
    return (entries.span.end_line, entries.span.end_column) != (last.end_line, last.end_column)


def _unquoted(item: YScalar, entries: YSequence) -> Fix | None:
    """Writing ``item`` plain, when what it holds is certain: quoted on one line, with
    no escapes, and nothing that a flow list would read apart."""
    text = item.written
    if item.style not in ("'", '"') or item.span.line != item.span.end_line:
        return None
    if item.span.end_column - item.span.column != len(text) + 2:
        return None  # escapes or a tag: what is written is not the value
    if _flow(entries) and any(c in text for c in ",[]{}"):
        return None
    return Fix("Remove the quotes", (Edit(item.span, text),))


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for root in written_documents(project):
        for item, entries in _volumes(root):
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
                fix=_unquoted(item, entries),
            )
