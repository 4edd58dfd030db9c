"""Many files named on the command line (what pre-commit passes): each folder above them
is looked in once, and each file's root is found without comparing it to every root."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlint import discovery
from dlint.engine import Options, lint
from tests.conftest import write


def test_the_folders_above_named_files_are_listed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"team{t}/svc{s}/compose.yaml": "services:\n  a:\n    image: nginx:1.27\n"
             for t in range(5) for s in range(10)}  # fmt: skip
    files["compose.yaml"] = "services:\n  b:\n    image: nginx:1.27\n"
    write(tmp_path, files)
    listed: list[str] = []
    real = discovery.os.listdir

    def counting(path: str | Path) -> list[str]:
        if Path(path).is_relative_to(tmp_path):
            listed.append(str(path))
        return real(path)

    monkeypatch.setattr(discovery.os, "listdir", counting)
    named = [f"team{t}/svc{s}/compose.yaml" for t in range(5) for s in range(10)]
    report = lint(named, tmp_path, Options(isolated=True))
    assert len(listed) == len(set(listed)) == 6  # the five team folders and the root
    assert report.files == tuple(sorted(named))
