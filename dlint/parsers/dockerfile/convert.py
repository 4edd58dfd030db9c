"""Turn scanned instructions into IR instructions with exact spans."""

from __future__ import annotations

from dlint.ir.common import Span
from dlint.ir.dockerfile import Flag, Heredoc, Instruction, Word
from dlint.parsers.dockerfile.lineparse import LineNode, Token
from dlint.parsers.dockerfile.scan import RawHeredoc, RawInstruction
from dlint.parsers.textmap import TextMap


def _flag(token: Token, tmap: TextMap) -> Flag:
    text = token.value[2:] if token.value.startswith("--") else token.value
    name, eq, value = text.partition("=")
    value_span = None
    if eq:
        raw = tmap.text[token.start : token.end]
        at = raw.find("=")
        value_span = tmap.span(token.start + at + 1, token.end) if at >= 0 else None
    return Flag(name, value if eq else None, tmap.span(token.start, token.end), value_span)


def _declarations(node: LineNode, tmap: TextMap) -> tuple[tuple[Word, Word | None], ...]:
    """ARG's ``NAME`` and ``NAME=default`` words, split at the ``=``."""
    out: list[tuple[Word, Word | None]] = []
    for t in node.args:
        name, eq, default = t.value.partition("=")
        key = Word(name, tmap.span(t.start, t.start + len(name)))
        value = Word(default, tmap.span(t.start + len(name) + 1, t.end)) if eq else None
        out.append((key, value))
    return tuple(out)


def _heredoc(raw: RawHeredoc) -> Heredoc:
    body = Span(raw.body_line, 1, raw.end_line, raw.end_column)
    return Heredoc(raw.name, raw.expand, raw.chomp, raw.fd, raw.content, raw.marker, body)


def _instruction(
    node: LineNode,
    tmap: TextMap,
    end: tuple[int, int],
    heredocs: tuple[Heredoc, ...],
    raw: RawInstruction,
) -> Instruction:
    keyword_span = tmap.span(node.keyword.start, node.keyword.end)
    trigger = None
    if node.child is not None:
        trigger = _instruction(node.child, tmap, end, heredocs, raw)
    return Instruction(
        keyword=node.keyword.value.upper(),
        keyword_span=keyword_span,
        span=Span(keyword_span.line, keyword_span.column, end[0], end[1]),
        flags=tuple(_flag(t, tmap) for t in node.flags),
        args=tuple(Word(t.value, tmap.span(t.start, t.end)) for t in node.args),
        json=node.json,
        text=node.rest.value,
        text_span=tmap.span(node.rest.start, node.rest.end),
        heredocs=heredocs if node.heredoc_ok and (node.child is None) else (),
        trigger=trigger,
        comments=tuple(raw.comments),
        empty_continuation_lines=tuple(raw.empty_continuation_lines),
        keyword_text=node.keyword.value,
        declarations=_declarations(node, tmap) if node.command == "arg" else (),
    )


def convert(raw: RawInstruction) -> Instruction:
    """The IR instruction for one scanned instruction."""
    tmap = raw.textmap
    heredocs = tuple(_heredoc(h) for h in raw.heredocs)
    if heredocs:
        end = (heredocs[-1].body.end_line, heredocs[-1].body.end_column)
    else:
        end = tmap.end_position(len(raw.text.rstrip()))
    return _instruction(raw.node, tmap, end, heredocs, raw)
