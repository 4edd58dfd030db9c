"""RUN commands read with tree-sitter-bash, placed in the Dockerfile."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

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


def test_word_parts() -> None:
    cmd = script('echo x${V:-"a b"}y "$W" \'$q\' $(pwd) $1 ${#V}').commands[0]
    parts = [[(p.kind, p.value, p.quoted, p.operator) for p in w.parts] for w in cmd.args]
    assert parts == [
        [("text", "x", False, None), ("variable", "V", False, ":-"), ("text", "y", False, None)],
        [("variable", "W", True, None)],
        [("text", "$q", True, None)],
        [("other", "$(pwd)", False, None)],
        [("other", "$1", False, None)],
        [("other", "${#V}", False, None)],
    ]
    assert [p.value for p in cmd.args[0].parts[1].argument] == ["a b"]
    assert cmd.args[0].variables == ("V",)


def test_expansions_split_unquoted_values_only() -> None:
    cmd = script('apt-get install $PKGS "$ONE" pre-${V}-post ${U:-dflt} ${U:+alt}x $(ls)').commands[
        0
    ]
    values = {"PKGS": (" a  b ",), "ONE": ("c d",), "V": ("1", "2")}

    def lookup(name: str) -> tuple[str, ...] | None:
        return values.get(name, ())

    got = [w.expansions(lookup) for w in cmd.args[1:]]
    assert got == [
        (("a", "b"),),
        (("c d",),),
        (("pre-1-post",), ("pre-2-post",)),
        (("dflt",),),
        (("x",),),
        None,
    ]
    assert cmd.args[1].expansions(lambda name: None) is None  # unknown


def test_assignments_the_script_makes() -> None:
    s = script(
        'deps="gnupg dirmngr"; export V=1.2 W; A=1 cmd $deps; for p in x y; do :; done; '
        "read -r line; E=; L=(1 2)"
    )
    found = [(a.name, a.value.value if a.value else None) for a in s.assignments]
    assert found == [
        ("deps", "gnupg dirmngr"),
        ("V", "1.2"),
        ("p", None),
        ("line", None),
        ("E", ""),
        ("L", None),
    ]  # `A=1 cmd` sets A for that command only
    cmd = next(c for c in s.commands if c.program == "cmd")
    assert s.assigned("deps", cmd.args[0].span) == ("gnupg dirmngr",)
    assert s.assigned("deps", Span.point(1, 1)) == ()  # not yet
    assert s.assigned("p") is None and s.assigned("nothing") == ()


def test_substituted_commands_and_pipelines_of_nested_scripts() -> None:
    s = script("a | b; x=$(c | d); sh -c 'e | f'; g `h`")
    by = {c.program: c for c in s.commands}
    assert [by[n].substituted for n in "abcdefgh"] == [
        False, False, True, True, False, False, False, True
    ]  # fmt: skip
    pipelines = {n: by[n].pipeline for n in "abcdef"}
    assert pipelines["a"] == pipelines["b"] != pipelines["c"] == pipelines["d"]
    assert pipelines["e"] == pipelines["f"] not in (pipelines["a"], pipelines["c"])


def test_command_v_is_a_lookup_not_a_run() -> None:
    s = script(
        "command -v ps && command ps -ef && command -pV sh && command -p -v ls && command -p ls"
    )
    assert [[w.literal for w in c.unwrapped()] for c in s.commands] == [
        ["command", "-v", "ps"],
        ["ps", "-ef"],
        ["command", "-pV", "sh"],
        ["command", "-p", "-v", "ls"],
        ["ls"],
    ]


@given(
    st.lists(st.tuples(st.text(min_size=0, max_size=6), st.integers(1, 9), st.integers(1, 9))),
    st.integers(-3, 30),
    st.integers(-3, 30),
)
@example([("abc", 1, 1), ("de", 2, 5)], -3, -1)  # both before the text
@example([("abc", 1, 1), ("de", 2, 5)], 2, 9)  # past its end
@example([("abc", 1, 1), ("de", 2, 5)], 7, 9)
def test_a_span_is_where_its_ends_are(
    pieces: list[tuple[str, int, int]], start: int, end: int
) -> None:
    """``span`` (worked out in one go) agrees with ``position`` and ``end_position``."""
    tmap = TextMap()
    for text, line, column in pieces:
        tmap.add(text, line, column)
    first = tmap.position(start)
    last = first if end <= start else tmap.end_position(end)
    assert tmap.span(start, end) == Span(*first, *last)
