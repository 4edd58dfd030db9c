"""Find the rules: every module under ``dlint.rules`` that defines ``META``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from dlint.rule import Rule


class RegistryError(RuntimeError):
    """Two rules share a code or a name (a bug in dlint, caught at load time)."""


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code."""
    package = importlib.import_module("dlint.rules")
    rules: list[Rule] = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "META"):
            rules.append(Rule.from_module(module))
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.code, rule.name, *rule.meta.aliases):
            other = seen.get(key.lower())
            if other is not None:
                raise RegistryError(f"{key!r} is used by both {other} and {rule.code}")
            seen[key.lower()] = rule.code
    return tuple(sorted(rules, key=lambda r: r.code))


def find_rule(key: str) -> Rule | None:
    """A rule by code, name or alias (case-insensitive)."""
    wanted = key.strip().lower()
    for rule in all_rules():
        if wanted in (
            rule.code.lower(),
            rule.name.lower(),
            *(a.lower() for a in rule.meta.aliases),
        ):
            return rule
    return None


def engine_rule(name: str) -> Rule:
    """One of the rules the engine reports itself (``parse-error``...)."""
    rule = find_rule(name)
    if rule is None:  # pragma: no cover - the package always ships them
        raise RegistryError(f"missing engine rule {name}")
    return rule
