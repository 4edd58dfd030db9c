"""A LABEL key breaks Docker's naming conventions for label keys.

## What it does
Reports a `LABEL` key (in `LABEL` and `ONBUILD LABEL`) that does not follow
Docker's recommendations for label keys (hadolint's DL3048): a key starts with
a lower-case letter, ends with a lower-case letter or a digit, holds only
lower-case letters, digits, `.`, `-`, `_` and `/`, has no `..` or `--`, and
does not use the namespaces Docker reserves for itself (`com.docker.*`,
`io.docker.*`, `org.dockerproject.*`).

A key written with a variable is checked after substitution (`LABEL
${VENDOR}.version=1` with `ARG VENDOR=com.example`). A key that uses a variable
with no known value (a build argument with no default, a variable nothing
sets, or any variable of an `ONBUILD LABEL`, which is substituted in the image
built from this one) is reported: the key is not the fixed name the convention
asks for, and often not the one the author meant.

## Why is this bad?
Tools that read labels (registries, scanners, orchestrators) look them up by
exact name. Keys that mix case or punctuation (`Version`, `MAINTAINER`,
`my..label`) are easy to get slightly wrong and collide with nothing that
other tools know; the reverse-DNS, lower-case convention
(`org.opencontainers.image.version`, `com.example.team`) keeps them
predictable. Docker's own namespaces are reserved for Docker.

## Example
```dockerfile
FROM alpine:3.20
LABEL Version="1.2.3" com.docker.compose.project="shop"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.2.3" com.example.project="shop"
```

## Differences from hadolint
hadolint checks the key as written, so a `$` in it is always reported, even
when the variable has a known value that makes a valid key; dlint checks the
value Docker uses.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.text import clip
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import references
from .._shared.labels import Label, labels

META = RuleMeta(
    code="DL3048",
    name="invalid-label-key",
    scope="dockerfile",
    severity=Severity.STYLE,
    tags=("style", "metadata", "labels"),
    precision="very-high",
)

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_ALLOWED = frozenset(_LOWER + _DIGITS + "./_-")
_RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")


def _problem(key: str) -> str | None:
    """What is wrong with a label key (None: nothing)."""
    for namespace in _RESERVED:
        if key.startswith(namespace):
            return f"uses the namespace `{namespace}*`, which Docker reserves for itself"
    if any(c.isupper() for c in key):
        return "has upper-case letters"
    bad = sorted({c for c in key if c not in _ALLOWED})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        return f"has characters other than a-z, 0-9, '.', '-', '_' and '/' ({shown})"
    if key[0] not in _LOWER:
        return "does not start with a lower-case letter"
    if key[-1] not in _LOWER + _DIGITS:
        return "does not end with a lower-case letter or a digit"
    for pair in ("..", "--"):
        if pair in key:
            return f"has `{pair}`"
    return None


def _finding(label: Label, raw: str, escape: str, substituted: bool) -> Finding | None:
    """A finding for one label's key; ``raw`` is the key as written."""
    if not label.key_known or (not substituted and references(raw, escape)):
        return Finding(
            label.key_span,
            f"Label key `{clip(raw)}` uses a variable with no known value: write the key "
            "out in full, lower-case and reverse-DNS, such as "
            "`org.opencontainers.image.version` or `com.example.team`.",
        )
    if not label.key:
        return None
    problem = _problem(label.key)
    if problem is None:
        return None
    return Finding(
        label.key_span,
        f"Label key `{clip(label.key)}` {problem}: use a lower-case, reverse-DNS key such as "
        "`org.opencontainers.image.version` or `com.example.team`.",
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins in df.instructions:
        trigger = ins.trigger if ins.keyword == "ONBUILD" else None
        target = trigger or ins
        if target.keyword != "LABEL":
            continue
        # an ONBUILD trigger's variables are substituted in the image built from this one
        pairs = target.pairs
        for (key, _value, _eq), label in zip(pairs, labels(target, df.escape), strict=True):
            finding = _finding(label, key.value, df.escape, substituted=trigger is None)
            if finding is not None:
                yield finding
