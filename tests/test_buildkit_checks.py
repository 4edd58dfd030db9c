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

# BuildKit check name -> the dlint rules that carry it (MultipleInstructionsDisallowed
# is three: one per instruction)
CARRIED: dict[str, list[str]] = {}
for _rule in all_rules():
    for _check in _rule.meta.buildkit:
        CARRIED.setdefault(_check, []).append(_rule.name)
# case id -> why dlint answers otherwise (each rule's docs say more)
DIFFERENCES: dict[str, str] = {}
# case id -> why only the number of findings is compared: BuildKit's test compares only
# that, and the record's lines are copied from another case
COUNT_ONLY = {
    "buildkit/LegacyKeyValueFormat/3": "its test checks unmarshalled warnings, whose lines "
    "it does not compare; the record says 3 and 4, but the ENV and LABEL are on 5 and 6",
}
THRESHOLD = 0.95


def _cases() -> list[dict[str, Any]]:
    path = SHARED / "conformance" / "buildkit-lint-public.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


CASES = _cases()


def _applies(case: dict[str, Any]) -> bool:
    """A case whose check settings come from a build argument does not apply: a linter
    never sees build arguments."""
    return "BUILDKIT_DOCKERFILE_CHECK" not in (case["build_args"] or {})


def _lines(case: dict[str, Any], folder: Path, capsys: pytest.CaptureFixture[str]) -> list[int]:
    """The lines where dlint reports the case's check, linted as a user would (default
    rules, the file's `# check=` directives honoured)."""
    (folder / "Dockerfile").write_text(case["dockerfile"], encoding="utf-8")
    if case["dockerignore"] is not None:
        (folder / ".dockerignore").write_text(case["dockerignore"], encoding="utf-8")
    names = CARRIED[case["rule"]]
    # the default selection: BuildKit's experimental checks run only when the file's
    # `# check=experimental=` turns them on, as in BuildKit
    with pytest.raises(SystemExit):
        main(["--isolated", "--format", "json", str(folder / "Dockerfile")])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return sorted(f["line"] for f in findings if f["name"] in names)


def _agrees(case: dict[str, Any], found: list[int]) -> bool:
    if case["id"] in COUNT_ONLY:
        return len(found) == len(case["lines"])
    return found == sorted(case["lines"])


def test_every_check_in_the_cases_is_carried() -> None:
    shared("conformance", "buildkit-lint-public.jsonl")
    assert sorted({c["rule"] for c in CASES} - set(CARRIED)) == []


def test_agreement_is_at_least_95_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared("conformance", "buildkit-lint-public.jsonl")
    outcomes: dict[str, list[bool]] = {"fires": [], "clean": []}
    differing = []
    for i, case in enumerate(c for c in CASES if _applies(c)):
        folder = tmp_path / str(i)
        folder.mkdir()
        agrees = _agrees(case, _lines(case, folder, capsys))
        outcomes[case["expect"]].append(agrees)
        if not agrees:
            differing.append(case["id"])
    for expect, results in outcomes.items():
        assert results and sum(results) / len(results) >= THRESHOLD, (expect, results)
    undocumented = [i for i in differing if i not in DIFFERENCES]
    assert not undocumented, f"dlint disagrees with BuildKit on: {undocumented}"
    stale = [i for i in DIFFERENCES if i not in differing]
    assert not stale, f"these cases agree now: remove them from DIFFERENCES: {stale}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_buildkit_case(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not _applies(case):
        pytest.skip("the check settings come from a build argument, which a linter never sees")
    if case["id"] in DIFFERENCES:
        pytest.skip(DIFFERENCES[case["id"]])
    found = _lines(case, tmp_path, capsys)
    assert _agrees(case, found), (found, case["lines"])
    assert case["count"] == len(case["lines"])


def _lint(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[int, list[Any]]:
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["--isolated", "--format", "json", str(tmp_path / "Dockerfile")])
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), json.loads(capsys.readouterr().out)["findings"]


def test_check_error_true_makes_buildkit_checks_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found = _lint(tmp_path, capsys, "FROM alpine:3.20 as base\n")
    assert code == 0 and [(f["code"], f["severity"]) for f in found] == [("DF602", "style")]
    code, found = _lint(tmp_path, capsys, "# check=error=true\nFROM alpine:3.20 as base\n")
    assert code == 1 and [(f["code"], f["severity"]) for f in found] == [("DF602", "error")]


def test_check_skip_all_turns_off_every_buildkit_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "# check=skip=all\nFROM alpine:3.20 as base\nMAINTAINER me\nRUN cd /x\n"
    _, found = _lint(tmp_path, capsys, text)
    assert [f["code"] for f in found if f["code"] != "SC2164"] == ["DL3003"]  # no BuildKit check


def test_check_experimental_turns_on_experimental_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "# the base\nFROM alpine:3.20 AS base\n"
    assert _lint(tmp_path, capsys, body)[1] == []  # InvalidDefinitionDescription is off
    for directive in ("experimental=InvalidDefinitionDescription", "skip=all;experimental=all"):
        _, found = _lint(tmp_path, capsys, f"# check={directive}\n\n{body}")
        assert [(f["name"], f["line"]) for f in found] == [("invalid-definition-description", 4)], (
            directive
        )
