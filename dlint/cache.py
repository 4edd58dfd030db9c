"""A cache of whole runs: a run whose inputs have not changed replays the last report.

While a run works, everything it depends on is noted: each path it read or asked
about (its kind, and a file's content by SHA-256, or where a link points) and each
folder it listed (the names in it and their kinds). The report is stored under a
key made of what else decides the result: dlint's own code (every module's size and
time), Python, the paths and options of the run, the machine's environment when the
run reads it (``--env``) and the ShellCheck program. A later run with the same key
checks every noted path and folder again and replays the report only when all are as
they were; any edit, added or removed file, config change or upgrade makes it lint
again. Nothing under the linted folders is written: the cache lives in the user's
cache folder (or ``--cache-dir``), and deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlint import __version__

if TYPE_CHECKING:  # what only storing and replaying needs is imported there
    from dlint.edits import Fix
    from dlint.engine import Options
    from dlint.report import Report

FORMAT = 2  # of the stored entries
KEEP = 64  # entries kept; the oldest go first
_MAX_HASHED = 10 * 1024 * 1024  # larger files are known by size and time


class _Noted:
    def __init__(self) -> None:
        self.paths: dict[str, str] = {}  # path -> its state
        self.folders: dict[str, str] = {}  # folder -> its listing


_NOTING: _Noted | None = None


def note(path: Path | str, data: bytes | None = None) -> None:
    """The run depends on ``path``: what it is, and what it holds (``data``, when the
    run has just read the file)."""
    if _NOTING is not None:
        key = os.path.abspath(path)
        if key not in _NOTING.paths:
            _NOTING.paths[key] = _state(key, data)


def note_folder(path: Path | str) -> None:
    """The run depends on the names in the folder ``path``."""
    if _NOTING is not None:
        key = os.path.abspath(path)
        if key not in _NOTING.folders:
            _NOTING.folders[key] = _listing(key)


def _state(path: str, data: bytes | None = None) -> str:
    if data is not None:  # a regular file the run read (never more than 10 MB)
        state = "file " + _hash(data)
    else:
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is None:
            state = "missing"
        elif stat.S_ISDIR(info.st_mode):
            state = "dir"
        elif not stat.S_ISREG(info.st_mode):
            state = "other"
        elif info.st_size > _MAX_HASHED:
            state = f"big {info.st_size} {info.st_mtime_ns}"
        else:
            state = "file " + _hash_file(path)
    real = os.path.realpath(path)
    return state if real == path else f"{state} -> {real}"


def _hash(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _hash_file(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        return f"unreadable {exc.errno}"
    return digest.hexdigest()


def _listing(path: str) -> str:
    import hashlib
    import json

    try:
        entries = sorted(
            (e.name, e.is_dir(follow_symlinks=False), e.is_symlink()) for e in os.scandir(path)
        )
    except OSError as exc:
        return f"unreadable {exc.errno}"
    return hashlib.sha256(json.dumps(entries).encode("utf-8", "surrogateescape")).hexdigest()


def is_noting() -> bool:
    """Whether a run is noting what it depends on."""
    return _NOTING is not None


def absorb(paths: dict[str, str], folders: dict[str, str]) -> None:
    """What another process noted for this run (a worker's share of the files)."""
    if _NOTING is not None:
        for key, state in paths.items():
            _NOTING.paths.setdefault(key, state)
        for key, listing in folders.items():
            _NOTING.folders.setdefault(key, listing)


@contextlib.contextmanager
def noting() -> Iterator[_Noted]:
    """Note what the code run inside depends on."""
    global _NOTING
    noted = _NOTING = _Noted()
    try:
        yield noted
    finally:
        _NOTING = None


# -- the key --------------------------------------------------------------------------


def _code_version() -> list[Any]:
    """dlint's own code: a changed or upgraded module changes the key."""
    import importlib

    rules = importlib.import_module("dlint.rules")  # the rule modules' own folder
    out: list[Any] = [__version__, sys.version, sys.platform]
    here = os.path.dirname(os.path.realpath(__file__))
    folders = {here, os.path.dirname(os.path.realpath(rules.__file__ or here))}
    for folder in sorted(folders):
        out.extend(_sources(folder))
    out.extend(_plugin_files())
    return out


def _plugin_files() -> list[Any]:
    """The plugins' entry points and the files of their rule modules."""
    from dlint.plugins import entry_points

    out: list[Any] = []
    for name, value in entry_points():
        out.append((name, value))
        module = sys.modules.get(value.partition(":")[0].strip())
        path = getattr(module, "__file__", None)
        if path:
            try:
                info = os.stat(path)
            except OSError:
                continue
            out.append((path, info.st_size, info.st_mtime_ns))
    return out


def _sources(folder: str) -> list[tuple[str, int, int]]:
    """Each ``.py`` and ``.json`` file under ``folder`` (not ``__pycache__``), with its
    size and time, in a stable order."""
    out = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    out.extend(_sources(entry.path))
            elif entry.name.endswith((".py", ".json")):
                info = entry.stat()
                out.append((entry.path, info.st_size, info.st_mtime_ns))
    return out


def key(paths: Sequence[str], cwd: Path, options: Options) -> str:
    import dataclasses
    import hashlib
    import json

    from dlint import shellcheck

    program = shellcheck.program()
    tool: list[Any] = [program]
    if program is not None:
        info = os.stat(program)
        tool += [info.st_size, info.st_mtime_ns]
    settings = dataclasses.asdict(options)
    settings.pop("cache_dir", None)
    settings.pop("cache", None)
    settings.pop("jobs", None)  # the same report, however many processes make it
    environ = dict(options.environ) if options.environ is not None else None
    settings.pop("environ", None)
    data = [FORMAT, _code_version(), tool, str(cwd), list(paths), settings, environ]
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def default_folder() -> Path | None:
    """The user's cache folder for dlint (XDG on Linux, the platform's elsewhere); None
    when there is no home folder to put it in."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        elif sys.platform == "darwin":
            base = str(Path.home() / "Library" / "Caches")
        else:
            base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except (RuntimeError, KeyError, OSError):
        return None
    return Path(base) / "dlint"


# -- storing and replaying ----------------------------------------------------------------


def load(folder: Path, run_key: str) -> Report | None:
    """The stored report for ``run_key`` when nothing it depends on changed."""
    import json

    try:
        data = json.loads((folder / f"{run_key}.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        for path, state in data["paths"].items():
            if _state(path) != state:
                return None
        for path, listing in data["folders"].items():
            if _listing(path) != listing:
                return None
        return _report(data["report"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no entry, or one that cannot be read: lint again


def store(folder: Path, run_key: str, noted: _Noted, report: Report) -> None:
    """Keep ``report`` for the next run with ``run_key``; a cache that cannot be
    written costs the next run its speed, never its result."""
    import json

    inside = os.path.abspath(folder) + os.sep  # the cache's own files change each time
    data = {
        "format": FORMAT,
        "paths": {p: s for p, s in noted.paths.items() if not (p + os.sep).startswith(inside)},
        "folders": {p: s for p, s in noted.folders.items() if not (p + os.sep).startswith(inside)},
        "report": _data(report),
    }
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, folder / f"{run_key}.json")
        _prune(folder)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _data(report: Report) -> dict[str, Any]:
    return {
        "diagnostics": [
            [
                d.code,
                d.name,
                d.severity.name,
                d.path,
                [d.span.line, d.span.column, d.span.end_line, d.span.end_column],
                d.message,
                d.fingerprint,
                d.fails,
                d.rule,
                _fix_data(d.fix),
            ]
            for d in report.diagnostics
        ],
        "files": list(report.files),
        "notes": list(report.notes),
        "warnings": list(report.warnings),
        "rules": [r.code for r in report.rules],
        "root": str(report.root) if report.root is not None else None,
        "output_format": report.output_format,
        "verbose": report.verbose,
    }


def _report(data: dict[str, Any]) -> Report:
    from dlint.ir.common import Severity, Span
    from dlint.registry import all_rules
    from dlint.report import Diagnostic, Report

    by_code = {r.code: r for r in all_rules()}
    return Report(
        tuple(
            Diagnostic(
                code,
                name,
                Severity[severity],
                path,
                Span(*span),
                message,
                fingerprint,
                fails,
                rule,
                _fix(fix),
            )
            for code, name, severity, path, span, message, fingerprint, fails, rule, fix in data[
                "diagnostics"
            ]
        ),
        tuple(data["files"]),
        False,
        notes=tuple(data["notes"]),
        warnings=tuple(data["warnings"]),
        rules=tuple(by_code[c] for c in data["rules"]),
        root=Path(data["root"]) if data["root"] is not None else None,
        output_format=data["output_format"],
        verbose=data["verbose"],
    )


def _fix_data(fix: Fix | None) -> list[Any] | None:
    if fix is None:
        return None
    edits = [[[e.span.line, e.span.column, e.span.end_line, e.span.end_column], e.text]
             for e in fix.edits]  # fmt: skip
    return [fix.title, edits, fix.safe]


def _fix(data: list[Any] | None) -> Fix | None:
    from dlint.edits import Edit, Fix
    from dlint.ir.common import Span

    if data is None:
        return None
    title, edits, safe = data
    return Fix(title, tuple(Edit(Span(*span), text) for span, text in edits), safe)
