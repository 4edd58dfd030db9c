"""Configuration: ``[tool.dlint]`` in pyproject.toml, ``.dlint.toml``/``dlint.toml``,
or, when there is no dlint config, a ``.hadolint.yaml`` (migration).

The closest config file to a linted file applies to it (nothing is merged
between files); command-line flags override it. Unknown keys and unknown rules
are errors that name the file and the key.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import translate
from functools import lru_cache
from pathlib import Path
from typing import Any

from dlint.cache import note
from dlint.files import LoadError, ProjectFiles
from dlint.ir.common import Severity
from dlint.reporters import FORMATS
from dlint.rule import Rule, check_option, covers

CONFIG_NAMES = (".dlint.toml", "dlint.toml", "pyproject.toml")
HADOLINT_NAMES = (".hadolint.yaml", ".hadolint.yml")
_CONFIG_FILES = frozenset(CONFIG_NAMES + HADOLINT_NAMES)
_NO_NAMES: frozenset[str] = frozenset()  # one object for every folder without a config
# Top-level keys that set the option of the same name in every rule that has one.
SHARED_OPTIONS = ("trusted-registries", "label-schema", "strict-labels")
NEVER = "never"  # fail-level that never fails
_KEYS = frozenset(
    {"select", "ignore", "extend-select", "per-file-ignores", "fail-level", "exclude",
     "extend-exclude", "rules", "disable-suppressions", "output-format", "verbose", "preview",
     "cache-dir", *SHARED_OPTIONS}
)  # fmt: skip
OUTPUT_FORMATS = FORMATS


class ConfigError(ValueError):
    """A config file dlint cannot use: the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """The settings that apply to the files below one config file."""

    source: str | None = None  # the file it came from (None: defaults)
    root: Path | None = None  # folder of that file: per-file-ignores globs start here
    select: tuple[str, ...] | None = None  # None: the default set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_level: str | None = None  # "error", "warning", "info", "style" or "never"
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule code -> severity
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> options
    disable_suppressions: bool = False  # inline suppressions in its files are not honoured
    preview: bool = False  # preview rules count as the others do (see RuleMeta.preview)
    # for the whole run, from the config of the folder dlint runs in:
    output_format: str | None = None
    verbose: bool = False
    cache_dir: Path | None = None  # where runs are cached (relative to the config's folder)

    def enabled(self, rules: Iterable[Rule]) -> Selection:
        """What this config turns on."""
        rules = list(rules)
        if self.select is None:
            chosen = {r.code for r in rules if r.meta.default_enabled or r.code in self.options}
        else:
            chosen = set(resolve(self.select, rules, self.source))
        chosen |= set(resolve(self.extend_select, rules, self.source))
        if not self.preview:  # a preview rule runs only when named exactly
            named = named_rules((*(self.select or ()), *self.extend_select), rules)
            chosen -= {r.code for r in rules if r.meta.preview and r.code not in named}
        off = frozenset(resolve(self.ignore, rules, self.source))
        codes = {r.code for r in rules}
        return Selection(frozenset(chosen & codes) - off, frozenset(chosen - codes), off)

    def ignored_for(self, path: str, rules: Iterable[Rule], cwd: Path) -> frozenset[str]:
        """Codes (and sub-codes) per-file-ignores turns off for ``path`` (relative to the
        working dir)."""
        if not self.per_file_ignores:
            return frozenset()
        rel = _relative_to_root(path, cwd, self.root)
        out: set[str] = set()
        for pattern, selectors in self.per_file_ignores:
            if _glob(rel, pattern):
                out |= set(resolve(selectors, rules, self.source))
        return frozenset(out)

    def severity_of(self, code: str, rule: str, default: Severity) -> Severity:
        """The severity this config gives a finding: set for its sub-code (the longest
        prefix given wins), else for its rule, else ``default``."""
        best: tuple[int, Severity] | None = None
        for key, severity in self.severity.items():
            if covers(key, code, rule) and (best is None or len(key) > best[0]):
                best = (len(key), severity)
        return default if best is None else best[1]

    def excluded(self, path: Path, cwd: Path) -> bool:
        """Whether ``path`` matches the excludes; patterns start at this config's folder
        (at ``cwd`` for the defaults)."""
        patterns = (DEFAULT_EXCLUDE if self.exclude is None else self.exclude) + self.extend_exclude
        absolute = os.path.abspath(path)
        base = os.path.abspath(self.root or cwd)
        if absolute == base:
            rel = "."
        elif absolute.startswith(base.rstrip(os.sep) + os.sep):
            rel = absolute[len(base.rstrip(os.sep)) + 1 :]
        else:
            rel = absolute
        rel = Path(rel).as_posix() if os.sep != "/" else rel
        return _excluder(patterns)(rel)


