"""The run cache: a second run with nothing changed replays the first, and any change to
what a run reads (a file, a folder, a config, an option, dlint itself) lints again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dlint import cache
from tests.conftest import run_cli, write

PROJECT = {
    "compose.yaml": (
        "services:\n"
        "  api:\n"
        "    build: ./api\n"
        "    depends_on:\n"
        "      db:\n"
        "        condition: service_healthy\n"
        "    environment:\n"
        "      API_TOKEN: ${TOKEN}\n"
        "  db:\n"
        "    build: ./db\n"
    ),
    ".env": "TOKEN=x\n",
    "api/Dockerfile": 'FROM python:3.12-slim\nUSER 10001\nCOPY app.py /app/\nCMD ["python"]\n',
    "api/app.py": "print('hi')\n",
    "db/Dockerfile": (
        "FROM postgres:16.4\nHEALTHCHECK CMD pg_isready\nRUN apt-get install -y curl\n"
    ),
}


class Runs:
    """dlint's JSON output for the project, cached, next to a run that uses no cache."""

    def __init__(self, root: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root, self.folder, self.capsys = root, folder, capsys

    def __call__(self, *args: str) -> list[tuple[str, int, str]]:
        base = ["--format", "json", "--cache-dir", str(self.folder), *args]
        _, out, _ = run_cli(base, self.root, self.capsys)
        _, fresh, _ = run_cli([*base, "--no-cache"], self.root, self.capsys)
        assert out == fresh  # whatever the cache did, the result is the fresh one
        return [(f["path"], f["line"], f["code"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runs:
    root = tmp_path / "repo"
    write(root, PROJECT)
    return Runs(root, tmp_path / "cache", capsys)


def test_a_second_run_replays_the_first(runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    first = runs()
    assert ("db/Dockerfile", 3, "DL3008") in first
    assert len(list(runs.folder.glob("*.json"))) == 1
    linted: list[int] = []
    real = cache.store

    def counting(*args: object, **kwargs: object) -> None:
        linted.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "store", counting)
    assert runs() == first
    assert linted == []  # replayed, not linted again


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS: dict[str, tuple[Callable[[Path], None], tuple[str, int, str] | None, bool]] = {
    # the edit, a finding it brings (or None), whether that finding is gone instead
    "Dockerfile": (
        lambda r: _edit(r, "db/Dockerfile", "install -y curl", "install -y curl=8.5.0-2"),
        ("db/Dockerfile", 3, "DL3008"),
        True,
    ),
    "Dockerfile a service builds": (
        lambda r: _edit(r, "db/Dockerfile", "HEALTHCHECK CMD pg_isready\n", ""),
        ("compose.yaml", 6, "DC007"),
        False,
    ),
    "compose file": (
        lambda r: _edit(
            r, "compose.yaml", "    build: ./db\n", "    build: ./db\n    privileged: true\n"
        ),
        ("compose.yaml", 11, "DC301"),
        False,
    ),
    ".env": (
        lambda r: _edit(r, ".env", "TOKEN=x\n", ""),
        ("compose.yaml", 8, "DC002"),
        False,
    ),
    ".dockerignore": (
        lambda r: (r / "api" / ".dockerignore").write_text("app.py\n", encoding="utf-8"),
        ("api/Dockerfile", 3, "DF401"),
        False,
    ),
    "config": (
        lambda r: (r / ".dlint.toml").write_text('ignore = ["DL3008"]\n', encoding="utf-8"),
        ("db/Dockerfile", 3, "DL3008"),
        True,
    ),
    "new file": (
        lambda r: write(r, {"web/Dockerfile": "FROM nginx\n"}),
        ("web/Dockerfile", 1, "DL3006"),
        False,
    ),
    "deleted file": (
        lambda r: (r / "db" / "Dockerfile").unlink(),
        ("db/Dockerfile", 3, "DL3008"),
        True,
    ),
}


@pytest.mark.parametrize("what", sorted(EDITS))
def test_an_edit_between_runs_lints_again(runs: Runs, what: str) -> None:
    edit, finding, gone = EDITS[what]
    args = ("--extend-select", "DF401")
    before = runs(*args)
    assert runs(*args) == before
    edit(runs.root)
    after = runs(*args)
    assert finding is not None
    assert (finding in before, finding in after) == ((True, False) if gone else (False, True))


def test_other_options_are_another_run(runs: Runs) -> None:
    everything = runs()
    assert ("db/Dockerfile", 3, "DL3008") in everything
    assert runs("--select", "DC007") == []
    assert runs() == everything


def test_an_upgrade_lints_again(runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    runs()
    key = next(runs.folder.glob("*.json")).stem
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    runs()
    assert {p.stem for p in runs.folder.glob("*.json")} - {key}  # a new entry


def test_no_cache_writes_nothing_and_the_tree_is_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    write(root, PROJECT)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    run_cli(["--cache-dir", str(tmp_path / "c"), "--no-cache", "."], root, capsys)
    assert not (tmp_path / "c").exists()
    run_cli(["--cache-dir", str(tmp_path / "c"), "."], root, capsys)
    assert (tmp_path / "c").is_dir()
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_a_broken_entry_is_linted_again(runs: Runs) -> None:
    first = runs()
    for entry in runs.folder.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert runs() == first


def test_a_cache_that_cannot_be_written_costs_only_speed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    write(root, PROJECT)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    code, out, err = run_cli(["--cache-dir", str(blocked), "--format", "json", "."], root, capsys)
    _, fresh, _ = run_cli(["--no-cache", "--format", "json", "."], root, capsys)
    assert (code, out, err) == (1, fresh, "")
    assert blocked.read_text(encoding="utf-8") == "not a folder\n"


def test_a_configured_cache_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cache-dir` in the config of the folder dlint runs in, relative to that config;
    the folder is not linted, and nothing else in the tree is written."""
    monkeypatch.delenv("DLINT_CACHE_DIR")
    root = tmp_path / "repo"
    write(root, {**PROJECT, ".dlint.toml": 'cache-dir = ".dlint_cache"\n'})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    first = run_cli(["--format", "json", "."], root, capsys)
    entries = list((root / ".dlint_cache").glob("*.json"))
    assert len(entries) == 1
    assert run_cli(["--format", "json", "."], root, capsys) == first
    assert (
        sorted(p.relative_to(root) for p in root.rglob("*") if ".dlint_cache" not in p.parts)
        == before
    )
    assert list((root / ".dlint_cache").glob("*.json")) == entries  # replayed, not written again
    _edit(root, "db/Dockerfile", "install -y curl", "install -y curl=8.5.0-2")
    again = run_cli(["--format", "json", "."], root, capsys)
    assert again != first and "DL3008" not in again[1]
