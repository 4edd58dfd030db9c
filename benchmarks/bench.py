"""Time dlint over a folder (default: ../shared/corpus) and on one small file.

    python benchmarks/bench.py [FOLDER] [--runs N] [--hadolint]

Each measurement runs ``dlint`` as a fresh process, the way users and
pre-commit run it, and reports the median wall time and CPU time (user+sys,
less sensitive to a busy machine) over ``--runs`` runs. With ``--hadolint``
and a ``hadolint`` binary on PATH it times hadolint on the same Dockerfiles.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _measure(cmd: list[str], runs: int) -> tuple[float, float]:
    _run(cmd)  # warm the file cache and the .pyc files
    results = [_run(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def _dockerfiles(folder: Path) -> list[str]:
    sys.path.insert(0, str(REPO))
    from dlint.discovery import discover

    return [str(t.path) for t in discover([str(folder)]) if t.kind == "dockerfile"]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hadolint", action="store_true", help="also time hadolint")
    parser.add_argument(
        "--networks",
        type=int,
        default=0,
        metavar="N",
        help="also time a generated project of N networks and N services (overlap checks)",
    )
    args = parser.parse_args()
    folder = Path(args.folder)
    if not folder.is_dir():
        sys.exit(f"no such folder: {folder}")
    dlint = shutil.which("dlint") or sys.exit("dlint is not installed (pip install -e .)")
    files = _dockerfiles(folder)
    print(f"folder: {folder} ({len(files)} Dockerfiles), {args.runs} runs, {os.cpu_count()} CPUs")

    wall, cpu = _measure([dlint, "--format", "json", str(folder)], args.runs)
    print(f"dlint, whole folder:   {wall:6.2f} s wall  {cpu:6.2f} s CPU  (Dockerfiles and Compose)")
    if files:
        wall, cpu = _measure([dlint, "--format", "json", *files], args.runs)
        print(f"dlint, Dockerfiles:    {wall:6.2f} s wall  {cpu:6.2f} s CPU")
        print(f"                       {1000 * wall / len(files):6.1f} ms per Dockerfile")
        wall, cpu = _measure([dlint, "--format", "json", "--ignore", "SC", *files], args.runs)
        print(f"  ShellCheck off:      {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "Dockerfile")
        small.write_text("FROM alpine:3.20\nRUN apk add --no-cache curl\n", encoding="utf-8")
        wall, cpu = _measure([dlint, str(small)], args.runs)
        print(f"dlint, one small file: {1000 * wall:6.0f} ms wall {1000 * cpu:6.0f} ms CPU")

    if args.networks:
        with tempfile.TemporaryDirectory() as tmp:
            compose = Path(tmp, "compose.yaml")
            compose.write_text(_many_networks(args.networks), encoding="utf-8")
            wall, cpu = _measure([dlint, "--format", "json", str(compose)], args.runs)
            print(f"dlint, {args.networks} networks: {wall:6.2f} s wall  {cpu:6.2f} s CPU")

    hadolint = shutil.which("hadolint")
    if args.hadolint and not hadolint:
        print("hadolint: not found on PATH")
    if args.hadolint and hadolint and files:
        wall, cpu = _measure([hadolint, "--no-fail", *files], max(1, args.runs // 2))
        print(f"hadolint, same files:  {wall:6.2f} s wall  {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()
