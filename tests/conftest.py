"""Shared test helpers: where the repo's fixtures and ../shared live."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject

REPO = Path(__file__).resolve().parents[1]
# the `dlint` commands tests start run in their own process, leaving no resident one
# (tests/test_resident.py starts its own, in a folder of its own)
os.environ["DLINT_RESIDENT"] = "0"
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"


def shared(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not present")
    return path


def write(root: Path, files: dict[str, str] | dict[str, bytes] | dict[str, str | bytes]) -> Path:
    """Write ``files`` (name -> text or bytes) under ``root``; return ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_cli(args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """dlint's exit code, stdout and stderr for ``args``, run in ``cwd``."""
    from dlint.cli import main

    old = Path.cwd()
    os.chdir(cwd)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(args)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


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


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's command-line runs cache into a folder of their own (never the user's)."""
    monkeypatch.setenv("DLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
