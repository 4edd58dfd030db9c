"""The error a Dockerfile that BuildKit refuses to parse raises."""

from __future__ import annotations

from dlint.ir.common import Span


class DockerfileSyntaxError(ValueError):
    """BuildKit would stop here; ``span`` is where, when known."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    def at(self, span: Span) -> DockerfileSyntaxError:
        """The same error, placed at ``span`` unless it already has a place."""
        if self.span is None:
            self.span = span
        return self
