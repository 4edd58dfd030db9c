"""Split one logical Dockerfile line into keyword, flags and arguments.

Follows BuildKit's ``parser/split_command.go`` and ``parser/line_parsers.go``
(Apache-2.0) so that the arguments are exactly those of BuildKit's AST, and
adds what BuildKit throws away: the offset of every token in the line.

The quote-aware word splitting of ENV, ARG and LABEL values is BuildKit's
``parseWords``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from dlint.parsers.dockerfile.errors import DockerfileSyntaxError

_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_GO_SPACE = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_GO_SPACE_CLASS = re.escape(_GO_SPACE)


def go_strip(text: str) -> str:
    return text.strip(_GO_SPACE)


def go_lstrip(text: str) -> str:
    return text.lstrip(_GO_SPACE)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the line: its value as BuildKit keeps it, and its offsets."""

    value: str
    start: int
    end: int


@dataclass(slots=True)
class LineNode:
    """BuildKit's parse node for one instruction, with token offsets."""

    keyword: Token
    flags: list[Token]
    args: list[Token]
    json: bool
    child: LineNode | None
    rest: Token  # the argument text after the flags
    heredoc_ok: bool = field(default=False)

    @property
    def command(self) -> str:
        return self.keyword.value.lower()


def parse_line(line: str, escape: str, base: int = 0) -> LineNode:
    """Parse a logical line; offsets are ``base`` plus the index in ``line``."""
    lead = len(line) - len(go_lstrip(line))
    trimmed = go_strip(line)
    parts = _WHITESPACE.split(trimmed, maxsplit=1)
    cmd = parts[0]
    keyword = Token(cmd, base + lead, base + lead + len(cmd))
    flags: list[Token] = []
    rest = Token("", keyword.end, keyword.end)
    if len(parts) == 2:
        after = lead + len(cmd)
        sep = _WHITESPACE.match(line, after)
        start = sep.end() if sep else after
        tail = line[start : lead + len(trimmed)]
        rest_at, flags = _extract_flags(tail, base + start)
        args_text = tail[rest_at:]
        inner_lead = len(args_text) - len(go_lstrip(args_text))
        args_text = go_strip(args_text)
        rest_start = base + start + rest_at + inner_lead
        rest = Token(args_text, rest_start, rest_start + len(args_text))
    command = cmd.lower()
    parser = _DISPATCH.get(command, _parse_ignore)
    args, is_json, child = parser(rest, escape, command)
    node = LineNode(keyword, flags, args, is_json, child, rest)
    target = child if command == "onbuild" and child is not None else node
    node.heredoc_ok = target.command in ("add", "copy", "run") and not target.json
    return node


def _extract_flags(line: str, base: int) -> tuple[int, list[Token]]:
    """BuildKit's extractBuilderFlags: leading ``--flag`` words of a line.

    Returns the index where the arguments start and the flag tokens.
    """
    words: list[Token] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    word: list[str] = []
    word_start = 0
    quote = ""
    blank_ok = False
    n = len(line)
    pos = 0
    while pos <= n:
        ch = line[pos] if pos < n else ""
        if phase == in_spaces:
            if pos == n:
                break
            if ch.isspace():
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                return pos, words
            phase = in_word
            word_start = pos
        if phase in (in_word, in_quote) and pos == n:
            text = "".join(word)
            if text != "--" and (blank_ok or text):
                words.append(Token(text, base + word_start, base + pos))
            break
        if phase == in_word:
            if ch.isspace():
                phase = in_spaces
                text = "".join(word)
                if text == "--":
                    return pos, words
                if blank_ok or text:
                    words.append(Token(text, base + word_start, base + pos))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = in_quote
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
            continue
        # in a quote
        if ch == quote:
            phase = in_word
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == n:
                phase = in_word
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        word.append(ch)
        pos += 1
    return n, words


_Parsed = tuple[list[Token], bool, "LineNode | None"]


def _parse_ignore(rest: Token, escape: str, command: str) -> _Parsed:
    return [], False, None


def _parse_sub_command(rest: Token, escape: str, command: str) -> _Parsed:
    if not rest.value:
        return [], False, None
    return [], False, parse_line(rest.value, escape, rest.start)


def split_words(text: str, escape: str) -> list[tuple[int, int]]:
    """Quote-aware word boundaries, as BuildKit's parseWords finds them; quotes are kept.

    An escape token that is the very last character is dropped, as BuildKit
    drops it. Runs of ordinary characters are skipped in one step, so a word of
    megabytes costs a few searches, not a loop per character.
    """
    unquoted = re.compile(f"[{_GO_SPACE_CLASS}'\"{re.escape(escape)}]")
    in_quote = {
        "'": re.compile("'"),
        '"': re.compile(f'["{re.escape(escape)}]'),
    }
    bounds: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while True:
        while i < n and text[i] in _GO_SPACE:
            i += 1
        if i >= n:
            return bounds
        start, quote, blank_ok, dropped = i, "", False, False
        while i < n:
            m = (in_quote[quote] if quote else unquoted).search(text, i)
            if m is None:
                i = n
                break
            i = m.start()
            ch = text[i]
            if ch == escape:
                if i + 1 == n:
                    dropped = True
                    i = n
                    break
                i += 2
            elif quote:
                quote = "" if ch == quote else quote
                i += 1
            elif ch in "'\"":
                quote, blank_ok = ch, True
                i += 1
            else:  # whitespace ends the word
                break
        end = i - 1 if dropped else i
        if blank_ok or end > start:
            bounds.append((start, end))


