"""--baseline: adopt dlint on a project with findings, then see only new ones."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dlint.cli import main
from tests.conftest import write

# two findings: DL4000 (MAINTAINER) and DF603 (lower-case `run`)
DOCKERFILE = "FROM alpine:3.20\nMAINTAINER me\nrun true\n"


def run(
    args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str], str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(["--isolated", "--format", "json", *args])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    found = json.loads(out)["findings"] if out.strip().startswith("{") else []
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), sorted(f["code"] for f in found), err


def entries(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "dlint-baseline"
    return sorted(e["code"] for e in data["findings"])


def test_adopt_then_only_new_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    code, found, err = run(["--baseline", "dlint-baseline.json"], tmp_path, capsys)
    assert (code, found) == (0, []) and "wrote 2 findings to the new baseline" in err
    assert entries(tmp_path / "dlint-baseline.json") == ["DF603", "DL4000"]

    # lines added above the findings: they stay matched; a new finding is reported
    write(tmp_path, {"Dockerfile": "# a comment\n\n" + DOCKERFILE + "MAINTAINER you\n"})
    code, found, err = run(["--baseline", "dlint-baseline.json"], tmp_path, capsys)
    assert (code, found) == (1, ["DL4000"]), err


def test_fixed_findings_are_counted_and_pruned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    run(["--baseline", "b.json"], tmp_path, capsys)
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\nrun true\n"})  # MAINTAINER fixed
    code, found, err = run(["--baseline", "b.json"], tmp_path, capsys)
    assert (code, found) == (0, []) and "1 findings of the baseline b.json are fixed" in err
    assert entries(tmp_path / "b.json") == ["DF603", "DL4000"]
    code, found, err = run(["--baseline", "b.json", "--baseline-prune"], tmp_path, capsys)
    assert (code, found) == (0, []) and "removed 1 fixed findings" in err
    assert entries(tmp_path / "b.json") == ["DF603"]
    # the fixed finding comes back: it is new again
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    assert run(["--baseline", "b.json"], tmp_path, capsys)[:2] == (1, ["DL4000"])


def test_parse_errors_are_never_baselined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\nFROBNICATE x\n"})
    code, found, _ = run(["--baseline", "b.json"], tmp_path, capsys)
    assert code == 1 and found == ["DM001"]
    assert entries(tmp_path / "b.json") == []
    assert run(["--baseline", "b.json"], tmp_path, capsys)[:2] == (1, ["DM001"])


@pytest.mark.parametrize(
    "text",
    ["not json", '{"format": "other"}', '{"format": "dlint-baseline", "findings": [1]}', "[]"],
)
def test_a_bad_baseline_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE, "b.json": text})
    code, found, err = run(["--baseline", "b.json"], tmp_path, capsys)
    assert code == 2 and found == []
    assert len(err.strip().splitlines()) == 1 and "b.json" in err, err


def test_prune_needs_a_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    code, _, err = run(["--baseline-prune"], tmp_path, capsys)
    assert code == 2 and "--baseline-prune needs --baseline" in err
