"""What BuildKit's checks share: its automatic build arguments, where it reports a
finding, and the spelling suggestions of its messages ("did you mean ...?")."""

from __future__ import annotations

from collections.abc import Iterable

from dlint.ir.common import Span
from dlint.ir.dockerfile import Instruction

# The build arguments BuildKit defines itself (no ARG needed in FROM)
AUTOMATIC_ARGS = frozenset(
    {
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDOSVERSION",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETOSVERSION",
        "TARGETARCH",
        "TARGETVARIANT",
        "TARGETSTAGE",
    }
)


def on_first_line(ins: Instruction, span: Span) -> Span:
    """``span``, reaching back to the start of the instruction when it starts on a later
    line: BuildKit reports the instruction's first line."""
    if span.line == ins.span.line:
        return span
    return Span(ins.span.line, ins.span.column, span.end_line, span.end_column)


def piece(base: Span, value: str, start: int, end: int) -> Span:
    """Where ``value[start:end]`` is, ``value`` being written at ``base`` (all of
    ``base`` when the text there is not ``value`` character for character)."""
    if base.line == base.end_line and base.end_column - base.column == len(value):
        return Span(base.line, base.column + start, base.line, base.column + end)
    return base


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance (an adjacent swap counts as one edit), or ``limit + 1`` when it is
    over ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def deletions(word: str, depth: int) -> set[str]:
    """``word`` and what it becomes with up to ``depth`` characters deleted."""
    out = {word}
    edge = {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1 :] for w in edge for i in range(len(w))}
        out |= edge
    return out


class Spelling:
    """Names to suggest, indexed by their deletions (symmetric delete), so that finding
    the ones spelled like a word costs the same however many names there are."""

    _LONGEST = 64  # longer names are only matched exactly (case aside)
    _CANDIDATES = 32

    def __init__(self, names: Iterable[str]) -> None:
        self._names = names
        self._built: dict[str, set[str]] | None = None  # built on the first look-up

    @property
    def _index(self) -> dict[str, set[str]]:
        if self._built is None:
            self._built = {}
            for name in self._names:
                key = name.lower()
                depth = 2 if len(key) <= self._LONGEST else 0
                for variant in deletions(key, depth):
                    bucket = self._built.setdefault(variant, set())
                    if len(bucket) < self._CANDIDATES:  # a crowded bucket tells little more
                        bucket.add(name)
        return self._built

    def closest(self, word: str, short: int = 6) -> str | None:
        """The name that is most likely what ``word`` was meant to be: the same but for
        case, or one edit away (two for words longer than ``short`` characters)."""
        key = word.lower()
        limit = 1 if len(key) <= short else 2
        found: set[str] = set()
        for variant in deletions(key, limit if len(key) <= self._LONGEST else 0):
            found |= self._index.get(variant, set())
        best: tuple[int, str] | None = None
        # the closest lengths first, and only so many: a file with many names alike
        # (ARG NAME_1 ... NAME_999) must not make each look-up cost them all
        ranked = sorted(found - {word}, key=lambda n: (abs(len(n) - len(word)), n))
        for name in ranked[: self._CANDIDATES]:
            d = distance(key, name.lower(), limit)
            if d <= limit and (best is None or (d, name) < best):
                best = (d, name)
        return best[1] if best is not None else None
