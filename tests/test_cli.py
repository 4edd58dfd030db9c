"""The command line: discovery, output contract, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlint import registry
from dlint.ir.common import Severity, Span
from dlint.rule import Finding, Rule, RuleMeta
from tests.conftest import run_cli, write

BAD = (
    "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
)
GOOD = (
    "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
    "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
)


run = run_cli


def test_clean_run_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": GOOD})
    code, out, _ = run([], tmp_path, capsys)
    assert code == 0
    assert out == "No findings in 1 file.\n"


def test_findings_exit_1_with_exact_text_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"app/Dockerfile": BAD})
    code, out, _ = run(["app", "--format", "concise"], tmp_path, capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("app/Dockerfile:3:1: DF101 layer-cache-order COPY brings in")
    assert lines[-1] == "Found 1 finding (1 warning) in 1 of 1 file."


def test_the_default_output_shows_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"app/Dockerfile": BAD.replace("COPY . .", "COPY\t. .  # \x1b[31m")})
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    code, out, _ = run(["app"], tmp_path, capsys)
    assert code == 1
    assert out.splitlines()[:5] == [
        "warning[DF101] layer-cache-order: COPY brings in the whole build context before "
        "`pip install --no-cache-dir -r requirements.txt` (line 4): every source change re-runs the "
        "install. "
        "Copy requirements.txt first, run the install, then copy the rest.",
        " --> app/Dockerfile:3:1",
        "  |",
        "3 | COPY    . .  # \\x1b[31m",
        "  | ^^^^^^^^^^^^^^^^^^^^^^^",
    ]
    assert "\x1b" not in out  # no colour in a file, and the file's escape is shown escaped
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run(["app"], tmp_path, capsys)
    assert "\x1b[1;33mwarning[DF101]\x1b[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(["app"], tmp_path, capsys)
    assert "\x1b" not in out


def test_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        {"b/Dockerfile": BAD, "a/Dockerfile": "FROM a:1\nRUNN x\nCOPY . /app\nRUN npm ci\n"},
    )
    code, out, _ = run(["--format", "json"], tmp_path, capsys)
    assert code == 1
    data = json.loads(out)
    assert list(data) == ["findings"]
    keys = [
        "code",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "fix",
    ]
    assert all(list(f) == keys for f in data["findings"])
    assert [(f["path"], f["line"], f["code"]) for f in data["findings"]] == [
        ("a/Dockerfile", 2, "DM001"),
        ("a/Dockerfile", 3, "DF101"),
        ("b/Dockerfile", 3, "DF101"),
    ]
    first = data["findings"][0]
    assert (first["column"], first["end_line"], first["end_column"]) == (1, 2, 5)
    assert first["severity"] == "error"


def test_discovery_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = [
        "Dockerfile", "Containerfile", "api.Dockerfile", "web.dockerfile", "Dockerfile.dev",
        "Dockerfile.dockerignore", "Dockerfile.md", "node_modules/pkg/Dockerfile", "notes.txt",
    ]  # fmt: skip
    write(tmp_path, dict.fromkeys(names, GOOD))
    _, out, _ = run([], tmp_path, capsys)
    assert out == "No findings in 5 files.\n"


def test_explicit_file_is_linted_whatever_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"build.txt": BAD})
    code, out, _ = run(["build.txt"], tmp_path, capsys)
    assert code == 1 and "--> build.txt:3:1" in out and "warning[DF101]" in out


def test_bad_input_is_one_line_each_and_others_still_linted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "bin.Dockerfile": b"\x7fELF\x00\x00binary",
            "latin1.Dockerfile": b"FROM a\nLABEL x=caf\xe9\n",
            "template.Dockerfile": "{{ if .x }}\nFROM {{ .base }}\n{{ end }}\n",
            "empty.Dockerfile": "",
            "heredoc.Dockerfile": "FROM a\nRUN <<EOF\necho\n",
            "ok.Dockerfile": BAD,
        },
    )
    code, out, err = run(["--format", "json"], tmp_path, capsys)
    assert code == 1 and "Traceback" not in err
    found = {(f["path"], f["name"], f["line"], f["message"]) for f in json.loads(out)["findings"]}
    assert found == {
        (
            "bin.Dockerfile",
            "parse-error",
            1,
            "binary file (it contains NUL bytes), not a text file",
        ),
        ("empty.Dockerfile", "parse-error", 1, "file with no instructions"),
        ("heredoc.Dockerfile", "parse-error", 2, "unterminated heredoc"),
        ("latin1.Dockerfile", "parse-error", 2, "invalid UTF-8 (byte 0xe9 at line 2, column 12)"),
        (
            "template.Dockerfile",
            "parse-error",
            1,
            "not a Dockerfile: line 1 starts with '{{', which is not an instruction (2 of 3 instructions are unknown)",
        ),
        (
            "ok.Dockerfile",
            "layer-cache-order",
            3,
            "COPY brings in the whole build context before "
            "`pip install --no-cache-dir -r requirements.txt` (line 4): "
            "every source change re-runs the install. Copy requirements.txt first, run the install, "
            "then copy the rest.",
        ),
    }


@pytest.mark.parametrize(
    "args", [["does-not-exist"], ["--format", "xml"], ["--no-such-option"], ["explain", "DF999"]]
)
def test_usage_errors_exit_2(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(args, tmp_path, capsys)
    assert code == 2
    assert "Traceback" not in err and err.strip()


def _broken(df: object) -> Iterator[Finding]:
    yield Finding(Span(1, 1, 1, 2), "fine")
    raise RuntimeError("boom")


def test_a_broken_rule_is_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Rule(RuleMeta("DF999", "broken-rule", "dockerfile", Severity.INFO), "Broken.", _broken)
    rules = (*registry.all_rules(), broken)
    monkeypatch.setattr("dlint.run.all_rules", lambda: rules)
    write(tmp_path, {"Dockerfile": BAD})
    code, out, err = run(["--format", "json"], tmp_path, capsys)
    assert code == 2
    names = [f["name"] for f in json.loads(out)["findings"]]
    assert names == ["internal-error", "layer-cache-order"]
    assert "internal-error" in err


def test_rules_and_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], tmp_path, capsys)
    assert code == 0 and out.startswith("CODE    NAME")
    assert "DF101   layer-cache-order                warning  on      -       " in out
    assert (
        "DL3026  untrusted-registry               error    config" in out and "(was DF201)" in out
    )
    for key in ("DF101", "layer-cache-order", "LAYER-CACHE-ORDER"):
        code, out, _ = run(["explain", key], tmp_path, capsys)
        assert code == 0 and out.startswith("DF101 layer-cache-order (warning)")
        assert "## Use instead" in out


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dlint", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("dlint, version ")


_IMPORTED = """
import sys
from dlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("tree_sitter", "yaml", "sarif_om", "jsonschema", "dlint.ir.compose", "hashlib", "click",
         "multiprocessing")
