"""What rules read besides instructions: the variables each instruction sees, the RUNs
with their mounts and scripts, and how stages relate (rules/_shared/runs.py and
stages.py)."""

from __future__ import annotations

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile
from dlint.parsers.dockerfile import parse_dockerfile
from dlint.rules._shared.runs import runs, under
from dlint.rules._shared.stages import ancestry, nearest, parent, shipped, used

TEXT = """\
ARG BASE=debian:12
ARG VERSION=1.0
FROM $BASE AS base
ARG VERSION
ARG TOKEN
ENV HOME_DIR=/srv PKGS="curl git"
RUN --mount=type=cache,target=/var/cache/apt apt-get install $PKGS "tool=$VERSION" $TOKEN
ENV VERSION=2.0
RUN echo $VERSION
FROM base AS app
ONBUILD RUN --mount=type=tmpfs,target=/tmp echo $HOME_DIR $VERSION $PKGS
RUN deps="a b"; if x; then extra=c; else extra=d; fi; install $deps $extra $HOME_DIR
FROM scratch AS other
COPY --from=base / /
FROM app
"""


def parsed(text: str = TEXT) -> Dockerfile:
    return parse_dockerfile(text, "Dockerfile")


def test_variables_each_instruction_sees() -> None:
    df = parsed()
    base, app = df.stages[0], df.stages[1]
    first_run, second_run = (i for i in base.instructions if i.keyword == "RUN")
    version = base.variables.at("VERSION", first_run.span)
    assert version is not None and (version.value, version.kind) == ("1.0", "arg")
    token = base.variables.at("TOKEN", first_run.span)
    assert token is not None and token.value is None  # declared, value at build time
    version = base.variables.at("VERSION", second_run.span)
    assert version is not None and (version.value, version.kind) == ("2.0", "env")
    assert base.variables.at("VERSION", base.instructions[0].span) is None  # before its ARG
    # a stage gets the ARGs and ENVs of the stage it is built on (BuildKit passes both
    # on); an ONBUILD trigger runs in another build, which has the ENVs only
    onbuild = app.instructions[0]
    assert app.variables.at("HOME_DIR", onbuild.span) is not None
    token = app.variables.at("TOKEN", onbuild.span)
    assert token is not None and (token.kind, token.value) == ("arg", None)
    assert app.variables.at("TOKEN", onbuild.span, env_only=True) is None
    assert "PKGS" in app.variables.names(onbuild.span, env_only=True)


def test_runs_values_and_expansions() -> None:
    found = list(runs(parsed()))
    assert [(r.stage.index, r.onbuild is not None) for r in found] == [
        (0, False),
        (0, False),
        (1, True),
        (1, False),
    ]
    install = found[0]
    cmd = install.script.commands[0]
    assert [install.expansions(w) for w in cmd.args[1:]] == [
        (("curl", "git"),),
        (("tool=1.0",),),
        None,  # an ARG with no default: its value comes at build time
    ]
    assert install.cached("/var/cache/apt/archives") and not install.cached("/var/lib/apt")
    trigger = found[2]
    words = trigger.script.commands[0].args
    # an ONBUILD trigger runs in another build: ENVs only, and the stage's ENV VERSION
    assert [trigger.fields(w) for w in words] == [("/srv",), ("2.0",), ("curl", "git")]
    assert trigger.cached("/tmp/x")
    own = found[3]
    cmd = next(c for c in own.script.commands if c.program == "install")
    assert [own.expansions(w) for w in cmd.args] == [
        (("a", "b"),),
        (("c",), ("d",)),  # set in both branches
        (("/srv",),),
    ]


def test_trigger_mounts_and_script_shell() -> None:
    df = parsed('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n'
                "RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"
                "RUN <<EOF\n#!/bin/sh -e\nc | d\nEOF\n")  # fmt: skip
    scripts = [r.script for r in runs(df)]
    assert [s.shell for s in scripts] == [("/bin/bash", "-o", "pipefail", "-c"), ("/bin/sh", "-e")]


def test_stage_relations() -> None:
    df = parsed()
    assert shipped(df) == {0, 1, 3}
    assert used(df) == {0, 1}
    assert [s.index for s in ancestry(df, df.stages[3])] == [3, 1, 0]
    assert [getattr(parent(df, s), "index", None) for s in df.stages] == [None, 0, None, 1]
    # the nearest stage of those given, among each stage and the stages it is built on
    assert nearest(df, {0}) == {0: 0, 1: 0, 3: 0}
    assert nearest(df, {0, 1}) == {0: 0, 1: 1, 3: 1}
    assert nearest(df, {2}) == {2: 2}
    assert shipped(parsed("RUN true\n")) == {-1}


def test_windows_stages() -> None:
    df = parsed("FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nFROM w\nFROM alpine\n")
    assert [s.windows for s in df.stages] == [True, True, False]
    assert parsed("# escape=`\nFROM x\n").stages[0].windows


def test_under() -> None:
    assert under("/var/lib/apt/lists", "/var/lib/apt/")
    assert under("/a", "/a") and not under("/ab", "/a")
    assert under("/x/../a/b", "/a")


def test_spans_of_variables() -> None:
    df = parsed()
    run = next(r for r in runs(df) if r.onbuild is not None)
    variable = run.variable("VERSION")
    assert variable is not None and variable.span == Span(10, 1, 10, 17)  # inherited at FROM


def test_trigger_sees_every_env_of_its_stage() -> None:
    df = parsed("FROM debian:12\nARG A=1\nONBUILD RUN echo $A $B\nENV B=2\n")
    (trigger,) = runs(df)
    words = trigger.script.commands[0].args
    assert [trigger.fields(w) for w in words] == [(), ("2",)]