@dataclass(frozen=True)
class Selection:
    """The rules a config turns on, and for rules whose findings have sub-codes
    (ShellCheck's ``SC2086``), which of those. An ignore beats a select."""

    rules: frozenset[str]  # codes of the rules turned on as a whole
    subcodes: frozenset[str]  # sub-codes (or prefixes) turned on one by one
    off: frozenset[str]  # codes and sub-codes ignored

    def __contains__(self, code: object) -> bool:
        """Whether the rule with this code can report anything."""
        if code in self.rules:
            return True
        return (
            isinstance(code, str)
            and code not in self.off
            and any(covers(s, s, code) for s in self.subcodes)
        )

    def allows(self, code: str, rule: str) -> bool:
        """Whether a finding with ``code`` of the rule ``rule`` is reported."""
        if code == rule:
            return rule in self.rules
        on = rule in self.rules or any(covers(s, code, rule) for s in self.subcodes)
        return on and not any(covers(s, code, rule) for s in self.off)


DEFAULT = Config()  # no config file: one shared object, so runs can group files by config

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".dlint_cache",
)  # fmt: skip


def _relative_to_root(path: str, cwd: Path, root: Path | None) -> str:
    absolute = (cwd / path).resolve()
    if root is not None:
        try:
            return absolute.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path


def _glob(rel_path: str, pattern: str) -> bool:
    """gitignore-like: a pattern without ``/`` matches any path component."""
    return _matcher(pattern)(rel_path)


