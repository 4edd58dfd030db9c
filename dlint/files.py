"""The one way dlint reads a user's files: inside the project, regular, bounded.

dlint lints pull requests from strangers and publishes what it finds, so every
file is hostile. A file is opened only when

- its real path (symlinks followed) lies inside one of the project roots: the
  top of the git work tree holding a linted path, or the current folder when
  there is none (``--root`` adds more);
- no part of its path below that root is ``.git``;
- it is a regular file (never a device, FIFO or socket: those hang a read or
  never end), checked on the open descriptor, which is opened non-blocking;
- it is at most ``MAX_FILE_BYTES`` long.

A refusal names the path and the reason, never anything inside the file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dlint.cache import note
from dlint.ir.common import Span

MAX_FILE_BYTES = 10 * 1024 * 1024
OUTSIDE = "points outside the project"
IN_GIT = "is inside .git"
NOT_REGULAR = "is not a regular file"
NOT_FOUND = "not found"


_REFUSALS_KEPT = 4096


class LoadError(Exception):
    """A file dlint cannot read as what it should be; reported as parse-error.

    ``message`` speaks of the file itself; ``reason`` is the short form a
    finding about a reference to the file uses ("points outside the project").
    """

    def __init__(self, message: str, span: Span, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.reason = reason or message


def _refused(reason: str) -> LoadError:
    return LoadError(f"this file {reason}; dlint does not read it", Span.point(1), reason)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _below(path: str, root: str) -> list[str]:
    """The parts of ``path`` under the folder ``root`` (none when it is not under it)."""
    if path == root:
        return []
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path[len(prefix) :].split(os.sep) if path.startswith(prefix) else []


def _has_git_part(parts: Iterable[str]) -> bool:
    return any(part.lower() == ".git" for part in parts)


def _git_top(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` that holds a ``.git`` entry."""
    for candidate in (folder, *folder.parents):
        note(candidate / ".git")
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def root_of(path: Path, cwd: Path) -> Path:
    """The project root of a linted path: its git work tree, else the current
    folder when the path is under it, else the path's own folder."""
    absolute = Path(os.path.abspath(cwd / path))
    note(absolute)
    folder = absolute if os.path.isdir(absolute) else absolute.parent
    top = _git_top(folder)
    if top is not None:
        return top
    if absolute == cwd or cwd in absolute.parents:
        return cwd
    return folder


