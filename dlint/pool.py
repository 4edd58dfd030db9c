"""Work shared among processes, one per core, for runs of many files.

``chunks`` cuts the work into parts and ``Spread`` hands them to worker processes; each
worker is set up once (``setup``, while the caller still makes the parts) and then does
part after part (``work``). A few parts per worker are handed out at a time, the others
as the workers end those while the caller waits for results, so what it learns from the
first can narrow the later ones.
The results come back in the order of the parts, so a run's output does not depend on
which worker was faster. Small runs, single-core machines and ``jobs=1`` stay in the
calling process: starting a worker costs more than a few files do. When the pool
cannot be used (no worker can start, or one dies), the parts not yet done are done
in the calling process, with the same results.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 24  # fewer items are done in the calling process
CHUNKS_PER_WORKER = 4  # a part is what is left, divided by (workers × this)
MAX_CHUNK = 64  # and bound what one worker holds at a time
MIN_CHUNK = 4  # the last parts are this small, so that the workers end together
AHEAD = 2  # parts per worker waiting or being done
HELD = 4  # and at most this many times those, done but not yet taken by the caller

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
    """``items`` cut into runs of neighbours (files of a folder stay together), each
    a share of what is left after the runs before it: large first, small last, so that
    no worker is left with a large part while the others have nothing to do (guided
    self-scheduling)."""
    shares = max(1, workers * CHUNKS_PER_WORKER)
    out: list[list[T]] = []
    start = 0
    while start < len(items):
        left = len(items) - start
        size = max(min(MIN_CHUNK, left), min(MAX_CHUNK, -(-left // shares)))
        out.append(list(items[start : start + size]))
        start += size
    return out


class Spread(Generic[T, R]):
    """``work(state, part)`` for each part: handed to ``workers`` processes as soon as
    it is made (each with its own ``state = setup(*setup_args)``), so that the caller
    can do other work meanwhile; ``results`` waits for them. A few parts per worker are
    handed out at a time, the others as the workers end those while the caller waits
    for results, so that what the caller learns from the first parts can leave items
    out of the later ones. With no workers,
    or when the pool fails, ``results`` does the parts (or those left) itself."""

    def __init__(
        self,
        work: Callable[[Any, list[T]], R],
        setup: Callable[..., Any],
        setup_args: tuple[Any, ...],
        workers: int,
    ) -> None:
        """Start ``workers`` processes (none: the caller does the work); they set up
        while the caller makes the parts (``hand``)."""
        self._work = work
        self._parts: list[list[T]] = []
        self._pool: Any = None
        self._futures: list[Any] = []
        self._ahead = 0  # parts handed out that may wait or be done at a time
        self._done = 0  # the parts the caller has had
        self._workers = workers
        if workers > 0:
            self._start(setup, setup_args, workers)

    @property
    def workers(self) -> int:
        """The worker processes that do the parts (0: the caller does them)."""
        return self._workers if self._pool is not None else 0

    def hand(self, parts: list[list[T]]) -> None:
        """The parts to do, in order (one part alone is done by the caller)."""
        self._parts = parts
        if len(parts) < 2:
            self._close()
        self._hand_out(lambda item: True)

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
            self._ahead = workers * AHEAD
            for _ in range(workers):  # the processes start, and set up, at once
                self._pool.submit(_ready)
        except Exception:  # no pool: the caller does the parts
            self._close()

    def _hand_out(self, wanted: Callable[[T], bool]) -> None:
        """Hand out parts until ``self._ahead`` of them wait or run (and no more than
        ``HELD`` times that are done and not yet taken); a part handed out late leaves
        out what is no longer ``wanted``."""
        while self._pool is not None and len(self._futures) < len(self._parts):
            handed = len(self._futures) - self._done
            if len(self._busy()) >= self._ahead or handed >= self._ahead * HELD:
                return
            part = [item for item in self._parts[len(self._futures)] if wanted(item)]
            self._futures.append(self._pool.submit(_work, self._work, part))

    def _result(self, i: int, wanted: Callable[[T], bool]) -> R:
        """Part ``i``'s result: while a worker still does it, each part another worker
        ends makes room for the next (the workers do not wait for the caller)."""
        from concurrent.futures import FIRST_COMPLETED, wait

        future = self._futures[i]
        while not future.done():
            wait(self._busy(), return_when=FIRST_COMPLETED)
            self._hand_out(wanted)
        return future.result()  # type: ignore[no-any-return]

    def _busy(self) -> list[Any]:
        """The parts handed out, from the one the caller waits for, that wait or run."""
        return [f for f in self._futures[self._done :] if f is not None and not f.done()]

    def results(
        self,
        here: Any,
        each: Callable[[list[T]], None] | None = None,
        wanted: Callable[[T], bool] = lambda item: True,
    ) -> Iterator[R]:
        """Each part's result, in order, as it comes (``here``: the state to do parts
        left with; ``each`` is told of each part done). A part done here leaves out the
        items no longer ``wanted`` when it is done; a worker may have done them."""
        try:
            for i, part in enumerate(self._parts):
                result: R
                self._done = i
                self._hand_out(wanted)
                if i < len(self._futures):
                    try:
                        result = self._result(i, wanted)
                        self._futures[i] = None  # its result is the caller's to keep, or not
                    except Exception:  # a worker died: the caller does the rest
                        self._close()
                        result = self._work(here, [item for item in part if wanted(item)])
                else:
                    result = self._work(here, [item for item in part if wanted(item)])
                if each is not None:
                    each(part)
                self._parts[i] = []  # done: the caller has what it needs
                yield result
        finally:
            self._close()

    def close(self) -> None:
        """Stop the workers (what they have not started is not done)."""
        self._close()

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool, self._futures = None, []


def _setup(setup: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _STATE
    _STATE = setup(*args)


def _ready() -> None:
    """Nothing: a worker that does this has set up."""


def _work(work: Callable[[Any, list[T]], R], part: list[T]) -> R:
    return work(_STATE, part)
