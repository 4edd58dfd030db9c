"""Every rule documents itself, and its examples do what they say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlint.engine import Options, lint
from dlint.registry import all_rules
from dlint.rule import Rule, doc_sections

RULES = all_rules()
_FENCE = re.compile(r"```(?P<lang>[\w-]*)\n(?P<body>.*?)```", re.DOTALL)
_FILE_FOR_LANG = {"dockerfile": "Dockerfile", "yaml": "compose.yaml"}
# Rules no input can trigger.
_NO_EXAMPLE = {"internal-error"}


_OPTIONS = re.compile(r"^Options: (?P<json>\{.*\})\s*$", re.MULTILINE)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def _config(rule: Rule, section: str) -> list[tuple[str, str]]:
    """A .dlint.toml for the ``Options: {...}`` line of a section, if it has one."""
    m = _OPTIONS.search(section)
    if m is None:
        return []
    options = json.loads(m["json"])
    body = "\n".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in options.items())
    return [(".dlint.toml", f"[rules.{rule.code}]\n{body}\n")]


def _examples(section: str) -> list[tuple[str, str]]:
    """(file name, text) for each fenced block; ``# file: name`` on line 1 renames it."""
    out = []
    for m in _FENCE.finditer(section):
        body = m["body"]
        name = _FILE_FOR_LANG.get(m["lang"], "Dockerfile")
        first = body.split("\n", 1)[0]
        if first.startswith("# file: "):
            name = first[len("# file: ") :].strip()
        out.append((name, body))
    return out


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_docs_complete(rule: Rule) -> None:
    code = r"SC" if rule.meta.subcodes else r"D[MFCP]\d{3}|DL[134]\d{3}"
    assert re.fullmatch(code, rule.code), rule.code
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.name), rule.name
    if not rule.meta.dclint:  # dclint's own names are kept for its users
        assert not rule.name.startswith("no-"), "name the anti-pattern, not its ban"
    assert rule.summary.endswith("."), "the first docstring line is a one-sentence summary"
    sections = doc_sections(rule.doc)
    for title in ("What it does", "Why is this bad?"):
        assert sections.get(title, "").strip(), f"{rule.name}: missing section {title!r}"
    if rule.name not in _NO_EXAMPLE:
        for title in ("Example", "Use instead"):
            assert _examples(sections.get(title, "")), f"{rule.name}: no code block in {title!r}"


def _lint_example(rule: Rule, files: list[tuple[str, str]], tmp_path: Path) -> set[str]:
    for name, text in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    why = rule.unavailable() if rule.unavailable is not None else None
    if why is not None:
        pytest.skip(why)
    options = Options(fail_level="never", extend_select=(rule.code,))  # rules off by default too
    report = lint([str(tmp_path)], cwd=tmp_path, options=options)
    return {d.rule_code for d in report.diagnostics}


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.name not in _NO_EXAMPLE], ids=lambda r: r.name
)
def test_example_fires(rule: Rule, tmp_path: Path) -> None:
    section = rule.section("Example")
    codes = _lint_example(rule, _examples(section) + _config(rule, section), tmp_path)
    assert rule.code in codes


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.name not in _NO_EXAMPLE], ids=lambda r: r.name
)
def test_use_instead_is_clean(rule: Rule, tmp_path: Path) -> None:
    section = rule.section("Use instead")
    codes = _lint_example(rule, _examples(section) + _config(rule, section), tmp_path)
    assert rule.code not in codes
    assert "DM001" not in codes, "a good example must parse"


def test_generated_rule_pages_are_up_to_date() -> None:
    """docs/rules/ is what scripts/rule_docs.py writes (run it after changing a rule)."""
    from dlint.docs import pages
    from tests.conftest import REPO

    folder = REPO / "docs" / "rules"
    expected = pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert sorted(on_disk) == sorted(expected), "run `python scripts/rule_docs.py`"
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"stale pages, run `python scripts/rule_docs.py`: {stale}"
