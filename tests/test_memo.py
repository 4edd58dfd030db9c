"""Answers kept by identity for the objects asked about last (rules/_shared/memo.py)."""

from __future__ import annotations

from dlint.rules._shared.memo import by_identity


def test_answers_are_kept_by_identity_and_bounded() -> None:
    asked: list[object] = []

    @by_identity(2)
    def length(items: list[int]) -> int:
        asked.append(items)
        return len(items)

    a, b, c = [1], [1], [1, 2]  # a and b are equal, not the same object
    assert [length(a), length(a), length(b), length(a)] == [1, 1, 1, 1]
    assert asked == [a, b]
    assert length(c) == 2  # full: the answers kept so far are let go
    assert length(a) == 1 and asked == [a, b, c, a]
    a.append(3)  # an object changed in place is not asked again (the IR never changes)
    assert length(a) == 1
