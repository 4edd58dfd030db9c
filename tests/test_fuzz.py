"""Property tests: any project, however broken, lints cleanly; output is deterministic.

A short budget runs here; ``python benchmarks/fuzz.py`` runs the same
properties for as long as asked (see its docstring).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlint.engine import lint
from dlint.reporters import FORMATS, get_reporter
from tests.conftest import FIXTURES, SHARED
from tests.fuzz_cases import Project, check, projects

FUZZ = settings(
    max_examples=int(os.environ.get("DLINT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(projects())
def test_mutated_projects_lint_cleanly(files: Project) -> None:
    check(files)


@FUZZ
@given(st.binary(max_size=4_000), st.sampled_from(["Dockerfile", "compose.yaml", ".env"]))
def test_random_bytes_lint_cleanly(data: bytes, name: str) -> None:
    check({name: data, "compose.yaml" if name == ".env" else "x": b"services: {}\n"})


def _render(paths: list[str], cwd: Path) -> dict[str, str]:
    report = lint(paths, cwd=cwd)
    return {fmt: get_reporter(fmt)(report) for fmt in FORMATS}


class _Listing:
    """A folder's entries in a given order, usable as ``os.scandir``'s iterator is."""

    def __init__(self, entries: list[os.DirEntry[str]]) -> None:
        self._entries = iter(entries)

    def __iter__(self) -> _Listing:
        return self

    def __next__(self) -> os.DirEntry[str]:
        return next(self._entries)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None


def test_output_does_not_depend_on_listing_order(monkeypatch: pytest.MonkeyPatch) -> None:
    folders = [FIXTURES]
    if (SHARED / "corpus").is_dir():
        folders.append(SHARED / "corpus")
    first = {folder: _render([str(folder)], folder) for folder in folders}
    assert _render([str(FIXTURES)], FIXTURES) == first[FIXTURES]  # twice: the same bytes
    walk, scandir = os.walk, os.scandir

    def reversed_walk(top: str, *args: object, **kwargs: object) -> Iterator[object]:
        for folder, dirs, files in walk(top, *args, **kwargs):  # type: ignore[arg-type]
            dirs.reverse()
            files.reverse()
            yield folder, dirs, files

    def reversed_scandir(path: str = ".") -> _Listing:
        with scandir(path) as entries:
            return _Listing(list(reversed(list(entries))))

    monkeypatch.setattr(os, "walk", reversed_walk)
    monkeypatch.setattr(os, "scandir", reversed_scandir)
    for folder in folders:
        assert _render([str(folder)], folder) == first[folder], folder
