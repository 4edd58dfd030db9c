"""A baseline: the findings a project had when it adopted dlint, left out of later runs.

``dlint --baseline FILE`` with no FILE yet writes the findings of the run into it. Later
runs with the same FILE report only the findings it does not hold, matched by file,
code and fingerprint (``dlint.fingerprint``: the flagged text, not its line, so a
finding whose line moved stays matched). An entry that matches no finding any more was
fixed: it is counted, and ``--baseline-prune`` removes it. Parse errors are never put
in a baseline: a file that cannot be read is always reported.

Paths are as dlint prints them, relative to the folder it runs in: run it from the
same folder each time (the repository's root, in CI).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dlint.output import OutputError, write_report
from dlint.printable import printable
from dlint.report import Diagnostic, Report

FORMAT = "dlint-baseline"
VERSION = 1
MAX_BYTES = 50 * 1024 * 1024  # a baseline is a list of findings: this is far beyond one
_NEVER = frozenset({"parse-error", "internal-error"})

Key = tuple[str, str, str]  # path, code, fingerprint


class BaselineError(Exception):
    """The baseline file cannot be read or written."""


@dataclass(frozen=True)
class Outcome:
    report: Report  # without the findings the baseline holds
    written: int | None = None  # findings written to a new baseline
    fixed: int = 0  # entries that match no finding any more
    pruned: bool = False  # and were removed from the file


def _key(d: Diagnostic) -> Key:
    return (d.path, d.code, d.fingerprint)


def _entry(d: Diagnostic) -> dict[str, object]:
    return {
        "path": d.path,
        "code": d.code,
        "fingerprint": d.fingerprint,
        "line": d.span.line,  # for people reading the file; not matched
        "message": d.message,
    }


def _text(entries: list[dict[str, object]]) -> str:
    entries = sorted(entries, key=lambda e: (str(e["path"]), _line(e), str(e["code"])))
    return json.dumps({"format": FORMAT, "version": VERSION, "findings": entries}, indent=2) + "\n"


def read(name: str) -> list[dict[str, Any]] | None:
    """The entries of the baseline file ``name`` (None: there is no such file)."""
    path = Path(name)
    shown = printable(name)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BaselineError(f"--baseline {shown}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise BaselineError(f"--baseline {shown}: not a regular file")
    if size > MAX_BYTES:
        raise BaselineError(f"--baseline {shown}: larger than {MAX_BYTES // 2**20} MB")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not a dlint baseline (bad JSON)"
        raise BaselineError(f"--baseline {shown}: {why}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"--baseline {shown}: not a dlint baseline")
    findings = data.get("findings")
    if not isinstance(findings, list) or not all(
        isinstance(e, dict)
        and all(isinstance(e.get(k), str) for k in ("path", "code", "fingerprint"))
        for e in findings
    ):
        raise BaselineError(
            f"--baseline {shown}: its findings must each have a path, code and fingerprint"
        )
    return findings


def apply(name: str, report: Report, prune: bool = False) -> Outcome:
    """``report`` without the findings of the baseline ``name``; a new baseline when
    there is no such file (see the module's docstring)."""
    entries = read(name)
    if entries is None:
        kept = [d for d in report.diagnostics if d.name not in _NEVER]
        _write(name, [_entry(d) for d in kept])
        rest = tuple(d for d in report.diagnostics if d.name in _NEVER)
        return Outcome(replace(report, diagnostics=rest), written=len(kept))
    left = Counter(_key_of(e) for e in entries)
    out: list[Diagnostic] = []
    for d in report.diagnostics:
        key = _key(d)
        if d.name not in _NEVER and left[key] > 0:
            left[key] -= 1
        else:
            out.append(d)
    fixed = sum(left.values())
    if prune and fixed:
        stale = Counter(+left)
        kept_entries = []
        for e in entries:
            key = _key_of(e)
            if stale[key] > 0:
                stale[key] -= 1
            else:
                kept_entries.append(e)
        _write(name, kept_entries)
    return Outcome(replace(report, diagnostics=tuple(out)), fixed=fixed, pruned=prune and fixed > 0)


def _line(entry: dict[str, object]) -> int:
    line = entry.get("line")
    return line if isinstance(line, int) else 0


def _key_of(entry: dict[str, Any]) -> Key:
    return (entry["path"], entry["code"], entry["fingerprint"])


def _write(name: str, entries: list[dict[str, object]]) -> None:
    try:
        write_report(name, _text(entries), option="--baseline")
    except OutputError as exc:
        raise BaselineError(str(exc)) from None
