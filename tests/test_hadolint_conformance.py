"""hadolint's public test cases (``../shared/conformance``) through dlint, as a hadolint
user runs it: the Dockerfile, a ``.hadolint.yaml`` with the case's settings, and
``--select`` of the case's rule (see tests/hadolint_cases.py).

Agreement is counted apart for the cases where the rule must fire and those where it
must stay silent, and each must stay at 98 % or more. Every case where dlint differs
on purpose is listed with its reason (the rule's "Differences from hadolint" section
says more), and the list is kept true: a listed case that agrees again fails too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dlint.registry import all_rules
from tests.conftest import run_cli, shared
from tests.hadolint_cases import Outcome, cases, run_case

# Every hadolint rule code (hadolint 2.15: 71 rules); ShellCheck's codes are the SC rule's.
HADOLINT_CODES = (
    "DL1001", *(f"DL{n}" for n in range(3000, 3068) if n not in (3005, 3017, 3031, 3039)),
    "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006",
)  # fmt: skip

# case id -> why dlint answers otherwise
DIFFERENCES: dict[str, str] = {}
THRESHOLD = 0.98


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    shared("conformance", "hadolint-public.jsonl")
    return [run_case(case) for case in cases()]


def _ratio(outcomes: list[Outcome], expect: str) -> tuple[int, int]:
    chosen = [o for o in outcomes if o.case["expect"] == expect]
    return sum(o.agrees for o in chosen), len(chosen)


def test_agreement_is_at_least_98_percent(outcomes: list[Outcome]) -> None:
    for expect in ("fires", "clean"):
        agreed, total = _ratio(outcomes, expect)
        assert total and agreed / total >= THRESHOLD, f"{expect}: {agreed}/{total}"


def _describe(case: dict[str, Any], outcome: Outcome) -> str:
    return f"{case['id']} ({case['rule']}, expected {case['expect']}, found {outcome.found})"


def test_every_disagreement_is_a_documented_difference(outcomes: list[Outcome]) -> None:
    differing = {o.case["id"]: o for o in outcomes if not o.agrees}
    undocumented = [_describe(o.case, o) for i, o in differing.items() if i not in DIFFERENCES]
    assert not undocumented, "dlint disagrees with hadolint on:\n" + "\n".join(undocumented)
    stale = [i for i in DIFFERENCES if i not in differing]
    assert not stale, f"these cases agree now: remove them from DIFFERENCES: {stale}"


def test_every_hadolint_rule_has_a_dlint_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(set(HADOLINT_CODES)) == 71
    carried = {code for r in all_rules() for code in r.meta.hadolint_codes}
    assert sorted(set(HADOLINT_CODES) - carried) == []
    code, out, _ = run_cli(["rules"], tmp_path, capsys)
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert code == 0 and sorted(set(HADOLINT_CODES) - listed) == []
