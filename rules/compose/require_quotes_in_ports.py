"""A `ports` or `expose` entry is not written in the configured quotes.

## What it does
Reports each scalar entry of a service's `ports` and `expose` lists that is not
written with the configured quote type (dclint's `require-quotes-in-ports`):
with the default, single quotes, both a plain `8080:80` and a double-quoted
`"8080:80"` are reported. Every Compose file of the project is read as it is
written, override, included and extended files too; an entry shared through a
YAML anchor is reported once, where it is written. Long-syntax entries
(mappings) are not checked.

## Why is this bad?
YAML 1.1 reads an unquoted number pair whose last part is below 60 as a
base-60 (sexagesimal) integer: `22:22` is the number 1342 and `2:30` is 150.
docker-compose v1 and every tool built on a YAML 1.1 parser (PyYAML, Ansible,
older yq and linters) then sees a port of 1342 instead of the mapping `22:22`,
and the error, if any, does not point at the cause. `docker compose` v2 and
dlint read Compose files as YAML 1.2, where `22:22` stays the string `22:22`,
so the file works with one tool and breaks with the next. Quoting every entry,
always with the same quote character, removes the trap and keeps the file
consistent.

## Example
```yaml
services:
  ssh:
    image: linuxserver/openssh-server:9.7
    ports:
      - 22:22
      - "8080:80"
```

## Use instead
```yaml
services:
  ssh:
    image: linuxserver/openssh-server:9.7
    ports:
      - '22:22'
      - '8080:80'
```

## Options
- `quote-type` (string, default `"single"`): the quotes entries must use,
  `"single"` or `"double"`. dclint's `quoteType`.
- `ports-sections` (list of strings, default `["ports", "expose"]`): the service
  keys whose entries are checked. dclint's `portsSections`.

## Fix
Writes the entry in the configured quotes, `22:22` as `'22:22'` and `"8080:80"`
as `'8080:80'` (safe: Compose reads the same port). No fix is offered for a block
scalar, an entry written over several lines, with a tag or with escapes, or one
holding a quote or a backslash.

## Differences from dclint
dclint skips entries reached through YAML anchors (`ports: *web-ports`) and
`<<` merge keys; dlint reports them once, where the anchor is written.
dclint reports at the line, dlint at the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import clip
from dlint.ir.yaml import YScalar
from dlint.rule import Edit, Finding, Fix, Option, RuleMeta

from .._shared.ordering import section_items, written_documents

META = RuleMeta(
    code="DC506",
    name="require-quotes-in-ports",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
    fixable=True,
    options=(
        Option("quote-type", "str", "single", 'The quotes entries must use: "single" or "double".'),
        Option(
            "ports-sections",
            "list[str]",
            ["ports", "expose"],
            "The service keys whose scalar entries are checked.",
        ),
    ),
)

_STYLES = {"": "not quoted", "'": "single-quoted", '"': "double-quoted"}
# YAML 1.1's base-60 integers (https://yaml.org/type/int.html)
_SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+")


def _base60(text: str) -> int | None:
    """The number a YAML 1.1 parser reads ``text`` as, written plain; None if a string."""
    if not _SEXAGESIMAL.fullmatch(text):
        return None
    sign = -1 if text.startswith("-") else 1
    value = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        value = value * 60 + int(part)
    return sign * value


def _message(section: str, item: YScalar, style: str, wanted: str) -> str:
    text = clip(item.written)
    how = _STYLES.get(item.style, "a block scalar")
    fix = f"'{text}'" if wanted == "'" else f'"{text}"'
    message = f"`{section}` entry `{text}` is {how}: write it {fix}"
    if item.style == "":
        number = _base60(item.written)
        if number is not None:
            message += f" (a YAML 1.1 parser reads `{text}` as the number {number})"
    elif item.style in ("'", '"'):
        message += f" (the configured quote type is {style})"
    return message + "."


def _quoted(item: YScalar, wanted: str) -> Fix | None:
    """Writing ``item`` in the quotes ``wanted``, when its text is certain: one line,
    written as its value reads (no escapes, no tag), with no quote or backslash."""
    text = item.written
    if item.style not in ("", "'", '"') or item.span.line != item.span.end_line:
        return None
    if item.tag is not None or any(c in text for c in "'\"\\\n"):
        return None
    if isinstance(item.value, bool) or not isinstance(item.value, (str, int)):
        return None  # null, a boolean or a float: quoted, it would be another value
    if isinstance(item.value, int) and text != str(item.value):
        return None  # `0x50` or `+80`: quoted, it would be another port
    width = len(text) + (0 if item.style == "" else 2)
    if item.span.end_column - item.span.column != width:
        return None  # escapes, a tag or an anchor: what is written is not the value
    return Fix(f"Write {wanted}{clip(text)}{wanted}", (Edit(item.span, f"{wanted}{text}{wanted}"),))


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    style = "double" if options.get("quote-type") == "double" else "single"
    wanted = '"' if style == "double" else "'"
    sections = list(dict.fromkeys(options.get("ports-sections") or ()))
    seen: set[tuple[str, int, int]] = set()
    for root in written_documents(project):
        for section in sections:
            for item in section_items(root, section):
                if item.style == wanted:
                    continue
                where = (item.file, item.span.line, item.span.column)
                if where in seen:  # an anchor used twice
                    continue
                seen.add(where)
                yield Finding(
                    item.span,
                    _message(section, item, style, wanted),
                    path=item.file,
                    fix=_quoted(item, wanted),
                )
