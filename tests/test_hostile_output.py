"""A repository cannot take over dlint's output: no injected lines, no terminal
escapes, no report written through a committed symlink."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlint.reporters import FORMATS
from tests.conftest import run_cli

INJECTED = "::error file=evil,line=1::INJECTED"


def run(root: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(args, root, capsys)


def test_names_and_text_cannot_inject_lines_or_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / f"d\n{INJECTED}"
    folder.mkdir()
    (folder / "Dockerfile").write_text(
        "FROM a\n\x1b]52;c;aGk=\x07\x1b[2J x\nRUNX\u202e y\n", encoding="utf-8"
    )
    for fmt in FORMATS:  # the source quoted by text and html too
        code, out, err = run(tmp_path, ["--format", fmt], capsys)
        assert code == 1, err
        for line in out.splitlines():
            assert not line.startswith("::error file=evil"), f"{fmt}: injected line {line!r}"
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, fmt
        if fmt in ("json", "sarif", "gitlab"):
            json.loads(out)  # still valid
    _, out, _ = run(tmp_path, ["--statistics"], capsys)
    assert "\x1b" not in out
    _, out, _ = run(tmp_path, ["--format", "concise"], capsys)
    assert "d\\n::error file=evil" in out  # the name is shown, escaped
    assert "\\x1b]52;c;aGk=\\x07" in out


def test_report_is_not_written_through_a_committed_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "reports").mkdir(parents=True)
    (repo / "Dockerfile").write_text("FROM a:1\n", encoding="utf-8")
    (repo / "dlint.sarif").symlink_to(target)
    (repo / "linked").symlink_to(tmp_path)
    for name in ("dlint.sarif", "linked/victim.txt"):
        code, out, err = run(repo, ["--format", "sarif", "--output-file", name], capsys)
        assert code == 2 and out == ""
        assert "is a symbolic link" in err and err.count("\n") == 1, err
        assert target.read_text(encoding="utf-8") == "precious\n"
    code, _, err = run(repo, ["--format", "sarif", "--output-file", "reports/dlint.sarif"], capsys)
    assert code == 0, err
    assert json.loads((repo / "reports" / "dlint.sarif").read_text(encoding="utf-8"))["version"]
    assert sorted(p.name for p in (repo / "reports").iterdir()) == ["dlint.sarif"]  # no leftovers


def test_an_absolute_output_path_is_the_users_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere.json"
    (tmp_path / "link.json").symlink_to(target)
    (tmp_path / "Dockerfile").write_text("FROM a:1\n", encoding="utf-8")
    code, _, err = run(
        tmp_path, ["--format", "json", "--output-file", str(tmp_path / "link.json")], capsys
    )
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8")) == {"findings": []}
    assert (tmp_path / "link.json").is_symlink()
