"""Worker processes: a run of many Dockerfiles shared among processes reports exactly what
one process does, and a cached run knows what the workers read."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dlint import parts, pool
from dlint.engine import Options, lint
from dlint.registry import all_rules
from dlint.reporters import get_reporter
from dlint.run import Run
from tests.conftest import run_cli, shared, write

# Each kind of fact a Dockerfile linted apart leaves for the rest of the run.
KINDS = {
    "plain": "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    "suppressed": "FROM debian:12\n# dlint: ignore=DL3008\nRUN apt-get install -y curl\n",
    "useless": "FROM debian:12\n# dlint: ignore=DL3020\nRUN true\n",
    "strict": "# check=error=true\nFROM debian:12 as Build\nRUN true\n",
    "experimental": "# check=experimental=CopyIgnoredFile\nFROM debian:12\nCOPY secret /s\n",
    "dead-stage": "FROM debian:12 AS tools\nRUN true\nFROM debian:12\nRUN true\n",
    "host-network": "FROM debian:12\nRUN --network=host curl example.com\n",
    "broken": "FROM debian:12\nRUN <<EOF\n",
    "not-utf8": b"FROM debian:12\nLABEL a=\xff\n",
}


def _project(root: Path, copies: int) -> Path:
    files: dict[str, str | bytes] = {}
    for i in range(copies):
        for kind, text in KINDS.items():
            files[f"{kind}-{i}/Dockerfile"] = text
    files["experimental-0/.dockerignore"] = "secret\n"
    files["experimental-0/secret"] = "x\n"
    # a Dockerfile a service builds stays with the project rules
    files["app/compose.yaml"] = "services:\n  app:\n    build: .\n    network_mode: host\n"
    files["app/Dockerfile"] = KINDS["dead-stage"]
    return write(root, files)


def _json(root: Path, jobs: int) -> str:
    options = Options(isolated=True, preview=True, select=("ALL",), ignore=("SC",), jobs=jobs)
    report = lint(["."], root, options)
    return get_reporter("json")(report)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each time parts were handed to worker processes, how many."""
    handed: list[int] = []
    real: Callable[..., Any] = pool.Spread.results

    def results(self: pool.Spread[Any, Any], *args: Any, **kwargs: Any) -> Any:
        handed.append(len(self._futures))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pool.Spread, "results", results)
    monkeypatch.setattr(pool, "MIN_ITEMS", 2)
    return handed


def test_workers_report_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, copies=3)
    alone = _json(root, jobs=1)
    used = _spy(monkeypatch)
    assert _json(root, jobs=2) == alone
    assert used and used[0] > 1  # the parts were done by the workers
    found = {
        (f["path"].split("/")[0], f["name"], f["severity"]) for f in json.loads(alone)["findings"]
    }
    for kind, name, severity in [
        ("plain-2", "apt-version-unpinned", "warning"),
        ("useless-1", "unused-suppression", "warning"),
        ("strict-0", "from-as-casing", "error"),  # made an error by check=error=true
        ("experimental-0", "copy-ignored-file", "warning"),
        ("dead-stage-0", "dead-stage", "info"),
        ("host-network-0", "host-network", "warning"),
        ("broken-0", "parse-error", "error"),
        ("app", "dead-stage", "info"),
    ]:
        assert (kind, name, severity) in found
    assert not any(
        kind == "suppressed-0" and name == "apt-version-unpinned" for kind, name, _ in found
    )


