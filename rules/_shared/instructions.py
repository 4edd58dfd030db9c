"""Dockerfile instructions as rules read them (RUN scripts are read through ``runs.py``).

- ``last``, ``repeats`` and ``replaced``: several instructions set one thing of the image (CMD,
  ENTRYPOINT, HEALTHCHECK, USER, WORKDIR...); in a stage each one replaces the one before
  it, so the last one is the one that takes effect and the earlier ones do nothing. An
  ``ONBUILD`` trigger does not count: it acts in the images built from this one.
- ``references``: the variables an argument names, as BuildKit substitutes them. An
  argument is a Dockerfile word, not shell: no word splitting, no command substitution,
  and the escape character is the file's (``# escape=``).
- ``exposed``: the port specs of an EXPOSE, after substitution.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, Word


def last(stage: Stage, keyword: str) -> Instruction | None:
    """The last ``keyword`` instruction of ``stage`` (None: it has none)."""
    for ins in reversed(stage.instructions):
        if ins.keyword == keyword:
            return ins
    return None


def replaced(df: Dockerfile, keyword: str) -> Iterator[tuple[Instruction, Instruction]]:
    """``(earlier, later)`` for each ``keyword`` instruction of a stage and the next one
    of that stage, which replaces it (ONBUILD triggers are not the stage's own)."""
    for stage in df.all_stages:
        earlier: Instruction | None = None
        for ins in stage.instructions:
            if ins.keyword != keyword:
                continue
            if earlier is not None:
                yield earlier, ins
            earlier = ins


def repeats(df: Dockerfile, keyword: str) -> Iterator[tuple[Instruction, Instruction]]:
    """``(first, again)`` for each ``keyword`` instruction of a stage after the first one
    of that stage, in file order (the instructions before any FROM count as a stage)."""
    for stage in df.all_stages:
        first: Instruction | None = None
        for ins in stage.instructions:
            if ins.keyword != keyword:
                continue
            if first is None:
                first = ins
            else:
                yield first, ins


@dataclass(frozen=True, slots=True)
class Reference:
    """``$NAME`` or ``${NAME...}`` in an argument: ``raw[start:end]`` is its text."""

    name: str
    start: int
    end: int


_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")


def references(raw: str, escape: str = "\\") -> tuple[Reference, ...]:
    """The variables BuildKit substitutes in ``raw``, an argument as written (quotes and
    escapes still in it), in order: not in single quotes, not after ``escape``, and also
    those in the word of ``${NAME:-word}``."""
    out: list[Reference] = []
    opened: list[tuple[str | None, int]] = []  # the ``${`` not closed yet (None: no name)
    quote: str | None = None
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == escape and quote != "'":
            i += 2
        elif c in "\"'" and quote in (None, c):
            quote = None if quote else c
            i += 1
        elif quote == "'" or c not in "$}":
            i += 1
        elif c == "}":
            if opened:
                name, start = opened.pop()
                if name is not None:
                    out.append(Reference(name, start, i + 1))
            i += 1
        else:
            braced = raw.startswith("{", i + 1)
            j = k = i + 1 + braced
            while k < n and raw[k] in _NAME_CHARS:
                k += 1
            name = raw[j:k] if k > j and raw[j] in _NAME_START else None
            if braced:
                opened.append((name, i))
            elif name is not None:
                out.append(Reference(name, i, k))
            i = max(k, i + 1)
    out.extend(Reference(name, start, n) for name, start in opened if name is not None)
    return tuple(sorted(out, key=lambda r: r.start))


def exposed(df: Dockerfile, ins: Instruction) -> Iterator[tuple[Word, str]]:
    """Each port spec of an EXPOSE (after substitution, split at blanks as BuildKit
    splits them) with the word it comes from; words using a variable with no known
    value are left out."""
    unknown = set(ins.unresolved)
    for i, word in enumerate(ins.args):
        if unknown and any(r.name in unknown for r in references(word.value, df.escape)):
            continue
        value = ins.expanded[i] if ins.expanded and i < len(ins.expanded) else word.value
        for port in value.split():
            yield word, port
