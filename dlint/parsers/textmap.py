"""Map offsets in a derived text back to positions in the source file.

A Dockerfile instruction is read as one logical line that BuildKit builds from
pieces of several physical lines (continuations removed, comment lines
dropped). A ``TextMap`` remembers where each piece came from, so an offset in
the logical text converts to the exact line and column in the file.
"""

from __future__ import annotations

from bisect import bisect_right

from dlint.ir.common import Span
from dlint.ir.shell import SourceMap


class TextMap:
    """A text assembled from pieces of physical lines, with their origins."""

    __slots__ = ("_cols", "_length", "_lines", "_parts", "_starts")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []
        self._lines: list[int] = []
        self._cols: list[int] = []
        self._length = 0

    def add(self, text: str, line: int, column: int) -> None:
        """Append ``text``, which sits in the file at ``line``:``column``."""
        if not text:
            return
        self._parts.append(text)
        self._starts.append(self._length)
        self._lines.append(line)
        self._cols.append(column)
        self._length += len(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def __len__(self) -> int:
        return self._length

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, column) of the character at ``offset``."""
        if not self._starts:
            return (1, 1)
        if offset >= self._length:
            return self.end_position(self._length)
        i = bisect_right(self._starts, max(offset, 0)) - 1
        return (self._lines[i], self._cols[i] + offset - self._starts[i])

    def end_position(self, offset: int) -> tuple[int, int]:
        """The exclusive end position just after the character at ``offset - 1``."""
        if not self._starts:
            return (1, 1)
        if offset <= 0:
            return self.position(0)
        offset = min(offset, self._length)
        i = bisect_right(self._starts, offset - 1) - 1
        return (self._lines[i], self._cols[i] + offset - self._starts[i])

    def span(self, start: int, end: int) -> Span:
        """The span covering text[start:end] (``position`` and ``end_position`` in one:
        the shell IR asks for one per word)."""
        starts, length = self._starts, self._length
        if not starts or start >= length:
            line, col = self.position(start)
        else:
            i = bisect_right(starts, start if start > 0 else 0) - 1
            line, col = self._lines[i], self._cols[i] + start - starts[i]
        if end <= start:
            return Span(line, col, line, col)
        if not starts or end <= 0:
            return Span(line, col, *self.end_position(end))
        if end > length:
            end = length
        i = bisect_right(starts, end - 1) - 1
        return Span(line, col, self._lines[i], self._cols[i] + end - starts[i])

    def slice(self, start: int, end: int) -> TextMap:
        """The map of text[start:end], as a text of its own."""
        out = TextMap()
        text = self.text
        n = len(self._starts)
        for i in range(n):
            seg_start = self._starts[i]
            seg_end = self._starts[i + 1] if i + 1 < n else self._length
            lo, hi = max(seg_start, start), min(seg_end, end)
            if lo < hi:
                out.add(text[lo:hi], self._lines[i], self._cols[i] + lo - seg_start)
        return out

    def extend(self, other: TextMap) -> None:
        """Append every piece of ``other``."""
        text = other.text
        n = len(other._starts)
        for i in range(n):
            seg_end = other._starts[i + 1] if i + 1 < n else other._length
            self.add(text[other._starts[i] : seg_end], other._lines[i], other._cols[i])

    def freeze(self) -> SourceMap:
        """The map as an immutable IR value."""
        return SourceMap(tuple(self._starts), tuple(self._lines), tuple(self._cols), self._length)
