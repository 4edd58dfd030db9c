"""Every output format against golden files; SARIF against the official schema."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlint.engine import Options, lint
from dlint.report import Report
from dlint.reporters import FORMATS, get_reporter
from tests.conftest import REPO, shared

GOLDEN = REPO / "tests" / "golden"
PROJECT = GOLDEN / "project"
SUFFIX = {
    "text": "txt",
    "concise": "concise.txt",
    "html": "html",
    "json": "json",
    "sarif": "sarif",
    "github": "github.txt",
    "gitlab": "gitlab.json",
}


def report(monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(PROJECT)
    result = lint(["."], cwd=PROJECT, options=Options())
    # a fixed root, so the golden SARIF holds no path of this machine
    return dataclasses.replace(result, root=Path("/project"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = get_reporter(fmt)(report(monkeypatch))
    golden = GOLDEN / f"report.{SUFFIX[fmt]}"
    if os.environ.get("DLINT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _sarif_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(shared("schemas", "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_golden_sarif_is_valid_and_complete() -> None:
    data = json.loads((GOLDEN / "report.sarif").read_text(encoding="utf-8"))
    assert not list(_sarif_validator().iter_errors(data))
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("dlint", __import__("dlint").__version__)
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for rule in rules:
        assert {
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
            "defaultConfiguration",
            "properties",
        } <= set(rule)
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} {rule['name']}")
        assert {"tags", "precision"} <= set(rule["properties"])
    host = next(r for r in rules if r["name"] == "host-network")
    assert (
        host["properties"]["security-severity"] == "5.0"
        and "security" in host["properties"]["tags"]
    )
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///project/"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(location["region"])
        assert result["partialFingerprints"]["dlint/v1"]
    subnet = next(r for r in run["results"] if r["ruleId"] == "DC102")
    assert subnet["level"] == "warning"  # downgraded in config: kept explicitly


def test_every_sarif_the_corpus_produces_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = shared("corpus")
    monkeypatch.chdir(corpus)
    result = lint(["."], cwd=corpus, options=Options(isolated=True))
    data = json.loads(get_reporter("sarif")(result))
    errors = list(_sarif_validator().iter_errors(data))
    assert not errors, errors[0].message
    assert len(data["runs"][0]["results"]) == len(result.diagnostics)


def test_fingerprints_survive_lines_inserted_above(tmp_path: Path) -> None:
    body = "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(body, encoding="utf-8")
    before = lint([str(tmp_path)], cwd=tmp_path, options=Options(isolated=True)).diagnostics
    dockerfile.write_text("# a comment\n# and another\n" + body, encoding="utf-8")
    after = lint([str(tmp_path)], cwd=tmp_path, options=Options(isolated=True)).diagnostics
    assert [d.span.line for d in before] != [d.span.line for d in after]
    assert [d.fingerprint for d in before] == [d.fingerprint for d in after]


def test_github_escaping_and_multiline_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    from dlint.ir.common import Severity, Span
    from dlint.report import Diagnostic

    d = Diagnostic(
        "DF101",
        "layer-cache-order",
        Severity.ERROR,
        "a,b:c%.Dockerfile",
        Span(2, 1, 4, 3),
        "50% done\nnext",
    )
    line = get_reporter("github")(Report((d,)))
    assert line == (
        "::error file=a%2Cb%3Ac%25.Dockerfile,line=2,endLine=4,title=dlint DF101 (layer-cache-order)"
        "::a,b:c%25.Dockerfile:2:1: DF101 layer-cache-order 50%25 done%0Anext\n"
    )


def test_exit_code_never_depends_on_the_format(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import subprocess
    import sys

    codes = set()
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "dlint",
                "--format",
                fmt,
                "--output-file",
                str(out),
                str(PROJECT),
            ],
            capture_output=True,
            text=True,
            cwd=PROJECT,
            check=False,
        )
        assert result.stdout == "" and out.read_text(encoding="utf-8")
        codes.add(result.returncode)
    assert codes == {1}


def test_github_format_is_chosen_inside_github_actions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dlint.cli import main

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.chdir(PROJECT)
    with pytest.raises(SystemExit):
        main(["."])
    assert capsys.readouterr().out.startswith("::")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=())),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_json_findings_are_written_as_json_dumps_writes_them(value: object) -> None:
    from dlint.reporters.json_format import _indented

    expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n    ")
    assert _indented(value, "    ") == expected


def test_json_findings_are_written_as_their_fields_say() -> None:
    """The finding written out field by field is what json.dumps makes of its fields."""
    from dlint.edits import Edit, Fix
    from dlint.ir.common import Severity, Span
    from dlint.printable import printable
    from dlint.report import Diagnostic
    from dlint.reporters.json_format import _written

    def dumped(d: Diagnostic) -> str:
        fix = None
        if d.fix is not None:
            edits = [
                {"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
                 "end_column": e.span.end_column, "text": e.text}
                for e in d.fix.edits
            ]  # fmt: skip
            fix = {"title": d.fix.title, "safe": d.fix.safe, "edits": edits}
        finding = {
            "code": d.code, "name": d.name, "severity": d.severity.label,
            "path": printable(d.path), "line": d.span.line, "column": d.span.column,
            "end_line": d.span.end_line, "end_column": d.span.end_column,
            "message": d.message, "fix": fix,
        }  # fmt: skip
        return json.dumps(finding, indent=2, ensure_ascii=False).replace("\n", "\n    ")

    span = Span(1, 2, 3, 4)
    plain = Diagnostic("DL3008", "apt", Severity.WARNING, "a/é\udcff\n", span, 'say "x"\t')
    fixed = dataclasses.replace(plain, fix=Fix("pin", (Edit(span, "a\nb"), Edit(span, ""))))
    empty = dataclasses.replace(plain, fix=Fix("none", ()))
    for d in (plain, fixed, empty):
        assert _written(d) == dumped(d)
