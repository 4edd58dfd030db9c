"""Inline suppressions in Dockerfiles and Compose files, and the useless ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlint.engine import Options, lint


def findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    report = lint([str(tmp_path)], cwd=tmp_path, options=Options(isolated=True))
    return [(d.path, d.span.line, d.name, d.message) for d in report.diagnostics]


def names(found: list[tuple[str, int, str, str]]) -> list[tuple[int, str]]:
    return [(line, name) for _, line, name, _ in found]


COPY_THEN_INSTALL = (
    "COPY \\\n    . \\\n    /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n"
)


@pytest.mark.parametrize(
    "pragma",
    [
        "# dlint: ignore=DF101 -- the context is tiny",
        "# dlint: ignore=layer-cache-order",
        "#dlint:ignore=DF101,DL4000",
        "# dlint: ignore=DF101\n# a second comment between",
    ],
)
def test_dockerfile_ignore_above_an_instruction(pragma: str, tmp_path: Path) -> None:
    text = f"FROM python:3.12\n{pragma}\n{COPY_THEN_INSTALL}"
    found = findings(tmp_path, {"Dockerfile": text})
    if "DL4000" in pragma:
        assert names(found) == [(2, "unused-suppression")]
        assert "DL4000 suppresses nothing" in found[0][3]
    else:
        assert found == []


def test_a_blank_line_breaks_the_link(tmp_path: Path) -> None:
    text = f"FROM python:3.12\n# dlint: ignore=DF101\n\n{COPY_THEN_INSTALL}"
    assert names(findings(tmp_path, {"Dockerfile": text})) == [
        (2, "unused-suppression"),
        (4, "layer-cache-order"),
    ]


def test_global_hadolint_and_buildkit_forms(tmp_path: Path) -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "# check=skip=FromAsCasing\n"
        "# dlint: global ignore=DF101 -- vendored file\n"
        "FROM python:3.12 as build\n"
        "# hadolint ignore=DL4000,SC2086 # old habit\n"
        "MAINTAINER me\n"
        f"{COPY_THEN_INSTALL}"
        "MAINTAINER again\n"
        "# check=skip=ConsistentInstructionCasing\n"
        "run true\n"
    )
    assert names(findings(tmp_path, {"Dockerfile": text})) == [(11, "maintainer-deprecated")]


@pytest.mark.parametrize(
    ("pragma", "suppressed"),
    [
        ("# hadolint ignore=DL4000", True),
        ("# hadolint ignore = DL3002 , DL4000 # old habit", True),
        ("# hadolint ignore=crazy,DL4000", False),  # hadolint: a bad name spoils the list
        ("# hadolint ignore=dl4000", False),  # hadolint's codes are upper case
        ("# hadolint ignore=DL4000;DL3002", False),
    ],
)
def test_hadolint_pragma_grammar(pragma: str, suppressed: bool, tmp_path: Path) -> None:
    found = findings(tmp_path, {"Dockerfile": f"FROM alpine:3.20\n{pragma}\nMAINTAINER me\n"})
    assert (names(found) == []) is suppressed, found


def test_hadolint_global_and_buildkit_skip_all(tmp_path: Path) -> None:
    text = "# check=skip=all\n# hadolint global ignore=DL4000\nFROM python:3.12 as build\nMAINTAINER me\nrun true\n"
    assert findings(tmp_path, {"Dockerfile": text}) == []


@pytest.mark.parametrize(
    ("pragma", "message"),
    [
        ("# dlint: ignore=DL4000", "suppression of DL4000 suppresses nothing"),
        (
            "# dlint: ignore=no-such-rule",
            "suppression names 'no-such-rule', which is not a dlint rule",
        ),
        ("# dlint: ignroe=DF101", "malformed suppression"),
    ],
)
def test_useless_suppressions_are_reported(pragma: str, message: str, tmp_path: Path) -> None:
    found = findings(tmp_path, {"Dockerfile": f"FROM alpine:3.20\n{pragma}\nRUN true\n"})
    assert [(line, name) for _, line, name, _ in found] == [(2, "unused-suppression")]
    assert message in found[0][3]


def test_comments_inside_heredocs_are_not_suppressions(tmp_path: Path) -> None:
    text = "FROM python:3.12\nRUN <<EOF\n# dlint: ignore=DF101\necho hi\nEOF\n" + COPY_THEN_INSTALL
    assert names(findings(tmp_path, {"Dockerfile": text})) == [(6, "layer-cache-order")]


COMPOSE = """\
services:
  web:
    image: nginx:1.27
    network_mode: host  # dlint: ignore=host-network -- needs the host's mDNS
  # dlint: ignore=DC201,DC101
  db:
    image: postgres:16
    network_mode: host
  cache:
    image: redis:7
    command: "redis-server --appendonly yes # dlint: ignore=DC201"
    network_mode: host
"""


def test_compose_trailing_and_line_above(tmp_path: Path) -> None:
    found = findings(tmp_path, {"compose.yaml": COMPOSE})
    assert names(found) == [(10, "stateful-path-without-volume"), (12, "host-network")]


def test_compose_global_and_unused(tmp_path: Path) -> None:
    text = "# dlint: global ignore=DC201\n" + COMPOSE.replace(
        "  cache:", "  # dlint: ignore=DC102\n  cache:"
    )
    found = findings(tmp_path, {"compose.yaml": text})
    assert names(found) == [(10, "unused-suppression"), (14, "host-network")]


DCLINT = """services:
  web:
    image: nginx  # dclint disable-line service-image-require-explicit-tag
  # dclint disable-line
  cache:
    image: redis
  db:
    # dclint disable-line no-build-and-image
    image: postgres
    network_mode: host
"""


def test_dclint_disable_line_reaches_its_line_or_the_one_below(tmp_path: Path) -> None:
    found = findings(tmp_path, {"compose.yaml": DCLINT})
    # dclint's comments reach only the rules that carry dclint's names
    assert [n for n in names(found) if n[1] != "stateful-path-without-volume"] == [
        (9, "service-image-require-explicit-tag"),
        (10, "host-network"),
    ]


@pytest.mark.parametrize(
    ("first", "kept"),
    [
        ("# dclint disable-file\n", []),
        ("---\n# dclint disable\n", []),
        ("# dclint disable service-image-require-explicit-tag\n", []),
        ("# dclint disable no-version-field\n", [4, 7, 10]),
        ("# a comment first\n# dclint disable-file\n", [5, 8, 11]),
    ],
)
def test_dclint_file_wide_comments_count_on_the_first_line(
    first: str, kept: list[int], tmp_path: Path
) -> None:
    text = first + DCLINT.replace("# dclint disable-line", "# no pragma")
    found = findings(tmp_path, {"compose.yaml": text})
    assert [line for line, n in names(found) if n == "service-image-require-explicit-tag"] == kept
