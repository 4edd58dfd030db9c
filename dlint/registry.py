"""Find the rules: every module under ``dlint.rules`` that defines ``META``."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import fields
from functools import lru_cache
from typing import Any

from dlint.ir.common import Severity
from dlint.rule import Option, Rule, RuleMeta


class RegistryError(RuntimeError):
    """Two rules share a code, a name or a hadolint code (a bug in dlint, caught at load
    time); a BuildKit check may be several rules."""


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code: dlint's own, read from the rule index when it lists
    exactly the rule modules there are (a rule's module is imported when the rule is
    used), else by importing every module; then the rules of plugins (see
    dlint.plugins), each checked against the ones before it."""
    modules = _rule_modules()
    indexed = _from_index(modules)
    rules = indexed if indexed is not None else _imported(modules)
    _validate(rules)
    rules.extend(_plugins(rules))
    return tuple(sorted(rules, key=lambda r: r.code))


_PROBLEMS: list[str] = []


def plugin_problems() -> tuple[str, ...]:
    """Why plugin rules were left out (after ``all_rules``): one line each."""
    all_rules()
    return tuple(_PROBLEMS)


def _plugins(builtin: list[Rule]) -> list[Rule]:
    from dlint.plugins import entry_points, load

    _PROBLEMS.clear()
    taken = {k.lower() for r in builtin for k in (r.code, r.name, *r.meta.aliases)}
    out: list[Rule] = []
    for name, value in entry_points():
        try:
            modules = load(value)
            rules = [Rule.from_module(m) for m in modules]
        except Exception as exc:  # a broken plugin costs its rules, not the run
            _PROBLEMS.append(f"plugin {name} ({value}) was not loaded: {type(exc).__name__}: {exc}")
            continue
        for rule in rules:
            keys = {k.lower() for k in (rule.code, rule.name, *rule.meta.aliases)}
            clash = sorted(keys & taken)
            if clash or rule.meta.scope == "engine":
                why = f"{clash[0]!r} is taken" if clash else "it claims the engine's scope"
                _PROBLEMS.append(f"plugin {name}: rule {rule.code} {rule.name} left out: {why}")
                continue
            taken |= keys
            out.append(rule)
    return out


def _rule_modules() -> list[str]:
    """The names of the modules under ``dlint.rules`` that may hold a rule (the shared
    helpers aside), found without importing them."""
    package = importlib.import_module("dlint.rules")
    names = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.ispkg and "._" not in info.name:
            names.append(info.name)
    return sorted(names)


def _imported(modules: list[str]) -> list[Rule]:
    rules = []
    for name in modules:
        module = importlib.import_module(name)
        if hasattr(module, "META"):
            rules.append(Rule.from_module(module))
    return rules


def _from_index(modules: list[str]) -> list[Rule] | None:
    try:
        index = importlib.import_module("dlint.rules._index")
    except ImportError:
        return None
    if list(index.SCANNED) != modules:  # a module added or removed since the index was made
        return None
    return [
        Rule(
            meta_from_data(meta),
            module=module,
            summary=summary,
            runs=runs,
            may_be_unavailable=may_be_unavailable,
        )
        for module, meta, summary, runs, may_be_unavailable in index.RULES
    ]


def _validate(rules: list[Rule]) -> None:
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


# -- the rule index ----------------------------------------------------------------------
# `python scripts/rule_index.py` writes rules/_index.py from the rule modules; a test
# checks that it is up to date.


def meta_to_data(meta: RuleMeta) -> dict[str, Any]:
    """``meta`` as plain data (strings, numbers, lists, dicts) for the index."""
    out: dict[str, Any] = {}
    for f in fields(RuleMeta):
        value = getattr(meta, f.name)
        if f.name == "severity":
            value = value.name
        elif f.name == "options":
            value = [{o.name: getattr(opt, o.name) for o in fields(Option)} for opt in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def meta_from_data(data: dict[str, Any]) -> RuleMeta:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "severity":
            value = Severity[value]
        elif key == "options":
            value = tuple(Option(**o) for o in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return RuleMeta(**values)


def render_index() -> str:
    """The text of rules/_index.py for the rule modules there are now."""
    modules = _rule_modules()
    entries = []
    for name in modules:
        module = importlib.import_module(name)
        if hasattr(module, "META"):
            rule = Rule.from_module(module)
            entries.append(
                (
                    name,
                    meta_to_data(rule.meta),
                    rule.summary,
                    rule.check is not None,
                    rule.unavailable is not None,
                )
            )
    lines = [
        '"""The metadata of every rule, so that listing and selecting rules imports no rule',
        "module.",
        "",
        "Generated by scripts/rule_index.py from the rule modules: do not edit.",
        '"""',
        "",
        "from typing import Any",
        "",
        "# the modules that may hold a rule when the index was made",
        "SCANNED: tuple[str, ...] = (",
        *(f"    {name!r}," for name in modules),
        ")",
        "",
        "# (module, META as data, summary line, has a check, may be unavailable)",
        "RULES: tuple[tuple[str, dict[str, Any], str, bool, bool], ...] = (",
        *(f"    {entry!r}," for entry in entries),
        ")",
        "",
    ]
    return "\n".join(lines)


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
