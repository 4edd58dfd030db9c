"""Read the shell in RUN with tree-sitter-bash.

tree-sitter is imported on first use, so a run without RUN instructions (or
without Dockerfiles) never pays for it.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from dlint.ir.common import Span
from dlint.ir.shell import Dialect, ShellCommand, ShellScript, ShellWord
from dlint.parsers.textmap import TextMap

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node, Parser

_parser: Parser | None = None

_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
_COMMAND_TYPES = frozenset({"command", "declaration_command", "unset_command"})
_DQ_ESCAPABLE = frozenset('$`"\\\n')


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
        return ShellWord(self.source[start:end], self.value(node), self.tmap.span(start, end))

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
    source: str, tmap: TextMap, interpreter: str | None = None, nested_depth: int = 0
) -> ShellScript:
    """Parse POSIX shell ``source``; ``tmap`` places its characters in the file."""
    parser = _get_parser()
    tree = parser.parse(source.encode("utf-8"))
    reader = _Reader(source, tmap)
    commands: list[ShellCommand] = []
    pipeline_ids = 0
    stack: list[tuple[Any, int | None]] = [(tree.root_node, None)]
    while stack:
        node, pipeline = stack.pop()
        kind = node.type
        if kind == "pipeline":
            pipeline = pipeline_ids
            pipeline_ids += 1
        if kind in _COMMAND_TYPES:
            cmd = _command(reader, node, pipeline)
            commands.append(cmd)
            if nested_depth < 2:
                commands.extend(_nested(reader, node, cmd, nested_depth))
        children = node.children
        for child in reversed(children):
            if child.child_count or child.type in _COMMAND_TYPES:
                stack.append((child, pipeline))
    return ShellScript(
        "posix", interpreter, tuple(commands), tree.root_node.has_error, source, tmap.freeze()
    )


def _command(reader: _Reader, node: Node, pipeline: int | None) -> ShellCommand:
    start, end = reader.offsets(node)
    span = reader.tmap.span(start, end)
    if node.type != "command":
        # export/declare/local/readonly/typeset/unset: keyword, then words
        first = node.children[0]
        keyword = ShellWord(reader.text(first), reader.text(first), _span(reader, first))
        words = tuple(reader.word(c) for c in node.children[1:] if c.is_named)
        return ShellCommand(keyword, words, (), span, pipeline)
    name_node = node.child_by_field_name("name")
    name: ShellWord | None = None
    if name_node is not None:
        # command_name wraps the word; the word itself carries the value
        name = reader.word(name_node.children[0] if name_node.child_count else name_node)
    args = tuple(reader.word(c) for c in node.children_by_field_name("argument"))
    assignments = tuple(reader.word(c) for c in node.children if c.type == "variable_assignment")
    return ShellCommand(name, args, assignments, span, pipeline)


def _span(reader: _Reader, node: Node) -> Span:
    start, end = reader.offsets(node)
    return reader.tmap.span(start, end)


def _nested(reader: _Reader, node: Node, cmd: ShellCommand, depth: int) -> list[ShellCommand]:
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
            inner = parse_shell(script, sub, cmd.program, depth + 1)
            return [
                ShellCommand(c.name, c.args, c.assignments, c.span, c.pipeline, nested=True)
                for c in inner.commands
            ]
    return []


def exec_form(words: list[tuple[str, Any]]) -> ShellScript:
    """An exec-form RUN ``["prog", "arg"]``: one command, no shell."""
    argv = [ShellWord(text, text, span) for text, span in words]
    if not argv:
        return ShellScript("exec", None, (), False)
    span = argv[0].span.cover(argv[-1].span)
    return ShellScript("exec", None, (ShellCommand(argv[0], tuple(argv[1:]), (), span),), False)


def opaque(dialect: Dialect, interpreter: str | None) -> ShellScript:
    """A script dlint does not read (PowerShell, cmd, Python...)."""
    return ShellScript(dialect, interpreter, (), False)
