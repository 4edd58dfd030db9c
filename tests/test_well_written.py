"""A well-written project (examples/well-written) gets no finding; the same project
with one mistake put back gets the finding for it, so the silence is not from rules
that never ran."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlint.engine import Options, lint

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "well-written"


def _lint(folder: Path, preview: bool) -> list[tuple[str, str, int]]:
    report = lint(["."], cwd=folder, options=Options(isolated=True, preview=preview))
    assert not report.failed
    assert sorted(report.files) == ["api/Dockerfile", "compose.yaml"]
    return [(d.path, d.code, d.span.line) for d in report.diagnostics]


@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_well_written_project_is_clean(preview: bool) -> None:
    assert _lint(EXAMPLE, preview) == []


# (file, text replaced, its replacement, the rule that must then fire)
MISTAKES = [
    ("compose.yaml", "redis:7.4.1-alpine", "redis", "DC310"),
    ("compose.yaml", "      - cache-data:/data\n", "", "DC201"),
    ("compose.yaml", "      - db_password\n    volumes", "      - db_pass\n    volumes", "DC001"),
    (
        "compose.yaml",
        "POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
        "POSTGRES_PASSWORD: hunter2hunter2",
        "DC309",
    ),
    (
        "compose.yaml",
        '    command: ["redis-server"',
        '    ports: ["6379:6379"]\n    command: ["redis-server"',
        "DC308",
    ),
    (
        "compose.yaml",
        '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U shop"]\n',
        "    healthcheck:\n      disable: true\n",
        "DC007",
    ),
    ("api/Dockerfile", "USER 10001:10001\n", "USER root\n", "DL3002"),
    ("api/Dockerfile", "--no-cache-dir ", "", "DL3042"),
]


@pytest.mark.parametrize(("name", "old", "new", "code"), MISTAKES, ids=[m[3] for m in MISTAKES])
def test_each_mistake_is_found(tmp_path: Path, name: str, old: str, new: str, code: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = {c for _, c, _ in _lint(project, preview=False)}
    assert code in found
