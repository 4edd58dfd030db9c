"""Package caches a RUN leaves in its layer: whether a cache mount holds one, or a later
command of the script removes it (``pip cache purge``, ``rm -rf ~/.cache/pip``,
``rm -rf "$(yarn cache dir)"``, or ``rm`` of the folder an option or variable moved it
to)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Sequence

from dlint.ir.common import Span
from dlint.ir.shell import ShellCommand, ShellWord

from .operands import HOLE
from .packages import Invocation, parse
from .runs import CACHE_MOUNTS, Run, ancestors, backwards, under


def option_values(run: Run, inv: Invocation, name: str) -> Iterator[str]:
    """The values given to an option (``--cache-dir "$CACHE"`` too, when the script
    sets ``CACHE``)."""
    for option in inv.options:
        if option.name == name and option.value is not None:
            yield option.value
        elif option.name == name and option.value_word is not None:
            yield from run.fields(option.value_word) or ()


def paths(run: Run, word: ShellWord) -> tuple[str, ...]:
    """The paths a word names (``$HOME/.cache/pip`` keeps its ``/.cache/pip`` when
    ``HOME`` is not known)."""
    return run.fields(word) or ("".join(p.value if p.kind == "text" else HOLE for p in word.parts),)


def _cleaned(path: str) -> str | None:
    """A removed or mounted path as compared (None: empty)."""
    path = path.strip().rstrip("*").rstrip("/")
    return path or None


class Cache:
    """One tool's cache: ``default(path)`` says whether a path holds it wherever the tool
    keeps it; ``clears(inv)`` whether a command of the tool empties it."""

    def __init__(
        self, default: Callable[[str], bool], clears: Callable[[Invocation], bool]
    ) -> None:
        self.default = default
        self.clears = clears

    def mounted(self, run: Run, folders: set[str]) -> bool:
        """Whether a cache or tmpfs mount of the RUN holds the cache (in ``folders``, where
        an option or variable moved it, or where the tool keeps it)."""
        for m in run.mounts:
            target = _cleaned(m.target) if m.type in CACHE_MOUNTS and m.target else None
            if target is not None and (
                self.default(target) or any(under(f, target) for f in folders)
            ):
                return True
        return False

    def kept(
        self,
        run: Run,
        installs: list[Invocation],
        folders: Callable[[Run, Invocation], set[str]],
        outputs: Sequence[Span] = (),
    ) -> set[int]:
        """Indexes of the installs that leave the cache in the layer: no cache mount holds
        it and no later command removes it (``folders``: where an install's options and
        environment moved the cache; ``outputs``: commands that print where the cache
        is, ``$(yarn cache dir)``). Each command is read once, from the last."""
        kept: set[int] = set()
        removals = _Removals(self, run, outputs)
        for i, later in backwards(run.script.commands, [inv.command.span for inv in installs]):
            for other in later:
                removals.read(other)
            moved = folders(run, installs[i])
            if not self.mounted(run, moved) and not removals.removes(moved):
                kept.add(i)
        return kept


class _Removals:
    """What the commands after a point remove: the cache wherever it is, and the paths
    ``rm`` names."""

    def __init__(self, cache: Cache, run: Run, outputs: Sequence[Span]) -> None:
        self.cache = cache
        self.run = run
        self.outputs = outputs
        self.everywhere = False
        self.removed: set[str] = set()

    def read(self, other: ShellCommand) -> None:
        found = parse(other)
        if found is not None and self.cache.clears(found):
            self.everywhere = True
            return
        argv = other.unwrapped()
        if other.unwrapped_program() != "rm":
            return
        for word in argv[1:]:
            if any(word.span.contains(s) for s in self.outputs):
                self.everywhere = True
            for path in paths(self.run, word):
                cleaned = _cleaned(path)
                if cleaned is None:
                    continue
                if self.cache.default(cleaned):
                    self.everywhere = True
                else:
                    self.removed.add(posixpath.normpath(cleaned))

    def removes(self, folders: set[str]) -> bool:
        return self.everywhere or any(f in self.removed for d in folders for f in ancestors(d))
