"""The Dockerfile front end: BuildKit's behaviour, with exact positions."""

from __future__ import annotations

import pytest

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, Instruction, StageRef
from dlint.ir.image import ImageRef
from dlint.parsers.dockerfile import DockerfileSyntaxError, parse_dockerfile


def parse(text: str) -> Dockerfile:
    return parse_dockerfile(text, "Dockerfile")


def only(df: Dockerfile, keyword: str) -> Instruction:
    found = [i for i in df.instructions if i.keyword == keyword]
    assert len(found) == 1, found
    return found[0]


# -- directives and escapes -------------------------------------------------


def test_directives_are_read_at_the_top_only() -> None:
    df = parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine\n")
    assert [(d.name, d.value) for d in df.directives] == [
        ("syntax", "docker/dockerfile:1"),
        ("check", "skip=JSONArgsRecommended"),
    ]
    assert df.directives[0].span == Span(1, 1, 1, 29)
    late = parse("# a comment\n# syntax=docker/dockerfile:1\nFROM alpine\n")
    assert late.directives == ()


def test_backtick_escape_changes_line_continuation() -> None:
    df = parse(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    b\nENV P=C:\\tools\n"
    )
    run = only(df, "RUN")
    assert run.text == "echo a     b"
    assert run.span == Span(3, 1, 4, 6)
    assert only(df, "ENV").pairs[0][1].value == "C:\\tools"
    assert df.escape == "`"


def test_directive_errors() -> None:
    with pytest.raises(DockerfileSyntaxError, match="only one escape parser directive"):
        parse("# escape=`\n# escape=\\\nFROM a\n")
    with pytest.raises(DockerfileSyntaxError, match="invalid escape token"):
        parse("# escape=x\nFROM a\n")


# -- continuations -------------------------------------------------------------


def test_comment_and_blank_lines_inside_a_continuation() -> None:
    df = parse(
        "FROM a\nRUN apt-get update \\\n    # refresh first\n\n    && apt-get install -y curl\nCMD x\n"
    )
    run = only(df, "RUN")
    assert run.text == "apt-get update     && apt-get install -y curl"
    assert run.span == Span(2, 1, 5, 31)
    assert run.empty_continuation_lines == (4,)
    assert [c.argv[0].span for c in run.script.commands] == [Span(2, 5, 2, 12), Span(5, 8, 5, 15)]


def test_continuation_at_end_of_file_and_escaped_backslash() -> None:
    df = parse("FROM a\nENV A=x\\\\\nENV B=y\nRUN something \\")
    envs = [i for i in df.instructions if i.keyword == "ENV"]
    assert [e.pairs[0][1].value for e in envs] == ["x\\\\", "y"]
    assert envs[0].expanded == ("A", "x\\", "=")
    assert only(df, "RUN").text == "something"


# -- heredocs ------------------------------------------------------------------


def test_heredoc_run_is_a_script_and_a_comment_may_follow_it() -> None:
    df = parse(
        "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n# done\nRUN true\n"
    )
    runs = [i for i in df.instructions if i.keyword == "RUN"]
    assert len(runs) == 2
    first = runs[0]
    assert first.span == Span(2, 1, 5, 4)
    doc = first.heredocs[0]
    assert (doc.name, doc.expand, doc.chomp) == ("EOF", True, False)
    assert doc.content == "apt-get update\napt-get install -y curl\n"
    assert doc.marker == Span(2, 5, 2, 10)
    assert doc.body == Span(3, 1, 5, 4)
    commands = [[w.literal for w in c.argv] for c in first.script.commands]
    assert commands == [["apt-get", "update"], ["apt-get", "install", "-y", "curl"]]
    assert first.script.commands[1].span == Span(4, 1, 4, 24)


def test_heredoc_variants() -> None:
    text = (
        "FROM alpine\n"
        "RUN <<-'END' cat > /a && cat <<\"X\" > /b\n"
        "\techo $HOME\n"
        "\tEND\n"
        "x\n"
        "X\n"
        "COPY <<one <<two /dest/\n"
        "1\n"
        "one\n"
        "2\n"
        "two\n"
    )
    df = parse(text)
    run = only(df, "RUN")
    assert [(h.name, h.expand, h.chomp) for h in run.heredocs] == [
        ("END", False, True),
        ("X", False, False),
    ]
    assert run.heredocs[0].text == "echo $HOME\n"
    copy = only(df, "COPY")
    assert [h.content for h in copy.heredocs] == ["1\n", "2\n"]
    layer = df.stages[0].layers[1]
    assert [(s.kind, s.path) for s in layer.sources] == [("heredoc", "one"), ("heredoc", "two")]
    assert copy.span == Span(7, 1, 11, 4)


