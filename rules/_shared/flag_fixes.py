"""Fixes for package-manager rules: an option added to a command, a command added to
the end of a RUN.

Both are insertions at a place read from the IR's word and command spans: nothing
written is moved or re-quoted. Where the place is not certain (a command read from a
``sh -c '...'`` string or a ``$(...)``, an option list ended by ``--``, a RUN that is
not a plain chain of commands) no edit is given.
"""

from __future__ import annotations

import re
from itertools import pairwise

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellScript
from dlint.rule import Edit, Fix

from .packages import Invocation
from .runs import runs


def exec_commands(df: Dockerfile) -> frozenset[int]:
    """The ids of the commands of exec-form (JSON) RUNs, whose words are JSON strings."""
    return frozenset(id(c) for run in runs(df, ("exec",)) for c in run.script.commands)


def insert_option(
    inv: Invocation, after: Span, option: str, exec_form: bool = False
) -> Edit | None:
    """``option`` written as a word of its own right after ``after`` (the end of a word
    of ``inv``'s command): `` -y`` in a shell command, ``, "-y"`` in a JSON one. None
    when the command is read from a string or a substitution, or when a ``--`` before
    that place ends the options (the word would be an operand)."""
    cmd = inv.command
    if cmd.nested or cmd.substituted:
        return None
    end = Span.point(after.end_line, after.end_column)
    if any(w.value == "--" and w.span < end for w in cmd.argv):
        return None
    text = f', "{option}"' if exec_form else f" {option}"
    return Edit(end, text)


# what may separate two commands of a chain: `&&`, a pipe, or `;` (white space around)
_SEPARATOR = re.compile(r"[ \t]*(&&|\|(?!\|)|;)[ \t]*")


def _offset(script: ShellScript, line: int, column: int) -> int | None:
    """The offset in ``script.source`` of a place in the file (None: not in it)."""
    smap = script.source_map
    if smap is None:
        return None
    for i, start in enumerate(smap.starts):
        end = smap.starts[i + 1] if i + 1 < len(smap.starts) else smap.length
        if smap.lines[i] == line and smap.columns[i] <= column <= smap.columns[i] + end - start:
            return start + column - smap.columns[i]
    return None


def _piece(script: ShellScript, offset: int) -> tuple[int, int, int]:
    """The piece of the source (one physical line's part) holding ``offset``: its start
    and end offsets and its column in the file."""
    smap = script.source_map
    assert smap is not None
    i = max(j for j, start in enumerate(smap.starts) if start <= offset)
    end = smap.starts[i + 1] if i + 1 < len(smap.starts) else smap.length
    return smap.starts[i], end, smap.columns[i]


def _indent(script: ShellScript, offset: int) -> str | None:
    """The white space before ``offset`` on its line, when only white space comes
    before it there and the line is a continuation line (written from column 1)."""
    start, _, column = _piece(script, offset)
    before = script.source[start:offset]
    return before if column == 1 and not before.strip(" \t") else None


def append_command(script: ShellScript, escape: str, command: str) -> Edit | None:
    """``&& command`` after the last command of a RUN's script, in the way its chain is
    written: on a line of its own, indented as the lines of the chain, when the chain
    is written over continuation lines (``&&`` first on a line, or last); else on the
    same line.

    None unless the script is a plain list: top-level commands separated by ``&&``,
    pipes or ``;`` only, the last one joined by ``&&`` or a pipe, nothing (not even a
    comment) after it, no compound commands, syntax errors or heredocs."""
    smap = script.source_map
    if script.dialect != "posix" or smap is None or script.has_errors or not smap.starts:
        return None
    if len(set(smap.lines)) != len(smap.lines):  # one piece per physical line
        return None
    commands = sorted(
        (c for c in script.commands if not c.nested and not c.substituted), key=lambda c: c.span
    )
    if not commands:
        return None
    places: list[tuple[int, int]] = []
    for cmd in commands:
        start = _offset(script, cmd.span.line, cmd.span.column)
        end = _offset(script, cmd.span.end_line, cmd.span.end_column)
        if start is None or end is None or end < start:
            return None
        places.append((start, end))
    source = script.source
    if source[: places[0][0]].strip(" \t") or source[places[-1][1] :].strip(" \t"):
        return None
    ands: list[int] = []  # where each `&&` of the chain is
    separator = ""
    for (_, end), (start, _) in pairwise(places):
        found = _SEPARATOR.fullmatch(source, end, start)
        if found is None:
            return None
        separator = found.group(1)
        if separator == "&&":
            ands.append(found.start(1))
    if separator == ";":
        return None
    last = commands[-1]
    # the style of the chain: the last `&&` that starts or ends a line
    for at in reversed(ands):
        indent = _indent(script, at)
        if indent is not None:  # ` \` then `  && next`
            return _insert(last.span, f" {escape}\n{indent}&& {command}")
        _, piece_end, _ = _piece(script, at)
        if not source[at + 2 : piece_end].strip(" \t") and piece_end < smap.length:
            # `&& \` then `  next`: the last command starts a line (else: no guess)
            indent = _indent(script, places[-1][0])
            if indent is None:
                return None
            return _insert(last.span, f" && {escape}\n{indent}{command}")
    if last.span.end_line != smap.lines[0]:  # the last command's words over several lines
        start, _, column = _piece(script, places[-1][1] - 1)
        line = source[start:]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if column != 1:
            return None
        return _insert(last.span, f" {escape}\n{indent}&& {command}")
    return _insert(last.span, f" && {command}")


def _insert(after: Span, text: str) -> Edit:
    return Edit(Span.point(after.end_line, after.end_column), text)


def rpm_assume_yes(inv: Invocation, after: Span, exec_form: bool) -> Fix | None:
    """yum/dnf/microdnf: ``-y`` after the action (``after``), unless the command already
    says something about the prompt (``--assumeno``, a ``--setopt`` of assumeyes)."""
    if inv.has("--assumeno") or any("assumeyes" in v.lower() for v in inv.values("--setopt")):
        return None
    edit = insert_option(inv, after, "-y", exec_form)
    return None if edit is None else Fix("Add `-y`", (edit,))
