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
# Valid cases with error findings, by case, with each message and why it is right.
VALID_EXCEPTIONS = {
    # compose-go's test loads these with its consistency check off although the case list
    # says otherwise; `docker compose config` reports the same
    "valid/TestLoad.yml": ["service 'foo' refers to undefined network 'with_me'"],
    "valid/TestLoadWithInterpolationCastFull.yml": [
        "service 'web' has neither an image nor a build context specified"
    ],
    # loaded upstream with SkipConsistencyCheck: the references are dangling on purpose
    "valid/TestLoadLegacyBoolean.yml": [
        "service 'test' has neither an image nor a build context specified"
    ],
    "valid/TestLoadWithDependsOn.yml": [
        "service 'foo' depends on undefined service 'bar'",
        "service 'foo' depends on undefined service 'baz'",
        "service 'foo' depends on undefined service 'qux'",
    ],
    "valid/TestModels.yml": [
        "service 'test_array' has neither an image nor a build context specified",
        "service 'test_mapping' has neither an image nor a build context specified",
    ],
    "valid/TestSecretFileModeNumber.yml": [
        "service 'foo' refers to undefined secret 'server-certificate'"
    ],
    "valid/TestSecretFileModeString.yml": [
        "service 'foo' refers to undefined secret 'server-certificate'"
    ],
    # a test of `volume.subpath` only: its volume is not declared, which compose-go's
    # consistency check (and `docker compose config`) rejects
    "valid/TestLoadVolumeSubpath.yml": ["service 'test' refers to undefined volume 'asdf'"],
}
# Invalid cases dlint flags below error level, and why.
INVALID_DIFFERENCES = {
    # a key neither bundled schema knows, and that is no misspelling of a known one, may
    # be newer than the schemas (pre_start was): reported as information only
    "invalid/TestInvalidResource.yml": "unknown key 'impossible'",
    "invalid/TestLoadTmpfsVolumeAdditionalPropertyNotAllowed.yml": "unknown key 'foo'",
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
    errors = [
        message for name, severity, message in found if name in LOAD_RULES and severity == "error"
    ]
    assert errors == VALID_EXCEPTIONS.get(str(case["file"]), [])


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c["expect"] == "invalid"] or [{}],
    ids=lambda c: str(c.get("file", "none")),
)
def test_invalid_cases_are_flagged(case: dict[str, object], tmp_path: Path) -> None:
    shared("conformance", "compose")
    found = _lint(case, tmp_path)
    errors = [m for name, severity, m in found if name in LOAD_RULES and severity == "error"]
    known = INVALID_DIFFERENCES.get(str(case["file"]))
    if known is not None:
        assert not errors and any(known in m for _, _, m in found), found
    else:
        assert errors, (case["error_contains"], found)


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
