"""Shell commands read from RUN instructions (and heredoc scripts)."""

from __future__ import annotations

import posixpath
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from dlint.ir.common import Span

Dialect = Literal["posix", "exec", "powershell", "cmd", "other"]

# Commands that run the command given in their arguments.
_WRAPPERS = frozenset({"sudo", "doas", "env", "nice", "nohup", "time", "exec", "command", "xargs"})
_WRAPPER_FLAGS_WITH_VALUE = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U"}),
    "nice": frozenset({"-n"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "xargs": frozenset({"-I", "-n", "-P", "-L", "-s", "-d", "-E", "-a"}),
}


@dataclass(frozen=True, slots=True)
class ShellWord:
    """One word of a command: its source text and, if static, its value."""

    text: str
    value: str | None  # the word after quote removal; None when it expands something
    span: Span

    @property
    def literal(self) -> str:
        """The value when static, else the source text (for matching by eye)."""
        return self.value if self.value is not None else self.text


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """A simple command: ``VAR=x name arg...`` with its place in the file."""

    name: ShellWord | None
    args: tuple[ShellWord, ...]
    assignments: tuple[ShellWord, ...]
    span: Span
    pipeline: int | None = None  # commands piped together share this number
    nested: bool = False  # read from a ``sh -c '...'`` string

    @property
    def argv(self) -> tuple[ShellWord, ...]:
        return ((self.name,) if self.name else ()) + self.args

    @property
    def program(self) -> str | None:
        """The base name of the program run (``/usr/bin/pip3`` -> ``pip3``)."""
        if self.name is None or self.name.value is None:
            return None
        return posixpath.basename(self.name.value)

    def unwrapped(self) -> tuple[ShellWord, ...]:
        """argv without wrappers such as ``sudo``, ``env A=1`` or ``nice -n 5``."""
        argv = self.argv
        while argv:
            prog = argv[0].value
            base = posixpath.basename(prog) if prog else None
            if base not in _WRAPPERS:
                return argv
            takes_value = _WRAPPER_FLAGS_WITH_VALUE.get(base or "", frozenset())
            i = 1
            while i < len(argv):
                word = argv[i].literal
                if word == "--":
                    i += 1
                    break
                if word.startswith("-"):
                    i += 2 if word in takes_value else 1
                    continue
                if base == "env" and "=" in word:
                    i += 1
                    continue
                break
            argv = argv[i:]
        return argv


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Where each piece of a text assembled from a file (a RUN's script) lies in it."""

    starts: tuple[int, ...]  # offset of each piece in the text
    lines: tuple[int, ...]  # and where it starts in the file
    columns: tuple[int, ...]
    length: int

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, column) in the file of the character at ``offset`` in the text."""
        if not self.starts:
            return (1, 1)
        offset = min(max(offset, 0), self.length)
        i = bisect_right(self.starts, offset) - 1
        if offset == self.length and i > 0 and self.starts[i] == offset:
            i -= 1  # the end of the text is the end of its last piece
        return (self.lines[i], self.columns[i] + offset - self.starts[i])


@dataclass(frozen=True, slots=True)
class ShellScript:
    """The commands a RUN executes, in source order."""

    dialect: Dialect  # "exec": the JSON form, one command run without a shell
    interpreter: str | None  # e.g. "/bin/sh", "bash", "python3" (heredoc shebang)
    commands: tuple[ShellCommand, ...]
    has_errors: bool  # the parser recovered from a syntax error somewhere
    source: str = ""  # the script as the shell gets it (posix dialect)
    source_map: SourceMap | None = None  # offsets in ``source`` to places in the file

    def calls(self, *programs: str) -> tuple[ShellCommand, ...]:
        """Commands whose (unwrapped) program is one of ``programs``."""
        wanted = set(programs)
        out = []
        for cmd in self.commands:
            argv = cmd.unwrapped()
            if argv and argv[0].value is not None and posixpath.basename(argv[0].value) in wanted:
                out.append(cmd)
        return tuple(out)
