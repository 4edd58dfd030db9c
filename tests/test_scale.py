"""A run reads its Compose projects one at a time and keeps what its report needs (the
findings, and a few facts of each file), not the files it read: what it reports is
what it would report if it kept everything."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from dlint import engine, parts, pool, run
from dlint.engine import Options, lint
from dlint.ir.compose import ComposeProject
from dlint.ir.dockerfile import Dockerfile
from dlint.reporters import get_reporter
from tests.conftest import write
from tests.test_pool import KINDS

SECOND = "FROM debian:12\nRUN --network=host true\n"  # what a second project builds alone


def _projects(root: Path, copies: int) -> Path:
    """``copies`` projects whose services build one Dockerfile of each kind, and for
    each one a second project, in another folder, that builds the same Dockerfiles
    (with other targets) and one of its own."""
    files: dict[str, str | bytes] = {}
    for i in range(copies):
        first = ["services:"]
        second = ["services:"]
        for kind, text in KINDS.items():
            files[f"p{i}/{kind}/Dockerfile"] = text
            first.append(f"  {kind}:\n    build: ./{kind}\n    network_mode: host")
            target = "\n      target: tools" if kind == "dead-stage" else ""
            second.append(f"  {kind}:\n    build:\n      context: ../p{i}/{kind}{target}")
        files[f"p{i}/compose.yaml"] = "\n".join(first) + "\n"
        second.append("  own:\n    build: ./own")
        files[f"q{i}/compose.yaml"] = "\n".join(second) + "\n"
        files[f"q{i}/own/Dockerfile"] = SECOND
        # a subnet each project declares: two of them overlap across projects
        files[f"n{i}/compose.yaml"] = (
            "services:\n  a:\n    image: nginx:1.27\n    networks: [n]\n"
            f"networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.{i // 2}.0.0/16\n"
        )
    return write(root, files)


def _json(root: Path) -> str:
    options = Options(isolated=True, preview=True, select=("ALL",), ignore=("SC",), jobs=1)
    return get_reporter("json")(lint(["."], root, options))


def test_dockerfiles_read_again_report_what_they_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _projects(tmp_path, copies=4)
    monkeypatch.setattr(run, "DOCKERFILES_KEPT", 10_000)
    kept = _json(root)
    monkeypatch.setattr(run, "DOCKERFILES_KEPT", 1)  # each one read again when asked
    monkeypatch.setattr(parts, "APART", 1)
    assert _json(root) == kept
    found = kept.count('"name": "overlapping-subnets"')
    assert found == 2  # the subnets of two projects, compared
    # one project builds the stage the other does not
    assert '"name": "dead-stage"' not in kept and '"name": "host-network"' in kept


def test_a_run_keeps_no_project_and_few_dockerfiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _projects(tmp_path, copies=12)  # 12 * 10 Dockerfiles
    alive: dict[str, int] = {}
    real = engine._report

    def report(run: Any, *args: Any) -> Any:
        gc.collect()
        objects = gc.get_objects()
        alive["projects"] = sum(isinstance(o, ComposeProject) for o in objects)
        alive["dockerfiles"] = sum(isinstance(o, Dockerfile) for o in objects)
        return real(run, *args)

    monkeypatch.setattr(engine, "_report", report)
    lint(["."], root, Options(isolated=True, ignore=("SC",), jobs=1))
    assert alive["projects"] == 0
    assert alive["dockerfiles"] <= run.DOCKERFILES_KEPT < 120


def _contexts(root: Path) -> Path:
    """Two Dockerfiles services build: one with the build context it has alone (its
    folder), one with its project's folder; and others that no service builds."""
    files: dict[str, str | bytes] = {
        "svc/.dockerignore": "secret.txt\n",
        "svc/docker/Dockerfile": "FROM debian:12\nCOPY secret.txt /s\n",
        "svc/compose.yaml": (
            "services:\n  a:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n"
        ),
        "same/.dockerignore": "secret.txt\n",
        "same/Dockerfile": "FROM debian:12\nCOPY secret.txt /s\n",
        "same/compose.yaml": "services:\n  b:\n    build: .\n",
    }
    for i in range(8):
        files[f"alone-{i}/Dockerfile"] = "FROM debian:12\nCOPY secret.txt /s\n"
    return write(root, files)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_dockerfile_a_service_builds_is_linted_with_its_build_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    root = _contexts(tmp_path)
    monkeypatch.setattr(pool, "MIN_ITEMS", 2)  # workers, even for so few files
    options = Options(isolated=True, select=("DF401",), jobs=jobs)
    found = sorted((d.path, d.span.line) for d in lint(["."], root, options).diagnostics)
    # the one the project reads with the project's folder sees that folder's .dockerignore
    assert found == [("same/Dockerfile", 2), ("svc/docker/Dockerfile", 2)]


