"""The RUN instructions of a Dockerfile as rules read them.

Each ``RUN``, and each ``RUN`` an ``ONBUILD`` wraps (it runs later, in the builds
of the images made from this one), with its stage, its script, its mounts and the
variables it sees: a ``$NAME`` in the script takes the values the script itself
gives ``NAME`` before that point, else the stage's ARG or ENV (an ONBUILD trigger
sees every ENV of the stage and no ARG: it runs in the build of another image, after
this one is complete).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, Instruction, RunMount, Stage, Variable
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord

from .memo import by_identity

_NESTING = 4  # how deep values built from other variables are worked out
CACHE_MOUNTS = frozenset({"cache", "tmpfs"})  # mounts whose content stays out of the layer


@dataclass(frozen=True, slots=True)
class Run:
    stage: Stage
    instruction: Instruction  # the RUN (for ONBUILD RUN: the RUN it wraps)
    onbuild: Instruction | None  # the ONBUILD that wraps it
    script: ShellScript
    # what ``values`` worked out, by (name, place): the script and its stage never change
    _memo: dict[tuple[str, tuple[int, int] | None], tuple[str, ...] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def written(self) -> Instruction:
        """The instruction as written in the file (the ONBUILD, for a trigger)."""
        return self.onbuild or self.instruction

    @property
    def mounts(self) -> tuple[RunMount, ...]:
        return self.instruction.mounts

    def variable(self, name: str) -> Variable | None:
        """The ARG or ENV ``name`` the RUN sees (None: none). A trigger runs when an
        image is built FROM this one, so it sees every ENV of the stage, also those
        written after the ONBUILD, and no ARG."""
        if self.onbuild is None:
            return self.stage.variables.at(name, self.written.span)
        last = self.stage.instructions[-1].span
        end = Span.point(last.end_line, last.end_column + 1)
        return self.stage.variables.at(name, end, env_only=True)

    def values(self, name: str, at: Span | None = None) -> tuple[str, ...] | None:
        """The values ``$name`` can have at ``at`` in the script (at its start when None):
        () when nothing sets it, None when dlint cannot know. A value the script builds
        from other variables (``PKGS="bash $extra"``) is worked out from theirs."""
        return self._values(name, at, _NESTING)

    def _values(self, name: str, at: Span | None, depth: int) -> tuple[str, ...] | None:
        key = (name, None if at is None else (at.line, at.column))
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # while it is worked out
        own = self.script.assigned(name, at) if at is not None else ()
        if own is None and at is not None and depth > 0:
            own = self._built(name, at, depth)
        if own is None or own:
            found = own
        else:
            variable = self.variable(name)
            found = (
                () if variable is None else (None if variable.value is None else (variable.value,))
            )
        self._memo[key] = found
        return found

    def _built(self, name: str, at: Span, depth: int) -> tuple[str, ...] | None:
        """The values of ``name`` at ``at`` when an assignment builds one from other
        variables: each assignment's word, with the values they have where it runs."""
        setters = self.script.setters(name, at)
        if setters is None:
            return None
        values: list[str] = []
        for a in setters:
            if a.value is None:
                return None
            place = a.span

            def lookup(other: str, place: Span = place) -> tuple[str, ...] | None:
                return self._values(other, place, depth - 1)

            found = a.value.values(lookup)
            if found is None:
                return None
            values.extend(found)
        return tuple(dict.fromkeys(values))

    def expansions(self, word: ShellWord) -> tuple[tuple[str, ...], ...] | None:
        """Each way ``word`` can expand, as the words the shell makes of it (None:
        dlint cannot know)."""
        return word.expansions(lambda name: self.values(name, word.span))

    def fields(self, word: ShellWord) -> tuple[str, ...] | None:
        """The words ``word`` expands to, when there is one way only."""
        found = self.expansions(word)
        return found[0] if found is not None and len(found) == 1 else None

    def environment(
        self, command: ShellCommand, program: ShellWord, name: str
    ) -> tuple[str, ...] | None:
        """The values ``name`` has in the environment ``program`` (a word of ``command``)
        runs in: () when it is not set, None when dlint cannot know. ``NAME=1 pip`` and
        ``env NAME=1 pip`` set it for the program, an earlier ``export`` for the rest of
        the script, and an ARG or ENV of the stage for the whole script; a variable of
        the script that is not exported stays out."""
        before = (w for w in command.argv if w.span < program.span)
        for word in reversed((*command.assignments, *before)):
            key, eq, value = (word.value if word.value is not None else word.text).partition("=")
            if eq and key == name:
                if word.value is not None:
                    return (value,)
                # a ``NAME=value cmd`` prefix: the IR keeps only its source
                return None if any(c in value for c in "$`\\") else (value.strip("\"'"),)
        exported = self.script.exported(name, command.span)
        return self.values(name, command.span) if exported or self.variable(name) else ()

    def cached(self, path: str) -> bool:
        """Whether a cache or tmpfs mount of the RUN holds ``path`` (so what is written
        there stays out of the layer)."""
        return any(
            m.type in CACHE_MOUNTS and m.target is not None and under(path, m.target)
            for m in self.mounts
        )


def runs(df: Dockerfile, dialects: tuple[str, ...] = ("posix",)) -> Iterator[Run]:
    """Every RUN and ONBUILD RUN whose script is in one of ``dialects`` ("posix", "exec",
    "powershell", "cmd", "other"), in file order."""
    for run in _all_runs(df):
        if run.script.dialect in dialects:
            yield run


@by_identity(8)  # every rule about RUNs asks in turn, and they share what each works out
def _all_runs(df: Dockerfile) -> tuple[Run, ...]:
    out = []
    for stage in df.all_stages:
        for ins in stage.instructions:
            trigger = ins.trigger
            if ins.keyword == "RUN" and ins.script is not None:
                out.append(Run(stage, ins, None, ins.script))
            elif trigger is not None and trigger.keyword == "RUN" and trigger.script is not None:
                out.append(Run(stage, trigger, ins, trigger.script))
    return tuple(out)


def backwards(
    commands: Sequence[ShellCommand], marks: Sequence[Span]
) -> Iterator[tuple[int, list[ShellCommand]]]:
    """The marks (places in a script) from the last to the first, each as its index and
    the commands that start after it and were not given with a later mark: a rule
    that asks "does a later command undo this?" of every mark reads each command once
    (keeping what it learnt), instead of the whole rest of the script each time."""
    later = sorted(commands, key=lambda c: c.span, reverse=True)
    taken = 0
    for i in sorted(range(len(marks)), key=lambda i: marks[i], reverse=True):
        start = taken
        while taken < len(later) and later[taken].span > marks[i]:
            taken += 1
        yield i, later[start:taken]


def ancestors(path: str) -> Iterator[str]:
    """``path`` (normalized) and each folder holding it, up to ``/``: the folders
    ``under(path, folder)`` is true for."""
    current = posixpath.normpath(path)
    while True:
        yield current
        parent = posixpath.dirname(current)
        if parent == current or not parent:
            return
        current = parent


def under(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both absolute, normalized here)."""
    p = posixpath.normpath(path)
    f = posixpath.normpath(folder)
    return p == f or p.startswith(f.rstrip("/") + "/")
