"""Rules from other installed packages: the entry-point group ``dlint.rules``.

A package adds rules by declaring, in its ``pyproject.toml``::

    [project.entry-points."dlint.rules"]
    acme = "acme_dlint.registry_rule"          # a rule module (META, check, docstring)
    more = "acme_dlint:RULES"                  # or a sequence of rule modules

A plugin's rule is a module like dlint's own (see dlint/rule.py: ``META``, ``check``,
the docstring with its sections); it sees the same IR, and gets the same selection,
config options, suppressions, severities, fixes and SARIF treatment. Its code must not
be one dlint or another plugin uses (such a rule is left out, with a warning).

Entry points are found by reading the ``entry_points.txt`` of each installed
distribution on ``sys.path`` directly: ``importlib.metadata`` costs every run about
30 ms to import and scan, which is more than linting a small file.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType

GROUP = "dlint.rules"


def entry_points(paths: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(name, value) of each entry point of the group, in the order of ``sys.path``
    (the first distribution of a name wins, as with importlib.metadata). The installed
    ones (no ``paths``) are read once a process: the rules and the cache key ask."""
    if paths is None:
        return list(_installed())
    return _scan(paths)


@lru_cache(maxsize=1)
def _installed() -> tuple[tuple[str, str], ...]:
    return tuple(_scan(sys.path))


def _scan(paths: Iterable[str]) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    seen_dists: set[str] = set()
    for folder in paths:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            dist = name.rsplit("-", 1)[0].lower().replace("_", "-") if "-" in name else name
            if dist in seen_dists:
                continue
            seen_dists.add(dist)
            try:
                with open(
                    os.path.join(folder or ".", name, "entry_points.txt"), encoding="utf-8"
                ) as f:
                    text = f.read()
            except OSError:
                continue
            for key, value in _group(text):
                found.setdefault(key, value)
    return list(found.items())


def _group(text: str) -> list[tuple[str, str]]:
    """The entries of the ``[dlint.rules]`` section of an entry_points.txt."""
    if GROUP not in text:
        return []
    out = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
            continue
        if inside and "=" in line:
            key, _, value = line.partition("=")
            out.append((key.strip(), value.strip()))
    return out


def load(value: str) -> list[ModuleType]:
    """The rule modules an entry point names (``module`` or ``module:attribute``)."""
    module_name, _, attribute = value.partition(":")
    module = importlib.import_module(module_name.strip())
    target: object = module
    for part in attribute.strip().split(".") if attribute.strip() else ():
        target = getattr(target, part)
    if isinstance(target, ModuleType):
        return [target]
    if isinstance(target, (list, tuple)) and all(isinstance(m, ModuleType) for m in target):
        return list(target)
    raise TypeError(f"{value!r} is neither a rule module nor a sequence of them")
