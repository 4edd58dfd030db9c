"""SPDX license expressions: ``MIT``, ``Apache-2.0 OR MIT``, ``GPL-2.0-or-later WITH Classpath-exception-2.0``.

The identifiers come from the SPDX License List, kept in ``spdx_licenses.json``
beside this module (the list's version and source are in the file). The grammar
is the one of the SPDX specification, Annex "SPDX license expressions":
``AND`` binds tighter than ``OR``, ``WITH`` attaches an exception to one
license, parentheses group, a trailing ``+`` means "this version or later",
and ``LicenseRef-``/``DocumentRef-...:LicenseRef-`` name licenses outside the
list. Identifiers match case-insensitively; operators are written all upper
or all lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_IDSTRING = r"[A-Za-z0-9.\-]+"
_LICENSE_REF = re.compile(rf"^(?:DocumentRef-{_IDSTRING}:)?LicenseRef-{_IDSTRING}$")
_ADDITION_REF = re.compile(rf"^(?:DocumentRef-{_IDSTRING}:)?AdditionRef-{_IDSTRING}$")
_OPERATORS = {"AND", "OR", "WITH", "and", "or", "with"}


@dataclass(frozen=True, slots=True)
class _Lists:
    licenses: frozenset[str]  # lower case
    exceptions: frozenset[str]  # lower case


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    import json  # here: only runs that need the data pay for reading it
    from importlib import resources

    text = resources.files(__package__).joinpath("spdx_licenses.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return _Lists(
        frozenset(i.lower() for i in data["licenses"]),
        frozenset(i.lower() for i in data["exceptions"]),
    )


def expression_problem(text: str) -> str | None:
    """Why ``text`` is not a valid SPDX license expression (None when it is)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return "it is empty"
    parser = _Parser(tokens, _lists())
    problem = parser.expression()
    if problem is None and parser.pos < len(tokens):
        problem = f"unexpected `{tokens[parser.pos]}`"
    return problem


class _Parser:
    """Recursive descent over the tokens; each method returns a problem or None."""

    def __init__(self, tokens: list[str], lists: _Lists) -> None:
        self.tokens = tokens
        self.lists = lists
        self.pos = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self) -> str | None:  # or-expression
        problem = self._and()
        while problem is None and self._peek() in ("OR", "or"):
            self.pos += 1
            problem = self._and()
        return problem

    def _and(self) -> str | None:
        problem = self._term()
        while problem is None and self._peek() in ("AND", "and"):
            self.pos += 1
            problem = self._term()
        return problem

    def _term(self) -> str | None:
        token = self._peek()
        if token is None:
            return "it ends where a license was expected"
        if token == "(":
            self.pos += 1
            problem = self.expression()
            if problem is not None:
                return problem
            if self._peek() != ")":
                return "a `(` is not closed"
            self.pos += 1
            return None
        if token == ")" or token in _OPERATORS:
            return f"`{token}` where a license was expected"
        self.pos += 1
        problem = self._license(token)
        if problem is None and self._peek() in ("WITH", "with"):
            self.pos += 1
            exception = self._peek()
            if exception is None or exception in ("(", ")") or exception in _OPERATORS:
                return "`WITH` is not followed by a license exception"
            self.pos += 1
            if exception.lower() not in self.lists.exceptions and not _ADDITION_REF.match(
                exception
            ):
                return f"`{exception}` is not an SPDX license exception"
        return problem

    def _license(self, token: str) -> str | None:
        if _LICENSE_REF.match(token):
            return None
        ident = token[:-1] if token.endswith("+") else token
        if ident.lower() in self.lists.licenses:
            return None
        return f"`{token}` is not an SPDX license identifier"