def _words(rest: Token, escape: str) -> list[Token]:
    return [
        Token(rest.value[s:e], rest.start + s, rest.start + e)
        for s, e in split_words(rest.value, escape)
    ]


def _parse_name_val(rest: Token, escape: str, command: str) -> _Parsed:
    words = _words(rest, escape)
    if not words:
        return [], False, None
    if "=" not in words[0].value:
        parts = _WHITESPACE.split(rest.value, maxsplit=1)
        if len(parts) < 2:
            raise DockerfileSyntaxError(f"{command.upper()} must have two arguments")
        key = Token(parts[0], rest.start, rest.start + len(parts[0]))
        value_at = rest.value.index(parts[1], len(parts[0]))
        value = Token(parts[1], rest.start + value_at, rest.end)
        return [key, value, Token("", rest.end, rest.end)], False, None
    args: list[Token] = []
    for word in words:
        if "=" not in word.value:
            raise DockerfileSyntaxError(
                f"Syntax error - can't find = in {json.dumps(word.value)}. "
                "Must be of the form: name=value"
            )
        eq = word.value.index("=")
        args.append(Token(word.value[:eq], word.start, word.start + eq))
        args.append(Token(word.value[eq + 1 :], word.start + eq + 1, word.end))
        args.append(Token("=", word.start + eq, word.start + eq + 1))
    return args, False, None


def _parse_name_or_name_val(rest: Token, escape: str, command: str) -> _Parsed:
    return _words(rest, escape), False, None


def _parse_whitespace_delimited(rest: Token, escape: str, command: str) -> _Parsed:
    if not rest.value:
        return [], False, None
    tokens: list[Token] = []
    pos = 0
    for part in _WHITESPACE.split(rest.value):
        at = rest.value.index(part, pos) if part else pos
        tokens.append(Token(part, rest.start + at, rest.start + at + len(part)))
        pos = at + len(part)
    return tokens, False, None


def _parse_string(rest: Token, escape: str, command: str) -> _Parsed:
    if not rest.value:
        return [], False, None
    return [rest], False, None


class _NotStringArray(DockerfileSyntaxError):
    pass


def _reject_constant(name: str) -> object:
    raise ValueError(f"invalid JSON constant {name}")


def _parse_json(rest: Token) -> list[Token] | None:
    """The JSON (exec) form; None when the text is not a JSON array."""
    text = go_lstrip(rest.value)
    if not text.startswith("[") or not text.rstrip(" \t\n\r").endswith("]"):
        return None  # not a JSON array, whatever is inside
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return None
    except RecursionError:
        raise DockerfileSyntaxError(
            "JSON array nested too deeply for dlint to read (an exec form is a flat list of "
            "strings)"
        ) from None
    if not isinstance(data, list):
        return None
    if not all(isinstance(item, str) for item in data):
        raise _NotStringArray(
            "when using JSON array syntax, arrays must be comprised of strings only"
        )
    base = rest.start + len(rest.value) - len(text)
    tokens = []
    for item, m in zip(data, _JSON_STRING.finditer(text), strict=True):
        tokens.append(Token(item, base + m.start(), base + m.end()))
    return tokens


def _parse_maybe_json(rest: Token, escape: str, command: str) -> _Parsed:
    if not rest.value:
        return [], False, None
    tokens = _parse_json(rest)
    if tokens is not None:
        return tokens, True, None
    return [rest], False, None


def _parse_maybe_json_to_list(rest: Token, escape: str, command: str) -> _Parsed:
    tokens = _parse_json(rest)
    if tokens is not None:
        return tokens, True, None
    return _parse_whitespace_delimited(rest, escape, command)


def _parse_health_config(rest: Token, escape: str, command: str) -> _Parsed:
    text = rest.value
    sep = 0
    while sep < len(text) and not text[sep].isspace():
        sep += 1
    nxt = sep
    while nxt < len(text) and text[nxt].isspace():
        nxt += 1
    if sep == 0:
        return [], False, None
    kind = Token(text[:sep], rest.start, rest.start + sep)
    cmd = Token(text[nxt:], rest.start + nxt, rest.end)
    tokens, is_json, _ = _parse_maybe_json(cmd, escape, command)
    return [kind, *tokens], is_json, None


_DISPATCH = {
    "add": _parse_maybe_json_to_list,
    "arg": _parse_name_or_name_val,
    "cmd": _parse_maybe_json,
    "copy": _parse_maybe_json_to_list,
    "entrypoint": _parse_maybe_json,
    "env": _parse_name_val,
    "expose": _parse_whitespace_delimited,
    "from": _parse_whitespace_delimited,
    "healthcheck": _parse_health_config,
    "label": _parse_name_val,
    "maintainer": _parse_string,
    "onbuild": _parse_sub_command,
    "run": _parse_maybe_json,
    "shell": _parse_maybe_json,
    "stopsignal": _parse_string,
    "user": _parse_string,
    "volume": _parse_maybe_json_to_list,
    "workdir": _parse_string,
}
