"""Where an apt setting written into apt's configuration is in effect.

An instruction can write a setting into apt's configuration (``echo 'APT::Get::Assume-Yes
"true";' > /etc/apt/apt.conf.d/90yes``, or a heredoc ``COPY <<EOF /etc/apt/...``); from
then on every apt command of the stage, and of the stages built FROM it, runs with it.
An ``-o`` option of apt itself lasts for that one command only and is not counted here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, Instruction, StageRef
from dlint.ir.shell import ShellCommand

from .packages import parse
from .runs import Run, runs


def configured(df: Dockerfile, setting: re.Pattern[str]) -> Iterator[tuple[Run, int | None]]:
    """Each RUN (POSIX shell or exec form) with the index of its first command from which
    on ``setting`` (the setting as apt.conf writes it) is in effect: 0 when an earlier
    instruction wrote it, None when it is not in effect anywhere in the RUN."""
    found = [
        (run, next((i for i, c in enumerate(run.script.commands) if _writes(c, setting)), None))
        for run in runs(df, ("posix", "exec"))
    ]
    written, inherited = _settings(df, found, setting)
    stage: int | None = None
    on = False
    for run, first in found:
        if run.stage.index != stage:
            stage = run.stage.index
            on = stage in inherited
        if stage in written and written[stage] < run.written.span:
            on = True  # an earlier instruction wrote it
        yield run, 0 if on else first
        on = on or first is not None


def _matches(texts: Iterable[str], setting: re.Pattern[str]) -> bool:
    return any(setting.search(t) for t in texts)


def _data(ins: Instruction) -> list[str]:
    """The heredoc bodies an instruction writes as data (``COPY <<EOF``, ``cat <<EOF >
    file``); a body run as the RUN's script is read through its commands instead."""
    target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger is not None else ins
    commands = target.script.commands if target.script is not None else ()
    return [
        doc.content
        for doc in target.heredocs
        if not any(doc.body.line <= c.span.line <= doc.body.end_line for c in commands)
    ]


def _writes(cmd: ShellCommand, setting: re.Pattern[str]) -> bool:
    """Whether a command writes the setting (``echo '...' > /etc/apt/apt.conf.d/...``);
    a package manager's own options do not count."""
    if parse(cmd) is not None:
        return False
    return _matches((w.value for w in cmd.args if w.value is not None), setting)


def _settings(
    df: Dockerfile, found: list[tuple[Run, int | None]], setting: re.Pattern[str]
) -> tuple[dict[int, Span], set[int]]:
    """Where each stage's instructions first write the setting as data (a heredoc), and
    the stages that inherit it: built FROM a stage that writes it (as data or by a
    command, ``found`` giving each RUN's first such command), or FROM one that
    inherits it."""
    written: dict[int, Span] = {}
    for stage in df.all_stages:
        for ins in stage.instructions:
            if stage.index not in written and _matches(_data(ins), setting):
                written[stage.index] = ins.span
    configured = set(written) | {run.stage.index for run, first in found if first is not None}
    inherited: set[int] = set()
    for stage in df.stages:  # a stage comes after the stage it is built FROM
        base = stage.base
        if isinstance(base, StageRef) and (base.index in configured or base.index in inherited):
            inherited.add(stage.index)
    return written, inherited
