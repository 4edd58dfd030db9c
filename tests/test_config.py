"""Configuration files and flags: every key, closest file wins, errors exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dlint.cli import main

# Two findings of different rules and severities, in a file of one folder:
# DF101 layer-cache-order (warning) and DF601 maintainer-instruction (warning),
# DF603 inconsistent-keyword-casing (style).
DOCKERFILE = (
    "FROM python:3.12\nMAINTAINER me\nCOPY . .\nRUN pip install -r requirements.txt\nrun true\n"
)


def run(
    args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]], str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(["--format", "json", *args])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    findings = json.loads(out)["findings"] if out.strip().startswith("{") else []
    return (code if isinstance(code, int) else 1), findings, err


def codes(findings: list[dict[str, object]]) -> list[tuple[object, object]]:
    return sorted((f["path"], f["code"]) for f in findings)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    code, found, _ = run([], tmp_path, capsys)
    assert code == 1
    assert codes(found) == [
        ("Dockerfile", "DF101"),
        ("Dockerfile", "DF601"),
        ("Dockerfile", "DF603"),
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('select = ["DF1"]', ["DF101"]),
        ('select = ["layer-cache-order", "MaintainerDeprecated"]', ["DF101", "DF601"]),
        ('ignore = ["DF6"]', ["DF101"]),
        ('select = ["DF101"]\nextend-select = ["DF603"]', ["DF101", "DF603"]),
        ('ignore = ["DL4000"]', ["DF101", "DF603"]),
        ('select = ["ALL"]\nignore = ["DF601", "inconsistent-keyword-casing"]', ["DF101"]),
    ],
)
def test_selection(
    config: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".dlint.toml": config + "\n"})
    _, found, _ = run([], tmp_path, capsys)
    assert sorted(str(f["code"]) for f in found) == expected


def test_pyproject_table_and_closest_file_wins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.dlint]\nselect = ["DF101"]\n',
            "Dockerfile": DOCKERFILE,
            "sub/Dockerfile": DOCKERFILE,
            "sub/.dlint.toml": 'select = ["DF601"]\n',
            "other/pyproject.toml": '[project]\nname = "no-dlint-table"\n',
            "other/Dockerfile": DOCKERFILE,
            "other/app.py": "print('hi')\n",
        },
    )
    _, found, _ = run([], tmp_path, capsys)
    assert codes(found) == [
        ("Dockerfile", "DF101"),
        ("other/Dockerfile", "DF101"),  # its pyproject has no [tool.dlint]: the parent's applies
        ("sub/Dockerfile", "DF601"),
    ]


def test_severity_override_per_file_ignores_and_fail_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            ".dlint.toml": (
                'fail-level = "error"\n'
                "[per-file-ignores]\n"
                '"legacy/*" = ["DF6"]\n'
                "[rules.layer-cache-order]\n"
                'severity = "error"\n'
            ),
            "Dockerfile": DOCKERFILE,
            "legacy/Dockerfile": DOCKERFILE,
        },
    )
    code, found, _ = run([], tmp_path, capsys)
    assert code == 1  # a DF101 finding is now an error
    assert {(f["path"], f["code"], f["severity"]) for f in found} == {
        ("Dockerfile", "DF101", "error"),
        ("Dockerfile", "DF601", "warning"),
        ("Dockerfile", "DF603", "style"),
        ("legacy/Dockerfile", "DF101", "error"),
    }
    code, _, _ = run(["--ignore", "DF101"], tmp_path, capsys)
    assert code == 0  # only warnings and styles left, below the configured fail level


def test_exclude_and_extend_exclude(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        {
            ".dlint.toml": 'extend-exclude = ["third_party", "*.generated.Dockerfile"]\n',
            "Dockerfile": "FROM alpine:3.20\n",
            "third_party/Dockerfile": DOCKERFILE,
            "x.generated.Dockerfile": DOCKERFILE,
            "node_modules/pkg/Dockerfile": DOCKERFILE,
        },
    )
    code, found, _ = run([], tmp_path, capsys)
    assert (code, found) == (0, [])
    code, found, _ = run(["third_party/Dockerfile"], tmp_path, capsys)
    assert code == 1  # named on the command line: linted
    code, found, _ = run(["--force-exclude", "third_party/Dockerfile"], tmp_path, capsys)
    assert (code, found) == (0, [])
    write(tmp_path, {".dlint.toml": "exclude = []\n"})
    _, found, _ = run([], tmp_path, capsys)
    assert "node_modules/pkg/Dockerfile" in {f["path"] for f in found}


def test_flags_override_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".dlint.toml": 'select = ["DF101"]\n'})
    _, found, _ = run(["--select", "DF601,DF603"], tmp_path, capsys)
    assert sorted(str(f["code"]) for f in found) == ["DF601", "DF603"]
    _, found, _ = run(["--extend-select", "DF603"], tmp_path, capsys)
    assert sorted(str(f["code"]) for f in found) == ["DF101", "DF603"]
    code, found, _ = run(["--exit-zero"], tmp_path, capsys)
    assert code == 0 and found
    code, _, _ = run(["--fail-level", "never"], tmp_path, capsys)
    assert code == 0
    _, found, _ = run(["--isolated"], tmp_path, capsys)
    assert len(found) == 3
    write(tmp_path, {"custom.toml": 'select = ["DF603"]\n'})
    _, found, _ = run(["--config", "custom.toml"], tmp_path, capsys)
    assert [f["code"] for f in found] == ["DF603"]


def test_style_findings_alone_do_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\nRUN true\nrun true\n"})
    code, found, _ = run([], tmp_path, capsys)
    assert code == 0 and [f["code"] for f in found] == ["DF603"]
    code, _, _ = run(["--fail-level", "style"], tmp_path, capsys)
    assert code == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('selekt = ["DF101"]\n', "unknown key `selekt`"),
        ('select = ["DF999"]\n', "unknown rule or code prefix 'DF999'"),
        (
            "[rules.nonsense-rule]\nseverity = 'error'\n",
            "unknown rule or code prefix 'nonsense-rule'",
        ),
        ("[rules.DF101]\ncolour = 'red'\n", "unknown key `rules.DF101.colour`"),
        ("[rules.DF101]\nseverity = 'fatal'\n", "unknown severity 'fatal'"),
        ('fail-level = "sometimes"\n', "`fail-level` must be one of"),
        ("select = [\n", "cannot read TOML"),
    ],
)
def test_bad_config_exits_2_naming_file_and_key(
    config: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".dlint.toml": config})
    code, _, err = run([], tmp_path, capsys)
    assert code == 2
    assert message in err and ".dlint.toml" in err
    assert "Traceback" not in err


def test_hadolint_config_is_honoured_when_there_is_no_dlint_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            ".hadolint.yaml": (
                "ignored:\n  - DL4000\n  - SC2086\n"
                "override:\n  error:\n    - DL4000\n"
                "failure-threshold: error\n"
                "format: tty\nno-color: true\n"
            ),
            "Dockerfile": DOCKERFILE,
        },
    )
    code, found, _ = run([], tmp_path, capsys)
    assert sorted(str(f["code"]) for f in found) == ["DF101", "DF603"]
    assert code == 0  # failure-threshold: error, and what is left are warnings and styles
    write(tmp_path, {".dlint.toml": "select = ['DF601']\n"})
    _, found, _ = run([], tmp_path, capsys)
    assert [f["code"] for f in found] == ["DF601"]  # a dlint config says otherwise


def test_hadolint_override_sets_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {".hadolint.yml": "override:\n  info:\n    - DL4000\n", "Dockerfile": DOCKERFILE},
    )
    _, found, _ = run([], tmp_path, capsys)
    assert {f["code"]: f["severity"] for f in found}["DF601"] == "info"


def test_bad_hadolint_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {".hadolint.yaml": "ignorred: [DL3008]\n", "Dockerfile": DOCKERFILE})
    code, _, err = run([], tmp_path, capsys)
    assert code == 2 and "unknown key `ignorred`" in err