def test_the_process_that_reports_reads_no_linted_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers quote the lines their findings point at (for fingerprints) and read
    the suppressions written in Compose files: the report is the same, and the process
    that makes it does not read those files again."""
    root = _project(tmp_path, copies=3)
    quiet = (
        "services:\n  app:\n    image: nginx:1.27\n"
        "    # dlint: ignore=host-network\n    network_mode: host\n"
        "    # dlint: ignore=DL3008\n    restart: always\n"
    )
    write(root, {f"quiet-{i}/compose.yaml": quiet for i in range(8)})  # parts for workers
    options = Options(isolated=True, preview=True, select=("ALL",), ignore=("SC",))

    def found(jobs: int) -> list[tuple[str, str, int, str]]:
        report = lint(["."], root, replace(options, jobs=jobs))
        return [(d.path, d.code, d.span.line, d.fingerprint) for d in report.diagnostics]

    alone = found(1)
    assert all(fingerprint for *_, fingerprint in alone)
    assert not any(p == "quiet-7/compose.yaml" and c == "DC301" for p, c, *_ in alone)
    assert ("quiet-7/compose.yaml", "DM003", 6) in {(p, c, n) for p, c, n, _ in alone}
    used = _spy(monkeypatch)
    read: list[str] = []
    real = Run.lines

    def lines(self: Run, display: str) -> list[str] | None:
        read.append(display)
        return real(self, display)

    monkeypatch.setattr(Run, "lines", lines)
    assert found(2) == alone
    assert used and used[0] > 1
    # but for the findings of rules that compare projects, made where the workers'
    # facts meet
    concluded = {r.code for r in all_rules() if r.gather is not None}
    assert set(read) <= {p for p, code, *_ in alone if code in concluded}
    monkeypatch.setattr("dlint.engine.QUOTED_KEPT", 3)  # a run of more findings than kept
    assert found(2) == alone
    monkeypatch.setattr("dlint.engine.QUOTED_KEPT", 10_000)
    monkeypatch.setattr("dlint.parts.QUOTE_MAX", 10)  # lines too long to quote
    assert found(2) == alone
    assert len(set(read)) > len({p for p, code, *_ in alone if code in concluded})


def test_small_runs_stay_in_one_process() -> None:
    assert pool.workers_for(pool.MIN_ITEMS - 1, jobs=0) == 0
    assert pool.workers_for(1000, jobs=1) == 0
    assert pool.workers_for(1000, jobs=3) == 3


@pytest.mark.parametrize("count", [0, 1, 5, 30, 427, 5000])
@pytest.mark.parametrize("workers", [0, 2, 8])
def test_parts_are_runs_of_neighbours_large_first_small_last(count: int, workers: int) -> None:
    """The workers end together: no worker is left with a large part at the end."""
    items = list(range(count))
    cut = pool.chunks(items, workers)
    assert [i for part in cut for i in part] == items
    sizes = [len(part) for part in cut]
    assert sizes == sorted(sizes, reverse=True)
    assert all(0 < n <= pool.MAX_CHUNK for n in sizes)
    if workers and count > pool.MIN_CHUNK * workers * pool.CHUNKS_PER_WORKER:
        assert sizes[-2] == pool.MIN_CHUNK  # the last parts are small
        assert sizes[0] > pool.MIN_CHUNK


def _waits_for_the_last(folder: Path, part: list[int]) -> str:
    """Part 0 waits (at most 20 s) for the last part to be done, which marks it done."""
    import time

    if part == [0]:
        deadline = time.monotonic() + 20
        while not (folder / "last").exists():
            if time.monotonic() > deadline:
                return "the last part was not handed out"
            time.sleep(0.01)
        return "done after the last"
    if part == [9]:
        (folder / "last").write_text("")
    return "done"


def test_a_worker_is_not_left_waiting_while_the_caller_waits_for_another(
    tmp_path: Path,
) -> None:
    """The parts a worker ends make room for more, while the caller waits for a part
    another worker still does (it takes the results in order)."""
    spread: pool.Spread[int, str] = pool.Spread(_waits_for_the_last, _folder, (tmp_path,), 2)
    spread.hand([[i] for i in range(10)])
    results = list(spread.results(tmp_path))
    assert results == ["done after the last", *["done"] * 9]


def _folder(folder: Path) -> Path:
    return folder


def test_a_pool_that_fails_leaves_its_work_to_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, copies=3)
    alone = _json(root, jobs=1)
    monkeypatch.setattr(pool, "MIN_ITEMS", 2)

    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    assert _json(root, jobs=2) == alone


def test_a_cached_run_sees_an_edit_to_a_file_a_worker_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "repo", copies=3)
    used = _spy(monkeypatch)
    args = ["--isolated", "--format", "json", "--jobs", "2", "--cache-dir", str(tmp_path / "c")]
    _, first, _ = run_cli(args, root, capsys)
    assert used
    _, again, _ = run_cli(args, root, capsys)
    assert again == first
    (root / "plain-2" / "Dockerfile").write_text("FROM debian:12\nRUN true\n")
    _, edited, _ = run_cli(args, root, capsys)
    assert '"plain-2/Dockerfile"' in first and '"plain-2/Dockerfile"' not in edited


def test_workers_on_the_corpus_report_what_one_process_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = shared("corpus")
    options = Options(isolated=True, ignore=("SC",), jobs=1)
    alone = get_reporter("json")(lint([str(corpus)], corpus.parent, options))
    used = _spy(monkeypatch)
    pooled = lint([str(corpus)], corpus.parent, Options(isolated=True, ignore=("SC",), jobs=2))
    assert used and get_reporter("json")(pooled) == alone


_PARENT = os.getpid()
_REAL_PART = parts.lint_part


def _dies_in_a_worker(state: Any, paths: list[Path]) -> Any:
    if os.getpid() != _PARENT:
        os._exit(1)
    return _REAL_PART(state, paths)


def test_a_worker_that_dies_leaves_its_work_to_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, copies=3)
    alone = _json(root, jobs=1)
    handed = _spy(monkeypatch)
    monkeypatch.setattr(parts, "lint_part", _dies_in_a_worker)
    assert _json(root, jobs=2) == alone
    assert handed and handed[0] > 1


def test_what_a_worker_sends_back_arrives_whole() -> None:
    """Findings and what the files leave are pickled field by field: every field
    arrives (a field added to one of them must be sent too)."""
    import pickle

    from dlint.edits import Edit, Fix
    from dlint.ir.common import Severity, Span
    from dlint.report import Diagnostic

    span = Span(1, 2, 3, 4)
    fix = Fix("title", (Edit(span, "text"),), safe=False)
    found = Diagnostic(
        "DL3008", "name", Severity.INFO, "a/Dockerfile", span, "m", "f", True, "DL", fix
    )
    linted = parts.Linted("a/Dockerfile", (found,), (found,), (), True, ("X",))
    built = parts.Built("/a/Dockerfile", "/a", (span, "why"), found, linted)
    loaded = parts.Loaded(
        ("c.yaml",), True, (("a", "b"),), frozenset({"n"}), frozenset({"g"}), (found,),
        ("note",), (("K", "V"),), (found,), (("DF", (1,)),), (("c.yaml", ()),),
    )  # fmt: skip
    done = parts.Done(((0, loaded, (built,)),), (linted,), (found,), True, None, (("p", 1, "x"),))
    for value in (span, fix, found, linted, built, loaded, done):
        assert pickle.loads(pickle.dumps(value)) == value
        assert type(value).__reduce__ is not object.__reduce__
