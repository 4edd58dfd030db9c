"""Find the files to lint and tell what kind each one is."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dlint.cache import note, note_folder

# "maybe-compose": a YAML file with "compose" in its name; it is a Compose file when
# its top level says so (see parsers.compose.sniff)
Kind = Literal["dockerfile", "compose", "maybe-compose"]

# ``Dockerfile.<ext>`` files that are something else (templates, docs, ignore files).
NOT_DOCKERFILE_SUFFIXES = frozenset(
    {
        "dockerignore", "md", "rst", "txt", "j2", "jinja", "jinja2", "tmpl", "tpl", "template",
        "in", "erb", "go", "py", "sh", "ps1", "json", "yaml", "yml", "toml", "orig", "rej",
        "bak", "swp", "patch", "diff", "lock", "sum", "mod", "html", "sample", "example",
    }
)  # fmt: skip


# compose.yaml, docker-compose.prod.yml...: Compose files by name alone
_COMPOSE = re.compile(r"^(?:docker-)?compose(?!r).*\.ya?ml$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Target:
    path: Path
    kind: Kind
    explicit: bool  # named on the command line, not found by walking


# Compose's default file names, in the order it looks for them, and its overrides.
DEFAULT_COMPOSE = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_COMPOSE = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)


def classify(name: str) -> Kind | None:
    """The kind of a file from its name, or None when dlint does not lint it."""
    if _COMPOSE.match(name):
        return "compose"
    lower = name.lower()
    if "compose" in lower and lower.endswith((".yml", ".yaml")):
        return "maybe-compose"  # fetchmail-compose.yaml, or a YAML file about Compose
    if lower in ("dockerfile", "containerfile"):
        return "dockerfile"
    if lower.endswith(".dockerfile") or lower.endswith(".containerfile"):
        return "dockerfile"
    for stem in ("dockerfile.", "containerfile."):
        if lower.startswith(stem):
            suffix = lower[len(stem) :].rsplit(".", 1)[-1]
            return None if suffix in NOT_DOCKERFILE_SUFFIXES else "dockerfile"
    return None


def named_kind(name: str) -> Kind:
    """The kind of a file named on purpose (on the command line, open in an editor):
    its name's kind, else a Compose file for YAML and a Dockerfile for anything else."""
    suffix = Path(name).suffix.lower()
    return classify(name) or ("compose" if suffix in (".yaml", ".yml") else "dockerfile")


class MissingPath(Exception):
    """A path given on the command line does not exist."""


def _nothing_excluded(path: Path) -> bool:
    return False


def discover(
    paths: list[str],
    excluded: Callable[[Path], bool] = _nothing_excluded,
    cwd: Path | None = None,
    virtual: Collection[str] = (),
    each: Callable[[], None] | None = None,
) -> list[Target]:
    """Files to lint under ``paths`` (files are taken as given), sorted, unique.

    Relative paths start at ``cwd`` (default: the working directory).
    ``excluded`` is asked about every folder and file met while walking. The absolute
    paths in ``virtual`` are files whether or not they exist (standard input, an
    editor's unsaved buffer). ``each`` is told of each file found in a folder, as it
    is found.
    """
    found: dict[Path, Target] = {}
    for raw in paths:
        path = cwd / raw if cwd is not None else Path(raw)
        note(path)
        if path.is_dir():
            for target in _walk(path, excluded, each):
                found.setdefault(target.path, target)
        elif path.is_file() or path.exists() or os.path.abspath(path) in virtual:
            kind = named_kind(path.name)
            found[path] = Target(path, kind, explicit=True)
        else:
            raise MissingPath(raw)
    return sorted(found.values(), key=lambda t: t.path.as_posix())


def _walk(
    root: Path, excluded: Callable[[Path], bool], each: Callable[[], None] | None
) -> list[Target]:
    """Files with a lintable name under ``root``; never inside ``.git``.

    Whatever such a file is (a symlink, a FIFO, a device), it is a target: the
    reader refuses what it must not open, and the refusal is reported.
    """
    out: list[Target] = []
    for folder, dirs, files in os.walk(root):
        note_folder(folder)
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d.lower() != ".git" and not excluded(here / d))
        for name in files:
            kind = classify(name)
            path = here / name
            if kind is not None and not excluded(path):
                out.append(Target(path, kind, explicit=False))
                if each is not None:
                    each()
    return out


@dataclass(frozen=True, slots=True)
class ComposeGroup:
    """Compose files loaded as one project, in merge order."""

    files: tuple[Path, ...]
    fragment: bool  # an override or variant read without its base


def group_compose(targets: list[Target]) -> list[ComposeGroup]:
    """Projects as ``docker compose`` would form them in each folder.

    The first default file (``compose.yaml``...) and its override are one
    project. Every other compose file is read on its own as a fragment: such
    files are usually merged over the base with ``-f``, so references they
    leave to the base are not reported.
    """
    by_folder: dict[Path, list[Path]] = {}
    for t in targets:
        if t.kind == "compose":
            by_folder.setdefault(t.path.parent, []).append(t.path)
    groups: list[ComposeGroup] = []
    for folder in sorted(by_folder):
        files = {p.name: p for p in by_folder[folder]}
        base = next((files[n] for n in DEFAULT_COMPOSE if n in files), None)
        used: set[str] = set()
        if base is not None:
            prefer = "docker-compose" if base.name.startswith("docker-") else "compose"
            overrides = sorted(
                (n for n in OVERRIDE_COMPOSE if n in files),
                key=lambda n: (not n.startswith(prefer + "."), OVERRIDE_COMPOSE.index(n)),
            )
            chosen = [base] + ([files[overrides[0]]] if overrides else [])
            used.update(p.name for p in chosen)
            groups.append(ComposeGroup(tuple(chosen), False))
        for name in sorted(files):
            if name not in used:
                # a variant (compose.prod.yaml) is usually merged over the base with -f
                groups.append(ComposeGroup((files[name],), True))
    return groups


def compose_above(
    path: Path,
    root: Path,
    excluded: Callable[[Path], bool],
    seen: set[Path] | None = None,
    own_folder: bool = False,
) -> list[Target]:
    """Compose files in the folders above ``path``, up to ``root``: the projects that may
    include it (a file named on the command line is then linted as part of them); with
    ``own_folder``, the folder of ``path`` too. The folders in ``seen`` are skipped, and
    those looked at are added to it."""
    out: list[Target] = []
    folder = path.parent if own_folder else path.parent.parent
    while folder == root or root in folder.parents:
        if seen is not None:
            if folder in seen:
                break  # it and the folders above it were looked at for another file
            seen.add(folder)
        note_folder(folder)
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            names = []
        for name in names:
            kind = classify(name)
            candidate = folder / name
            if kind in ("compose", "maybe-compose") and not excluded(candidate):
                out.append(Target(candidate, kind, explicit=False))
        if folder == root:
            break
        folder = folder.parent
    return out