def test_the_first_project_to_build_a_dockerfile_gives_it_its_build_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Project `a` builds shared/Dockerfile with the whole tree as its build context;
    project `b`, read later (maybe in another worker), with the Dockerfile's folder."""
    write(
        tmp_path,
        {
            ".dockerignore": "secret.txt\n",  # in a's build context only
            "shared/Dockerfile": "FROM debian:12\nCOPY secret.txt /s\n",
            "a/compose.yaml": (
                "services:\n  a:\n    build:\n      context: ..\n"
                "      dockerfile: shared/Dockerfile\n"
            ),
            "b/compose.yaml": "services:\n  b:\n    build: ../shared\n",
            **{f"alone-{i}/Dockerfile": "FROM debian:12\n" for i in range(6)},
        },
    )
    monkeypatch.setattr(pool, "MIN_ITEMS", 2)
    for jobs in (1, 2):
        options = Options(isolated=True, select=("DF401",), jobs=jobs)
        found = [(d.path, d.span.line) for d in lint(["."], tmp_path, options).diagnostics]
        assert found == [("shared/Dockerfile", 2)], jobs


def test_workers_start_while_the_files_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _projects(tmp_path, copies=3)
    one = _json(root)
    monkeypatch.setattr(pool, "MIN_ITEMS", 4)
    started: list[bool] = []
    real = engine._start

    def start(run: Any, *args: Any) -> Any:
        started.append(run.work is not None and run.work.workers > 0)
        return real(run, *args)

    monkeypatch.setattr(engine, "_start", start)
    options = Options(isolated=True, preview=True, select=("ALL",), ignore=("SC",), jobs=2)
    assert get_reporter("json")(lint(["."], root, options)) == one
    assert started == [True]  # the workers had started before the work was cut in parts


def test_each_dockerfile_of_a_large_project_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More Dockerfiles than a run keeps at hand, all built by one project."""
    n = run.DOCKERFILES_KEPT + 10
    files: dict[str, str | bytes] = {f"s{i}/Dockerfile": "FROM debian:12\n" for i in range(n)}
    files["compose.yaml"] = "services:\n" + "".join(
        f"  s{i}:\n    build: ./s{i}\n" for i in range(n)
    )
    write(tmp_path, files)
    import dlint.read_dockerfile

    read: list[Path] = []
    real = dlint.read_dockerfile.read_dockerfile

    def counted(*args: Any) -> Any:
        read.append(args[2])
        return real(*args)

    monkeypatch.setattr(dlint.read_dockerfile, "read_dockerfile", counted)
    lint(["."], tmp_path, Options(isolated=True, jobs=1))
    assert len(read) == n == len(set(read))


def test_a_run_that_stops_early_leaves_no_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from dlint.discovery import MissingPath

    root = _projects(tmp_path, copies=2)
    monkeypatch.setattr(pool, "MIN_ITEMS", 2)  # the workers start while p0 is walked
    with pytest.raises(MissingPath):
        lint(["p0", "missing"], root, Options(isolated=True, jobs=2))
    assert multiprocessing.active_children() == []
