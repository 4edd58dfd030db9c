"""Configuration files and flags: every key, closest file wins, errors exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dlint.cli import main
from dlint.config import Config
from dlint.ir.common import Severity
from dlint.rule import Rule, RuleMeta
from tests.conftest import run_cli, write

# Two findings of different rules and severities, in a file of one folder:
# DF101 layer-cache-order (warning) and DL4000 maintainer-deprecated (error),
# DF603 consistent-instruction-casing (style).
DOCKERFILE = (
    "FROM python:3.12\nMAINTAINER me\nCOPY . /app\n"
    "RUN pip install --no-cache-dir -r /app/requirements.txt\nWORKDIR /app\nrun true\n"
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


def test_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    code, found, _ = run([], tmp_path, capsys)
    assert code == 1
    assert codes(found) == [
        ("Dockerfile", "DF101"),
        ("Dockerfile", "DF603"),
        ("Dockerfile", "DL4000"),
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('select = ["DF1"]', ["DF101"]),
        ('select = ["layer-cache-order", "MaintainerDeprecated"]', ["DF101", "DL4000"]),
        ('ignore = ["DF6", "DL4"]', ["DF101"]),
        ('select = ["DF101"]\nextend-select = ["DF603"]', ["DF101", "DF603"]),
        ('ignore = ["DL4000"]', ["DF101", "DF603"]),
        (  # ALL: the rules that are off by default too (DL3057 healthcheck-missing)
            'select = ["ALL"]\nignore = ["DL4000", "consistent-instruction-casing"]',
            ["DF101", "DL3057"],
        ),
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
            "sub/.dlint.toml": 'select = ["DL4000"]\n',
            "other/pyproject.toml": '[project]\nname = "no-dlint-table"\n',
            "other/Dockerfile": DOCKERFILE,
            "other/app.py": "print('hi')\n",
        },
    )
    _, found, _ = run([], tmp_path, capsys)
    assert codes(found) == [
        ("Dockerfile", "DF101"),
        ("other/Dockerfile", "DF101"),  # its pyproject has no [tool.dlint]: the parent's applies
        ("sub/Dockerfile", "DL4000"),
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
                '"legacy/*" = ["DF6", "DL4000"]\n'
                "[rules.layer-cache-order]\n"
                'severity = "error"\n'
                "[rules.maintainer-deprecated]\n"
                'severity = "warning"\n'
            ),
            "Dockerfile": DOCKERFILE,
            "legacy/Dockerfile": DOCKERFILE,
        },
    )
    code, found, _ = run([], tmp_path, capsys)
    assert code == 1  # a DF101 finding is now an error
    assert {(f["path"], f["code"], f["severity"]) for f in found} == {
        ("Dockerfile", "DF101", "error"),
        ("Dockerfile", "DL4000", "warning"),
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
    _, found, _ = run(["--select", "DL4000,DF603"], tmp_path, capsys)
    assert sorted(str(f["code"]) for f in found) == ["DF603", "DL4000"]
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
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\nRUN true\nWORKDIR /\nrun true\n"})
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
    write(tmp_path, {".dlint.toml": "select = ['DL4000']\n"})
    _, found, _ = run([], tmp_path, capsys)
    assert [f["code"] for f in found] == ["DL4000"]  # a dlint config says otherwise


def test_hadolint_override_sets_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {".hadolint.yml": "override:\n  info:\n    - DL4000\n", "Dockerfile": DOCKERFILE},
    )
    _, found, _ = run([], tmp_path, capsys)
    assert {f["code"]: f["severity"] for f in found}["DL4000"] == "info"


def test_bad_hadolint_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {".hadolint.yaml": "ignorred: [DL3008]\n", "Dockerfile": DOCKERFILE})
    code, _, err = run([], tmp_path, capsys)
    assert code == 2 and "unknown key `ignorred`" in err


# -- each file's closest config governs it ------------------------------------------------


def test_each_folders_config_governs_its_files_from_anywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "sub/.dlint.toml": 'fail-level = "never"\nextend-exclude = ["gen"]\n',
            "sub/Dockerfile": DOCKERFILE,
            "sub/gen/Dockerfile": "FROM a\nRUNN x\n",
            "top/Dockerfile": DOCKERFILE,
        },
    )
    code, found, _ = run(["sub"], tmp_path, capsys)
    assert code == 0, found  # sub's fail level, whatever the working directory
    assert {f["path"] for f in found} == {"sub/Dockerfile"}  # sub/gen excluded by sub's config
    code, found_inside, _ = run([], tmp_path / "sub", capsys)
    assert code == 0
    assert {f["path"] for f in found_inside} == {"Dockerfile"}
    code, found, _ = run([], tmp_path, capsys)
    assert code == 1  # top/Dockerfile has no config: warnings fail
    assert "sub/gen/Dockerfile" not in {f["path"] for f in found}


@pytest.mark.parametrize(
    ("files", "args"),
    [
        ({}, ["--select", "DF6"]),
        ({".dlint.toml": 'ignore = ["DM001", "parse-error"]\n'}, []),
        ({".dlint.toml": '[rules.parse-error]\nseverity = "info"\n'}, []),
        ({".dlint.toml": '[per-file-ignores]\n"Dockerfile" = ["DM"]\n'}, []),
        ({}, ["--ignore", "DM001"]),
    ],
)
def test_a_file_that_cannot_be_parsed_never_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], args: list[str]
) -> None:
    write(tmp_path, {**files, "Dockerfile": "FROM a\nRUN <<EOF\necho never closed\n"})
    code, found, _ = run(args, tmp_path, capsys)
    assert code == 1
    assert [(f["code"], f["severity"]) for f in found] == [("DM001", "error")]


def test_parse_error_cannot_be_suppressed_inline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": "FROM a:1\n# dlint: ignore=parse-error\nRUNN x\n"})
    code, found, _ = run([], tmp_path, capsys)
    assert code == 1
    assert [(f["code"], f["line"]) for f in found] == [("DM003", 2), ("DM001", 3)]
    assert "parse-error cannot be suppressed" in str(found[0]["message"])


# -- aliases: each pragma its own namespace ------------------------------------------------


@pytest.mark.parametrize(
    ("pragma", "suppressed"),
    [
        ("# check=skip=MaintainerDeprecated", True),
        ("# check=skip=DL4000", False),
        ("# hadolint ignore=DL4000", True),
        ("# hadolint ignore=MaintainerDeprecated", False),
        ("# dlint: ignore=DL4000", True),
        ("# dlint: ignore=MaintainerDeprecated", True),
    ],
)
def test_pragmas_take_their_own_tools_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pragma: str, suppressed: bool
) -> None:
    write(tmp_path, {"Dockerfile": f"FROM alpine:3.20\n{pragma}\nMAINTAINER me\n"})
    _, found, _ = run(["--select", "DL4000"], tmp_path, capsys)
    assert (not found) is suppressed, found


# -- every .hadolint.yaml key and pragma -------------------------------------------------


def test_hadolint_no_fail_and_failure_threshold_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {".hadolint.yaml": "no-fail: true\n", "Dockerfile": DOCKERFILE})
    code, found, _ = run([], tmp_path, capsys)
    assert code == 0 and found
    write(
        tmp_path,
        {".hadolint.yaml": "failure-threshold: none\n", "Dockerfile": "FROM a:1\nrun true\n"},
    )
    code, found, _ = run([], tmp_path, capsys)
    assert [f["severity"] for f in found] == ["style"] and code == 1  # none: everything fails


def test_hadolint_disable_ignore_pragma(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = "FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER me\n"
    write(tmp_path, {".hadolint.yaml": "disable-ignore-pragma: true\n", "Dockerfile": dockerfile})
    _, found, _ = run(["--select", "DL4000"], tmp_path, capsys)
    assert [f["code"] for f in found] == ["DL4000"]


def test_hadolint_stage_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = (
        "FROM alpine:3.20 AS build\nMAINTAINER a\n"
        "# hadolint stage ignore=DL4000\nFROM alpine:3.20\nRUN true\nMAINTAINER b\n"
    )
    write(tmp_path, {"Dockerfile": dockerfile})
    _, found, _ = run(["--select", "DL4000"], tmp_path, capsys)
    assert [f["line"] for f in found] == [2]  # the second stage's MAINTAINER is ignored


def test_hadolint_format_and_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {".hadolint.yaml": "format: sarif\nverbose: true\n", "Dockerfile": "FROM a\n"})
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(SystemExit):
            main([])
    finally:
        os.chdir(old)
    out, _ = capsys.readouterr()
    assert json.loads(out)["version"] == "2.1.0"  # the config's format, without --format
    write(tmp_path, {".hadolint.yaml": "format: checkstyle\n"})
    code, _, err = run([], tmp_path, capsys)
    assert code == 2 and "has no dlint equivalent" in err and err.count("\n") == 1


def test_a_rule_selected_by_name_that_cannot_fire_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": "FROM quay.io/a/b:1\n"})
    code, found, err = run(["--select", "untrusted-registry"], tmp_path, capsys)
    assert code == 0 and not found
    assert "warning: DL3026 untrusted-registry is selected but cannot report anything" in err
    write(tmp_path, {".dlint.toml": 'trusted-registries = ["docker.io"]\n'})
    code, found, err = run(["--select", "untrusted-registry"], tmp_path, capsys)
    assert code == 1 and "warning" not in err


def test_defaults_of_undeclared_args_resolve_as_buildkit_expands_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            ".dlint.toml": 'trusted-registries = ["docker.io"]\n',
            "Dockerfile": "FROM ${UNDECLARED:-quay.io/x}/z:1\n",
        },
    )
    _, found, _ = run(["--select", "DL3026"], tmp_path, capsys)
    assert [(f["line"], f["column"]) for f in found] == [(1, 6)]
    assert "quay.io" in str(found[0]["message"])


def test_no_file_content_is_cached_across_runs(tmp_path: Path) -> None:
    from dlint.engine import lint

    write(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n",
            "requirements.txt": "flask\n",
            "app.py": "",
        },
    )
    assert [d.code for d in lint([str(tmp_path)], cwd=tmp_path).diagnostics] == ["DF101"]
    write(tmp_path, {".dockerignore": "*\n!requirements.txt\n"})
    assert [d.code for d in lint([str(tmp_path)], cwd=tmp_path).diagnostics] == []


def _rule(code: str, name: str, **meta: object) -> Rule:
    return Rule(RuleMeta(code, name, "dockerfile", Severity.WARNING, **meta), "Doc.", None)  # type: ignore[arg-type]


def test_preview_rules_run_in_preview_or_when_named_exactly() -> None:
    rules = [_rule("DF900", "new-check", preview=True), _rule("DF901", "old-check")]

    def on(config: Config) -> set[str]:
        return set(config.enabled(rules).rules)

    assert on(Config()) == {"DF901"}
    assert on(Config(select=("ALL",))) == {"DF901"}  # ALL and prefixes leave them out
    assert on(Config(select=("DF9",))) == {"DF901"}
    assert on(Config(extend_select=("DF900",))) == {"DF900", "DF901"}
    assert on(Config(select=("new-check",))) == {"DF900"}
    assert on(Config(preview=True)) == {"DF900", "DF901"}
    assert on(Config(preview=True, select=("DF9",))) == {"DF900", "DF901"}
    assert on(Config(preview=True, ignore=("DF900",))) == {"DF901"}


def test_preview_key_and_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {".dlint.toml": "preview = true\n", "Dockerfile": "FROM alpine:3.20\n"})
    code, _, err = run([], tmp_path, capsys)
    assert code == 0, err
    write(tmp_path, {".dlint.toml": 'preview = "yes"\n'})
    code, _, err = run([], tmp_path, capsys)
    assert code == 2 and "`preview` must be true or false" in err
    code, _, err = run(["--isolated", "--preview"], tmp_path, capsys)
    assert code == 0, err


def test_rules_renamed_after_buildkit_checks_answer_to_old_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20 as base\nrun true\n"})
    _, found, _ = run(["--isolated"], tmp_path, capsys)
    assert codes(found) == [("Dockerfile", "DF602"), ("Dockerfile", "DF603")]
    assert {f["name"] for f in found} == {"from-as-casing", "consistent-instruction-casing"}
    args = ["--isolated", "--ignore", "mismatched-as-casing,inconsistent-keyword-casing"]
    assert run(args, tmp_path, capsys)[1] == []


def test_a_finding_in_an_extended_file_is_kept_when_configs_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Project rules run once per config; a finding in a file the project pulls in with
    `extends` (no project's own file) takes the config of its folder, and is reported."""
    write(
        tmp_path,
        {
            "a/.dlint.toml": 'ignore = ["DL3057"]\n',
            "a/compose.yaml": "services:\n  web:\n    extends:\n      file: common.yaml\n"
            "      service: base\n",
            "a/common.yaml": "services:\n  base:\n    image: nginx:1.27\n    privileged: true\n",
            "b/compose.yaml": "services:\n  x:\n    image: nginx:1.27\n",
        },
    )
    _, out, _ = run_cli(["--format", "json", "."], tmp_path, capsys)
    found = [(f["path"], f["name"]) for f in json.loads(out)["findings"]]
    assert ("a/common.yaml", "privileged-container") in found
