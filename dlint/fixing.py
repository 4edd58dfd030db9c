"""Fix what a run found: lint, apply the findings' fixes, lint again, until nothing
changes (at most ``MAX_ROUNDS`` rounds).

The fixed text is linted as the files it stands for (an overlay), so nothing is
written until the end, and ``--diff`` writes nothing at all. A round whose edits
make a file fail to parse is undone for that file, which is then fixed no more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dlint import edits
from dlint.engine import PARSE_ERROR, Options, lint
from dlint.files import LoadError, ProjectFiles
from dlint.report import Report

MAX_ROUNDS = 10


@dataclass(frozen=True, slots=True)
class Fixed:
    report: Report  # what is left to report once the fixes are made
    changed: Mapping[str, tuple[str, str]]  # path as shown -> (text before, text after)
    count: int  # fixes applied


def fix(paths: Sequence[str], cwd: Path, options: Options, unsafe: bool = False) -> Fixed:
    """The fixes of the findings of linting ``paths``, made in memory."""
    overlay: dict[str, bytes] = dict(options.overlay or {})
    gate = ProjectFiles.around([*paths, *options.compose_files] or ["."], cwd, options.roots)
    before: dict[str, str] = {}  # each changed file's text as it was
    now: dict[str, str] = {}  # and as it is
    given = {k: v.decode("utf-8", "surrogateescape") for k, v in overlay.items()}
    done: set[str] = set()  # files a fix broke: fixed no more
    count = 0

    def run() -> Report:
        return lint(paths, cwd, replace(options, overlay=overlay or None))

    report = run()
    for _ in range(MAX_ROUNDS):
        wanted: dict[str, list[edits.Fix]] = {}
        for d in report.diagnostics:
            if d.fix is not None and (d.fix.safe or unsafe) and d.path not in done:
                wanted.setdefault(d.path, []).append(d.fix)
        made: dict[str, tuple[str, int]] = {}  # path -> (text before this round, fixes)
        for path, fixes in wanted.items():
            text = now.get(path, given.get(path))
            if text is None:
                text = _read(gate, cwd / path)
            if text is None:
                continue
            new, applied = edits.apply(text, edits.ordered(fixes))
            if applied and new != text:
                made[path] = (text, applied)
                before.setdefault(path, text)
                now[path] = new
                overlay[path] = new.encode("utf-8", "surrogateescape")
        if not made:
            break
        errors = _parse_errors(report)
        report = run()
        broken = {p for p in made if _parse_errors(report).get(p, 0) > errors.get(p, 0)}
        for path in broken:  # undo the round for a file it broke
            now[path] = made[path][0]
            overlay[path] = now[path].encode("utf-8", "surrogateescape")
            done.add(path)
        if broken:
            report = run()
        count += sum(n for p, (_, n) in made.items() if p not in broken)
    changed = {p: (before[p], now[p]) for p in now if now[p] != before[p]}
    return Fixed(report, changed, count)


def _read(gate: ProjectFiles, path: Path) -> str | None:
    try:
        return gate.read_text(path)
    except LoadError:
        return None


def _parse_errors(report: Report) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in report.diagnostics:
        if d.name == PARSE_ERROR:
            out[d.path] = out.get(d.path, 0) + 1
    return out


def unified_diff(path: str, old: str, new: str) -> str:
    """The change to ``path`` as a unified diff (``a/`` and ``b/`` prefixes, as git)."""
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
