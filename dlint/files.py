"""Reading a file as text, with a located error for what cannot be read."""

from __future__ import annotations

from pathlib import Path

from dlint.ir.common import Span


class LoadError(Exception):
    """A file dlint cannot read as what it should be; reported as parse-error."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


def read_text(path: Path) -> str:
    """The file as text: UTF-8 only, like BuildKit and Compose read it."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise LoadError("is a directory, not a file", Span.point(1)) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", Span.point(1)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("file is UTF-16 encoded; only UTF-8 is supported", Span.point(1))
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (it contains NUL bytes), not a text file", Span.point(1))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise LoadError(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}, column {column})",
            Span(line, column, line, column + 1),
        ) from None
