"""Find the rules: every module under ``dlint.rules`` that defines ``META``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from dlint.rule import Rule


class RegistryError(RuntimeError):
    """Two rules share a code, a name or a hadolint code (a bug in dlint, caught at load
    time); a BuildKit check may be several rules."""


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
        for key in (rule.code, rule.name, *rule.meta.hadolint):
            other = seen.get(key.lower())
            if other is not None:
                raise RegistryError(f"{key!r} is used by both {other} and {rule.code}")
            seen[key.lower()] = rule.code
    for rule in rules:  # one BuildKit check may be several rules (one per instruction)
        for key in rule.meta.buildkit:
            if key.lower() in seen:
                raise RegistryError(
                    f"BuildKit check {key!r} of {rule.code} is {seen[key.lower()]}'s"
                )
    checks = {key.lower() for rule in rules for key in rule.meta.buildkit}
    for rule in rules:  # a redirect may stand for several rules (a split), never for another
        for key in rule.meta.redirects:
            if key.lower() in checks or seen.get(key.lower(), rule.code) != rule.code:
                raise RegistryError(f"redirect {key!r} of {rule.code} is {seen[key.lower()]}'s")
    return tuple(sorted(rules, key=lambda r: r.code))


def find_rules(key: str) -> tuple[Rule, ...]:
    """The rules ``key`` names: a code, name, alias or redirect (several for a split)."""
    return tuple(r for r in all_rules() if r.meta.answers_to(key))


def find_rule(key: str) -> Rule | None:
    """The rule ``key`` names, when it names exactly one."""
    found = find_rules(key)
    return found[0] if len(found) == 1 else None


def engine_rule(name: str) -> Rule:
    """One of the rules the engine reports itself (``parse-error``...)."""
    rule = find_rule(name)
    if rule is None:  # pragma: no cover - the package always ships them
        raise RegistryError(f"missing engine rule {name}")
    return rule
