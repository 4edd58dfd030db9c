"""The words a package manager is given, as rules judge them: what each names.

A word can hold expansions. When the script itself sets every variable a word reads
(``deps="curl wget"; apt-get install $deps``), the word names each field of its value.
Otherwise each expansion dlint cannot know stands as a ``HOLE`` in the word's text, so a
rule can still judge the written part (``pkg==${VERSION}`` is pinned, ``${NAME}`` alone
names nothing to judge).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.shell import ShellWord, WordPart

from .runs import Run

HOLE = "\x00"  # stands for an expansion dlint cannot know, in a word's text


def names(run: Run, word: ShellWord) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """What an operand word names, each as: its text with a HOLE for each expansion
    dlint cannot know, those expansions as written, and where it comes from
    (`` (from `$deps`)`` for a value of a variable the script sets, else "").

    A word that is only expansions dlint cannot know names nothing to judge; neither
    does a variable of the script whose value holds an option (``-y``)."""
    if word.value is not None:
        yield word.value, (), ""
        return
    if word.variables and all(run.script.setters(v, word.span) for v in word.variables):
        found = run.expansions(word)
        fields = dict.fromkeys(f for each in found or () for f in each)
        if found is not None and not any(f.startswith("-") for f in fields):
            origin = f" (from `{''.join(map(written, word.parts))}`)"
            yield from ((field, (), origin) for field in fields)
            return
    if any(p.kind == "text" and p.value.strip() for p in word.parts):
        text = "".join(p.value if p.kind == "text" else HOLE for p in word.parts)
        yield text, tuple(written(p) for p in word.parts if p.kind != "text"), ""


def written(part: WordPart) -> str:
    """A part of a word as it could be written (``${NAME}``, ``$(cmd)``)."""
    if part.kind != "variable":
        return part.value
    argument = "".join(map(written, part.argument))
    return f"${{{part.value}{part.operator or ''}{argument}}}"


def show(text: str, sources: tuple[str, ...]) -> str:
    """``text`` (a word's text from ``names``, or a prefix of it) with its expansions
    written back in place of its HOLEs."""
    rest = iter(sources)
    return "".join(next(rest, "$?") if ch == HOLE else ch for ch in text)
