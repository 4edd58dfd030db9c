"""Time and memory of dlint on hostile inputs: one fresh process per attack.

    python benchmarks/hostile.py [--timeout SECONDS] [--only NAME]

Each attack is a small project written to a temporary folder (the inputs of
the hostile-repositories issue, at the sizes that once took seconds to
minutes, hung or crashed). For each it prints the exit code, wall and CPU
time, peak memory, and whether a traceback or an internal error showed up.
The regression tests in tests/test_hostile_inputs.py assert on work done;
this script is for the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Files = dict[str, str | bytes]


def _nested(depth: int, inner: str = "x") -> str:
    return "${a:-" * depth + inner + "}" * depth


def _diamond(n: int) -> Files:
    files: Files = {}
    for i in range(n):
        nxt = f"f{i + 1}.yaml"
        body = f"include:\n  - {nxt}\n  - path: {nxt}\n" if i + 1 < n else ""
        files[f"f{i}.yaml" if i else "compose.yaml"] = body + f"services:\n  s{i}:\n    image: x\n"
    return files


ATTACKS: dict[str, Callable[[], Files]] = {
    "dockerignore-backtracking": lambda: {
        ".dockerignore": "*a*a*a*a*a*a*a*a*a*a*b\n",
        "a" * 44: "",
        "Dockerfile": "FROM alpine\nCOPY . /app\n",
    },
    "shell-pattern-backtracking": lambda: {
        "Dockerfile": f"FROM alpine\nARG V={'a' * 40}\nENV W=${{V#*a*a*a*a*a*a*a*a*a*a*b}}\n",
    },
    "dlint-comment-spaces": lambda: {
        "Dockerfile": "FROM alpine\n# dlint: ignore=" + " " * 100_000 + "x\nRUN true\n",
    },
    "check-directive-spaces": lambda: {
        "Dockerfile": "# check=skip=" + " " * 100_000 + "x\nFROM alpine\n",
    },
    "healthcheck-digits": lambda: {
        "Dockerfile": f"FROM alpine\nHEALTHCHECK --interval={'1' * 30_000}s CMD true\n",
    },
    "label-2mb-word": lambda: {"Dockerfile": "FROM alpine\nLABEL a=" + "b" * 2_000_000 + "\n"},
    "env-1mb-flags": lambda: {"Dockerfile": "FROM alpine\nENV " + "--f " * 250_000 + "a=b\n"},
    "dockerfile-9mb": lambda: {
        "Dockerfile": "FROM alpine\n" + "RUN echo hello world && true\n" * 320_000
    },
    "dockerfile-50mb": lambda: {"Dockerfile": "FROM alpine\n" + "# " + "x" * 50_000_000 + "\n"},
    "compose-nested-defaults": lambda: {
        "compose.yaml": f"services:\n  a:\n    image: '{_nested(300, 'x' * 300_000)}'\n"
    },
    "include-diamond": lambda: _diamond(18),
    "arg-nested-defaults": lambda: {"Dockerfile": f"FROM alpine\nARG X={_nested(196)}\nRUN true\n"},
    "cmd-brackets": lambda: {"Dockerfile": "FROM alpine\nCMD " + "[" * 982 + "\n"},
    "compose-nested-brackets": lambda: {
        "compose.yaml": "services:\n  a:\n    image: " + "[" * 492 + "\n"
    },
    "dotenv-latin1": lambda: {
        "compose.yaml": "services:\n  a:\n    image: x\n",
        ".env": b"A=caf\xe9\n",
    },
    "dotenv-nul": lambda: {"compose.yaml": "services:\n  a:\n    image: x\n", ".env": b"A=\x00\n"},
    "toml-brackets": lambda: {
        ".dlint.toml": "select = " + "[" * 500 + "\n",
        "Dockerfile": "FROM a\n",
    },
    "hadolint-brackets": lambda: {
        ".hadolint.yaml": "ignored: " + "[" * 500 + "\n",
        "Dockerfile": "FROM a\n",
    },
}


def _write(root: Path, files: Files) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


# Runs dlint as its only child, so the peak memory it reports is dlint's alone.
_WRAPPER = """
import json, resource, subprocess, sys
out = open(sys.argv[1], "w")
code = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([code, usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))
"""


def _run(root: Path, timeout: float) -> tuple[str, float, float, int, str]:
    dlint = shutil.which("dlint") or str(Path(sys.executable).with_name("dlint"))
    log = root.parent / (root.name + ".out")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, str(log), dlint, "--format", "json", "."],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        code, cpu, peak_kib = json.loads(done.stdout.strip().splitlines()[-1])
        code = str(code)
    except subprocess.TimeoutExpired:
        code, cpu, peak_kib = "timeout", float("nan"), 0
    wall = time.perf_counter() - start
    output = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    log.unlink(missing_ok=True)
    notes = []
    if "Traceback" in output:
        notes.append("TRACEBACK")
    if "internal-error" in output:
        notes.append("internal-error")
    return code, wall, cpu, peak_kib // 1024, " ".join(notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--only", help="run one attack by name")
    args = parser.parse_args()
    print(f"{'attack':28} {'exit':>7} {'wall s':>7} {'cpu s':>7} {'peak MiB':>9}  notes")
    for name, make in ATTACKS.items():
        if args.only and name != args.only:
            continue
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            _write(root, make())
            code, wall, cpu, peak, notes = _run(root, args.timeout)
        print(f"{name:28} {code:>7} {wall:7.2f} {cpu:7.2f} {peak:9d}  {notes}", flush=True)
    if os.name != "posix":  # pragma: no cover
        print("(peak memory is only meaningful on Linux)")


if __name__ == "__main__":
    main()
