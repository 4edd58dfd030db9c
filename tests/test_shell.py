"""RUN commands read with tree-sitter-bash, placed in the Dockerfile."""

from __future__ import annotations

from dlint.ir.common import Span
from dlint.parsers.shell import parse_shell
from dlint.parsers.textmap import TextMap


def script(source: str, line: int = 1, column: int = 1):  # type: ignore[no-untyped-def]
    tmap = TextMap()
    tmap.add(source, line, column)
    return parse_shell(source, tmap)


def argvs(source: str) -> list[list[str]]:
    return [[w.literal for w in c.argv] for c in script(source).commands]


def test_constructs_bashlex_cannot_read() -> None:
    src = 'case "$1" in a) apt-get install -y a;; esac; [[ -f x ]] && echo $((1+2)); for p in a b; do pip install "$p"; done'
    assert argvs(src) == [
        ["apt-get", "install", "-y", "a"],
        ["echo", "$((1+2))"],
        ["pip", "install", '"$p"'],
    ]


def test_words_values_and_dynamic_parts() -> None:
    cmd = script(
        'DEBIAN_FRONTEND=noninteractive apt-get install -y \'a b\' "c\\"d" e\\ f $X "$Y"z'
    ).commands[0]
    assert [w.value for w in cmd.args] == ["install", "-y", "a b", 'c"d', "e f", None, None]
    assert cmd.assignments[0].text == "DEBIAN_FRONTEND=noninteractive"
    assert cmd.program == "apt-get"


def test_pipelines_substitutions_and_wrappers() -> None:
    s = script("curl -fsSL https://x | sudo -u root env A=1 bash -s && export P=$(cat /v)")
    names = [c.program for c in s.commands]
    assert names == ["curl", "sudo", "export", "cat"]
    assert s.commands[0].pipeline == s.commands[1].pipeline is not None
    assert [w.literal for w in s.commands[1].unwrapped()] == ["bash", "-s"]
    assert s.calls("bash") == (s.commands[1],)


def test_nested_sh_c_is_read_with_positions() -> None:
    s = script("sh -c 'npm ci && npm run build'", line=4, column=5)
    nested = [c for c in s.commands if c.nested]
    assert [c.program for c in nested] == ["npm", "npm"]
    assert nested[0].span == Span(4, 12, 4, 18)


def test_positions_with_non_ascii_text() -> None:
    s = script("echo 'héllo ☕' && ls -la", line=2, column=5)
    assert s.commands[1].span == Span(2, 23, 2, 29)


def test_syntax_errors_are_flagged_not_raised() -> None:
    s = script("if then fi ((")
    assert s.has_errors
