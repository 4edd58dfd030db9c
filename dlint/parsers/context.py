"""Read a build context: its ``.dockerignore`` and the files that reach the builder.

Pattern handling follows Docker's ``moby/patternmatcher`` and
``dockerignore.ReadAll`` (Apache-2.0): comments, ``!`` exceptions, ``**``,
cleaning of each pattern, and "a path is ignored when it or a parent folder
matches". No maintained Python library implements Docker's variant (pathspec
implements .gitignore, whose rules differ), hence this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dlint.cache import note, note_folder
from dlint.files import LoadError, ProjectFiles
from dlint.ir.context import BuildContext, DockerIgnore, IgnorePattern, Matcher
from dlint.parsers.goregex import compile_go

# Past this many entries the context is "large": rules get no file list.
MAX_CONTEXT_ENTRIES = 20_000
_SKIP_ALWAYS = frozenset({".git", ".hg", ".svn"})


def _clean(path: str) -> str:
    """Go's filepath.Clean for slash paths."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def _regex(pattern: str) -> str:
    """The Go regular expression patternmatcher builds for a cleaned pattern."""
    out = ["^"]
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    out.append(".*")
                else:
                    out.append("(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch in ".+()|{}$^":
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append("\\" + pattern[i])
                i += 1
            else:
                out.append("\\\\")
        else:
            out.append(ch)
    out.append("$")
    return "".join(out)


class _Literal:
    """A pattern Go cannot compile: matched as plain text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def match(self, path: str) -> bool:
        return path == self.text


def _compile(pattern: str) -> Matcher:
    return compile_go(_regex(pattern)) or _Literal(pattern)


def parse_dockerignore(text: str, path: str) -> DockerIgnore:
    """The patterns of a ``.dockerignore`` file's text."""
    patterns: list[IgnorePattern] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    for lineno, raw in enumerate(text.split("\n"), start=1):
        if raw.startswith("#"):
            continue
        pattern = raw.strip()
        if not pattern:
            continue
        exclusion = pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = _clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        if not pattern:
            continue
        patterns.append(IgnorePattern(pattern, exclusion, _compile(pattern), lineno))
    return DockerIgnore(path, tuple(patterns))


def find_dockerignore(files: ProjectFiles, dockerfile: Path, context: Path) -> Path | None:
    """``<Dockerfile>.dockerignore`` beside the Dockerfile wins over the context's."""
    specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
    note(specific)
    if os.path.lexists(specific):
        return specific
    general = context / ".dockerignore"
    note(general)
    if os.path.lexists(general):
        return general
    return None


def list_context(root: Path, ignore: DockerIgnore | None) -> tuple[str, ...] | None:
    """Files under ``root`` that reach the builder; None if unreadable or too large."""
    files: list[str] = []
    seen = 0
    prune = ignore is not None and not ignore.has_exclusions
    stack = [""]
    while stack:
        rel = stack.pop()
        note_folder(root / rel if rel else root)
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except OSError:
            if not rel:
                return None
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_CONTEXT_ENTRIES:
                return None
            name = entry.name
            child = f"{rel}/{name}" if rel else name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name in _SKIP_ALWAYS and not rel:
                    # VCS data is sent too, but no rule cares; keep it out of the list
                    continue
                if prune and ignore is not None and ignore.ignores(child):
                    continue
                stack.append(child)
            elif ignore is None or not ignore.ignores(child):
                files.append(child)
    files.sort()
    return tuple(files)


def load_context(
    files: ProjectFiles,
    display: Callable[[Path], str],
    root: Path,
    dockerfile: Path,
    want_files: bool,
) -> BuildContext:
    """The context at ``root``; the file list only when ``want_files``.

    A ``.dockerignore`` that cannot be read (outside the project, not a regular
    file, too large) leaves the context unknown: rules then assume nothing.
    """
    ignore_path = find_dockerignore(files, dockerfile, root)
    ignore = None
    if ignore_path is not None:
        try:
            text = files.read_bytes(ignore_path).decode("utf-8", errors="replace")
        except LoadError as exc:
            return BuildContext(display(root), unreadable=(display(ignore_path), exc.reason))
        ignore = parse_dockerignore(text, display(ignore_path))
    listed = list_context(root, ignore) if want_files and files.is_dir(root) else None
    return BuildContext(display(root), ignore, listed)
