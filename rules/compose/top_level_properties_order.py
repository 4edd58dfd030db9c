"""The top-level keys of a Compose file are not in the conventional order.

## What it does
Reports each top-level key that comes after a key it should precede, at the
key, in dclint's order (`top-level-properties-order`): the `x-` extension
keys (in alphabetical order among themselves), `version`, `name`, `include`,
`services`, `networks`, `volumes`, `secrets`, `configs`. As in dclint, a key
is compared with the furthest key reached so far, so every key written after
a misplaced one that belongs before it is reported. Every Compose file of
the project is read as it is written (override, included and extended files
too).

## Why is this bad?
A reader expects the project's name and its services first and the shared
networks, volumes, secrets and configs after them, with the `x-` fragments
that the rest refers to at the top. It is a convention, not a correctness
matter: the rule is off by default.

## Example
```yaml
networks:
  backend: {}
services:
  web:
    image: nginx:1.27
    networks: [backend]
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    networks: [backend]
networks:
  backend: {}
```

## Fix
Moves the top-level keys into the order (safe: the order of the top-level keys
changes nothing Compose does). Each key moves with the comments at column 1
directly above it and the indented comments after it; blank lines between keys stay
where they are. No fix is offered when a key is not in the order (`models` with the
default order), or where which lines belong to which key is unclear: a `<<` merge
key, `---` or another document between keys, an alias on a line of its own below
its key, an alias that would come before its anchor, a duplicated key, a `|+` block scalar, or
a comment at the top of the file directly above a first key that moves (the file's
header, or the key's?).

## Options
- `custom-order` (list of strings, default `["x-properties", "version",
  "name", "include", "services", "networks", "volumes", "secrets",
  "configs"]`): the order of the top-level keys; `x-properties` stands for
  every `x-` key, sorted. dclint's `customOrder`.

## Differences from dclint
A key the order does not name (`models` with the default order) is not
reported: dclint reports it wherever it is written, which no edit can fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.rule import Finding, Fix, Option, RuleMeta

from .._shared.ordering import collation_key, name_of, own_pairs
from .._shared.reorder import documents_with_text, mapping_entries, reorder, sorted_order

_DEFAULT = [
    "x-properties",
    "version",
    "name",
    "include",
    "services",
    "networks",
    "volumes",
    "secrets",
    "configs",
]

META = RuleMeta(
    code="DC503",
    name="top-level-properties-order",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
    fixable=True,
    options=(
        Option(
            "custom-order",
            "list[str]",
            _DEFAULT,
            'The order of the top-level keys; "x-properties" stands for every x- key, sorted.',
        ),
    ),
)


def _shown(order: list[str]) -> str:
    return ", ".join("x-*" if k == "x-properties" else k for k in order)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    wanted = list(options.get("custom-order") or _DEFAULT)
    for root, text in documents_with_text(project):
        pairs = own_pairs(root)
        keys = [name_of(k) for k, _ in pairs]
        extensions = sorted((k for k in keys if k.startswith("x-")), key=collation_key)
        listed = [k for w in wanted for k in (extensions if w == "x-properties" else [w])]
        order: dict[str, int] = {}
        for k in listed:
            order.setdefault(k, len(order))
        fix: Fix | None = None
        if text is not None and all(k in order for k in keys):
            wanted_order = sorted_order([order[k] for k in keys])
            title = "Sort the top-level keys"
            fix = reorder(text, root, mapping_entries(pairs), wanted_order, title)
        furthest = -1
        for at, (key, _value) in enumerate(pairs):
            if keys[at] not in order:
                continue
            index = order[keys[at]]
            if index >= furthest:
                furthest = index
                continue
            belongs = next(k for k in keys[:at] if k in order and order[k] > index)
            yield Finding(
                key.span,
                f"top-level key {keys[at]!r} should come before {belongs!r}: keep the "
                f"top-level keys in the order {_shown(wanted)}.",
                path=key.file,
                fix=fix,
            )
