"""dlint over the real-world corpus in ../shared: no crash, and every parse error explained."""

from __future__ import annotations

from collections import Counter

from dlint.engine import lint
from tests.conftest import shared

# Corpus files Docker itself refuses, and why (see the README's conformance notes).
EXPECTED_PARSE_ERRORS = {
    "docker-library__mysql/Dockerfile.oracle": "a jq template, not a Dockerfile",
    "docker__compose/pkg/e2e/fixtures/wrong-composefile/service1/Dockerfile": "invalid on purpose",
    "moby__buildkit/frontend/dockerfile/parser/testfiles-negative/empty_dockerfile/Dockerfile": "negative test",
    "moby__buildkit/frontend/dockerfile/parser/testfiles-negative/env_no_value/Dockerfile": "negative test",
    "moby__buildkit/frontend/dockerfile/parser/testfiles-negative/only_comments/Dockerfile": "negative test",
    "moby__buildkit/frontend/dockerfile/parser/testfiles-negative/shykes-nested-json/Dockerfile": "negative test",
    # parser test inputs that parse, but that a build rejects
    "moby__buildkit/frontend/dockerfile/parser/testfiles/flags/Dockerfile": "unknown flags",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/health/Dockerfile": "bare HEALTHCHECK, CONNECT type",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/json/Dockerfile": "CMD before any FROM",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/jeztah-invalid-json-json-inside-string/Dockerfile": "CMD before any FROM",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/jeztah-invalid-json-json-inside-string-double/Dockerfile": "CMD before any FROM",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/jeztah-invalid-json-single-quotes/Dockerfile": "CMD before any FROM",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/jeztah-invalid-json-unterminated-bracket/Dockerfile": "CMD before any FROM",
    "moby__buildkit/frontend/dockerfile/parser/testfiles/jeztah-invalid-json-unterminated-string/Dockerfile": "CMD before any FROM",
}


def test_corpus_lints_without_internal_errors() -> None:
    corpus = shared("corpus")
    report = lint([str(corpus)], cwd=corpus)
    assert not report.failed
    names = Counter(d.name for d in report.diagnostics)
    assert names["internal-error"] == 0
    listed = [
        line.split("\t") for line in (corpus / "files.txt").read_text(encoding="utf-8").splitlines()
    ]
    linted = {path for path, kind in listed if kind in ("dockerfile", "compose")}
    assert len(linted) == 427 + 307
    assert linted <= set(report.files)
    with_parse_errors = {d.path for d in report.diagnostics if d.name == "parse-error"}
    assert with_parse_errors == set(EXPECTED_PARSE_ERRORS)
