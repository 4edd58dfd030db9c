"""Read a Dockerfile into logical instructions the way BuildKit does.

Follows BuildKit's ``parser/parser.go`` (Apache-2.0): parser directives,
line continuations with the file's escape token (comment lines and blank lines
inside a continuation are dropped), heredoc bodies, and the same errors.
Unlike BuildKit, it keeps where every piece of text came from.

dockerfile-parse is not used for this step: it reads heredoc bodies as
instructions and does not join continuations as BuildKit does around comment
lines, blank lines, end of file and escaped trailing backslashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dlint.ir.common import Span
from dlint.parsers.dockerfile.errors import DockerfileSyntaxError
from dlint.parsers.dockerfile.lex import Lexer, LexError
from dlint.parsers.dockerfile.lineparse import LineNode, go_lstrip, parse_line
from dlint.parsers.textmap import TextMap

# BuildKit's directive pattern is ``^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$``
# (Go: \s is ASCII whitespace); the value is taken by stripping, in linear time.
_DIRECTIVE_HEAD = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*")
_GO_SPACE_ASCII = "\t\n\f\r "
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")


@dataclass(frozen=True, slots=True)
class RawDirective:
    name: str
    value: str
    line: int
    span: Span


@dataclass(slots=True)
class RawHeredoc:
    name: str
    expand: bool
    chomp: bool
    fd: int | None
    marker: Span
    content: str = ""
    body_line: int = 0
    end_line: int = 0
    end_column: int = 1


@dataclass(slots=True)
class RawInstruction:
    """One logical instruction: BuildKit's node plus where its text lies."""

    node: LineNode
    text: str
    textmap: TextMap
    start_line: int
    end_line: int
    comments: list[str]
    heredocs: list[RawHeredoc] = field(default_factory=list)
    empty_continuation_lines: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ScanResult:
    instructions: list[RawInstruction]
    directives: list[RawDirective]
    escape: str
    lines: list[str]


class _Directives:
    def __init__(self) -> None:
        self.escape = "\\"
        self.continuation = self._continuation_regex("\\")
        self.done = False
        self.seen: set[str] = set()
        self.found: list[RawDirective] = []

    @staticmethod
    def _continuation_regex(token: str) -> re.Pattern[str]:
        t = re.escape(token)
        return re.compile(rf"([^{t}]){t}[ \t]*$|^{t}[ \t]*$")

    def check(self, line: str, lineno: int, column: int) -> bool:
        """Look for a directive on ``line``; True when it was one."""
        if self.done:
            return False
        if not line.startswith("#"):
            self.done = True
            return False
        body = go_lstrip(line[1:])
        found = _directive(body)
        if found is None or found[0].lower() not in _KNOWN_DIRECTIVES:
            self.done = True
            return False
        name = found[0].lower()
        span = Span(lineno, column, lineno, column + len(line.rstrip()))
        if name in self.seen:
            raise DockerfileSyntaxError(f"only one {name} parser directive can be used", span)
        self.seen.add(name)
        value = found[1]
        if name == "escape":
            if value not in ("`", "\\"):
                raise DockerfileSyntaxError(
                    f"invalid escape token '{value}' does not match ` or \\", span
                )
            self.escape = value
            self.continuation = self._continuation_regex(value)
        self.found.append(RawDirective(name, value, lineno, span))
        return True

    def trim_continuation(self, line: str) -> tuple[str, bool]:
        m = self.continuation.search(line)
        if m is None:
            return line, True
        return line[: m.start()] + (m.group(1) or ""), False


def _directive(body: str) -> tuple[str, str] | None:
    """(name, value) of a directive comment's text after ``#``, as BuildKit's pattern
    matches it: the value is at least one character, surrounding whitespace dropped."""
    m = _DIRECTIVE_HEAD.match(body)
    if m is None:
        return None
    tail = body[body.index("=", m.end(1)) + 1 :]
    if not tail:
        return None
    value = tail.strip(_GO_SPACE_ASCII)
    return m.group(1), value or tail[-1]


def _is_comment(line: str) -> bool:
    return go_lstrip(line).startswith("#")


