"""Word processing as BuildKit's Dockerfile frontend does it.

This follows the behaviour of BuildKit's ``frontend/dockerfile/shell`` lexer
(Apache-2.0): quote removal, escapes with the file's escape token, and
variable substitution with ``$X``, ``${X}``, ``${X:-d}``, ``${X-d}``,
``${X:+d}``, ``${X+d}``, ``${X:?e}``, ``${X?e}``, ``${X#p}``, ``${X##p}``,
``${X%p}``, ``${X%%p}`` and ``${X/p/r}``, ``${X//p/r}``.

dockerfile-parse's ``WordSplitter`` knows no substitution modifiers, only the
backslash escape, and keeps the backslash of ``\\\\`` inside double quotes, so
it cannot be used for this step (see README, "Design").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dlint.ir.text import quote
from dlint.parsers.goregex import Regex, compile_go

_SPECIAL_PARAMS = frozenset("@*#?-$!0")
# ``${A:-${B:-...}}`` nested deeper than this is not expanded (no real file comes close).
MAX_DEPTH = 50


class LexError(ValueError):
    """A word that BuildKit refuses to process (bad substitution, open quote)."""


class LexTooDeep(LexError):
    """Substitutions nested deeper than MAX_DEPTH: dlint does not expand the word."""


_SPACES = re.compile(r"\s+")


@dataclass
class LexResult:
    """The processed word, its split words, and which variables it used."""

    value: str
    words: list[str]
    matched: set[str] = field(default_factory=set)
    unmatched: set[str] = field(default_factory=set)
    # the unset names the value depends on: a default (``${X:-d}``) decides the value,
    # a bare ``$X`` or ``${X#p}`` does not
    unknown: set[str] = field(default_factory=set)


class _Words:
    """Words split on whitespace as BuildKit's lexer does; text is added in runs."""

    __slots__ = ("in_word", "parts", "size", "words")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.words: list[str] = []
        self.in_word = False

    def _end_word(self) -> None:
        if self.in_word and self.size:
            self.words.append("".join(self.parts))
            self.parts = []
            self.size = 0
            self.in_word = False

    def add_raw_string(self, text: str) -> None:
        """Text that belongs to the current word whatever it holds (quoted, escaped)."""
        self.parts.append(text)
        self.size += len(text)
        self.in_word = True

    def add_string(self, text: str) -> None:
        """Text whose whitespace ends words."""
        pos = 0
        for gap in _SPACES.finditer(text):
            if gap.start() > pos:
                self.add_raw_string(text[pos : gap.start()])
            self._end_word()
            pos = gap.end()
        if pos < len(text):
            self.add_raw_string(text[pos:])

    def result(self) -> list[str]:
        if self.size:
            self.words.append("".join(self.parts))
            self.parts = []
            self.size = 0
            self.in_word = False
        return self.words


class Lexer:
    """BuildKit's word lexer with its options.

    ``raw_quotes`` keeps quote characters, ``raw_escapes`` keeps escape
    characters, ``skip_unset`` leaves references to unknown variables as
    written, and ``skip_quotes`` treats quotes as ordinary characters.
    """

    def __init__(
        self,
        escape: str = "\\",
        *,
        raw_quotes: bool = False,
        raw_escapes: bool = False,
        skip_unset: bool = False,
        skip_quotes: bool = False,
    ) -> None:
        self.escape = escape
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_unset = skip_unset
        self.skip_quotes = skip_quotes
        self._special: dict[str | None, re.Pattern[str]] = {}

    def special(self, stop: str | None) -> re.Pattern[str]:
        """The characters that end a run of ordinary text (cached per stop character)."""
        found = self._special.get(stop)
        if found is None:
            chars = {"$", self.escape} | ({"'", '"'} if not self.skip_quotes else set())
            if stop is not None:
                chars.add(stop)
            found = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
            self._special[stop] = found
        return found

    def process(self, word: str, env: Mapping[str, str]) -> LexResult:
        return _Run(self, word, env).process()

    def expand(self, word: str, env: Mapping[str, str]) -> str:
        return self.process(word, env).value


