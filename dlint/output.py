"""Write a report file without letting the linted repository redirect it.

A pull request can commit ``dlint.sarif`` (or a folder on its path) as a
symbolic link to any file the CI user may write. So a destination given as a
relative path must not be, or lie under, a symbolic link; an absolute path is
the user's explicit choice and is followed. The report goes to a new file in
the destination's folder, renamed over the destination at the end: a reader
never sees half a report, and no existing file is written through.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from dlint.printable import printable


class OutputError(Exception):
    """The report cannot be written where it was asked to go."""


def _linked_part(path: Path) -> Path | None:
    """The first part of a relative ``path`` that is a symbolic link, if any."""
    current = Path()
    for part in path.parts:
        current = current / part
        if os.path.islink(current):
            return current
    return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_report(name: str, text: str | Iterable[str], option: str = "--output-file") -> None:
    """Write ``text`` (or its pieces, in order) to the file ``name`` (see the module's
    docstring); ``option`` is the flag that named it, for the messages."""
    path = Path(name)
    shown = printable(name)
    if path.is_absolute():
        path = Path(os.path.realpath(path))
    else:
        link = _linked_part(path)
        if link is not None:
            raise OutputError(
                f"{option} {shown}: {printable(str(link))} is a symbolic link; "
                "give the absolute path to write there anyway"
            )
    folder = path.parent
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines((text,) if isinstance(text, str) else text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
