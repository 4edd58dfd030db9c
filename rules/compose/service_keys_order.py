"""The keys of a service are not in the conventional group order.

## What it does
Reports each key of a service that comes after a key it should precede, at
the key, in dclint's order (`service-keys-order`): core (`image`, `build`,
`container_name`), dependencies (`depends_on`), data (`volumes`,
`volumes_from`, `configs`, `secrets`), environment (`environment`,
`env_file`), network (`ports`, `networks`, `network_mode`, `extra_hosts`),
runtime (`command`, `entrypoint`, `working_dir`, `restart`, `healthcheck`),
metadata (`logging`, `labels`), security (`user`, `isolation`), then every
other key in alphabetical order. As in dclint, a key is reported when it
should come before the key just above it, so a block of keys moved together
is reported once, at its first key. Every Compose file of the project is read
as it is written (override, included and extended files too). A service
written as an alias (`api: *web`) is not checked again, as in dclint: the keys
are checked where they are written when that is a service.

## Why is this bad?
When every service lists its keys in the same order, a reader finds the
image, the mounts or the ports of any service at a glance, and reviews see
real changes instead of moved lines. It is a convention, not a correctness
matter: the rule is off by default.

## Example
```yaml
services:
  web:
    ports:
      - "8080:80"
    image: nginx:1.27
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
```

## Fix
Moves the keys of the service into the order above (safe: the order of a service's
keys changes nothing Compose does). Each key moves with the comments at its indent
directly above it and the more indented comments after it; blank lines between keys
stay where they are. No fix is offered where which lines belong to which key is
unclear: a service written in flow style, a `<<` merge key or a less indented
comment between keys (a `<<` above the first key stays there), an alias on a line
of its own below its key (`logging: *logging` on the key's line is fine), an alias
that would come before its anchor, a duplicated key, or a `|+` block scalar.

## Known limitations
dclint's `groups` and `groupOrder` options are not supported: the order is
the default one.

## Differences from dclint
A `<<` merge key is not a service key and is not checked (dclint sorts it
among the other keys, so a service that starts with `<<: *defaults` and then
has `image` is reported there).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.ordering import collation_key, name_of, own_pairs, written_services
from .._shared.reorder import documents_with_text, mapping_entries, reorder, sorted_order

META = RuleMeta(
    code="DC502",
    name="service-keys-order",
    scope="project",
    reads=("compose",),
    severity=Severity.STYLE,
    tags=("compose", "style"),
    precision="very-high",
    default_enabled=False,
    dclint=True,
    fixable=True,
)

_GROUPS: tuple[tuple[str, ...], ...] = (
    ("image", "build", "container_name"),
    ("depends_on",),
    ("volumes", "volumes_from", "configs", "secrets"),
    ("environment", "env_file"),
    ("ports", "networks", "network_mode", "extra_hosts"),
    ("command", "entrypoint", "working_dir", "restart", "healthcheck"),
    ("logging", "labels"),
    ("user", "isolation"),
)
_RANK = {key: i for i, key in enumerate(key for group in _GROUPS for key in group)}


def _order(keys: list[str]) -> dict[str, int]:
    """Each key's place: the groups' keys first, then the others in alphabetical order."""
    others = sorted((k for k in keys if k not in _RANK), key=collation_key)
    return {**_RANK, **{k: len(_RANK) + i for i, k in enumerate(others)}}


def _fix(text: str | None, service: YMapping, keys: list[str], order: dict[str, int]) -> Fix | None:
    if text is None:
        return None
    pairs = own_pairs(service)
    wanted = sorted_order([order[k] for k in keys])
    return reorder(text, service, mapping_entries(pairs), wanted, "Sort the service's keys")


def _service(name: str, service: YMapping, text: str | None) -> Iterator[Finding]:
    pairs = own_pairs(service)
    keys = [name_of(k) for k, _ in pairs]
    order = _order(keys)
    fix: Fix | None = None
    fixed = False
    last = -1
    for at, (key, _value) in enumerate(pairs):
        index = order[keys[at]]
        if index < last:
            belongs = next(k for k in keys[:at] if order[k] > index)
            if not fixed:
                fix, fixed = _fix(text, service, keys, order), True
            yield Finding(
                key.span,
                f"key {keys[at]!r} of service {name!r} should come before {belongs!r}: "
                "keep service keys in group order (image and build, depends_on, volumes, "
                "environment, ports and networks, command, labels, user, then others A-Z).",
                path=key.file,
                fix=fix,
            )
        last = index


def check(project: Project) -> Iterator[Finding]:
    for root, text in documents_with_text(project):
        for key, service in written_services(root):
            yield from _service(name_of(key), service, text)
