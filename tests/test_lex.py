"""Word processing as BuildKit's shell lexer does it."""

from __future__ import annotations

import pytest

from dlint.parsers.dockerfile.lex import Lexer, LexError

ENV = {"A": "apple", "EMPTY": "", "PATHV": "/usr/local/bin:/usr/bin", "FILE": "archive.tar.gz"}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("$A", "apple"),
        ("${A}", "apple"),
        ("x${A}y", "xappley"),
        ("${NOPE:-dflt}", "dflt"),
        ("${EMPTY:-dflt}", "dflt"),
        ("${EMPTY-dflt}", ""),
        ("${NOPE-dflt}", "dflt"),
        ("${A:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${NOPE+alt}", ""),
        ("${NOPE:-${A}}", "apple"),
        ("${FILE%.*}", "archive.tar"),
        ("${FILE%%.*}", "archive"),
        ("${FILE#*.}", "tar.gz"),
        ("${FILE##*.}", "gz"),
        ("${PATHV/usr/opt}", "/opt/local/bin:/usr/bin"),
        ("${PATHV//usr/opt}", "/opt/local/bin:/opt/bin"),
        ("'$A'", "$A"),
        ('"$A b"', "apple b"),
        ('"a\\"b"', 'a"b'),
        ('"a\\\\b"', "a\\b"),
        ('"a\\nb"', "a\\nb"),
        ("a\\ b", "a b"),
        ("$", "$"),
        ("$1x", "x"),
    ],
)
def test_expand(word: str, expected: str) -> None:
    assert Lexer("\\").expand(word, ENV) == expected


def test_unmatched_names_are_reported() -> None:
    result = Lexer("\\").process("${A}-${B:-x}-$C", ENV)
    assert result.value == "apple-x-"
    assert result.unmatched == {"B", "C"}
    assert result.matched == {"A"}


def test_backtick_escape() -> None:
    assert Lexer("`").expand("C:\\dir` name", {}) == "C:\\dir name"


@pytest.mark.parametrize(
    "word", ["${A", "${:x}", "${A:?must be set}", "'open", '"open', "${NOPE?}"]
)
def test_errors(word: str) -> None:
    env = dict(ENV, A="")
    with pytest.raises(LexError):
        Lexer("\\").expand(word, env)


def test_words_are_split_after_substitution() -> None:
    assert Lexer("\\").process('a "b c" $SPLIT', {"SPLIT": "d e"}).words == ["a", "b c", "d", "e"]


def test_skip_unset_keeps_references() -> None:
    lexer = Lexer("\\", skip_unset=True)
    assert lexer.expand("${X:-y} $Z ${A}", ENV) == "${X:-y} $Z apple"
