"""Shared test helpers: where the repo's fixtures and ../shared live."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"


def shared(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not present")
    return path


def load_compose(root: Path, *names: str, fragment: bool = False) -> ComposeProject:
    """The Compose project of ``names`` under ``root``, its Dockerfiles linked."""
    from dlint.files import LoadError, ProjectFiles
    from dlint.ir.dockerfile import Dockerfile
    from dlint.read_compose import read_compose_project
    from dlint.read_dockerfile import read_dockerfile

    files = ProjectFiles.around([root], root)

    def display(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    def dockerfile(path: Path, context: Path) -> Dockerfile | LoadError:
        try:
            return read_dockerfile(files, display, path, context)
        except LoadError as exc:
            return exc

    return read_compose_project(files, [root / n for n in names], fragment, display, dockerfile)
