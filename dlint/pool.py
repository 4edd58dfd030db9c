"""Work shared among processes, one per core, for runs of many files.

``spread`` cuts the work into chunks and hands them to worker processes; each worker
is set up once (``setup``) and then does chunk after chunk (``work``). The results
come back in the order of the chunks, so a run's output does not depend on which
worker was faster. Small runs, single-core machines and ``jobs=1`` stay in the
calling process: starting a worker costs more than a few files do. When the pool
cannot be used (no worker can start, or one dies), the chunks not yet done are done
in the calling process, with the same results.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 24  # fewer items are done in the calling process
CHUNKS_PER_WORKER = 4  # smaller chunks share the work out more evenly
MAX_CHUNK = 64  # and bound what one worker holds at a time

_STATE: Any = None  # what ``setup`` built, in a worker


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return max(1, len(affinity(0)) if affinity is not None else (os.cpu_count() or 1))


def workers_for(items: int, jobs: int | None) -> int:
    """How many worker processes ``items`` items get (0: none, do them here).
    ``jobs``: the number asked for (None: one per core)."""
    wanted = cores() if jobs is None or jobs <= 0 else jobs
    if wanted < 2 or items < MIN_ITEMS:
        return 0
    return min(wanted, items)


def chunks(items: Sequence[T], workers: int) -> list[list[T]]:
    """``items`` cut into runs of neighbours (files of a folder stay together)."""
    size = max(1, min(MAX_CHUNK, -(-len(items) // max(1, workers * CHUNKS_PER_WORKER))))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def spread(
    work: Callable[[Any, list[T]], R],
    setup: Callable[..., Any],
    setup_args: tuple[Any, ...],
    parts: list[list[T]],
    workers: int,
    here: Any,
) -> list[R]:
    """``work(state, part)`` for each part, in order: in ``workers`` processes, each
    with its own ``state = setup(*setup_args)``, or here with ``here`` as the state."""
    results: list[R | None] = [None] * len(parts)
    done = [False] * len(parts)
    if workers > 0 and len(parts) > 1:
        _in_processes(work, setup, setup_args, parts, workers, results, done)
    for i, part in enumerate(parts):
        if not done[i]:
            results[i] = work(here, part)
    return results  # type: ignore[return-value]


def _in_processes(
    work: Callable[[Any, list[T]], R],
    setup: Callable[..., Any],
    setup_args: tuple[Any, ...],
    parts: list[list[T]],
    workers: int,
    results: list[R | None],
    done: list[bool],
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares what is already imported; it is unsafe with threads running, and
    # on macOS, where spawn starts each worker afresh
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    try:
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(
            max_workers=min(workers, len(parts)),
            mp_context=context,
            initializer=_setup,
            initargs=(setup, setup_args),
        ) as pool:
            futures = [pool.submit(_work, work, part) for part in parts]
            for i, future in enumerate(futures):
                results[i] = future.result()
                done[i] = True
    except Exception:  # a pool that fails leaves its parts to the caller
        return


def _setup(setup: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _STATE
    _STATE = setup(*args)


def _work(work: Callable[[Any, list[T]], R], part: list[T]) -> R:
    return work(_STATE, part)
