"""hadolint's own test cases (the public half, ../shared/conformance), run through dlint.

Each case is a Dockerfile, an optional hadolint config and an expectation for one
rule: ``fires`` (at least once, or exactly ``count`` times) or ``clean``. A case
runs the way a hadolint user runs dlint: the Dockerfile and a ``.hadolint.yaml``
with the case's config in a fresh folder, ``dlint --select <rule>`` over it.

    python -m tests.hadolint_cases [CODE...]      # each case of these rules, agreed or not
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlint.engine import Options, lint
from dlint.registry import all_rules, find_rules

CASES_FILE = (
    Path(__file__).resolve().parents[2] / "shared" / "conformance" / "hadolint-public.jsonl"
)


def cases() -> list[dict[str, Any]]:
    if not CASES_FILE.exists():
        return []
    return [
        json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line
    ]


def _codes(rule: str) -> tuple[str, ...] | None:
    """The dlint codes a case's rule stands for; None when dlint has no such rule."""
    if rule == "shellcheck":
        found = tuple(r.code for r in all_rules() if r.meta.subcodes and r.code == "SC")
        return found or None
    if rule == "*":  # every rule hadolint has: its own and ShellCheck's
        return tuple(r.code for r in all_rules() if r.meta.hadolint_codes or r.code == "SC")
    found = find_rules(rule)
    return tuple(r.code for r in found) if found else None


@dataclass(frozen=True)
class Outcome:
    case: dict[str, Any]
    found: int | None  # findings of the case's rule; None: dlint has no such rule
    messages: tuple[str, ...] = ()

    @property
    def agrees(self) -> bool:
        if self.found is None:
            return False
        if self.case["expect"] == "clean":
            return self.found == 0
        count = self.case["count"]
        return self.found >= 1 if count is None else self.found == count


def run_case(case: dict[str, Any]) -> Outcome:
    codes = _codes(case["rule"])
    if codes is None:
        return Outcome(case, None)
    import yaml

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # hadolint's test harness adds a newline before parsing
        (root / "Dockerfile").write_text(case["dockerfile"] + "\n", encoding="utf-8")
        if case["config"]:
            (root / ".hadolint.yaml").write_text(yaml.safe_dump(case["config"]), encoding="utf-8")
        report = lint([str(root)], cwd=root, options=Options(select=codes, fail_level="never"))
    found = [d for d in report.diagnostics if d.rule_code in codes]
    return Outcome(
        case,
        len(found),
        tuple(f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in found),
    )


def main(argv: list[str]) -> None:
    wanted = {a.upper() for a in argv}
    for case in cases():
        if wanted and case["rule"].upper() not in wanted:
            continue
        outcome = run_case(case)
        mark = "ok  " if outcome.agrees else "MISS"
        expected = case["expect"] if case["count"] is None else f"{case['expect']} x{case['count']}"
        print(f"{mark} {case['id']:40} {case['rule']:8} expected {expected}, found {outcome.found}")
        if not outcome.agrees:
            print("     " + case["dockerfile"].replace("\n", "\n     "))
            for message in outcome.messages:
                print(f"     -> {message}")


if __name__ == "__main__":
    main(sys.argv[1:])
