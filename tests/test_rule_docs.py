"""Every rule documents itself, and its examples do what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlint.engine import lint
from dlint.registry import all_rules
from dlint.rule import Rule, doc_sections

RULES = all_rules()
_FENCE = re.compile(r"```(?P<lang>[\w-]*)\n(?P<body>.*?)```", re.DOTALL)
_FILE_FOR_LANG = {"dockerfile": "Dockerfile", "yaml": "compose.yaml"}
# Rules no input can trigger.
_NO_EXAMPLE = {"internal-error"}


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
    assert re.fullmatch(r"D[MFCP]\d{3}", rule.code), rule.code
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.name), rule.name
    assert not rule.name.startswith("no-"), "name the anti-pattern, not its ban"
    assert rule.summary.endswith("."), "the first docstring line is a one-sentence summary"
    sections = doc_sections(rule.doc)
    for title in ("What it does", "Why is this bad?"):
        assert sections.get(title, "").strip(), f"{rule.name}: missing section {title!r}"
    if rule.name not in _NO_EXAMPLE:
        for title in ("Example", "Use instead"):
            assert _examples(sections.get(title, "")), f"{rule.name}: no code block in {title!r}"


def _lint_example(files: list[tuple[str, str]], tmp_path: Path) -> set[str]:
    for name, text in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    report = lint([str(tmp_path)], cwd=tmp_path)
    return {d.code for d in report.diagnostics}


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.name not in _NO_EXAMPLE], ids=lambda r: r.name
)
def test_example_fires(rule: Rule, tmp_path: Path) -> None:
    codes = _lint_example(_examples(rule.section("Example")), tmp_path)
    assert rule.code in codes


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.name not in _NO_EXAMPLE], ids=lambda r: r.name
)
def test_use_instead_is_clean(rule: Rule, tmp_path: Path) -> None:
    codes = _lint_example(_examples(rule.section("Use instead")), tmp_path)
    assert rule.code not in codes
    assert "DM001" not in codes, "a good example must parse"
