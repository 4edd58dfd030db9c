"""compose-go's loader cases: valid files load cleanly, invalid ones are flagged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dlint.engine import Options, lint
from tests.conftest import SHARED, shared

CASES_FILE = SHARED / "conformance/compose/cases.jsonl"
CASES = (
    [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines()]
    if CASES_FILE.exists()
    else []
)
# Valid cases whose upstream test loads them without compose-go's consistency
# check although the case list says otherwise; dlint's findings on them are real
# (`docker compose config` reports the same).
CONSISTENCY_EXCEPTIONS = {
    "valid/TestLoad.yml": "service 'foo' refers to undefined network 'with_me'",
    "valid/TestLoadWithInterpolationCastFull.yml": "service 'web' has neither an image nor a build",
}
LOAD_RULES = ("compose-schema", "parse-error", "internal-error")


def _lint(case: dict[str, object], tmp_path: Path) -> list[tuple[str, str, str]]:
    src = shared("conformance", "compose", str(case["file"]))
    target = tmp_path / "compose.yaml"
    shutil.copy(src, target)
    env = case["env"] if isinstance(case["env"], dict) else {}
    report = lint([str(target)], cwd=tmp_path, options=Options(environ=env))
    return [(d.name, d.severity.label, d.message) for d in report.diagnostics]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c["expect"] == "valid"] or [{}],
    ids=lambda c: str(c.get("file", "none")),
)
def test_valid_cases_load(case: dict[str, object], tmp_path: Path) -> None:
    shared("conformance", "compose")
    found = _lint(case, tmp_path)
    skip_consistency = "SkipConsistencyCheck" in case["loader_options"]  # type: ignore[operator]
    errors = [
        message for name, severity, message in found if name in LOAD_RULES and severity == "error"
    ]
    allowed = CONSISTENCY_EXCEPTIONS.get(str(case["file"]))
    if skip_consistency or allowed:
        consistency_words = ("undefined", "neither an image", "mutually exclusive")
        errors = [m for m in errors if not any(w in m for w in consistency_words)]
    assert not errors


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c["expect"] == "invalid"] or [{}],
    ids=lambda c: str(c.get("file", "none")),
)
def test_invalid_cases_are_flagged(case: dict[str, object], tmp_path: Path) -> None:
    shared("conformance", "compose")
    found = _lint(case, tmp_path)
    assert any(name in LOAD_RULES for name, _, _ in found), case["error_contains"]


def test_case_counts() -> None:
    shared("conformance", "compose")
    assert len(CASES) == 232
    assert sum(1 for c in CASES if c["expect"] == "invalid") == 38


def test_error_messages_match_compose_go_wording(tmp_path: Path) -> None:
    """Where dlint checks the same thing, it says it the way compose-go does."""
    shared("conformance", "compose")
    same = {
        "invalid/TestNonStringImage.yml",
        "invalid/TestNonMappingObject-1.yml",
        "invalid/TestInvalidExternalAndDriverCombination.yml",
        "invalid/TestLoadDependsOnCycle.yml",
        "invalid/TestLoadDependsOnSelf.yml",
        "invalid/TestServiceDeviceRequestCountAndDeviceIdsExclusive.yml",
        "invalid/TestLoadBindMountSourceMustNotBeEmpty.yml",
        "invalid/TestNonStringKeys-1.yml",
        "invalid/TestInvalidTopLevelObjectType-1.yml",
    }
    for case in CASES:
        if case["file"] in same:
            messages = [m for _, _, m in _lint(case, tmp_path)]
            assert any(str(case["error_contains"]) in m for m in messages), (case["file"], messages)
