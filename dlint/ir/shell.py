"""Shell commands read from RUN instructions (and heredoc scripts)."""

from __future__ import annotations

import posixpath
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
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

    def values(self, lookup: Lookup) -> tuple[str, ...] | None:
        """Each value the word can have where no splitting happens (the value of an
        assignment, ``NAME="a $b"``); None when some part is unknown."""
        if self.value is not None:
            return (self.value,)
        if not self.parts:
            return None
        options: list[tuple[str, ...]] = []
        total = 1
        for part in self.parts:
            found = _part_values(part, lookup)
            if found is None:
                return None
            total *= len(found)
            if total > _MAX_ALTERNATIVES:
                return None
            options.append(found)
        return tuple(dict.fromkeys("".join(combo) for combo in product(*options)))


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
        for i, piece in enumerate(fields):
            current = (current or "") + piece
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
    # unwrapped() and the base name of its program, and program, worked out on first
    # use: every rule about programs asks, for every command
    _unwrapped: tuple[tuple[ShellWord, ...], str | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _program: tuple[str | None] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def argv(self) -> tuple[ShellWord, ...]:
        return ((self.name,) if self.name else ()) + self.args

    @property
    def program(self) -> str | None:
        """The base name of the program run (``/usr/bin/pip3`` -> ``pip3``)."""
        if self._program is None:
            value = self.name.value if self.name is not None else None
            program = posixpath.basename(value) if value is not None else None
            object.__setattr__(self, "_program", (program,))
        assert self._program is not None
        return self._program[0]

    def unwrapped(self) -> tuple[ShellWord, ...]:
        """argv without wrappers such as ``sudo``, ``env A=1`` or ``nice -n 5``."""
        return self._unwrap()[0]

    def unwrapped_program(self) -> str | None:
        """The base name of the program ``unwrapped()`` runs (None: not known)."""
        return self._unwrap()[1]

    def _unwrap(self) -> tuple[tuple[ShellWord, ...], str | None]:
        if self._unwrapped is None:
            argv = self._strip_wrappers()
            value = argv[0].value if argv else None
            program = posixpath.basename(value) if value is not None else None
            object.__setattr__(self, "_unwrapped", (argv, program))
        assert self._unwrapped is not None
        return self._unwrapped

    def _strip_wrappers(self) -> tuple[ShellWord, ...]:
        argv = self.argv
        while argv:
            prog = argv[0].value
            base = posixpath.basename(prog) if prog else None
            if base not in _WRAPPERS:
                return argv
            if base == "command" and _looks_up(argv[1:]):
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


def _looks_up(args: tuple[ShellWord, ...]) -> bool:
    """Whether ``command``'s options (``-v``, ``-V``, also grouped: ``-pv``) make it
    look the program up instead of running it."""
    for word in args:
        text = word.literal
        if text == "--" or not text.startswith("-") or text == "-":
            return False
        if "v" in text[1:] or "V" in text[1:]:
            return True
    return False


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
    _index: _Assignments = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Assignments(self.assignments, self.commands))

    def assigned(self, name: str, before: Span | None = None) -> tuple[str, ...] | None:
        """The values the script gives ``name`` (before ``before``, when given): () when
        it sets none, None when one of them is not known (or there are too many)."""
        return self._index.assigned(name, before)

    def setters(self, name: str, before: Span) -> tuple[Assignment, ...] | None:
        """The assignments of ``name`` before ``before``, in order (None: too many)."""
        return self._index.setters(name, before)

    def exported(self, name: str, before: Span) -> bool:
        """Whether an ``export`` before ``before`` exports ``name``."""
        return self._index.exported(name, before)

    def calls(self, *programs: str) -> tuple[ShellCommand, ...]:
        """Commands whose (unwrapped) program is one of ``programs``."""
        wanted = set(programs)
        out = []
        for cmd in self.commands:
            if cmd.unwrapped_program() in wanted:
                out.append(cmd)
        return tuple(out)


def _start(span: Span) -> tuple[int, int]:
    return (span.line, span.column)


class _Assignments:
    """The assignments and exports of a script, by name and position, so each question
    costs a binary search however long the script is."""

    __slots__ = ("_by_name", "_exports", "_known", "_starts")

    def __init__(
        self, assignments: tuple[Assignment, ...], commands: tuple[ShellCommand, ...]
    ) -> None:
        ordered = sorted(assignments, key=lambda a: _start(a.span))
        self._by_name: dict[str, list[Assignment]] = {}
        for a in ordered:
            self._by_name.setdefault(a.name, []).append(a)
        self._starts = {n: [_start(a.span) for a in found] for n, found in self._by_name.items()}
        # the values known after each assignment of a name (None: one is not known)
        self._known: dict[str, list[tuple[str, ...] | None]] = {}
        for name, found in self._by_name.items():
            values: dict[str, None] | None = {}
            known: list[tuple[str, ...] | None] = []
            for a in found:
                if values is not None and a.value is not None and a.value.value is not None:
                    values[a.value.value] = None
                    if len(values) > _MAX_ALTERNATIVES:
                        values = None
                else:
                    values = None
                known.append(tuple(values) if values is not None else None)
            self._known[name] = known
        # where each name is exported: ``export NAME`` or ``export NAME=value``
        self._exports: dict[str, list[tuple[int, int]]] = {}
        starts = [_start(a.span) for a in ordered]
        for cmd in commands:
            if cmd.program != "export":
                continue
            names = {w.value.partition("=")[0] for w in cmd.args if w.value is not None}
            first = bisect_right(starts, _start(cmd.span))
            end = (cmd.span.end_line, cmd.span.end_column)
            for a in ordered[first:]:
                if _start(a.span) > end:
                    break
                names.add(a.name)
            for name in names:
                self._exports.setdefault(name, []).append(_start(cmd.span))

    def _count(self, name: str, before: Span | None) -> int:
        """How many assignments of ``name`` start before ``before`` (all: None)."""
        starts = self._starts.get(name, [])
        return len(starts) if before is None else bisect_left(starts, _start(before))

    def assigned(self, name: str, before: Span | None) -> tuple[str, ...] | None:
        count = self._count(name, before)
        return self._known[name][count - 1] if count else ()

    def setters(self, name: str, before: Span) -> tuple[Assignment, ...] | None:
        count = self._count(name, before)
        if count > _MAX_ALTERNATIVES:
            return None
        return tuple(self._by_name.get(name, [])[:count])

    def exported(self, name: str, before: Span) -> bool:
        return _before(self._exports.get(name, []), _start(before)) > 0


def _before(starts: list[tuple[int, int]], at: tuple[int, int]) -> int:
    """How many of ``starts`` (sorted) come strictly before ``at``."""
    return bisect_left(starts, at)
