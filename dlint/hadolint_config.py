"""Read a ``.hadolint.yaml`` as dlint configuration (migration from hadolint).

Honoured for the rules that carry hadolint codes: ``ignored``, ``override``
(severity lists), ``trustedRegistries``, ``label-schema``, ``strict-labels`` and
``failure-threshold``. Codes dlint does not have (ShellCheck's ``SC...``,
hadolint rules without a dlint twin) configure hadolint only and are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlint.config import Config, ConfigError, from_mapping
from dlint.ir.common import Severity
from dlint.rule import Rule

_USED = {
    "ignored",
    "override",
    "trustedRegistries",
    "label-schema",
    "strict-labels",
    "failure-threshold",
}
_HADOLINT_ONLY = {"format", "no-fail", "no-color", "disable-ignore-pragma", "verbose"}
_THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "style",
               "ignore": "never", "none": "never"}  # fmt: skip


def _known(codes: Any, rules: list[Rule], source: str, key: str) -> list[str]:
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ConfigError(f"{source}: `{key}` must be a list of rule codes")
    aliases = {a.upper() for r in rules for a in r.meta.aliases}
    return [c for c in codes if c.upper() in aliases]


def from_hadolint(text: str, path: Path, rules: list[Rule]) -> Config:
    import yaml

    source = str(path)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(
            f"{source}: invalid YAML{where}: {exc.problem or exc.context or 'cannot be read'}"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{source}: cannot read it: nested too deeply") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a mapping of hadolint settings")
    for key in data:
        if key not in _USED and key not in _HADOLINT_ONLY:
            raise ConfigError(f"{source}: unknown key `{key}`")
    table: dict[str, Any] = {}
    ignored = _known(data.get("ignored", []), rules, source, "ignored")
    if ignored:
        table["ignore"] = ignored
    override = data.get("override", {}) or {}
    if not isinstance(override, dict):
        raise ConfigError(f"{source}: `override` must map error/warning/info/style to code lists")
    rule_tables: dict[str, dict[str, Any]] = {}
    for level, codes in override.items():
        try:
            severity = Severity.parse(str(level))
        except ValueError:
            raise ConfigError(f"{source}: unknown level `override.{level}`") from None
        for code in _known(codes, rules, source, f"override.{level}"):
            rule_tables[code] = {"severity": severity.label}
    if rule_tables:
        table["rules"] = rule_tables
    uses = {o.name for r in rules for o in r.meta.options}
    if "trustedRegistries" in data and "trusted-registries" in uses:
        table["trusted-registries"] = data["trustedRegistries"]
    if "label-schema" in data and "label-schema" in uses:
        table["label-schema"] = data["label-schema"]
    if "strict-labels" in data and "strict-labels" in uses:
        table["strict-labels"] = data["strict-labels"]
    if "failure-threshold" in data:
        level = str(data["failure-threshold"]).lower()
        if level not in _THRESHOLDS:
            raise ConfigError(
                f"{source}: unknown `failure-threshold` {data['failure-threshold']!r}"
            )
        table["fail-level"] = _THRESHOLDS[level]
    return from_mapping(table, source, path.parent, rules)
