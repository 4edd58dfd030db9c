"""Read the shell in RUN with tree-sitter-bash.

tree-sitter is imported on first use, so a run without RUN instructions (or
without Dockerfiles) never pays for it.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from dlint.ir.common import Span
from dlint.ir.shell import Assignment, Dialect, ShellCommand, ShellScript, ShellWord, WordPart
from dlint.parsers.textmap import TextMap

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node, Parser

_parser: Parser | None = None

_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
_COMMAND_TYPES = frozenset({"command", "declaration_command", "unset_command"})
_DQ_ESCAPABLE = frozenset('$`"\\\n')
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_OPERATORS = frozenset({":-", "-", ":=", "=", ":+", "+", ":?", "?"})


def _get_parser() -> Parser:
    global _parser
    if _parser is None:
        import tree_sitter
        import tree_sitter_bash

        _parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _parser


def dialect_of(program: str | None) -> Dialect:
    """The dialect a shell program speaks (``/bin/bash`` -> posix)."""
    if not program:
        return "posix"
    base = posixpath.basename(program.replace("\\", "/")).lower()
    if base.endswith(".exe"):
        base = base[:-4]
    if base in _POSIX_SHELLS:
        return "posix"
    if base in ("powershell", "pwsh"):
        return "powershell"
    if base == "cmd":
        return "cmd"
    return "other"


class _Reader:
    """Converts tree-sitter nodes of one source into IR words and commands."""

    def __init__(self, source: str, tmap: TextMap) -> None:
        self.source = source
        self.tmap = tmap
        self.b2c: list[int] | None = None
        if not source.isascii():
            table = []
            for i, ch in enumerate(source):
                table.extend([i] * len(ch.encode("utf-8")))
            table.append(len(source))
            self.b2c = table

    def offsets(self, node: Node) -> tuple[int, int]:
        if self.b2c is None:
            return node.start_byte, node.end_byte
        return self.b2c[node.start_byte], self.b2c[node.end_byte]

    def text(self, node: Node) -> str:
        start, end = self.offsets(node)
        return self.source[start:end]

    def word(self, node: Node) -> ShellWord:
        start, end = self.offsets(node)
        text = self.source[start:end]
        if node.type in ("word", "number"):  # most words: what value and parts make of it
            value = _unescape(text)
            return ShellWord(text, value, self.tmap.span(start, end), (WordPart("text", value),))
        return ShellWord(
            text,
            self.value(node),
            self.tmap.span(start, end),
            tuple(self.parts(node, quoted=False)),
        )

    def parts(self, node: Node, quoted: bool) -> list[WordPart]:
        """What a word node is made of (see WordPart)."""
        kind = node.type
        if kind in ("word", "number"):
            return [WordPart("text", _unescape(self.text(node)), quoted)]
        if kind == "raw_string":
            return [WordPart("text", self.text(node)[1:-1], True)]
        if kind == "string_content":
            return [WordPart("text", _unescape(self.text(node), _DQ_ESCAPABLE), True)]
        if kind == "string":
            out: list[WordPart] = []
            for child in node.children:
                if child.type != '"':
                    out.extend(self.parts(child, quoted=True))
            return out
        if kind in ("concatenation", "command_name"):
            return [part for child in node.children for part in self.parts(child, quoted)]
        if kind == "simple_expansion":
            name = node.children[-1] if node.child_count else None
            if name is not None and name.type == "variable_name" and not self.text(name).isdigit():
                return [WordPart("variable", self.text(name), quoted)]
        if kind == "expansion":
            return [self.expansion(node, quoted)]
        return [WordPart("other", self.text(node), quoted)]

    def expansion(self, node: Node, quoted: bool) -> WordPart:
        """``${NAME}``, ``${NAME:-word}``...; anything else is "other"."""
        inner = [c for c in node.children if c.type not in ("${", "}")]
        other = WordPart("other", self.text(node), quoted)
        if not inner or inner[0].type != "variable_name" or self.text(inner[0]).isdigit():
            return other
        name = self.text(inner[0])
        if len(inner) == 1:
            return WordPart("variable", name, quoted)
        operator = self.text(inner[1])
        if operator not in _OPERATORS:
            return WordPart("variable", name, quoted, operator, ())  # worked out by nobody
        argument = [part for c in inner[2:] for part in self.parts(c, quoted)]
        return WordPart("variable", name, quoted, operator, tuple(argument))

    def value(self, node: Node) -> str | None:
        kind = node.type
        if kind in ("word", "number"):
            return _unescape(self.text(node))
        if kind == "raw_string":
            return self.text(node)[1:-1]
        if kind == "string":
            parts = []
            for child in node.children:
                if child.type == '"':
                    continue
                if child.type != "string_content":
                    return None
                parts.append(_unescape(self.text(child), _DQ_ESCAPABLE))
            return "".join(parts)
        if kind == "concatenation":
            parts = []
            for child in node.children:
                v = self.value(child)
                if v is None:
                    return None
                parts.append(v)
            return "".join(parts)
        if kind == "command_name":
            return self.value(node.children[0]) if node.child_count else None
        return None


def _unescape(text: str, escapable: frozenset[str] | None = None) -> str:
    """Remove backslash escapes (inside double quotes, only before ``escapable``)."""
    if "\\" not in text:
        return text
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and (escapable is None or text[i + 1] in escapable):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_shell(
    source: str,
    tmap: TextMap,
    interpreter: str | None = None,
    nested_depth: int = 0,
    pipelines: list[int] | None = None,
) -> ShellScript:
    """Parse POSIX shell ``source``; ``tmap`` places its characters in the file.
    ``pipelines`` counts pipelines across a script and the ``sh -c`` scripts in it."""
    parser = _get_parser()
    tree = parser.parse(source.encode("utf-8"))
    reader = _Reader(source, tmap)
    counter = pipelines if pipelines is not None else [0]
    commands: list[ShellCommand] = []
    assignments: list[Assignment] = []
    stack: list[tuple[Any, int | None, bool]] = [(tree.root_node, None, False)]
    while stack:
        node, pipeline, substituted = stack.pop()
        kind = node.type
        if kind == "pipeline":
            pipeline = counter[0]
            counter[0] += 1
        elif kind in _SUBSTITUTIONS:
            substituted = True
        if kind in _COMMAND_TYPES:
            cmd = _command(reader, node, pipeline, substituted)
            commands.append(cmd)
            if nested_depth < 2:
                commands.extend(_nested(reader, node, cmd, nested_depth, counter))
            if cmd.program == "read":
                assignments.extend(_read_names(cmd))
        elif kind == "variable_assignment" and node.parent is not None:
            if node.parent.type != "command":  # `A=1 cmd` sets A for that command only
                assignments.append(_assignment(reader, node))
        elif kind == "for_statement":
            variable = node.child_by_field_name("variable")
            if variable is not None:
                assignments.append(Assignment(reader.text(variable), None, _span(reader, variable)))
        children = node.children
        for child in reversed(children):
            if child.child_count or child.type in _COMMAND_TYPES:
                stack.append((child, pipeline, substituted))
    return ShellScript(
        "posix",
        interpreter,
        tuple(commands),
        tree.root_node.has_error,
        source,
        tmap.freeze(),
        tuple(assignments),
    )


def _assignment(reader: _Reader, node: Node) -> Assignment:
    name_node = node.child_by_field_name("name")
    value_node = node.child_by_field_name("value")
    name = reader.text(name_node) if name_node is not None else ""
    if value_node is None:  # `A=`: the empty string
        span = _span(reader, node)
        value: ShellWord | None = ShellWord("", "", Span.point(span.end_line, span.end_column))
    else:
        value = reader.word(value_node)
    return Assignment(name, value, _span(reader, node))


def _read_names(cmd: ShellCommand) -> list[Assignment]:
    """The variables ``read`` sets (their values come from its input)."""
    return [
        Assignment(w.value, None, w.span)
        for w in cmd.args
        if w.value and (w.value[0].isalpha() or w.value[0] == "_") and w.value.isidentifier()
    ]


def _command(reader: _Reader, node: Node, pipeline: int | None, substituted: bool) -> ShellCommand:
    start, end = reader.offsets(node)
    span = reader.tmap.span(start, end)
    if node.type != "command":
        # export/declare/local/readonly/typeset/unset: keyword, then words
        first = node.children[0]
        text = reader.text(first)
        keyword = ShellWord(text, text, _span(reader, first), (WordPart("text", text),))
        words = tuple(reader.word(c) for c in node.children[1:] if c.is_named)
        return ShellCommand(keyword, words, (), span, pipeline, substituted=substituted)
    name_node = node.child_by_field_name("name")
    name: ShellWord | None = None
    if name_node is not None:
        # command_name wraps the word; the word itself carries the value
        name = reader.word(name_node.children[0] if name_node.child_count else name_node)
    args = tuple(reader.word(c) for c in node.children_by_field_name("argument"))
    assignments = tuple(reader.word(c) for c in node.children if c.type == "variable_assignment")
    return ShellCommand(name, args, assignments, span, pipeline, substituted=substituted)


def _span(reader: _Reader, node: Node) -> Span:
    start, end = reader.offsets(node)
    return reader.tmap.span(start, end)


def _nested(
    reader: _Reader, node: Node, cmd: ShellCommand, depth: int, pipelines: list[int]
) -> list[ShellCommand]:
    """Commands in ``sh -c 'script'``, read when their text maps exactly."""
    if cmd.program not in _POSIX_SHELLS or node.type != "command":
        return []
    arg_nodes = node.children_by_field_name("argument")
    for i, arg in enumerate(cmd.args[:-1]):
        value = arg.value or ""
        if value.startswith("-") and not value.startswith("--") and "c" in value[1:]:
            script_node = arg_nodes[i + 1]
            text = reader.text(script_node)
            script = cmd.args[i + 1].value
            if script is None:
                return []
            if script_node.type in ("raw_string", "string") and text[1:-1] == script:
                start, _ = reader.offsets(script_node)
                sub = reader.tmap.slice(start + 1, start + 1 + len(script))
            elif script_node.type == "word" and text == script:
                start, _ = reader.offsets(script_node)
                sub = reader.tmap.slice(start, start + len(script))
            else:
                return []
            inner = parse_shell(script, sub, cmd.program, depth + 1, pipelines)
            return [
                ShellCommand(
                    c.name,
                    c.args,
                    c.assignments,
                    c.span,
                    c.pipeline,
                    nested=True,
                    substituted=c.substituted or cmd.substituted,
                )
                for c in inner.commands
            ]
    return []


def exec_form(words: list[tuple[str, Any]]) -> ShellScript:
    """An exec-form RUN ``["prog", "arg"]``: one command, no shell."""
    argv = [ShellWord(text, text, span, (WordPart("text", text, True),)) for text, span in words]
    if not argv:
        return ShellScript("exec", None, (), False)
    span = argv[0].span.cover(argv[-1].span)
    return ShellScript("exec", None, (ShellCommand(argv[0], tuple(argv[1:]), (), span),), False)


def opaque(dialect: Dialect, interpreter: str | None) -> ShellScript:
    """A script dlint does not read (PowerShell, cmd, Python...)."""
    return ShellScript(dialect, interpreter, (), False)
