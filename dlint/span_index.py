"""Find, among many spans, those that contain a position, without trying each one.

Suppressions reach spans of a file (an instruction, a stage, a YAML node) that are
nested or apart, never half-overlapping. Sorted by start, each span knows the nearest
span around it, so the spans around a position are found by a binary search and a
walk out through the spans around that one. Should spans half-overlap after all, the
index tries every span, which is slower but still right.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from dlint.ir.common import Span

T = TypeVar("T")


def _start(span: Span) -> tuple[int, int]:
    return (span.line, span.column)


def _end(span: Span) -> tuple[int, int]:
    return (span.end_line, span.end_column)


class SpanIndex(Generic[T]):
    """Items placed at spans; ``around(line, column)`` gives the items of every span
    whose start and end (both included) hold that position."""

    def __init__(self, items: Iterable[tuple[Span, T]]) -> None:
        by_span: dict[Span, list[T]] = {}
        for span, item in items:
            by_span.setdefault(span, []).append(item)
        # outer spans first among those starting at the same place
        self._spans = sorted(by_span, key=lambda s: (_start(s), tuple(-x for x in _end(s))))
        self._items = [by_span[s] for s in self._spans]
        self._starts = [_start(s) for s in self._spans]
        self._outer: list[int] = []  # index of the nearest span around each (-1: none)
        self._nested = True
        open_: list[int] = []
        for i, span in enumerate(self._spans):
            while open_ and _end(self._spans[open_[-1]]) < _start(span):
                open_.pop()
            if open_ and _end(self._spans[open_[-1]]) < _end(span):
                self._nested = False  # half-overlapping: fall back to trying each span
            self._outer.append(open_[-1] if open_ else -1)
            open_.append(i)

    def around(self, line: int, column: int) -> Iterator[list[T]]:
        """The items of each span holding the position, one list per span."""
        at = (line, column)
        if not self._nested:
            for span, items in zip(self._spans, self._items, strict=True):
                if _start(span) <= at <= _end(span):
                    yield items
            return
        i = bisect_right(self._starts, at) - 1
        while i >= 0 and _end(self._spans[i]) < at:
            i = self._outer[i]  # a span around it may still reach the position
        while i >= 0:
            yield self._items[i]
            i = self._outer[i]
