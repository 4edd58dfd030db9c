"""Hostile inputs cannot hang dlint, exhaust its memory or crash it.

Each test is an attack that once took seconds to minutes, hung, or ended in a
traceback. Where the work is Python's, it is counted (function calls, with a
profiler hook) at two sizes and must grow linearly; where it is a regular
expression's, the input is one a backtracking matcher would need hours for.
None of these tests measures time; a timeout only turns a hang into a failure.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

from dlint.engine import lint
from dlint.report import Report
from tests.conftest import write

# A guard, not a measurement: an attack that regresses hangs, and a hang must fail.
pytestmark = pytest.mark.timeout(60)

Files = dict[str, str | bytes]


def run(root: Path, *paths: str) -> Report:
    report = lint([str(root / p) for p in paths or ["."]], cwd=root)
    assert not report.failed, [d.message for d in report.diagnostics]
    assert not [d for d in report.diagnostics if d.name == "internal-error"]
    return report


def messages(report: Report, name: str = "parse-error") -> list[str]:
    return [d.message for d in report.diagnostics if d.name == name]


def work(action: Callable[[], object]) -> int:
    """How many bytecode instructions ``action`` executes, and C functions it calls:
    work, counted by trace hooks, not timed."""
    count = 0

    def line(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        frame.f_trace_opcodes = True
        count += 1
        return line

    def c_call(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event == "c_call":
            count += 1

    sys.settrace(line)
    sys.setprofile(c_call)
    try:
        action()
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return count


def linear(tmp_path: Path, make: Callable[[int], Files], size: int) -> None:
    """Linting ``make(4 * size)`` does at most ~4 times the work of ``make(size)``."""
    small = write(tmp_path / "small", make(size))
    large = write(tmp_path / "large", make(4 * size))
    run(small)  # warm: imports and first-use compilation are not the input's cost
    base = work(lambda: run(small))
    grown = work(lambda: run(large))
    assert grown <= 4.6 * base, f"work grew {grown / base:.1f}x for 4x the input"


# -- patterns: linear-time matching ------------------------------------------------


def test_dockerignore_pattern_cannot_backtrack(tmp_path: Path) -> None:
    from dlint.parsers.context import parse_dockerignore

    ignore = parse_dockerignore("*a" * 30 + "*b\n", ".dockerignore")
    assert not ignore.ignores("a" * 200)  # a backtracking matcher: longer than the universe
    write(
        tmp_path,
        {
            ".dockerignore": "*a*a*a*a*a*a*a*a*a*a*b\n",
            "a" * 44: "",
            "Dockerfile": "FROM a\nCOPY . /x\n",
        },
    )
    run(tmp_path)


def test_shell_pattern_cannot_backtrack(tmp_path: Path) -> None:
    from dlint.parsers.dockerfile.lex import Lexer

    value = "a" * 200
    lexer = Lexer()
    assert lexer.expand("${V#" + "*a" * 30 + "*b}", {"V": value}) == value
    assert lexer.expand("${V%%" + "a*" * 30 + "b*}", {"V": value}) == value
    assert lexer.expand("${V//" + "*a" * 30 + "*b/x}", {"V": value}) == value
    text = "FROM a\nARG V=" + "a" * 40 + "\nENV W=${V#*a*a*a*a*a*a*a*a*a*a*b}\n"
    run(write(tmp_path, {"Dockerfile": text}))


def test_go_replace_all_semantics() -> None:
    from dlint.parsers.dockerfile.lex import Lexer

    env = {"X": "abcabc"}
    lexer = Lexer()
    assert lexer.expand("${X//*/y}", env) == "y"  # Go: no second, empty match at the end
    assert lexer.expand("${X//b/Z}", env) == "aZcaZc"
    assert lexer.expand("${X/b/Z}", env) == "aZcabc"
    assert lexer.expand("${X##*b}", env) == "c"
    assert lexer.expand("${X%b*}", env) == "abca"


@pytest.mark.parametrize(
    "comment",
    ["# dlint: ignore=" + " " * 100_000 + "x", "# check=skip=" + " " * 100_000 + "x",
     "# hadolint ignore=" + " " * 100_000 + "x", "# dlint: global ignore=a," + " ," * 50_000],
)  # fmt: skip
def test_long_comments_cost_their_length(tmp_path: Path, comment: str) -> None:
    run(write(tmp_path, {"Dockerfile": f"{comment}\nFROM a\n{comment}\nRUN true\n"}))


def test_healthcheck_numbers_cost_their_length(tmp_path: Path) -> None:
    digits = "1" * 30_000
    text = (
        f"FROM a\nHEALTHCHECK --interval={digits} --timeout={digits}s --retries={digits} "
        f"CMD true\nHEALTHCHECK --retries={'0' * 5000}3 CMD true\n"
    )
    found = messages(run(write(tmp_path, {"Dockerfile": text})))
    assert any("invalid duration" in m for m in found)
    assert all(len(m) < 300 for m in found), "a message quotes a value of 30,000 digits"


# -- Python work that grows with the input -------------------------------------------


def test_long_words_are_linear(tmp_path: Path) -> None:
    def make(n: int) -> Files:
        return {"Dockerfile": "FROM a\nLABEL a=" + "b" * n + ' c="' + "d" * n + '"\n'}

    linear(tmp_path, make, 20_000)
    run(write(tmp_path / "2mb", make(2_000_000)))  # building a word by += took minutes


def test_many_flags_are_linear_and_reported_once(tmp_path: Path) -> None:
    linear(tmp_path, lambda n: {"Dockerfile": "FROM a\nENV " + "--f " * n + "a=b\n"}, 2_000)
    found = messages(run(tmp_path / "large"))
    assert found == ["unknown flag: f"], found  # BuildKit stops at the first


def test_many_variables_are_linear(tmp_path: Path) -> None:
    linear(
        tmp_path,
        lambda n: {
            "Dockerfile": "FROM a\n" + "".join(f"ARG A{i}=x\nENV B{i}=$A{i}\n" for i in range(n))
        },
        200,
    )


def test_many_comment_lines_are_linear(tmp_path: Path) -> None:
    linear(tmp_path, lambda n: {"Dockerfile": "FROM a\n" + "# note\n" * n + "RUN true\n"}, 2_000)


def test_many_compose_pragmas_are_linear(tmp_path: Path) -> None:
    linear(
        tmp_path,
        lambda n: {
            "compose.yaml": "services:\n  a:\n    image: x\n" + "# dlint: ignore=DC001\n" * n
        },
        300,
    )


def test_pragmas_over_findings_are_linear(tmp_path: Path) -> None:
    # each pragma silences one finding, and a stack of pragmas above one RUN silences
    # each of its packages: once every finding was tried against every pragma
    def make(n: int) -> Files:
        own = "".join(f"# hadolint ignore=DL3008\nRUN apt-get install -y p{i}\n" for i in range(n))
        packages = " ".join(f"q{i}" for i in range(n))
        stack = "# dlint: ignore=DL3008 -- pinned upstream\n" * n
        return {"Dockerfile": f"FROM debian:12\n{own}{stack}RUN apt-get install -y {packages}\n"}

    linear(tmp_path, make, 100)
    assert not [d for d in run(tmp_path / "large").diagnostics if d.code == "DL3008"]


_EVERY_RULE = (
    'preview = true\nselect = ["ALL"]\nignore = ["SC"]\n'  # ShellCheck is another program's time
)


def test_every_rule_is_linear_on_many_runs(tmp_path: Path) -> None:
    one = (
        "ARG V{i}=1\nENV P{i}=x\n"
        "RUN apt-get update && apt-get install -y curl $P{i} && pip install flask "
        "&& yarn install && dnf install -y git && apk add --no-cache jq && cd /tmp\n"
        "ONBUILD RUN npm install left-pad && gem install rails\n"
        "COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz && useradd u{i}\n"
        "WORKDIR app{i}\nUSER u{i}\nCMD run {i}\n"
    )

    def make(n: int) -> Files:
        body = "".join(one.format(i=i) for i in range(n))
        return {"Dockerfile": f"FROM debian:12\n{body}", ".dlint.toml": _EVERY_RULE}

    linear(tmp_path, make, 20)


def test_script_variables_are_linear(tmp_path: Path) -> None:
    # every `$NAME` once tried every assignment of the script, and every pip every export
    def make(n: int) -> Files:
        own = "; ".join(f"a{i}=x{i}" for i in range(n))
        uses = " ".join(f"$a{i}" for i in range(n))
        same = "; ".join(f"s=v{i % 3}" for i in range(n))
        chain = "; ".join(f'c{i + 1}="$c{i} y"' for i in range(n))
        exports = "; ".join(f"export E{i}=1 && pip install p{i}" for i in range(n))
        script = f"{own}; {same}; c0=z; {chain}; {exports}; apk add {uses} $s $c{n} " + "$s " * n
        return {"Dockerfile": f"FROM alpine:3.20\nRUN {script}\n", ".dlint.toml": _EVERY_RULE}

    linear(tmp_path, make, 100)


def test_every_rule_is_linear_on_chained_stages(tmp_path: Path) -> None:
    def make(n: int) -> Files:
        stages = "".join(
            f'FROM s{i} AS s{i + 1}\nWORKDIR w\nCOPY x y\nSHELL ["/bin/bash", "-c"]\n'
            "HEALTHCHECK CMD true\nCMD run\n"
            for i in range(n)
        )
        return {"Dockerfile": f"FROM debian:12 AS s0\n{stages}", ".dlint.toml": _EVERY_RULE}

    linear(tmp_path, make, 50)


def test_many_files_named_outside_the_folder_are_linear(tmp_path: Path) -> None:
    # each file named outside the current folder is a root of its own; every read once
    # tried every root
    def named(n: int, where: Path) -> Callable[[], object]:
        files = {f"p{i}/Dockerfile": "FROM alpine:3.20\n" for i in range(n)}
        base = write(where / "files", files)
        cwd = where / "elsewhere"
        cwd.mkdir()
        return lambda: lint([str(base / f) for f in files], cwd=cwd)

    small, large = named(50, tmp_path / "small"), named(200, tmp_path / "large")
    small()
    base, grown = work(small), work(large)
    assert grown <= 4.6 * base, f"work grew {grown / base:.1f}x for 4x the input"


def test_dotenv_is_linear(tmp_path: Path) -> None:
    def make(n: int) -> Files:
        body = "".join(f"A{i}=${{A{i - 1}:-x}}\n" for i in range(n)) + 'Q="' + "line\n" * n
        return {".env": body, "compose.yaml": "services:\n  a:\n    image: x:${A1}\n"}

    linear(tmp_path, make, 1_000)


def test_nested_defaults_in_compose_are_linear_and_bounded(tmp_path: Path) -> None:
    def make(n: int) -> Files:
        value = "${a:-" * 40 + "x" * n + "}" * 40
        return {"compose.yaml": f"services:\n  a:\n    image: '{value}'\n"}

    linear(tmp_path, make, 50_000)
    deep = "${a:-" * 300 + "x" * 300_000 + "}" * 300
    write(tmp_path / "deep", {"compose.yaml": f"services:\n  a:\n    image: '{deep}'\n"})
    found = messages(run(tmp_path / "deep"))
    assert found and "nested more than 50 levels" in found[0]


def test_include_diamond_reads_each_file_once(tmp_path: Path) -> None:
    files: Files = {}
    for i in range(40):  # doubling per file: 2**40 reads without the once-per-project rule
        nxt = f"f{i + 1}.yaml"
        body = f"include:\n  - {nxt}\n  - path: {nxt}\n" if i < 39 else ""
        files[f"f{i}.yaml" if i else "compose.yaml"] = body + f"services:\n  s{i}:\n    image: x\n"
    report = run(write(tmp_path, files), "compose.yaml")
    assert not [d for d in report.diagnostics if d.severity.label == "error"]


def test_extends_chain_is_bounded(tmp_path: Path) -> None:
    services = "".join(f"  s{i}:\n    extends: s{i + 1}\n" for i in range(2000))
    text = f"services:\n{services}  s2000:\n    image: x\n"
    found = messages(run(write(tmp_path, {"compose.yaml": text})))
    assert any("extends chain longer than 64" in m for m in found)


def test_include_chain_is_bounded(tmp_path: Path) -> None:
    files: Files = {
        f"f{i}.yaml"
        if i
        else "compose.yaml": f"include: [f{i + 1}.yaml]\nservices:\n  s{i}:\n    image: x\n"
        for i in range(300)
    }
    files["f300.yaml"] = "services:\n  last:\n    image: x\n"
    found = messages(run(write(tmp_path, files)))
    assert any("includes nested more than 64 files deep" in m for m in found)


# -- sizes and kinds of files ------------------------------------------------------


def test_files_over_the_size_cap_are_not_read(tmp_path: Path) -> None:
    from dlint.files import MAX_FILE_BYTES

    path = tmp_path / "Dockerfile"
    with path.open("wb") as handle:
        handle.write(b"FROM a\n# ")
        handle.truncate(MAX_FILE_BYTES + 10)  # sparse: no disk used
    found = messages(run(tmp_path))
    assert found == ["this file is larger than 10 MB; dlint does not read it"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_and_devices_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "Dockerfile")
    os.mkfifo(tmp_path / "compose.yaml")
    write(tmp_path, {"sub/compose.yaml": "services:\n  a:\n    image: x:${T}\n"})
    os.mkfifo(tmp_path / "sub" / ".env")
    report = run(tmp_path)  # would block forever on a read
    shown = {(d.path, d.message) for d in report.diagnostics if d.name == "parse-error"}
    refusal = "this file is not a regular file; dlint does not read it"
    assert shown >= {("Dockerfile", refusal), ("compose.yaml", refusal), ("sub/.env", refusal)}
    report = run(tmp_path, "Dockerfile")  # named on the command line
    assert messages(report) == [refusal]
    if os.path.exists("/dev/zero"):
        assert messages(lint(["/dev/zero"], cwd=tmp_path)) == [refusal]


# -- nesting and broken input: findings, never tracebacks ----------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"Dockerfile": "FROM a\nARG X=" + "${a:-" * 196 + "x" + "}" * 196 + "\n"}, "nested more than 50 levels deep"),
        ({"Dockerfile": "FROM a\nCMD " + "[" * 982 + "]" * 982 + "\n"}, "nested too deeply"),
        ({"compose.yaml": "services:\n  a:\n    image: '" + "${a:-" * 328 + "x" + "}" * 328 + "'\n"}, "nested more than 50 levels"),
        ({"compose.yaml": "services:\n  a:\n    command: " + "[" * 492 + "]" * 492 + "\n"}, "nested more than 100 levels"),
        ({"compose.yaml": "x-a: &a " + "[" * 60 + "]" * 60 + "\nx-b: &b " + "[" * 60 + "*a" + "]" * 60 + "\nservices: {}\n"}, "once aliases are expanded"),
        ({"compose.yaml": "services:\n  a:\n    image: x\n", ".env": b"A=caf\xe9\n"}, "invalid UTF-8 (byte 0xe9 at line 1, column 6)"),
        ({"compose.yaml": "services:\n  a:\n    image: x\n", ".env": b"A=\x00\n"}, "binary file"),
        ({"compose.yaml": "services:\n  a:\n    command: 1" + "0" * 5000 + "\n"}, None),
    ],
    ids=["arg-defaults", "cmd-brackets", "compose-defaults", "compose-brackets", "alias-depth",
         "dotenv-latin1", "dotenv-nul", "huge-number"],
)  # fmt: skip
def test_nesting_and_bad_bytes_are_parse_errors(
    tmp_path: Path, files: Files, expected: str | None
) -> None:
    found = messages(run(write(tmp_path, files)))
    if expected is None:
        assert not found
    else:
        assert any(expected in m for m in found), found


def test_dotenv_pointing_at_proc_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: x:${T}\n"})
    (tmp_path / ".env").symlink_to("/proc/self/environ")
    assert messages(run(tmp_path)) == [
        "this file points outside the project; dlint does not read it"
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_dotenv_is_a_finding(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: x\n", ".env": "A=1\n"})
    (tmp_path / ".env").chmod(0)
    try:
        assert messages(run(tmp_path)) == ["cannot read file: Permission denied"]
    finally:
        (tmp_path / ".env").chmod(stat.S_IRUSR | stat.S_IWUSR)


def cli(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlint.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [(".dlint.toml", "select = " + "[" * 500), ("pyproject.toml", "[tool.dlint]\nselect = " + "[" * 500),
     (".hadolint.yaml", "ignored: " + "[" * 500), (".hadolint.yaml", "ignored: [a\n  b: c")],
)  # fmt: skip
def test_bad_config_is_one_line_and_exit_2(tmp_path: Path, name: str, text: str) -> None:
    write(tmp_path, {name: text, "Dockerfile": "FROM a\n"})
    done = cli(tmp_path, "--exit-zero")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("dlint: config: "), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses names that are not UTF-8")
def test_names_that_are_not_utf8_are_escaped(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(folder)
    with open(folder + b"/Dockerfile", "w") as handle:
        handle.write("FROM a\nRUNN x\n")
    for fmt in ("text", "github"):
        done = cli(tmp_path, "--format", fmt)
        assert done.returncode == 1, done.stderr
        assert "caf\\xe9/Dockerfile" in done.stdout, done.stdout
    assert json.loads(cli(tmp_path, "--format", "json").stdout)["findings"][0]["path"] == (
        "caf\\xe9/Dockerfile"
    )
    gitlab = json.loads(cli(tmp_path, "--format", "gitlab").stdout)
    assert gitlab[0]["location"]["path"] == "caf\\xe9/Dockerfile"
    sarif = json.loads(cli(tmp_path, "--format", "sarif").stdout)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "caf%E9/Dockerfile"  # the real bytes, percent-encoded


def test_output_never_fails_to_encode(tmp_path: Path) -> None:
    write(tmp_path, {"ñ/Dockerfile": "FROM a\nRUNNÉ x\n"})
    done = cli(tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1, done.stderr
    assert "\\xf1/Dockerfile" in done.stdout and "Traceback" not in done.stderr


def test_schema_errors_are_linear(tmp_path: Path) -> None:
    def make(n: int) -> Files:
        services = "".join(f"  s{i}:\n    image: x:1\n    restart: {i}\n" for i in range(n))
        return {"compose.yaml": f"services:\n{services}"}

    linear(tmp_path, make, 50)  # each error once re-validated the whole model
    assert len(run(tmp_path / "large").diagnostics) == 200