def split_lines(text: str) -> list[str]:
    """Physical lines without their ``\\n`` (a ``\\r`` stays)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def scan(text: str) -> ScanResult:
    """Split ``text`` into instructions; raises DockerfileSyntaxError."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = split_lines(text)
    ends_with_newline = text.endswith("\n")
    total = len(lines)
    d = _Directives()
    out: list[RawInstruction] = []
    comments: list[str] = []
    i = 0
    while i < total:
        raw = lines[i]
        lineno = i + 1
        i += 1
        if _is_comment(raw):
            comment = raw[1:].strip()
            if comment:
                comments.append(comment)
            else:
                comments = []
        line = raw.rstrip("\r\n")
        stripped = go_lstrip(line)
        column = 1 + len(line) - len(stripped)
        if d.check(stripped, lineno, column) and comments:
            comments.pop()
        content = "" if _is_comment(stripped) else stripped
        start_line = lineno
        content, end = d.trim_continuation(content)
        if end and not content:
            continue
        tmap = TextMap()
        tmap.add(content, lineno, column)
        empty_lines: list[int] = []
        while not end and i < total:
            raw = lines[i]
            lineno = i + 1
            i += 1
            if _is_comment(raw):
                continue
            line = raw.rstrip("\r\n")
            if not go_lstrip(line):
                empty_lines.append(lineno)
                continue
            line, end = d.trim_continuation(line)
            tmap.add(line, lineno, 1)
        logical = tmap.text
        where = Span(start_line, column, lineno, len(lines[lineno - 1].rstrip("\r\n")) + 1)
        try:
            node = parse_line(logical, d.escape)
        except DockerfileSyntaxError as exc:
            raise exc.at(where) from None
        instruction = RawInstruction(
            node, logical, tmap, start_line, lineno, comments, empty_continuation_lines=empty_lines
        )
        if node.heredoc_ok and "<<" in logical:
            try:
                heredocs = _heredocs_in_line(logical, tmap)
            except (LexError, DockerfileSyntaxError) as exc:
                raise DockerfileSyntaxError(str(exc), where) from None
            for heredoc in heredocs:
                i = _read_heredoc_body(heredoc, lines, i, ends_with_newline, where)
                instruction.heredocs.append(heredoc)
            if heredocs:
                instruction.end_line = heredocs[-1].end_line
        out.append(instruction)
        comments = []
    if not out:
        raise DockerfileSyntaxError("file with no instructions", Span.point(max(total, 1)))
    return ScanResult(out, d.found, d.escape, lines)


def _read_heredoc_body(
    heredoc: RawHeredoc, lines: list[str], i: int, ends_with_newline: bool, where: Span
) -> int:
    parts: list[str] = []
    heredoc.body_line = i + 1
    total = len(lines)
    while i < total:
        raw = lines[i]
        i += 1
        candidate = raw.rstrip("\r\n")
        if heredoc.chomp:
            candidate = candidate.lstrip("\t")
        if candidate == heredoc.name:
            heredoc.content = "".join(parts)
            heredoc.end_line = i
            heredoc.end_column = len(raw.rstrip("\r\n")) + 1
            return i
        newline = "\n" if (i < total or ends_with_newline) else ""
        parts.append(raw + newline)
    raise DockerfileSyntaxError(
        "unterminated heredoc",
        Span(where.line, where.column, max(total, where.end_line), 1),
    )


def _heredocs_in_line(line: str, tmap: TextMap) -> list[RawHeredoc]:
    lexer = Lexer("\\", raw_quotes=True, raw_escapes=True, skip_unset=True)
    try:
        words = lexer.process(line, {}).words
    except LexError:
        return []  # BuildKit ignores a lexing error here: no heredocs
    found: list[RawHeredoc] = []
    cursor = 0
    for word in words:
        heredoc = parse_heredoc_word(word)
        if heredoc is None:
            continue
        at = line.find(word, cursor)
        if at < 0:
            at = line.find("<<", cursor)
        start = max(at, 0)
        cursor = start + len(word)
        name, expand, chomp, fd = heredoc
        found.append(RawHeredoc(name, expand, chomp, fd, tmap.span(start, start + len(word))))
    return found


def parse_heredoc_word(word: str) -> tuple[str, bool, bool, int | None] | None:
    """``<<EOF``, ``<<-EOF``, ``3<<"EOF"`` -> (name, expand, chomp, fd)."""
    m = _HEREDOC.match(word)
    if m is None:
        return None
    rest = m.group(3)
    if not rest:
        return None
    plain = Lexer("\\", skip_unset=True).process(rest, {}).words
    if len(plain) != 1:
        return None
    raw = Lexer("\\", skip_unset=True, raw_quotes=True).process(rest, {}).words
    if len(raw) != len(plain):
        raise DockerfileSyntaxError(
            f"internal lexing of heredoc produced inconsistent results: {rest}"
        )
    quotes = plain[0].count("'") + plain[0].count('"')
    raw_quotes = raw[0].count("'") + raw[0].count('"')
    fd = int(m.group(1)) if m.group(1) else None
    return plain[0], quotes == raw_quotes, m.group(2) == "-", fd
