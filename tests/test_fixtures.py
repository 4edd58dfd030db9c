"""Every fixture under fixtures/ is a test: its ``# expect:`` lines are the findings.

Layout: ``fixtures/<rule-name>/<case>`` where a case is a file dlint lints
(``*.Dockerfile``, ``Dockerfile``...) or a folder linted as a whole (for build
contexts and multi-file projects). Inside any file of a case::

    # expect: DF101 @ 4:1-4:9
    # expect: layer-cache-order @ 4:1-4:9 "apt-get install"

asserts one finding (code or name, exact start and end, optionally a piece of
its message); ``# expect: SC2086 @ ...`` names a sub-code of a rule that has them. Files that cannot hold comments (binary, bad encodings) take
their expectations from a ``<file>.expect`` file beside them, one per line
without the ``# expect:`` prefix; a ``<file>.fixed`` beside a file is what its fixes
make of it (tests/test_fixes.py). The findings compared are those of the
folder's rule, of every rule an expectation names, of every rule a
``# expect-none: RULE[, RULE...]`` line names (findings of it must all be
expected ones), and parse and internal errors: anything else a fixture
triggers is another rule's business.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlint.discovery import classify
from dlint.engine import lint
from dlint.registry import all_rules, find_rule
from dlint.report import Diagnostic
from dlint.rule import covers
from tests.conftest import FIXTURES

_NONE = re.compile(r"^\s*#\s*expect-none:\s*(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)\s*$")
_EXPECT = re.compile(
    r"^\s*(?:#\s*expect:)?\s*(?P<rule>[A-Za-z][\w-]*)\s*@\s*"
    r"(?P<l>\d+):(?P<c>\d+)-(?P<el>\d+):(?P<ec>\d+)(?:\s+\"(?P<msg>[^\"]*)\")?\s*$"
)

Key = tuple[Path, str, tuple[int, int, int, int]]  # file, code, span


@dataclass(frozen=True)
class Expected:
    path: Path
    code: str
    span: tuple[int, int, int, int]
    message: str | None


def _lines(path: Path) -> list[str]:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        return sidecar.read_text(encoding="utf-8").splitlines()
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def _code(name: str) -> str | None:
    """The code an expectation names: a rule's, or one of a rule's sub-codes."""
    rule = find_rule(name)
    if rule is not None:
        return rule.code
    return next((sub for r in all_rules() if (sub := r.meta.subcode(name)) is not None), None)


def _checked(path: Path) -> set[str]:
    """Codes of the rules ``# expect-none:`` lines put in scope."""
    out = set()
    for line in _lines(path):
        m = _NONE.match(line)
        for name in m["rules"].split(",") if m else ():
            code = _code(name.strip())
            assert code is not None, f"{path}: unknown rule in expect-none: {name!r}"
            out.add(code)
    return out


def _expectations(path: Path) -> list[Expected]:
    sidecar = path.with_name(path.name + ".expect")
    lines = [
        line
        for line in _lines(path)
        if sidecar.exists() or ("expect:" in line and not _NONE.match(line))
    ]
    out = []
    for line in lines:
        m = _EXPECT.match(line)
        if not m:
            if line.strip():
                raise AssertionError(f"{path}: malformed expectation: {line!r}")
            continue
        code = _code(m["rule"])
        assert code is not None, f"{path}: unknown rule in expectation {m['rule']!r}"
        span = (int(m["l"]), int(m["c"]), int(m["el"]), int(m["ec"]))
        out.append(Expected(path.resolve(), code, span, m["msg"]))
    return out


def _cases() -> list[Path]:
    cases: list[Path] = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for entry in sorted(rule_dir.iterdir()):
            if entry.name.endswith(".fixed"):  # what a fix makes of a fixture (test_fixes)
                continue
            if entry.is_dir() or classify(entry.name) is not None:
                cases.append(entry)
    return cases


CASES = _cases()


def _files(case: Path) -> list[Path]:
    if case.is_file():
        return [case]
    return sorted(
        p for p in case.rglob("*") if p.is_file() and not p.name.endswith((".expect", ".fixed"))
    )


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_fixture(case: Path) -> None:
    expected = [e for f in _files(case) for e in _expectations(f)]
    folder_rule = find_rule(case.relative_to(FIXTURES).parts[0])
    scope = {e.code for e in expected} | {"DM001", "DM002"}
    scope |= {code for f in _files(case) for code in _checked(f)}
    if folder_rule is not None:
        scope.add(folder_rule.code)
        why = folder_rule.unavailable() if folder_rule.unavailable is not None else None
        if why is not None:
            pytest.skip(why)
    report = lint([str(case)], cwd=FIXTURES)
    # several findings may share a place (two packages of one `$deps`): a multiset
    got: dict[Key, list[str]] = {}
    for d in report.diagnostics:
        if any(covers(code, d.code, d.rule_code) for code in scope):
            got.setdefault((Path(FIXTURES, d.path).resolve(), d.code, _span(d)), []).append(
                d.message
            )
    found = Counter({key: len(messages) for key, messages in got.items()})
    want = Counter((e.path, e.code, e.span) for e in expected)
    missing = sorted((want - found).elements(), key=str)
    extra = sorted((found - want).elements(), key=str)
    assert not missing and not extra, _explain(missing, extra, got)
    for key, messages in got.items():
        left = list(messages)
        for e in expected:
            if (e.path, e.code, e.span) != key or e.message is None:
                continue
            match = next((m for m in left if e.message in m), None)
            assert match is not None, f"{e.code} at {e.span}: {e.message!r} not in {left!r}"
            left.remove(match)


def _span(d: Diagnostic) -> tuple[int, int, int, int]:
    return (d.span.line, d.span.column, d.span.end_line, d.span.end_column)


def _explain(missing: list[Key], extra: list[Key], got: dict[Key, list[str]]) -> str:
    lines = ["fixture expectations differ:"]
    lines += [f"  missing: {m}" for m in missing]
    lines += [f"  unexpected: {x} {got[x]!r}" for x in extra]
    return "\n".join(lines)


def test_every_rule_has_fixtures() -> None:
    from dlint.registry import all_rules

    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    missing = [r.name for r in all_rules() if r.check is not None and r.name not in folders]
    assert not missing, f"rules without a fixtures/<name>/ folder: {missing}"