@lru_cache(maxsize=64)
def _excluder(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a path matches any of ``patterns`` (as ``_glob`` has them): the plain
    names (most excludes) compared with the path's parts at once."""
    names = [p.strip().rstrip("/") for p in patterns]  # as _matcher reads them
    plain = frozenset(n for n in names if _is_plain(n))
    others = [_matcher(p) for p, n in zip(patterns, names, strict=True) if not _is_plain(n)]

    def excluded(rel_path: str) -> bool:
        if not plain.isdisjoint(rel_path.split("/")):
            return True
        return any(match(rel_path) for match in others)

    return excluded


def _is_plain(pattern: str) -> bool:
    """A name, not a path or glob (matched with any part of a path)."""
    return bool(pattern) and not any(c in pattern for c in "/*?[")


@lru_cache(maxsize=256)
def _matcher(pattern: str) -> Callable[[str], bool]:
    """``_glob`` for one pattern, its regular expressions compiled once."""
    pattern = pattern.strip().rstrip("/")
    if not pattern:
        return lambda rel_path: False
    if pattern.startswith("/") or "/" in pattern:
        pattern = pattern.lstrip("/")
        whole = re.compile(translate(pattern)).match
        below = re.compile(translate(pattern + "/*")).match

        def anchored(rel_path: str) -> bool:
            if whole(rel_path) or below(rel_path):
                return True
            parts = rel_path.split("/")
            return any(whole("/".join(parts[: i + 1])) for i in range(len(parts)))

        return anchored
    match = re.compile(translate(pattern)).match
    if _is_plain(pattern):  # compare the parts
        return lambda rel_path: pattern in rel_path.split("/")
    return lambda rel_path: any(match(p) for p in rel_path.split("/")) or bool(match(rel_path))


def resolve(selectors: Iterable[str], rules: Iterable[Rule], source: str | None) -> list[str]:
    """Codes named by selectors: ``ALL``, a code, a code prefix (``DF1``), a name, an
    alias; or a sub-code, or prefix of sub-codes, of a rule that has them (``SC2086``)."""
    rules = list(rules)
    out: list[str] = []
    for raw in selectors:
        sel = raw.strip()
        if not sel:
            continue
        upper = sel.upper()
        if upper == "ALL":
            out.extend(r.code for r in rules)
            continue
        matched = [r.code for r in rules if r.code.startswith(upper) or r.meta.answers_to(sel)]
        matched += [sub for r in rules if (sub := r.meta.subcode(sel)) is not None]
        if not matched:
            where = f" in {source}" if source else ""
            raise ConfigError(f"unknown rule or code prefix {sel!r}{where} (see `dlint rules`)")
        out.extend(matched)
    return out


def named_rules(selectors: Iterable[str], rules: Iterable[Rule]) -> frozenset[str]:
    """Codes of the rules a selector names exactly (by code, name, alias or one of its
    sub-codes: not by a prefix or ``ALL``)."""
    return frozenset(
        r.code
        for r in rules
        if any(r.meta.answers_to(s) or r.meta.subcode(s) is not None for s in selectors)
    )


def _strings(value: Any, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: `{key}` must be a list of strings")
    return tuple(value)


def _level(value: Any, key: str, source: str) -> str:
    text = str(value).strip().lower()
    if text not in ("error", "warning", "info", "style", NEVER):
        raise ConfigError(
            f"{source}: `{key}` must be one of error, warning, info, style, never (got {value!r})"
        )
    return text


def from_mapping(data: Mapping[str, Any], source: str, root: Path, rules: list[Rule]) -> Config:
    """Validate a ``[tool.dlint]`` table (or a .dlint.toml document)."""
    for key in data:
        if key not in _KEYS:
            raise ConfigError(f"{source}: unknown key `{key}`")

    def strings(key: str) -> tuple[str, ...]:
        return _strings(data[key], key, source) if key in data else ()

    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{source}: `per-file-ignores` must be a table of glob = [rules]")
    per_file = tuple((g, _strings(v, f"per-file-ignores.{g}", source)) for g, v in pfi.items())
    severity, options = _rule_settings(data, source, rules)
    return Config(
        source=source,
        root=root,
        select=strings("select") if "select" in data else None,
        extend_select=strings("extend-select"),
        ignore=strings("ignore"),
        per_file_ignores=per_file,
        fail_level=_level(data["fail-level"], "fail-level", source)
        if "fail-level" in data
        else None,
        exclude=strings("exclude") if "exclude" in data else None,
        extend_exclude=strings("extend-exclude"),
        severity=severity,
        options=options,
        disable_suppressions=_flag(data, "disable-suppressions", source),
        output_format=_choice(data, "output-format", OUTPUT_FORMATS, source),
        verbose=_flag(data, "verbose", source),
        preview=_flag(data, "preview", source),
        cache_dir=_folder(data, "cache-dir", root, source),
    )


def _flag(data: Mapping[str, Any], key: str, source: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{source}: `{key}` must be true or false")
    return value


def _folder(data: Mapping[str, Any], key: str, root: Path | None, source: str) -> Path | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{source}: `{key}` must be a folder (a non-empty string)")
    return (root or Path(".")) / value


def _choice(data: Mapping[str, Any], key: str, choices: tuple[str, ...], source: str) -> str | None:
    value = data.get(key)
    if value is not None and value not in choices:
        raise ConfigError(f"{source}: `{key}` must be one of {', '.join(choices)} (got {value!r})")
    return value


def _rule_settings(
    data: Mapping[str, Any], source: str, rules: list[Rule]
) -> tuple[dict[str, Severity], dict[str, dict[str, Any]]]:
    """Severity overrides and options, from shared keys and ``[rules.<rule>]`` tables."""
    severity: dict[str, Severity] = {}
    options: dict[str, dict[str, Any]] = {}
    for name in (k for k in SHARED_OPTIONS if k in data):
        takers = [(r, o) for r in rules for o in r.meta.options if o.name == name]
        if not takers:
            raise ConfigError(f"{source}: `{name}` is set, but no rule uses it")
        for rule, option in takers:
            problem = check_option(option, data[name])
            if problem:
                raise ConfigError(f"{source}: `{name}` {problem}")
            options.setdefault(rule.code, {})[name] = data[name]
    table = data.get("rules", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: `rules` must be a table of rule tables")
    for selector, settings in table.items():
        if not isinstance(settings, dict):
            raise ConfigError(f"{source}: `rules.{selector}` must be a table")
        for code in resolve([selector], rules, source):
            rule = next(r for r in rules if r.code == code or r.meta.subcode(code) == code)
            for key, value in settings.items():
                if key != "severity" and code != rule.code:
                    raise ConfigError(
                        f"{source}: `rules.{selector}` is one of {rule.code} {rule.name}'s "
                        f"codes: only its `severity` can be set (options go in "
                        f"`rules.{rule.name}`)"
                    )
                if key == "severity":
                    try:
                        severity[code] = Severity.parse(str(value))
                    except ValueError as exc:
                        raise ConfigError(f"{source}: `rules.{selector}.severity`: {exc}") from None
                    continue
                found = next((o for o in rule.meta.options if o.name == key), None)
                if found is None:
                    known = ", ".join(["severity", *(o.name for o in rule.meta.options)])
                    raise ConfigError(
                        f"{source}: unknown key `rules.{selector}.{key}` (known: {known})"
                    )
                problem = check_option(found, value)
                if problem:
                    raise ConfigError(f"{source}: `rules.{selector}.{key}` {problem}")
                options.setdefault(code, {})[key] = value
    return severity, options


def read_config_text(files: ProjectFiles, path: Path) -> str:
    """A config file's text; ConfigError (naming the file) when it cannot be read."""
    try:
        return files.read_text(path)
    except LoadError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None


def _read_toml(files: ProjectFiles, path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    text = read_config_text(files, path)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: cannot read TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: cannot read TOML: nested too deeply") from None
    return data


def load_file(files: ProjectFiles, path: Path, rules: list[Rule]) -> Config | None:
    """The config in ``path``; None for a pyproject.toml without ``[tool.dlint]``."""
    if path.name in HADOLINT_NAMES:
        from dlint.hadolint_config import from_hadolint

        return from_hadolint(read_config_text(files, path), path, rules)
    data = _read_toml(files, path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "dlint" not in tool:
            return None
        data = tool["dlint"]
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: `[tool.dlint]` must be a table")
    return from_mapping(data, str(path), path.parent, rules)


@dataclass
class ConfigFinder:
    """Finds the config of each folder once: the closest dlint config file wins;
    with none anywhere above, the closest ``.hadolint.yaml`` is honoured."""

    rules: list[Rule]
    files: ProjectFiles  # config files are read inside the project only
    explicit: Config | None = None  # --config: used for every file
    isolated: bool = False  # --isolated: defaults only
    _found: dict[tuple[Path, bool], Config | None] = field(default_factory=dict, repr=False)
    _listed: dict[Path, frozenset[str] | None] = field(default_factory=dict, repr=False)

    def for_path(self, path: Path) -> Config:
        if self.explicit is not None:
            return self.explicit
        if self.isolated:
            return DEFAULT
        folder = Path(self.files.realpath(path))
        note(folder)
        if not folder.is_dir():
            folder = folder.parent
        return self._search(folder, False) or self._search(folder, True) or DEFAULT

    def _names(self, folder: Path) -> frozenset[str] | None:
        """The names in ``folder`` that could be a config file (None: it cannot be
        listed, so each name is looked up): one listing instead of five lookups."""
        if folder not in self._listed:
            try:
                names = _CONFIG_FILES.intersection(os.listdir(folder)) or _NO_NAMES
            except OSError:
                names = None
            self._listed[folder] = names
        return self._listed[folder]

    def _search(self, folder: Path, hadolint: bool) -> Config | None:
        """The closest config at or above ``folder``, up to the project root."""
        key = (folder, hadolint)
        if key in self._found:
            return self._found[key]
        found: Config | None = None
        if self.files.refusal(folder) is None:
            names = self._names(folder)
            for name in HADOLINT_NAMES if hadolint else CONFIG_NAMES:
                candidate = folder / name
                note(candidate)
                if name in names if names is not None else os.path.lexists(candidate):
                    found = load_file(self.files, candidate, self.rules)
                    if found is not None:
                        break
            if found is None and folder.parent != folder:
                found = self._search(folder.parent, hadolint)
        self._found[key] = found
        return found