def test_heredoc_fed_to_a_shell_and_to_python() -> None:
    df = parse(
        "FROM python\nRUN bash <<EOF\npip install flask\nEOF\nRUN python3 <<EOF\nimport os\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"
    )
    scripts = [layer.script for layer in df.stages[0].layers]
    assert [c.program for c in scripts[0].commands] == ["bash", "pip"]
    assert scripts[0].commands[1].span == Span(3, 1, 3, 18)
    assert [c.program for c in scripts[1].commands] == ["python3"]
    assert scripts[2].dialect == "other" and scripts[2].interpreter == "python3"


def test_unterminated_heredoc() -> None:
    with pytest.raises(DockerfileSyntaxError, match="unterminated heredoc") as err:
        parse("FROM a\nRUN <<EOF\necho\n")
    assert err.value.span is not None and err.value.span.line == 2


# -- forms, flags, keywords ----------------------------------------------------


def test_exec_form_and_its_errors() -> None:
    df = parse('FROM a\nCMD ["echo", "a b"]\nENTRYPOINT ["x" ,\nRUN [ "ls" , "-l" ]\n')
    cmd = only(df, "CMD")
    assert cmd.json and [a.value for a in cmd.args] == ["echo", "a b"]
    assert cmd.args[1].span == Span(2, 14, 2, 19)
    entry = only(df, "ENTRYPOINT")
    assert not entry.json and entry.args[0].value == '["x" ,'
    run = only(df, "RUN")
    assert run.script.dialect == "exec" and run.script.commands[0].argv[1].value == "-l"
    with pytest.raises(DockerfileSyntaxError, match="strings only"):
        parse('FROM a\nCMD ["a", 1]\n')


def test_flags_have_positions_and_are_checked() -> None:
    df = parse(
        "FROM golang:1.23 AS build\n"
        "FROM --platform=$BUILDPLATFORM golang:1.23 AS out\n"
        "RUN --mount=type=cache,target=/root/.cache --network=none --security=insecure go build\n"
        "COPY --from=build --chown=1000:1000 --chmod=755 --link --parents --exclude=*.md src/ /out/\n"
        "ADD --checksum=sha256:abc --keep-git-dir=true https://github.com/a/b.git /src\n"
        "COPY --frm=build a b\n"
    )
    run = only(df, "RUN")
    assert [(f.name, f.value) for f in run.flags] == [
        ("mount", "type=cache,target=/root/.cache"),
        ("network", "none"),
        ("security", "insecure"),
    ]
    assert run.flags[1].span == Span(3, 44, 3, 58)
    out = df.stages[1]
    assert out.platform is not None and out.from_instruction.flags[0].span == Span(2, 6, 2, 31)
    mount = out.layers[0].mounts[0]
    assert (mount.type, mount.target) == ("cache", "/root/.cache")
    copy = out.instructions[1]
    assert [f.name for f in copy.flags] == ["from", "chown", "chmod", "link", "parents", "exclude"]
    assert out.layers[1].copy_from == StageRef(0, "build")
    assert [s.kind for s in out.layers[2].sources] == ["git"]
    assert [(p.message, p.span) for p in df.problems] == [
        ("unknown flag: frm (did you mean from?)", Span(6, 6, 6, 17))
    ]


def test_mount_from_without_target_parses() -> None:
    df = parse("FROM a AS b\nFROM c\nRUN --mount=from=b,source=/x go test\n")
    assert df.problems == ()
    assert df.stages[1].layers[0].mounts[0].from_ == "b"


def test_keywords_in_any_case_and_onbuild() -> None:
    df = parse("from alpine as Base\nonbuild run apk add curl\nOnBuild COPY . /app\n")
    stage = df.stages[0]
    assert stage.name == "base" and stage.name_span == Span(1, 16, 1, 20)
    onbuild = stage.instructions[0]
    assert onbuild.keyword == "ONBUILD" and onbuild.trigger is not None
    assert onbuild.trigger.keyword == "RUN" and onbuild.trigger.keyword_span == Span(2, 9, 2, 12)
    assert onbuild.trigger.script is not None
    assert onbuild.trigger.script.commands[0].argv[1].span == Span(2, 17, 2, 20)
    assert stage.instructions[1].trigger is not None
    assert stage.instructions[1].trigger.keyword == "COPY"


