"""Answers kept for the objects asked about last.

The rules of a run go through the same Dockerfile one after another, and each asks
the same questions of its RUNs and commands (what package manager a command runs,
which RUNs there are). A function wrapped here works each answer out once and keeps
it for the objects it was asked about last: by identity, holding the object so that
its id is not reused while the answer is kept, and emptied when full so that memory
stays bounded however many files a run reads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def by_identity(size: int) -> Callable[[Callable[[K], V]], Callable[[K], V]]:
    """Keep the answers of a one-argument function for the last ``size`` objects."""

    def wrap(function: Callable[[K], V]) -> Callable[[K], V]:
        kept: dict[int, tuple[K, V]] = {}

        @wraps(function)
        def answer(subject: K) -> V:
            hit = kept.get(id(subject))
            if hit is not None and hit[0] is subject:
                return hit[1]
            if len(kept) >= size:
                kept.clear()
            found = function(subject)
            kept[id(subject)] = (subject, found)
            return found

        return answer

    return wrap
