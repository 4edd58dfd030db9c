"""Types shared by every part of the IR: positions and severities."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range in a source file.

    Lines and columns are 1-based; columns count Unicode code points; the end
    column is exclusive (SARIF's convention). A span that ends at the end of a
    line has ``end_column`` one past its last character.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(line: int, column: int = 1) -> Span:
        """An empty span at one position (used when only a line is known)."""
        return Span(line, column, line, column)

    def cover(self, other: Span) -> Span:
        """The smallest span holding both ``self`` and ``other``."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(start[0], start[1], end[0], end[1])

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies within ``self``."""
        return (self.line, self.column) <= (other.line, other.column) and (
            other.end_line,
            other.end_column,
        ) <= (self.end_line, self.end_column)


class Severity(enum.IntEnum):
    """How serious a finding is; higher is worse."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected one of: error, warning, info, style)"
            ) from None
