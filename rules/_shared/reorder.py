"""The fix of dclint's ordering rules (DC501-DC505): the entries of a block mapping or
sequence moved into order as whole runs of lines, each with its comments.

A block is an entry's lines (from its first line to the end of its node), the
comment lines at the entry's indent directly above it, and the comments indented
deeper than the entry after it. Blocks move; the blank lines between them stay
where they are. No fix is offered where which lines belong to which entry, or what
moving them would mean, is unclear: a flow-style parent (``[a, b]``), an entry not
alone at the start of its line, entries at different indents, a line between
entries that is no entry (a ``<<`` merge key, ``---``), a comment less indented
than the entries inside the run, an alias as a value not written ``key: *name`` on
the key's line, an alias as a list item, an alias that would come before its
anchor, a duplicated key, a ``|+`` scalar (its trailing blank lines are its value),
a header comment at the top of the file above a first entry that moves, or line
ends other than ``\n`` or ``\r\n`` throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from dlint.ir.common import Span
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, walk
from dlint.rule import Edit, Fix

if TYPE_CHECKING:
    from dlint.ir.project import Project

_ALIAS = re.compile(r"\s*:\s+\*[^\s,\[\]{}]+\s*(#.*)?$")

Entry = tuple[YNode, YNode]  # (the entry's first node, the whole entry's last node)


def documents_with_text(project: Project) -> Iterator[tuple[YMapping, str | None]]:
    """Each Compose file's model as it is written, once, with the file's text (as
    ``written_documents`` reads them)."""
    done: set[str] = set()
    for compose in project.compose:
        for display, root in compose.documents:
            if display not in done:
                done.add(display)
                yield root, compose.text(display)


def sorted_order(keys: Sequence[Any]) -> list[int]:
    """The indexes of ``keys`` (sort keys, one per entry) in sorted order; equal keys
    keep their order."""
    return sorted(range(len(keys)), key=keys.__getitem__)


def mapping_entries(pairs: Sequence[tuple[YScalar, YNode]]) -> list[Entry]:
    return [(k, v) for k, v in pairs]


def sequence_entries(items: Sequence[YNode]) -> list[Entry]:
    return [(i, i) for i in items]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip(" \t\r\n")


def _comment(line: str) -> bool:
    return line.lstrip(" ").startswith("#")


def _start(span: Span) -> tuple[int, int]:
    return (span.line, span.column)


def _end(span: Span) -> tuple[int, int]:
    return (span.end_line, span.end_column)


def _lines(text: str) -> list[str] | None:
    """The text's lines with their ends, split at ``\\n`` only (as spans count them);
    None when a line break YAML reads differently (a lone ``\\r``, U+0085, U+2028,
    U+2029) or a mix of ``\\n`` and ``\\r\\n`` makes moved lines ambiguous."""
    if any(c in text for c in ("\x85", "\u2028", "\u2029")):
        return None
    if text.count("\r") != text.count("\r\n"):
        return None
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    crlf = [line.endswith("\r\n") for line in out if line.endswith("\n")]
    if any(crlf) and not all(crlf):
        return None
    return out


def _key_text(node: YNode) -> str | None:
    return node.text if isinstance(node, YScalar) else None


def reorder(
    text: str,
    parent: YMapping | YSequence,
    entries: Sequence[Entry],
    order: Sequence[int],
    title: str,
) -> Fix | None:
    """One Fix that rewrites the run of ``entries`` of ``parent`` (a block mapping's
    ``(key, value)`` pairs or a block sequence's ``(item, item)``, in file order, all
    written in ``text``) in the order ``order`` (the entries' indexes); None when no
    certain fix exists or nothing moves."""
    count = len(entries)
    if count < 2 or sorted(order) != list(range(count)) or list(order) == list(range(count)):
        return None
    lines = _lines(text)
    if lines is None:
        return None
    n = len(lines)
    mapping = isinstance(parent, YMapping)
    if mapping:
        names = [_key_text(first) for first, _ in entries]
        if len(set(names)) != len(names):
            return None  # a duplicated key: which one wins would change
    # each entry starts alone on its line, at one indent, after the previous entry's end
    starts: list[int] = []  # 0-based line of each entry
    aliased: set[int] = set()  # the entries whose value is an alias (`key: *name`)
    indent = -1
    floor = _start(parent.span)
    for index, (first, whole) in enumerate(entries):
        if first.file != parent.file or whole.file != parent.file:
            return None
        line = first.span.line - 1
        if not 0 <= line < n or _start(first.span) < floor:
            return None  # an alias of a node written elsewhere
        if mapping and _start(whole.span) < _end(first.span):
            # the value is an alias: only `key: *name` on the key's line is certain
            rest = lines[line][first.span.end_column - 1 :].rstrip("\r\n")
            if first.span.end_line != first.span.line or not _ALIAS.match(rest):
                return None
            aliased.add(index)
        else:
            if _end(whole.span) > _end(parent.span):
                return None
            if index + 1 < count and _end(whole.span) > _start(entries[index + 1][0].span):
                return None
        row = lines[line]
        col = first.span.column - 1
        if isinstance(parent, YSequence):
            before = row[:col].rstrip(" ")
            if not before.endswith("-") or before[:-1].strip(" "):
                return None  # not `- item` alone at the start of its line
            at = len(before) - 1
        else:
            if row[:col].strip(" "):
                return None  # something before the key on its line (flow style, `? `)
            at = col
        if indent not in (-1, at) or (starts and line <= starts[-1]):
            return None
        indent = at
        starts.append(line)
        floor = _end(first.span) if index in aliased else _end(whole.span)
    p = parent.span
    if lines[p.line - 1][p.column - 1 : p.column] in ("{", "["):
        return None  # a flow collection
    # each entry's own lines: from its first line to the end of its node
    ends: list[int] = []
    for index, ((_first, whole), start) in enumerate(zip(entries, starts, strict=True)):
        if index in aliased:
            ends.append(start)
            continue
        end = whole.span.end_line - 1
        if end >= n or (end > start and not lines[end][: whole.span.end_column - 1].strip(" ")):
            end -= 1  # a block scalar (or a block ending in an alias) ends on the next line
        if not start <= end < n:
            return None
        for node in walk(whole):
            if (
                isinstance(node, YScalar)
                and node.style in ("|", ">")
                and str(node.value).endswith("\n\n")
            ):
                return None  # `|+`: its trailing blank lines are its value
        while end > start and (_blank(lines[end]) or _comment(lines[end])):
            end -= 1  # what a block scalar or an alias leaves after it: placed below
        ends.append(end)
    # the comments at the entry's indent directly above it go with it
    tops: list[int] = []
    for i, start in enumerate(starts):
        top = start
        low = ends[i - 1] + 1 if i else 0
        while top - 1 >= low and _comment(lines[top - 1]) and _indent(lines[top - 1]) == indent:
            top -= 1
        tops.append(top)
    head = lines[: tops[0]]
    if order[0] != 0 and tops[0] < starts[0] and all(_blank(x) or x[:3] == "---" for x in head):
        return None  # the file's header comment, or the first entry's? unclear
    # and those indented deeper after it; anything else between entries: no fix
    bottoms: list[int] = []
    for i in range(count):
        last = i + 1 == count
        limit = n if last else tops[i + 1]
        bottom = ends[i]
        at = ends[i] + 1
        while at < limit:
            row = lines[at]
            if _blank(row):
                at += 1
                continue
            if last and (not _comment(row) or _indent(row) <= indent):
                break  # what follows the run
            if not _comment(row):
                return None  # something that is no entry (a `<<` key, `---`...)
            if _indent(row) < indent:
                return None  # a comment less indented: whose it is is unclear
            bottom = at
            at += 1
        bottoms.append(bottom)
    # an alias in one block of a node anchored in another must stay after it
    where = {i: k for k, i in enumerate(order)}  # entry -> its new place

    def block_of(span: Span) -> int | None:
        for i in range(count):
            if tops[i] + 1 <= span.line <= bottoms[i] + 1:
                return i
        return None

    for i, (_first, whole) in enumerate(entries):
        for node in walk(whole):
            if node.file != parent.file:
                return None
            j = block_of(node.span)
            if j is not None and j != i and where[j] > where[i]:
                return None
    blocks = ["".join(lines[tops[i] : bottoms[i] + 1]) for i in range(count)]
    gaps = ["".join(lines[bottoms[i] + 1 : tops[i + 1]]) for i in range(count - 1)]
    open_end = not blocks[-1].endswith("\n")  # the file's last line, without a line end
    if open_end:
        blocks[-1] += "\r\n" if "\r\n" in text else "\n"
    blocks = [b.replace("\r\n", "\n") for b in blocks]  # the engine writes CRLF back
    gaps = [g.replace("\r\n", "\n") for g in gaps]
    out = blocks[order[0]] + "".join(g + blocks[k] for g, k in zip(gaps, order[1:], strict=True))
    if open_end:
        out = out[:-1]
        span = Span(tops[0] + 1, 1, bottoms[-1] + 1, len(lines[bottoms[-1]]) + 1)
    else:
        span = Span(tops[0] + 1, 1, bottoms[-1] + 2, 1)
    return Fix(title, (Edit(span, out),))