@dataclass(frozen=True, slots=True)
class ProjectFiles:
    """The folders dlint may read in (real paths), and the reads it allows."""

    roots: tuple[Path, ...]
    # text that stands for a file's content (by absolute path): an editor's unsaved
    # buffer, standard input, a fix not yet written; such a file need not exist
    overlay: Mapping[str, bytes] = field(default_factory=dict, compare=False)
    _order: dict[str, int] = field(init=False, repr=False, compare=False)
    # each path's answer, by absolute path: a run asks about the same files many times
    _refusals: dict[str, str | None] = field(init=False, repr=False, compare=False)
    _real_folders: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order: dict[str, int] = {}
        for i, root in enumerate(self.roots):
            order.setdefault(str(root), i)
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_refusals", {})
        object.__setattr__(self, "_real_folders", {})

    @classmethod
    def around(
        cls,
        paths: Iterable[str | Path],
        cwd: Path,
        extra: Iterable[str | Path] = (),
        overlay: Mapping[str, bytes] | None = None,
    ) -> ProjectFiles:
        """The roots of ``paths`` (see ``root_of``), plus the folders in ``extra``."""
        cwd = Path(os.path.abspath(cwd))
        roots = [_real(root_of(Path(p), cwd)) for p in paths]
        roots += [_real(cwd / Path(p)) for p in extra]
        return cls(tuple(dict.fromkeys(roots)), dict(overlay or {}))

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` must not be read (OUTSIDE or IN_GIT), or None."""
        absolute = os.path.abspath(path)
        if absolute not in self._refusals:
            if len(self._refusals) >= _REFUSALS_KEPT:  # a run asks about a file a few
                self._refusals.clear()  # times in a row, not all along: keep the last
            self._refusals[absolute] = self._refusal(absolute)
        return self._refusals[absolute]

    def realpath(self, path: str | Path) -> str:
        """``os.path.realpath(path)``, with the real path of each folder worked out once:
        a path whose last part is not a link is its real folder and that name."""
        absolute = os.path.abspath(path)
        folder, name = os.path.split(absolute)
        if not name or os.path.islink(absolute):
            return os.path.realpath(absolute)
        real = self._real_folders.get(folder)
        if real is None:
            real = self._real_folders[folder] = os.path.realpath(folder)
        return os.path.join(real, name)

    def _refusal(self, absolute: str) -> str | None:
        real = self.realpath(absolute)
        found = self._root_of_real(real)
        if found is None:
            return OUTSIDE
        root = str(found)
        if _has_git_part(_below(real, root)) or _has_git_part(_below(absolute, root)):
            return IN_GIT
        return None

    def root_for(self, path: Path) -> Path | None:
        """The first root (in order) that holds ``path`` once links are resolved."""
        return self._root_of_real(self.realpath(path))

    def _root_of_real(self, real: str) -> Path | None:
        # looked up by the path's folders, so that hundreds of roots (one per file named
        # on the command line) cost nothing
        found: int | None = None
        folder = real
        while True:
            index = self._order.get(folder)
            if index is not None and (found is None or index < found):
                found = index
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        return None if found is None else self.roots[found]

    def kind(self, path: Path) -> str:
        """``file``, ``dir``, ``missing``, ``other`` (not regular), or a refusal."""
        note(path)
        why = self.refusal(path)
        if why is not None:
            return why
        if self.overlay and os.path.abspath(path) in self.overlay:
            return "file"
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return "missing"
        if stat.S_ISREG(mode):
            return "file"
        if stat.S_ISDIR(mode):
            return "dir"
        return "other"

    def is_file(self, path: Path) -> bool:
        return self.kind(path) == "file"

    def is_dir(self, path: Path) -> bool:
        return self.kind(path) == "dir"

    def problem(self, path: Path) -> str | None:
        """Why ``path`` cannot be read as a file, in a few words; None when it can."""
        kind = self.kind(path)
        if kind == "file":
            return None
        return {
            "missing": NOT_FOUND,
            "dir": "is a directory, not a file",
            "other": NOT_REGULAR,
        }.get(kind, kind)

    def read_bytes(self, path: Path) -> bytes:
        """The file's bytes; raises LoadError (naming the reason, never the content)."""
        try:
            data = self._read(path)
        except LoadError:
            note(path)
            raise
        note(path, data)  # the cache notes the bytes read, not a second reading
        return data

    def _read(self, path: Path) -> bytes:
        why = self.refusal(path)
        if why is not None:
            raise _refused(why)
        given = self.overlay.get(os.path.abspath(path)) if self.overlay else None
        if given is not None:
            if len(given) > MAX_FILE_BYTES:
                raise _refused(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            return given
        try:
            fd = os.open(
                path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
            )
        except IsADirectoryError:
            raise LoadError("is a directory, not a file", Span.point(1)) from None
        except FileNotFoundError:
            raise LoadError("file not found", Span.point(1), NOT_FOUND) from None
        except OSError as exc:
            raise LoadError(f"cannot read file: {exc.strerror or exc}", Span.point(1)) from None
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise LoadError("is a directory, not a file", Span.point(1))
            if not stat.S_ISREG(mode):
                raise _refused(NOT_REGULAR)
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise _refused(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError as exc:
            raise LoadError(f"cannot read file: {exc.strerror or exc}", Span.point(1)) from None
        finally:
            os.close(fd)

    def read_text(self, path: Path) -> str:
        """The file as text: UTF-8 only, like BuildKit and Compose read it."""
        return decode(self.read_bytes(path))


def decode(data: bytes) -> str:
    """UTF-8 text, or a LoadError that points at the first bad byte."""
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
