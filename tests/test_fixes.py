"""Fixes: text edits that keep everything else as written, applied until nothing changes.

Every fixable rule is tested round trip on its own fixtures: its fixes are made (the
rule alone selected), the fixed files parse as well as before, none of its fixable
findings is left, a second round changes nothing, and where a fixture has a
``<file>.fixed`` beside it, the fixed file is exactly that.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlint.discovery import classify
from dlint.edits import Edit, Fix, apply
from dlint.engine import PARSE_ERROR, Options, lint
from dlint.fixing import fix
from dlint.ir.common import Span
from dlint.registry import all_rules
from dlint.rule import Rule, doc_sections
from tests.conftest import FIXTURES, run_cli, write

FIXABLE = [r for r in all_rules() if r.meta.fixable]


def _edit(line: int, col: int, end_line: int, end_col: int, text: str) -> Fix:
    return Fix("t", (Edit(Span(line, col, end_line, end_col), text),))


# -- applying edits ---------------------------------------------------------------------


def test_edits_replace_insert_and_keep_the_rest() -> None:
    text = "FROM a as b\n# comment\nRUN x \\\n  y\n"
    out, n = apply(text, [_edit(1, 8, 1, 10, "AS"), _edit(4, 4, 4, 4, " z")])
    assert (out, n) == ("FROM a AS b\n# comment\nRUN x \\\n  y z\n", 2)


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    text = "abcdef\n"
    out, n = apply(text, [_edit(1, 1, 1, 4, "X"), _edit(1, 3, 1, 5, "Y"), _edit(1, 6, 1, 7, "Z")])
    assert (out, n) == ("XdeZ\n", 2)
    # two insertions at one place: which goes first would be a guess
    assert apply("ab", [_edit(1, 2, 1, 2, "1"), _edit(1, 2, 1, 2, "2")]) == ("a1b", 1)


def test_a_fix_is_applied_whole_or_not_at_all() -> None:
    both = Fix("t", (Edit(Span(1, 1, 1, 2), "X"), Edit(Span(1, 3, 1, 4), "Y")))
    assert apply("abcd", [_edit(1, 3, 1, 4, "Z"), both]) == ("abZd", 1)
    outside = Fix("t", (Edit(Span(1, 1, 1, 2), "X"), Edit(Span(9, 1, 9, 2), "Y")))
    assert apply("abcd", [outside]) == ("abcd", 0)
    assert apply("ab\n", [_edit(1, 1, 1, 9, "X")]) == ("ab\n", 0)  # past the line's end


def test_new_lines_follow_the_file() -> None:
    text = "FROM a\r\nRUN b\r\n"
    out, _ = apply(text, [_edit(2, 6, 2, 6, " \\\n  && c")])
    assert out == "FROM a\r\nRUN b \\\r\n  && c\r\n"


# -- every fixable rule, round trip on its fixtures ----------------------------------------


def _fixture_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.name for r in FIXABLE])
def test_fixes_round_trip_on_the_rule_fixtures(rule: Rule, tmp_path: Path) -> None:
    source = FIXTURES / rule.name
    copy = tmp_path / rule.name
    shutil.copytree(source, copy)
    options = Options(select=(rule.code,), fail_level="never")
    before = lint([rule.name], tmp_path, options)
    fixable = [d for d in before.diagnostics if d.fix is not None and d.rule_code == rule.code]
    assert fixable, f"{rule.name}: no fixture finding carries a fix"
    outcome = fix([rule.name], tmp_path, options, unsafe=True)
    assert outcome.count >= 1 and outcome.changed
    for path, (_, new) in outcome.changed.items():
        (tmp_path / path).write_text(new, encoding="utf-8", newline="")
    after = lint([rule.name], tmp_path, options)
    errors = {d.path for d in before.diagnostics if d.name == PARSE_ERROR}
    broken = [d for d in after.diagnostics if d.name == PARSE_ERROR and d.path not in errors]
    assert not broken, f"a fix broke a file: {broken}"
    left = [d for d in after.diagnostics if d.fix is not None and d.rule_code == rule.code]
    assert not left, f"fixable findings left after fixing: {left}"
    again = fix([rule.name], tmp_path, options, unsafe=True)
    assert not again.changed, "a second round changed the fixed files"
    for original in _fixture_files(source):
        if original.name.endswith(".fixed"):
            # a name dlint lints (Dockerfile.fixed) would be linted as a fixture itself
            assert classify(original.name) is None, f"rename {original}"
            fixed = copy / original.relative_to(source).with_name(original.name[: -len(".fixed")])
            assert fixed.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.name for r in FIXABLE])
def test_a_fixable_rule_says_what_its_fix_does(rule: Rule) -> None:
    section = doc_sections(rule.doc).get("Fix", "")
    assert section.strip(), f"{rule.name}: no `## Fix` section in its documentation"
    assert ("unsafe" in section) or ("safe" in section), "say whether the fix is safe"


def test_the_rule_list_shows_which_rules_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["rules"], tmp_path, capsys)
    assert code == 0
    for rule in FIXABLE:
        line = next(x for x in out.splitlines() if x.startswith(f"{rule.code} "))
        assert " yes " in line, line


# -- the command line --------------------------------------------------------------------

BAD = (
    "from debian:12 AS build\nMAINTAINER Jane <jane@example.com>\nFROM build as final\n"
    "FROM alpine AS extra\n"
)
GOOD = (
    "from debian:12 as build\n"
    'LABEL org.opencontainers.image.authors="Jane <jane@example.com>"\n'
    "FROM build AS final\n"
    "FROM alpine AS extra\n"
)


def test_diff_prints_the_fixes_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": BAD})
    code, out, err = run_cli(["--isolated", "--diff", "--select", "DF602,DL4000"], tmp_path, capsys)
    assert code == 1 and "would fix 3 findings in 1 file" in err
    assert out.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")
    assert "+FROM build AS final\n" in out and "-MAINTAINER Jane <jane@example.com>\n" in out
    assert (tmp_path / "Dockerfile").read_text() == BAD
    write(tmp_path, {"Dockerfile": GOOD})
    code, out, _ = run_cli(["--isolated", "--diff", "--select", "DF602,DL4000"], tmp_path, capsys)
    assert code == 0 and out == ""


def test_fix_writes_the_files_and_reports_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": BAD})
    args = ["--isolated", "--fix", "--select", "DF602,DL4000,DL3006"]
    code, out, err = run_cli(args, tmp_path, capsys)
    assert (tmp_path / "Dockerfile").read_text() == GOOD
    assert "fixed 3 findings in 1 file" in err
    assert code == 1 and "DL3006" in out  # `FROM debian` untagged: no tag is configured


def test_unsafe_fixes_need_a_fix_to_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": BAD})
    code, _, err = run_cli(["--unsafe-fixes", "."], tmp_path, capsys)
    assert code == 2 and "--unsafe-fixes needs --fix or --diff" in err


def test_a_fix_that_would_break_the_file_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"Dockerfile": BAD})
    broken = Fix("break it", (Edit(Span(1, 1, 1, 5), "FROM a\nRUN <<EOF"),))
    real = apply

    def breaking(text: str, fixes: list[Fix]) -> tuple[str, int]:
        return real(text, [broken])

    monkeypatch.setattr("dlint.fixing.edits.apply", breaking)
    outcome = fix(["."], tmp_path, Options(isolated=True, select=("DF602",)))
    assert not outcome.changed and outcome.count == 0


# -- standard input ----------------------------------------------------------------------


def test_stdin_is_linted_as_the_file_it_stands_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    write(tmp_path, {"svc/.dlint.toml": 'ignore = ["DL3057"]\n'})

    def stdin(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    stdin("FROM debian:12 as b\nRUN true\n")
    code, out, _ = run_cli(
        ["--stdin-filename", "svc/Dockerfile", "--format", "json"], tmp_path, capsys
    )
    assert '"path": "svc/Dockerfile"' in out and "from-as-casing" in out
    assert "DL3057" not in out  # the config of the folder it stands in
    assert not (tmp_path / "svc" / "Dockerfile").exists()
    stdin("FROM debian:12 as b\n")
    code, out, err = run_cli(["--isolated", "--fix", "-"], tmp_path, capsys)
    assert out == "FROM debian:12 AS b\n" and "fixed 1 finding" in err
    stdin("services:\n  a:\n    image: nginx\n")
    code, out, _ = run_cli(["--isolated", "--stdin-filename", "compose.yaml"], tmp_path, capsys)
    assert code == 1 and "DC310" in out
