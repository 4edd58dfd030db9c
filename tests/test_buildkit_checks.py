"""BuildKit's own lint test cases for the checks dlint carries (``../shared/conformance``).

Each record is a Dockerfile from BuildKit's ``dockerfile_check_test.go`` with the
lines where one check must (or must not) warn. dlint lints the file as a user
would (``# check=skip=`` directives honoured) and must report the same lines
under the rule that carries that check's name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dlint.cli import main
from dlint.registry import all_rules
from tests.conftest import SHARED, shared

# BuildKit check name -> dlint rule name
CARRIED = {alias: rule.name for rule in all_rules() for alias in rule.meta.aliases}


def _cases() -> list[dict[str, Any]]:
    path = SHARED / "conformance" / "buildkit-lint-public.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["rule"] in CARRIED]


CASES = _cases()


def test_public_cases_present() -> None:
    shared("conformance", "buildkit-lint-public.jsonl")
    rules = {c["rule"] for c in CASES}
    assert {"MaintainerDeprecated", "FromAsCasing", "ConsistentInstructionCasing"} <= rules


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_buildkit_case(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if "BUILDKIT_DOCKERFILE_CHECK" in (case["build_args"] or {}):
        pytest.skip("the check settings come from a build argument, which a linter never sees")
    (tmp_path / "Dockerfile").write_text(case["dockerfile"], encoding="utf-8")
    name = CARRIED[case["rule"]]
    with pytest.raises(SystemExit):
        main(["--isolated", "--format", "json", "--select", name, str(tmp_path / "Dockerfile")])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["line"] for f in findings if f["name"] == name] == case["lines"], findings
    assert case["count"] == len(case["lines"])
