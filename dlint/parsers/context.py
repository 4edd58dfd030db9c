"""Read a build context: its ``.dockerignore`` and the files that reach the builder.

Pattern handling follows Docker's ``moby/patternmatcher`` and
``dockerignore.ReadAll`` (Apache-2.0): comments, ``!`` exceptions, ``**``,
cleaning of each pattern, and "a path is ignored when it or a parent folder
matches". No maintained Python library implements Docker's variant (pathspec
implements .gitignore, whose rules differ), hence this module.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dlint.ir.context import BuildContext, DockerIgnore, IgnorePattern

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


def _compile(pattern: str) -> re.Pattern[str]:
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
        elif ch in ".+()|{}$":
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
        elif ch == "^":
            out.append("\\^")
        else:
            out.append(ch)
    out.append(r"\Z")
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(re.escape(pattern) + r"\Z")


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


def find_dockerignore(dockerfile: Path, context: Path) -> Path | None:
    """``<Dockerfile>.dockerignore`` beside the Dockerfile wins over the context's."""
    specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if specific.is_file():
        return specific
    general = context / ".dockerignore"
    if general.is_file():
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


def load_context(root: Path, dockerfile: Path, display_root: str, want_files: bool) -> BuildContext:
    """The context at ``root``; the file list only when ``want_files``."""
    ignore_path = find_dockerignore(dockerfile, root)
    ignore = None
    if ignore_path is not None:
        try:
            text = ignore_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        ignore = parse_dockerignore(text, ignore_path.as_posix())
    files = list_context(root, ignore) if want_files and root.is_dir() else None
    return BuildContext(display_root, ignore, files)
