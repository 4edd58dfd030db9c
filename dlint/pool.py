"""Work shared among processes, one per core, for runs of many files.

``chunks`` cuts the work into parts and ``Spread`` hands them to worker processes; each
worker is set up once (``setup``) and then does part after part (``work``), while the
caller goes on with its own work. The results come back in the order of the parts, so
a run's output does not depend on which worker was faster. Small runs, single-core machines and ``jobs=1`` stay in the
calling process: starting a worker costs more than a few files do. When the pool
cannot be used (no worker can start, or one dies), the chunks not yet done are done
in the calling process, with the same results.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

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


class Spread(Generic[T, R]):
    """``work(state, part)`` for each part: handed to ``workers`` processes as soon as
    it is made (each with its own ``state = setup(*setup_args)``), so that the caller
    can do other work meanwhile; ``results`` waits for them. With no workers, or when
    the pool fails, ``results`` does the parts (or those left) itself."""

    def __init__(
        self,
        work: Callable[[Any, list[T]], R],
        setup: Callable[..., Any],
        setup_args: tuple[Any, ...],
        parts: list[list[T]],
        workers: int,
    ) -> None:
        self._work, self._parts = work, parts
        self._pool: Any = None
        self._futures: list[Any] = []
        if workers > 0 and len(parts) > 1:
            self._start(setup, setup_args, min(workers, len(parts)))

    def _start(self, setup: Callable[..., Any], setup_args: tuple[Any, ...], workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork shares what is already imported; it is unsafe with threads running, and
        # on macOS, where spawn starts each worker afresh
        linux = sys.platform == "linux" and threading.active_count() == 1
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork" if linux else "spawn"),
                initializer=_setup,
                initargs=(setup, setup_args),
            )
            self._futures = [self._pool.submit(_work, self._work, p) for p in self._parts]
        except Exception:  # no pool: the caller does the parts
            self._close()

    def results(
        self,
        here: Any,
        each: Callable[[int], None] | None = None,
        wanted: Callable[[T], bool] = lambda item: True,
    ) -> list[R]:
        """Each part's result, in order (``here``: the state to do parts left with;
        ``each`` is told the size of each part done). A part done here leaves out the
        items no longer ``wanted``; a worker may have done them already."""
        out: list[R] = []
        for i, part in enumerate(self._parts):
            if i < len(self._futures):
                try:
                    out.append(self._futures[i].result())
                except Exception:  # a worker died: the caller does the rest
                    self._close()
                    out.append(self._work(here, [item for item in part if wanted(item)]))
            else:
                out.append(self._work(here, [item for item in part if wanted(item)]))
            if each is not None:
                each(len(part))
        self._close()
        return out

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool, self._futures = None, []


def _setup(setup: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _STATE
    _STATE = setup(*args)


def _work(work: Callable[[Any, list[T]], R], part: list[T]) -> R:
    return work(_STATE, part)
