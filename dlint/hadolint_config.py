"""Read a ``.hadolint.yaml`` as dlint configuration (migration from hadolint).

Every key hadolint documents is honoured or refused with a reason:

- ``ignored``, ``override`` (severity lists): for the rules that carry those
  hadolint codes, and ShellCheck's ``SC...`` codes; codes dlint does not have
  configure hadolint only and are skipped;
- ``trustedRegistries``, ``label-schema``, ``strict-labels``: rule options;
- ``failure-threshold``: the fail level (``ignore``/``none``: every finding
  fails, as in hadolint); ``no-fail``: never fail;
- ``disable-ignore-pragma``: inline suppressions are not honoured;
- ``format``/``formats``: the output format, where dlint has the same one
  (``tty``, ``sarif``, ``gitlab_codeclimate``); others are refused;
- ``verbose``: verbose output; ``no-color``: dlint never colours its output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlint.config import Config, ConfigError, from_mapping
from dlint.ir.common import Severity
from dlint.rule import Rule

_KEYS = {
    "ignored", "override", "trustedRegistries", "label-schema", "strict-labels",
    "failure-threshold", "no-fail", "no-color", "disable-ignore-pragma", "format", "formats",
    "verbose",
}  # fmt: skip
# hadolint's thresholds; with "ignore" or "none" every reported finding fails
_THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "style",
               "ignore": "style", "none": "style"}  # fmt: skip
# hadolint's output formats that dlint writes too
_FORMATS = {"tty": "text", "sarif": "sarif", "gitlab_codeclimate": "gitlab"}


def _known(codes: Any, rules: list[Rule], source: str, key: str) -> list[str]:
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ConfigError(f"{source}: `{key}` must be a list of rule codes")
    carried = {code for r in rules for code in r.meta.hadolint_codes}
    return [
        c
        for c in codes
        if c.upper() in carried
        or any(r.meta.subcode(c) == c.upper() and len(c) == len(r.code) + 4 for r in rules)
    ]


def _bool(data: dict[str, Any], key: str, source: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{source}: `{key}` must be true or false")
    return value


def _format(data: dict[str, Any], source: str) -> str | None:
    names = data.get("formats", data.get("format"))
    if names is None:
        return None
    listed = names if isinstance(names, list) else [names]
    if len(listed) != 1 or not isinstance(listed[0], str):
        raise ConfigError(f"{source}: `format` must name one output format")
    name = listed[0]
    if name not in _FORMATS:
        raise ConfigError(
            f"{source}: hadolint's output format {name!r} has no dlint equivalent; remove "
            f"`format` and use --format ({', '.join(('text', 'json', 'sarif', 'github', 'gitlab'))})"
        )
    return _FORMATS[name]


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
        if key not in _KEYS:
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
        registries = data["trustedRegistries"]
        table["trusted-registries"] = [registries] if isinstance(registries, str) else registries
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
    if _bool(data, "no-fail", source):
        table["fail-level"] = "never"
    _bool(data, "no-color", source)  # dlint's output has no colour to turn off
    table["disable-suppressions"] = _bool(data, "disable-ignore-pragma", source)
    table["verbose"] = _bool(data, "verbose", source)
    output = _format(data, source)
    if output is not None:
        table["output-format"] = output
    return from_mapping(table, source, path.parent, rules)
