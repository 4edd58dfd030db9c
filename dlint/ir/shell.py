"""Shell commands read from RUN instructions (and heredoc scripts)."""

from __future__ import annotations

import posixpath
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import Literal

from dlint.ir.common import Span

Dialect = Literal["posix", "exec", "powershell", "cmd", "other"]
PartKind = Literal["text", "variable", "other"]
# what a variable's value is, as far as dlint knows: one value, several (it is set in
# branches of the script), or None (set at build time: an ARG with no default, a
# command's output)
Lookup = Callable[[str], "tuple[str, ...] | None"]
_MAX_ALTERNATIVES = 16  # a word with more possible values than this is not expanded

# Commands that run the command given in their arguments.
_WRAPPERS = frozenset({"sudo", "doas", "env", "nice", "nohup", "time", "exec", "command", "xargs"})
_WRAPPER_FLAGS_WITH_VALUE = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U"}),
    "nice": frozenset({"-n"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "xargs": frozenset({"-I", "-n", "-P", "-L", "-s", "-d", "-E", "-a"}),
}


@dataclass(frozen=True, slots=True)
class WordPart:
    """A piece of a word: text, a variable the shell puts there, or something else it
    puts there (``$(...)``, ``$((...))``, ``$@``, ``~``...)."""

    kind: PartKind
    value: str  # the text (quotes removed), the variable's name, or the source text
    quoted: bool = False  # inside double quotes: the shell does not split its value
    operator: str | None = None  # ${NAME:-word}: ":-" ("-", ":=", ":+", "#", "%"...)
    argument: tuple[WordPart, ...] = ()  # the word after the operator


@dataclass(frozen=True, slots=True)
class ShellWord:
    """One word of a command: its source text and, if static, its value."""

    text: str
    value: str | None  # the word after quote removal; None when it expands something
    span: Span
    parts: tuple[WordPart, ...] = ()  # what it is made of (empty for exec-form words)

    @property
    def literal(self) -> str:
        """The value when static, else the source text (for matching by eye)."""
        return self.value if self.value is not None else self.text

    @property
    def variables(self) -> tuple[str, ...]:
        """The names of the variables the word uses, in order."""
        return tuple(p.value for p in _walk(self.parts) if p.kind == "variable")

    def expansions(self, lookup: Lookup) -> tuple[tuple[str, ...], ...] | None:
        """Each way the word can expand, as the words the shell makes of it (unquoted
        variables split on white space); None when some part is unknown.

        ``lookup(name)`` gives a variable's possible values, or None when unknown.
        """
        if self.value is not None:
            return ((self.value,),)
        if not self.parts:
            return None
        options: list[tuple[tuple[str, bool], ...]] = []
        for part in self.parts:
            values = _part_values(part, lookup)
            if values is None:
                return None
            options.append(tuple((v, part.quoted or part.kind == "text") for v in values))
        total = 1
        for choice in options:
            total *= len(choice)
            if total > _MAX_ALTERNATIVES:
                return None
        return tuple(dict.fromkeys(_split(combo) for combo in product(*options)))


def _walk(parts: tuple[WordPart, ...]) -> list[WordPart]:
    out: list[WordPart] = []
    for part in parts:
        out.append(part)
        out.extend(_walk(part.argument))
    return out


def _part_values(part: WordPart, lookup: Lookup) -> tuple[str, ...] | None:
    """The values one part can take (None: unknown). ``lookup`` gives () for a
    variable nothing sets."""
    if part.kind == "text":
        return (part.value,)
    if part.kind != "variable":
        return None
    found = lookup(part.value)
    if found is None:
        return None
    values: list[str | None] = list(found) or [None]  # None: unset
    op = part.operator
    if op is None:
        return tuple(v or "" for v in values)
    word = _join(part.argument, lookup)
    if word is None or op not in (":-", "-", ":+", "+"):
        return None  # pattern removal, substrings...: not worked out
    out = []
    for v in values:
        if op == ":-":
            out.append(v if v else word)
        elif op == "-":
            out.append(word if v is None else v)
        elif op == ":+":
            out.append(word if v else "")
        else:
            out.append("" if v is None else word)
    return tuple(out)


def _join(parts: tuple[WordPart, ...], lookup: Lookup) -> str | None:
    """The one value of the parts of an operator's word (None: not exactly one)."""
    out = []
    for part in parts:
        values = _part_values(part, lookup)
        if values is None or len(values) != 1:
            return None
        out.append(values[0])
    return "".join(out)


def _split(pieces: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    """Words from (value, protected) pieces: unprotected ones split on white space."""
    words: list[str] = []
    current: str | None = None
    for value, protected in pieces:
        if protected:
            current = (current or "") + value
            continue
        fields = value.split()
        if not fields:
            if value and current is not None:  # white space alone ends the word
                words.append(current)
                current = None
            continue
        if value[:1].isspace() and current is not None:
            words.append(current)
            current = None
        for i, field in enumerate(fields):
            current = (current or "") + field
            if i < len(fields) - 1:
                words.append(current)
                current = None
        if value[-1:].isspace():
            words.append(current or "")
            current = None
    if current is not None:
        words.append(current)
    return tuple(words)


@dataclass(frozen=True, slots=True)
class Assignment:
    """A variable the script sets: ``NAME=value``, ``export NAME=value``, or a name
    ``for`` or ``read`` sets (its value unknown)."""

    name: str
    value: ShellWord | None  # None: set to a value the script computes
    span: Span


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """A simple command: ``VAR=x name arg...`` with its place in the file."""

    name: ShellWord | None
    args: tuple[ShellWord, ...]
    assignments: tuple[ShellWord, ...]
    span: Span
    pipeline: int | None = None  # commands piped together share this number
    nested: bool = False  # read from a ``sh -c '...'`` string
    substituted: bool = False  # inside ``$(...)``, backquotes or ``<(...)``: its output is used

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
            if base == "command" and len(argv) > 1 and argv[1].value in ("-v", "-V"):
                return argv  # `command -v ps` looks ps up, it does not run it
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
    assignments: tuple[Assignment, ...] = ()  # the variables it sets, in order
    shell: tuple[str, ...] = ()  # what runs it: the SHELL (``/bin/sh -c``) or a #! line

    def assigned(self, name: str, before: Span | None = None) -> tuple[str, ...] | None:
        """The values the script gives ``name`` (before ``before``, when given): () when
        it sets none, None when one of them is not known."""
        values: list[str] = []
        for a in self.assignments:
            if a.name != name or (
                before is not None and (a.span.line, a.span.column) >= (before.line, before.column)
            ):
                continue
            if a.value is None or a.value.value is None:
                return None
            values.append(a.value.value)
        return tuple(dict.fromkeys(values))

    def calls(self, *programs: str) -> tuple[ShellCommand, ...]:
        """Commands whose (unwrapped) program is one of ``programs``."""
        wanted = set(programs)
        out = []
        for cmd in self.commands:
            argv = cmd.unwrapped()
            if argv and argv[0].value is not None and posixpath.basename(argv[0].value) in wanted:
                out.append(cmd)
        return tuple(out)
