"""The build context: the folder a Dockerfile builds from, after .dockerignore."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Protocol


class Matcher(Protocol):
    """A compiled pattern: ``match`` is truthy when the whole path matches."""

    def match(self, path: str) -> object: ...


@dataclass(frozen=True, slots=True)
class IgnorePattern:
    """One ``.dockerignore`` line, compiled the way Docker's patternmatcher does."""

    text: str
    exclusion: bool  # a ``!pattern`` line
    regex: Matcher
    line: int


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    """The rules of a ``.dockerignore`` file."""

    path: str
    patterns: tuple[IgnorePattern, ...]

    def ignores(self, path: str) -> bool:
        """Whether ``path`` (relative, forward slashes) is left out of the context."""
        path = posixpath.normpath(path).lstrip("/")
        if path in ("", "."):
            return False
        parents = path.split("/")[:-1]
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            hit = bool(pattern.regex.match(path))
            if not hit and parents:
                for i in range(len(parents)):
                    if pattern.regex.match("/".join(parents[: i + 1])):
                        hit = True
                        break
            if hit:
                matched = not pattern.exclusion
        return matched

    @property
    def has_exclusions(self) -> bool:
        return any(p.exclusion for p in self.patterns)


@dataclass(frozen=True, slots=True)
class BuildContext:
    """The folder a Dockerfile is built from.

    ``files`` lists what reaches the builder (relative paths, ``.dockerignore``
    applied) when the folder could be read and is not too large; otherwise it
    is None and rules must not assume what the context holds.
    """

    root: str  # the folder, relative to where dlint runs
    dockerignore: DockerIgnore | None = None
    files: tuple[str, ...] | None = None
    # a .dockerignore dlint would not read, and why (then nothing is known of the context)
    unreadable: tuple[str, str] | None = None

    def matching(self, source: str) -> tuple[str, ...] | None:
        """Files a COPY source brings in: a file, a folder, or a wildcard."""
        if self.files is None:
            return None
        src = posixpath.normpath(source.strip()).lstrip("/")
        if src in ("", "."):
            return self.files
        has_glob = any(c in src for c in "*?[")
        out = []
        for f in self.files:
            if f == src or f.startswith(src + "/"):
                out.append(f)
            elif has_glob:
                parts = f.split("/")
                depth = src.count("/") + 1
                if len(parts) >= depth and fnmatchcase("/".join(parts[:depth]), src):
                    out.append(f)
        return tuple(out)