class _Run:
    """One pass of the lexer over one word."""

    def __init__(self, lexer: Lexer, src: str, env: Mapping[str, str]) -> None:
        self.lx = lexer
        self.src = src
        self.pos = 0
        self.env = env
        self.raw_escapes = lexer.raw_escapes
        self.matched: set[str] = set()
        self.unmatched: set[str] = set()
        self.unknown: set[str] = set()
        self.depth = 0

    def process(self) -> LexResult:
        try:
            value, words = self.stop_on(None, self.raw_escapes)
        except LexTooDeep:
            raise
        except LexError as exc:
            raise LexError(f"failed to process {quote(self.src)}: {exc}") from None
        return LexResult(value, words, self.matched, self.unmatched, self.unknown)

    def peek(self) -> str | None:
        return self.src[self.pos] if self.pos < len(self.src) else None

    def next(self) -> str | None:
        if self.pos < len(self.src):
            ch = self.src[self.pos]
            self.pos += 1
            return ch
        self.pos = len(self.src) + 1  # Go's scanner keeps returning EOF
        return None

    def stop_on(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[str]]:
        if self.depth >= MAX_DEPTH:
            raise LexTooDeep(f"substitutions nested more than {MAX_DEPTH} levels deep")
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        self.depth += 1
        try:
            return self._stop_on(stop)
        finally:
            self.raw_escapes = saved
            self.depth -= 1

    def _stop_on(self, stop: str | None) -> tuple[str, list[str]]:
        out: list[str] = []
        words = _Words()
        escape = self.lx.escape
        quotes = not self.lx.skip_quotes
        special = self.lx.special(stop)
        src = self.src
        while (ch := self.peek()) is not None:
            m = special.search(src, self.pos)
            run_end = m.start() if m is not None else len(src)
            if run_end > self.pos:  # ordinary characters, taken in one piece
                text = src[self.pos : run_end]
                self.pos = run_end
                out.append(text)
                words.add_string(text)
                continue
            if stop is not None and ch == stop:
                self.pos += 1
                return "".join(out), words.result()
            if ch == "$":
                tmp = self.dollar()
                out.append(tmp)
                words.add_string(tmp)
            elif quotes and ch == "'":
                tmp = self.single_quote()
                out.append(tmp)
                words.add_raw_string(tmp)
            elif quotes and ch == '"':
                tmp = self.double_quote()
                out.append(tmp)
                words.add_raw_string(tmp)
            else:
                self.pos += 1
                if ch == escape:
                    if self.raw_escapes:
                        words.add_raw_string(ch)
                        out.append(ch)
                    nxt = self.next()
                    if nxt is None:
                        break
                    ch = nxt
                    words.add_raw_string(ch)
                else:
                    words.add_string(ch)
                out.append(ch)
        if stop is not None:
            raise LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out), words.result()

    def single_quote(self) -> str:
        out: list[str] = []
        ch = self.next()
        if self.lx.raw_quotes and ch is not None:
            out.append(ch)
        while True:
            ch = self.next()
            if ch is None:
                raise LexError(
                    "unexpected end of statement while looking for matching single-quote"
                )
            if ch == "'":
                if self.lx.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def double_quote(self) -> str:
        out: list[str] = []
        ch = self.next()
        if self.lx.raw_quotes and ch is not None:
            out.append(ch)
        escape = self.lx.escape
        while True:
            ch = self.peek()
            if ch is None:
                raise LexError(
                    "unexpected end of statement while looking for matching double-quote"
                )
            if ch == '"':
                self.pos += 1
                if self.lx.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            self.pos += 1
            if ch == escape:
                if self.raw_escapes:
                    out.append(ch)
                nxt = self.peek()
                if nxt is None:
                    continue
                if nxt in ('"', "$", escape):
                    self.pos += 1
                    ch = nxt
            out.append(ch)

    def get_env(self, name: str, decided: bool = False) -> tuple[str, bool]:
        """The value of ``name``; ``decided``: a missing value does not leave the result
        unknown (a default or an alternative applies)."""
        if name in self.env:
            self.matched.add(name)
            return self.env[name], True
        self.unmatched.add(name)
        if not decided:
            self.unknown.add(name)
        return "", False

    def name(self) -> str:
        out: list[str] = []
        while (ch := self.peek()) is not None:
            if not out and ch.isdecimal():
                while (ch := self.peek()) is not None and ch.isdecimal():
                    out.append(ch)
                    self.pos += 1
                return "".join(out)
            if not out and ch in _SPECIAL_PARAMS:
                self.pos += 1
                return ch
            if not (ch.isalpha() or ch.isdecimal() or ch == "_"):
                break
            out.append(ch)
            self.pos += 1
        return "".join(out)

    def dollar(self) -> str:
        self.pos += 1  # the '$'
        if self.peek() != "{":
            name = self.name()
            if not name:
                return "$"
            value, found = self.get_env(name)
            if not found and self.lx.skip_unset:
                return "$" + name
            return value
        self.pos += 1  # the '{'
        ch = self.peek()
        if ch is None:
            raise LexError("syntax error: missing '}'")
        if ch in "{}:":
            raise LexError("syntax error: bad substitution")
        name = self.name()
        ch = self.next()
        chs = ch or "\ufffd"
        null_is_unset = False
        if ch == "}":
            value, found = self.get_env(name)
            if not found and self.lx.skip_unset:
                return "${" + name + "}"
            return value
        if ch == ":":
            null_is_unset = True
            ch = self.next()
            chs += ch or "\ufffd"
            return self._modifier(name, ch, chs, null_is_unset)
        if ch is not None and ch in "+-?#%":
            return self._modifier(name, ch, chs, null_is_unset)
        if ch == "/":
            return self._replace(name)
        raise LexError(f"unsupported modifier ({chs}) in substitution")

    def _until(self, stop: str, raw_escapes: bool, missing: str) -> str:
        """The processed text up to ``stop``; at the end of input: ``missing``."""
        try:
            word, _ = self.stop_on(stop, raw_escapes)
        except LexError:
            if self.peek() is None:
                raise LexError(missing) from None
            raise
        return word

    def _modifier(self, name: str, ch: str | None, chs: str, null_is_unset: bool) -> str:
        word = self._until("}", ch in ("#", "%"), "syntax error: missing '}'")
        value, found = self.get_env(name, decided=ch in ("-", "+", "?"))
        if self.lx.skip_unset and not found:
            return "${" + name + chs + word + "}"
        if ch == "-":
            return word if not found or (null_is_unset and value == "") else value
        if ch == "+":
            return "" if not found or (null_is_unset and value == "") else word
        if ch == "?":
            if not found:
                raise LexError(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and value == "":
                raise LexError(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        if ch in ("%", "#"):
            greedy = False
            if word and word[0] == ch:
                greedy = True
                word = word[1:]
            if ch == "%":
                return _trim_suffix(word, value, greedy)
            return _trim_prefix(word, value, greedy)
        raise LexError(f"unsupported modifier ({chs}) in substitution")

    def _replace(self, name: str) -> str:
        replace_all = self.peek() == "/"
        if replace_all:
            self.pos += 1
        pattern = self._until("/", True, "syntax error: missing '/' in ${}")
        replacement = self._until("}", True, "syntax error: missing '}'")
        value, found = self.get_env(name)
        if self.lx.skip_unset and not found:
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        regex = _pattern_regex(pattern, greedy=True, anchored=False)
        if replace_all:
            return _replace_all(regex, value, _go_template(replacement))
        m = regex.search(value)
        if m:
            return value[: m.start()] + replacement + value[m.end() :]
        return value


def _pattern_regex(pattern: str, *, greedy: bool, anchored: bool) -> Regex:
    """BuildKit's convertShellPatternToRegex: a shell wildcard (``*``, ``?``, no
    brackets) as a Go regular expression, run by RE2 in linear time."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i = 0
    while i < len(pattern):
        tok = pattern[i]
        i += 1
        if tok == "*":
            out.append(star)
        elif tok == "?":
            out.append(".")
        elif tok == "\\":
            nxt = pattern[i] if i < len(pattern) else ""
            if nxt in ("}", "/"):
                continue
            if nxt not in ("*", "?", "\\"):
                raise LexError(
                    f"invalid pattern ({quote(pattern)}) in substitution: invalid escape '\\{nxt}'"
                )
            out.append("\\" + nxt)
            i += 1
        elif tok in "[]{}.+()|^$":
            out.append("\\" + tok)
        else:
            out.append(tok)
    regex = compile_go("".join(out))
    if regex is None:
        raise LexError(f"invalid pattern ({quote(pattern)}) in substitution")
    return regex


_TEMPLATE_REF = re.compile(r"\$(?:\$|\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)")


def _go_template(replacement: str) -> str:
    """Go's ReplaceAllString expands ``$name``/``${name}`` (no groups here: empty) and ``$$``."""
    return _TEMPLATE_REF.sub(lambda m: "$" if m.group() == "$$" else "", replacement)


def _replace_all(regex: Regex, value: str, replacement: str) -> str:
    """Go's ``ReplaceAllString``: an empty match right after a match is not replaced."""
    out: list[str] = []
    last_end = 0
    pos = 0
    while pos <= len(value):
        m = regex.search(value, pos)
        if m is None:
            break
        out.append(value[last_end : m.start()])
        if m.end() > last_end or m.start() == 0:
            out.append(replacement)
        last_end = m.end()
        pos = max(pos + 1, m.end())
    out.append(value[last_end:])
    return "".join(out)


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    m = _pattern_regex(pattern, greedy=greedy, anchored=True).search(value)
    return value[m.end() :] if m else value


def _reverse_pattern(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(reversed(out))


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]
