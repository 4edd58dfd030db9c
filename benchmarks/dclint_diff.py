"""Compare dlint with dclint on real Compose files, rule by rule.

    python benchmarks/dclint_diff.py [FOLDER] [--examples N] [--rule NAME ...]
        [--dclint PATH]

Both tools lint every Compose file under FOLDER (default ../shared/corpus) with
every dclint rule on (dclint's default) and dlint's rules of the same names
selected (off-by-default ones included), plus dclint's built-in schema check
against dlint's `compose-schema`. dclint reads each file alone; dlint reads a
project (overrides merged, included files inside their project), so the two
can see different models of the same file.

dclint reports a finding at column 1 of a line (the service's key, the
`ports:` key...) and dlint at the exact node, so findings are compared per
(file, part, rule): the part is the top-level service a line falls in, or the
top of the file outside `services:`. Rules about the whole file (`invalid-schema`,
of which dclint reports only the first error, and the top-level ones) are compared
per file. dclint runs no rule on a file its schema rejects: there only the schema
check is compared. "both" means both tools report
that rule in that part; "dclint only" and "dlint only" are the disagreements,
with up to N examples each. dclint comes from npm (development only):
`npm install dclint`, then `--dclint node_modules/.bin/dclint` or on the PATH.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
Key = tuple[str, str, str]  # (file, part of the file, dclint rule name)
SCHEMA = "invalid-schema"  # dclint's built-in check; dlint's compose-schema
TOP = "(top level)"
# rules about the file as a whole: compared per file (dclint's line for
# top-level-properties-order is the first line anywhere that writes the key)
FILE_LEVEL = {
    SCHEMA,
    "no-version-field",
    "require-project-name-field",
    "top-level-properties-order",
}


def _compose_files(folder: Path) -> list[Path]:
    sys.path.insert(0, str(REPO))
    from dlint.discovery import discover

    return sorted(t.path for t in discover([str(folder)]) if t.kind == "compose")


class _Parts:
    """Which top-level service each line of a Compose file falls in."""

    def __init__(self) -> None:
        self._ranges: dict[str, list[tuple[int, int, str]]] = {}

    def part(self, path: Path, line: int) -> str:
        key = str(path)
        if key not in self._ranges:
            self._ranges[key] = self._read(path)
        for first, last, name in self._ranges[key]:
            if first <= line <= last:
                return name
        return TOP

    @staticmethod
    def _read(path: Path) -> list[tuple[int, int, str]]:
        from dlint.ir.yaml import YMapping
        from dlint.parsers.compose.yamlload import YamlError, load_yaml

        try:
            documents, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError, YamlError):
            return []
        ranges: list[tuple[int, int, str]] = []
        for doc in documents:
            services = doc.get("services") if isinstance(doc, YMapping) else None
            if isinstance(services, YMapping):
                for key, value in services.pairs:
                    ranges.append((key.span.line, value.span.end_line, str(key.value)))
        return ranges


def _dclint(given: str | None) -> str:
    found = given or shutil.which("dclint") or shutil.which("dclint", path="node_modules/.bin")
    if found is None:
        sys.exit("dclint is not installed (npm install dclint; pass --dclint PATH)")
    return found


def _run_dclint(
    binary: str, files: list[Path], parts: _Parts
) -> tuple[set[Key], set[str], set[str]]:
    """dclint's findings, the files it could not read (invalid YAML, or it failed), and
    those its schema rejects (it runs no rule on them)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "dclint.json"  # its stdout is cut short when it exits
        subprocess.run(
            [binary, "-f", "json", "--no-color", "-o", str(report), *map(str, files)],
            capture_output=True,
            check=False,
        )
        results = json.loads(report.read_text(encoding="utf-8") or "[]")
    found: set[Key] = set()
    unreadable: set[str] = set()
    rejected: set[str] = set()
    for result in results:
        path = Path(result["filePath"]).resolve()
        for message in result["messages"]:
            rule = message["rule"]
            if rule in ("invalid-yaml", "unknown-error"):
                unreadable.add(str(path))
            elif rule in FILE_LEVEL:
                found.add((str(path), TOP, rule))
                if rule == SCHEMA:
                    rejected.add(str(path))
            else:
                found.add((str(path), parts.part(path, int(message["line"])), rule))
    return found, unreadable, rejected


def _dlint_names() -> dict[str, str]:
    """dlint code -> dclint rule name, for the rules that carry a dclint name."""
    from dlint.registry import all_rules, find_rule

    names = {r.code: r.name for r in all_rules() if r.meta.dclint}
    schema = find_rule("compose-schema")
    assert schema is not None
    names[schema.code] = SCHEMA
    explicit_tag = find_rule("service-image-require-explicit-tag")
    if explicit_tag is not None:
        names[explicit_tag.code] = explicit_tag.name
    return names


def _run_dlint(folder: Path, files: list[Path], parts: _Parts) -> set[Key]:
    from dlint.engine import Options, lint

    names = _dlint_names()
    options = Options(fail_level="never", isolated=True, select=tuple(names))
    report = lint([str(f) for f in files], cwd=folder, options=options)
    found: set[Key] = set()
    for d in report.diagnostics:
        rule = names.get(d.rule_code)
        if rule is None:
            continue
        path = (folder / d.path).resolve()
        part = TOP if rule in FILE_LEVEL else parts.part(path, d.span.line)
        found.add((str(path), part, rule))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--examples", type=int, default=3, metavar="N")
    parser.add_argument("--rule", nargs="*", default=[], help="only these dclint rules")
    parser.add_argument("--dclint", help="the dclint executable")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    files = _compose_files(folder)
    parts = _Parts()
    theirs, unreadable, rejected = _run_dclint(_dclint(args.dclint), files, parts)
    ours = {
        k
        for k in _run_dlint(folder, files, parts)
        if k[0] not in unreadable and (k[0] not in rejected or k[2] == SCHEMA)
    }
    rules = sorted({k[2] for k in theirs | ours})
    if args.rule:
        rules = [r for r in rules if r in args.rule]
    by_rule: dict[str, dict[str, list[Key]]] = defaultdict(lambda: defaultdict(list))
    for key in theirs | ours:
        where = "both" if key in theirs and key in ours else "dclint" if key in theirs else "dlint"
        by_rule[key[2]][where].append(key)
    print(
        f"{len(files)} Compose files; dclint could not read {len(unreadable)} (left out); "
        f"its schema rejects {len(rejected)} (only the schema check compared there)\n"
    )
    print("| rule | both | dclint only | dlint only |")
    print("|---|---|---|---|")
    totals: Counter[str] = Counter()
    for rule in rules:
        row = by_rule[rule]
        counts = {w: len(row[w]) for w in ("both", "dclint", "dlint")}
        totals.update(counts)
        print(f"| {rule} | {counts['both']} | {counts['dclint']} | {counts['dlint']} |")
    print(f"| all | {totals['both']} | {totals['dclint']} | {totals['dlint']} |\n")
    for rule in rules:
        for where in ("dclint", "dlint"):
            for path, part, _ in sorted(by_rule[rule][where])[: args.examples]:
                rel = Path(path).relative_to(folder)
                print(f"{rule} {where} only: {rel} [{part}]")


if __name__ == "__main__":
    main()