def test_instruction_problems_do_not_stop_parsing() -> None:
    df = parse("FROM a\nRUNN echo\nFROM b c\nWORKDIR\nONBUILD FROM x\nRUN echo ok\n")
    assert [(p.span.line, p.message) for p in df.problems] == [
        (2, "unknown instruction: RUNN (did you mean run?)"),
        (3, "FROM requires either one or three arguments"),
        (4, "WORKDIR requires exactly one argument"),
        (5, "FROM isn't allowed as an ONBUILD trigger"),
    ]
    assert len(df.stages) == 2


def test_empty_and_comment_only_files_are_errors() -> None:
    for text in ("", "\n\n", "# only\n# comments\n"):
        with pytest.raises(DockerfileSyntaxError, match="file with no instructions"):
            parse(text)


# -- ARG / ENV scoping and substitution ----------------------------------------


def test_global_args_feed_from_only() -> None:
    df = parse(
        "ARG REGISTRY=ghcr.io\nARG TAG\nFROM ${REGISTRY}/org/app:${TAG:-1.0} AS app\n"
        "RUN echo $REGISTRY\nARG REGISTRY\nWORKDIR /srv/${REGISTRY}\n"
    )
    base = df.stages[0].base
    assert isinstance(base, ImageRef)
    assert (base.registry, base.repository, base.tag) == ("ghcr.io", "org/app", "1.0")
    assert base.span == Span(3, 6, 3, 37)
    workdir = only(df, "WORKDIR")
    assert workdir.expanded == ("/srv/ghcr.io",)
    assert [a.expanded for a in df.global_args] == [("REGISTRY=ghcr.io",), ("TAG",)]


def test_env_and_arg_substitution_forms() -> None:
    df = parse(
        "FROM a\nARG V=1\nENV A=x B=${V:+set} C=${MISSING-dflt} D=${MISSING:-d2} E=\"${V}y\" F='$V'\n"
        'ENV G=$A/$B\nLABEL k="a\\"b"\nUSER ${NOBODY}\n'
    )
    envs = [i for i in df.instructions if i.keyword == "ENV"]
    assert envs[0].expanded == (
        "A",
        "x",
        "=",
        "B",
        "set",
        "=",
        "C",
        "dflt",
        "=",
        "D",
        "d2",
        "=",
        "E",
        "1y",
        "=",
        "F",
        "$V",
        "=",
    )
    assert envs[1].expanded == ("G", "x/set", "=")
    assert only(df, "LABEL").expanded == ("k", 'a"b', "=")
    user = only(df, "USER")
    assert user.expanded == ("",) and user.unresolved == ("NOBODY",)
    assert dict(df.stages[0].env)["G"] == "x/set"


def test_stage_inherits_env_and_shell() -> None:
    df = parse(
        'FROM a AS one\nENV X=1\nSHELL ["/bin/bash", "-c"]\nFROM one\nWORKDIR /w/$X\nRUN echo hi\n'
    )
    second = df.stages[1]
    assert second.instructions[0].expanded == ("/w/1",)
    assert second.layers[0].script.interpreter == "/bin/bash"
    assert second.layers[0].workdir == "/w/1"


def test_other_shells_are_not_read_as_bash() -> None:
    df = parse(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem\n'
    )
    layers = df.stages[0].layers
    assert layers[0].script.dialect == "cmd"
    assert layers[1].script.dialect == "powershell" and layers[1].script.commands == ()


def test_columns_count_code_points() -> None:
    df = parse("FROM a\nLABEL description=\"café ☕\" owner=me\nRUN echo 'ünï' && ls\n")
    label = only(df, "LABEL")
    assert label.pairs[1][0].span == Span(2, 28, 2, 33)
    run = only(df, "RUN")
    assert run.script.commands[1].span == Span(3, 19, 3, 21)


def test_hadolint_shell_pragma_sets_what_run_speaks() -> None:
    text = "FROM a\nRUN echo 1\n# hadolint shell=pwsh\nRUN Get-ChildItem\nFROM b\nRUN echo 2\n"
    df = parse_dockerfile(text, "Dockerfile")
    dialects = [layer.script.dialect for s in df.stages for layer in s.layers if layer.script]
    assert dialects == ["posix", "powershell", "posix"]  # until the stage ends
