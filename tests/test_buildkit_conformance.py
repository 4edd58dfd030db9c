"""BuildKit's own parser test files: the AST dump must match exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlint.parsers.dockerfile import DockerfileSyntaxError
from dlint.parsers.dockerfile.lineparse import LineNode
from dlint.parsers.dockerfile.scan import scan
from tests.conftest import SHARED, shared

PARSER_CASES = sorted(
    p.name for p in (SHARED / "conformance/buildkit-parser").glob("*") if p.is_dir()
)
NEGATIVE_CASES = sorted(
    p.name for p in (SHARED / "conformance/buildkit-parser-negative").glob("*") if p.is_dir()
)


def go_quote(text: str) -> str:
    """Go's strconv.Quote."""
    escapes = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f",
               "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}  # fmt: skip
    out = []
    for ch in text:
        if ch in escapes:
            out.append(escapes[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def dump(node: LineNode) -> str:
    """BuildKit's Node.Dump() for one instruction."""
    text = node.keyword.value.lower()
    if node.flags:
        text += " [" + " ".join(go_quote(f.value) for f in node.flags) + "]"
    if node.child is not None:
        text += " (" + dump(node.child) + ")"
    for arg in node.args:
        text += " " + go_quote(arg.value)
    return text.strip()


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", PARSER_CASES or ["<none>"])
def test_parser_testfiles(name: str) -> None:
    folder = shared("conformance", "buildkit-parser", name)
    result = scan(read(folder / "Dockerfile"))
    got = "".join(f"({dump(i.node)})\n" for i in result.instructions)
    assert got == read(folder / "result")


@pytest.mark.parametrize("name", NEGATIVE_CASES or ["<none>"])
def test_negative_testfiles(name: str) -> None:
    folder = shared("conformance", "buildkit-parser-negative", name)
    with pytest.raises(DockerfileSyntaxError):
        scan(read(folder / "Dockerfile"))


def test_line_numbers() -> None:
    folder = shared("conformance", "buildkit-parser-lines")
    expected = json.loads(read(folder / "expected.json"))
    result = scan(read(folder / "Dockerfile"))
    ranges = [[i.start_line, i.end_line] for i in result.instructions]
    assert ranges == expected["children_line_ranges"]
    assert ranges[0][0] == expected["ast_start_line"]
    assert ranges[-1][1] == expected["ast_end_line"]


def test_all_cases_present() -> None:
    shared("conformance", "buildkit-parser")
    assert len(PARSER_CASES) == 33
    assert len(NEGATIVE_CASES) == 4
