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
from typing import NamedTuple

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


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda root: os.mkfifo(root / name)


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    return lambda root: os.symlink(target, root / name)


def _bad_folder(root: Path) -> None:
    folder = os.fsencode(root) + b"/caf\xe9"
    os.mkdir(folder)
    with open(folder + b"/Dockerfile", "w") as handle:
        handle.write("FROM a\nRUNN x\n")


_SERVICE = "services:\n  a:\n    image: x\n"
_DEEP = "${a:-" * 300 + "x" * 300_000 + "}" * 300


class Attack(NamedTuple):
    files: Files
    args: tuple[str, ...] = (".",)
    env: tuple[tuple[str, str], ...] = ()
    setup: Callable[[Path], None] | None = None


ATTACKS: dict[str, Callable[[], Attack]] = {
    "dockerignore-backtracking": lambda: Attack(
        {
            ".dockerignore": "*a*a*a*a*a*a*a*a*a*a*b\n",
            "a" * 44: "",
            "Dockerfile": "FROM a\nCOPY . /x\n",
        }
    ),
    "shell-pattern-backtracking": lambda: Attack(
        {"Dockerfile": f"FROM a\nARG V={'a' * 40}\nENV W=${{V#*a*a*a*a*a*a*a*a*a*a*b}}\n"}
    ),
    "dlint-comment-spaces": lambda: Attack(
        {"Dockerfile": "FROM a\n# dlint: ignore=" + " " * 100_000 + "x\nRUN true\n"}
    ),
    "check-directive-spaces": lambda: Attack(
        {"Dockerfile": "# check=skip=" + " " * 100_000 + "x\nFROM a\n"}
    ),
    "healthcheck-digits": lambda: Attack(
        {"Dockerfile": f"FROM a\nHEALTHCHECK --interval={'1' * 30_000} CMD true\n"}
    ),
    "label-2mb-word": lambda: Attack({"Dockerfile": "FROM a\nLABEL a=" + "b" * 2_000_000 + "\n"}),
    "env-1mb-flags": lambda: Attack({"Dockerfile": "FROM a\nENV " + "--f " * 250_000 + "a=b\n"}),
    "many-env-vars": lambda: Attack(
        {"Dockerfile": "FROM a\n" + "".join(f"ENV A{i}=$A{i - 1}\n" for i in range(40_000))}
    ),
    "many-comment-lines": lambda: Attack(
        {"Dockerfile": "FROM a\n" + "# c\n" * 200_000 + "RUN x\n"}
    ),
    "dotenv-multiline-quote": lambda: Attack(
        {"compose.yaml": _SERVICE, ".env": 'A="' + "x\n" * 200_000}
    ),
    "dockerfile-9mb": lambda: Attack(
        {"Dockerfile": "FROM a\n" + "RUN echo hello world && true\n" * 320_000}
    ),
    "dockerfile-50mb": lambda: Attack({"Dockerfile": "FROM a\n# " + "x" * 50_000_000 + "\n"}),
    "compose-nested-defaults": lambda: Attack(
        {"compose.yaml": f"services:\n  a:\n    image: '{_DEEP}'\n"}
    ),
    "include-diamond": lambda: Attack(_diamond(18)),
    "dev-zero": lambda: Attack({}, ("/dev/zero",)),
    "fifo-walked": lambda: Attack({}, setup=_fifo("Dockerfile")),
    "fifo-named": lambda: Attack({}, ("x.fifo",), setup=_fifo("x.fifo")),
    "fifo-compose-file": lambda: Attack({}, ("-f", "c.yaml"), setup=_fifo("c.yaml")),
    "arg-nested-defaults": lambda: Attack(
        {"Dockerfile": "FROM a\nARG X=" + "${a:-" * 196 + "x" + "}" * 196 + "\nRUN true\n"}
    ),
    "cmd-brackets": lambda: Attack({"Dockerfile": "FROM a\nCMD " + "[" * 982 + "\n"}),
    "compose-328-defaults": lambda: Attack(
        {"compose.yaml": "services:\n  a:\n    image: '" + "${a:-" * 328 + "x" + "}" * 328 + "'\n"}
    ),
    "compose-nested-brackets": lambda: Attack(
        {"compose.yaml": "services:\n  a:\n    command: " + "[" * 492 + "]" * 492 + "\n"}
    ),
    "dotenv-latin1": lambda: Attack({"compose.yaml": _SERVICE, ".env": b"A=caf\xe9\n"}),
    "dotenv-nul": lambda: Attack({"compose.yaml": _SERVICE, ".env": b"A=\x00\n"}),
    "dotenv-proc-environ": lambda: Attack(
        {"compose.yaml": _SERVICE}, setup=_symlink(".env", "/proc/self/environ")
    ),
    "toml-brackets": lambda: Attack(
        {".dlint.toml": "select = " + "[" * 500 + "\n", "Dockerfile": "FROM a\n"}
    ),
    "pyproject-brackets": lambda: Attack(
        {"pyproject.toml": "[tool.dlint]\nselect = " + "[" * 500 + "\n", "Dockerfile": "FROM a\n"}
    ),
    "hadolint-brackets": lambda: Attack(
        {".hadolint.yaml": "ignored: " + "[" * 500 + "\n", "Dockerfile": "FROM a\n"}
    ),
    "folder-not-utf8": lambda: Attack({}, setup=_bad_folder),
    "ascii-output": lambda: Attack(
        {"ñ/Dockerfile": "FROM a\nRUNNÉ x\n"}, env=(("PYTHONIOENCODING", "ascii"),)
    ),
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


def _run(root: Path, attack: Attack, timeout: float) -> tuple[str, float, float, int, str]:
    dlint = shutil.which("dlint") or str(Path(sys.executable).with_name("dlint"))
    log = root.parent / (root.name + ".out")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, str(log), dlint, "--format", "json", *attack.args],
            cwd=root,
            env={**os.environ, **dict(attack.env)},
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
        attack = make()
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            _write(root, attack.files)
            if attack.setup is not None:
                attack.setup(root)
            code, wall, cpu, peak, notes = _run(root, attack, args.timeout)
        print(f"{name:28} {code:>7} {wall:7.2f} {cpu:7.2f} {peak:9d}  {notes}", flush=True)
    if os.name != "posix":  # pragma: no cover
        print("(peak memory is only meaningful on Linux)")


if __name__ == "__main__":
    main()