print("IMPORTED:", *(m for m in heavy if m in sys.modules))
"""


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [
        ("FROM alpine:3.20\nCOPY a /a\n", ["--no-cache"], ""),
        ("FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r2\n", ["--no-cache"], "tree_sitter"),
        (
            "FROM alpine:3.20\nMAINTAINER x\n",
            ["--no-cache", "--format", "sarif"],
            "sarif_om hashlib",
        ),
        ("FROM alpine:3.20\nCOPY a /a\n", [], "hashlib"),  # the cache's key
    ],
)
def test_a_run_imports_only_what_it_needs(
    tmp_path: Path, text: str, args: list[str], expected: str
) -> None:
    """Start-up cost is kept off runs that do not need it (what, not how long)."""
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args, str(tmp_path / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    marker = [line for line in result.stdout.splitlines() if line.startswith("IMPORTED:")]
    assert marker == [f"IMPORTED: {expected}".rstrip()], result.stdout + result.stderr


def test_a_folder_named_like_a_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`dlint docs` lints the folder docs/ and writes nothing; `dlint rules` with a
    folder rules/ runs the command and says how to lint the folder."""
    write(tmp_path, {"docs/Dockerfile": BAD, "rules/Dockerfile": BAD})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, out, _ = run(["docs", "--format", "concise"], tmp_path, capsys)
    assert code == 1 and out.startswith("docs/Dockerfile:")
    code, out, err = run(["rules"], tmp_path, capsys)
    assert code == 0 and out.startswith("CODE    NAME")
    assert "to lint the path rules, write ./rules" in err
    code, out, _ = run(["./rules", "--format", "concise"], tmp_path, capsys)
    assert code == 1 and out.startswith("rules/Dockerfile:")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_help_shows_the_check_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(["--help"], tmp_path, capsys)
    assert code == 0 and "--format" in out and "--fix" in out and "dlint explain RULE" in out


def test_a_config_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {".dlint.toml": "selekt = []\n", "Dockerfile": BAD})
    code, out, err = run(["."], tmp_path, capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("dlint: config:") and "usage" not in err


def test_a_run_tells_its_progress(tmp_path: Path) -> None:
    from dlint.engine import Options, lint

    files = {f"s{i}/Dockerfile": GOOD for i in range(5)}
    files["compose.yaml"] = "services:\n  a:\n    build: s0\n    image: x/a:1\n"
    write(tmp_path, files)
    seen: list[tuple[int, int]] = []
    lint(["."], tmp_path, Options(isolated=True), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (6, 6)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_no_progress_line_off_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlint import cli

    monkeypatch.setattr(cli._Progress, "AFTER", -1.0)  # as if the run were slow
    write(tmp_path, {"Dockerfile": GOOD})
    _, _, err = run([], tmp_path, capsys)
    assert err == ""  # standard error is not a terminal here
