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
from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, Instruction, RunMount, Stage, Variable
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord

CACHE_MOUNTS = frozenset({"cache", "tmpfs"})  # mounts whose content stays out of the layer


@dataclass(frozen=True, slots=True)
class Run:
    stage: Stage
    instruction: Instruction  # the RUN (for ONBUILD RUN: the RUN it wraps)
    onbuild: Instruction | None  # the ONBUILD that wraps it
    script: ShellScript

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
        () when nothing sets it, None when dlint cannot know."""
        own = self.script.assigned(name, at) if at is not None else ()
        if own is None or own:
            return own
        variable = self.variable(name)
        if variable is None:
            return ()
        return None if variable.value is None else (variable.value,)

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
        exported = any(
            w.value == name
            or any(a.name == name and w.span.contains(a.span) for a in self.script.assignments)
            for c in self.script.commands
            if c.program == "export" and c.span < command.span
            for w in c.args
        )
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
    for stage in df.all_stages:
        for ins in stage.instructions:
            trigger = ins.trigger
            if ins.keyword == "RUN" and ins.script is not None:
                run = Run(stage, ins, None, ins.script)
            elif trigger is not None and trigger.keyword == "RUN" and trigger.script is not None:
                run = Run(stage, trigger, ins, trigger.script)
            else:
                continue
            if run.script.dialect in dialects:
                yield run


def under(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both absolute, normalized here)."""
    p = posixpath.normpath(path)
    f = posixpath.normpath(folder)
    return p == f or p.startswith(f.rstrip("/") + "/")
