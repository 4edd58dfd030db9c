"""The Dockerfile part of the IR: instructions, stages and the layers they make."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from dlint.ir.common import Span
from dlint.ir.context import BuildContext
from dlint.ir.image import ImageRef
from dlint.ir.shell import ShellScript


@dataclass(frozen=True, slots=True)
class Word:
    """An argument as BuildKit's parser keeps it, with its place in the file."""

    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Flag:
    """``--name=value`` (or ``--name``) before an instruction's arguments."""

    name: str
    value: str | None
    span: Span  # the whole flag
    value_span: Span | None = None  # just the value, after the ``=``


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A ``<<EOF`` document attached to RUN, COPY or ADD."""

    name: str
    expand: bool  # False when the delimiter was quoted
    chomp: bool  # ``<<-``: leading tabs are removed
    fd: int | None
    content: str  # the body as written, each line with its newline
    marker: Span  # the ``<<EOF`` word
    body: Span  # the body lines and the closing delimiter

    @property
    def text(self) -> str:
        """The body as BuildKit uses it (leading tabs removed for ``<<-``)."""
        if not self.chomp:
            return self.content
        return "".join(line.lstrip("\t") for line in self.content.splitlines(keepends=True))


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive at the top of the file (``# syntax=``...)."""

    name: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction, exactly as BuildKit parses it."""

    keyword: str  # upper case: RUN, COPY, ...
    keyword_span: Span
    span: Span  # keyword to the end of the last line (heredoc bodies included)
    flags: tuple[Flag, ...]
    args: tuple[Word, ...]  # BuildKit's arguments: ENV gives key, value, "=" triples
    json: bool  # exec (JSON) form
    text: str  # everything after the flags, as one line
    text_span: Span
    heredocs: tuple[Heredoc, ...] = ()
    trigger: Instruction | None = None  # the instruction an ONBUILD wraps
    comments: tuple[str, ...] = ()  # comment lines right above it
    script: ShellScript | None = None  # RUN: the commands it runs
    empty_continuation_lines: tuple[int, ...] = ()
    keyword_text: str = ""  # the keyword as written (case kept)
    # Where BuildKit substitutes variables (FROM, COPY, ADD, ENV, ARG, LABEL,
    # EXPOSE, USER, VOLUME, WORKDIR, STOPSIGNAL): each argument after ARG/ENV
    # substitution and quote removal, index for index with ``args``.
    expanded: tuple[str, ...] | None = None
    unresolved: tuple[str, ...] = ()  # variables used here that have no known value
    # ARG: each declaration's name and, with ``=``, its default, as written (with spans)
    declarations: tuple[tuple[Word, Word | None], ...] = ()
    mounts: tuple[RunMount, ...] = ()  # RUN (and the RUN an ONBUILD wraps): its --mount flags

    def flag(self, name: str) -> Flag | None:
        for flag in self.flags:
            if flag.name == name:
                return flag
        return None

    def flag_values(self, name: str) -> tuple[str, ...]:
        return tuple(f.value or "" for f in self.flags if f.name == name)

    @property
    def pairs(self) -> tuple[tuple[Word, Word, bool], ...]:
        """ENV and LABEL: (key, value, written with ``=``) for each pair."""
        a = self.args
        return tuple((a[i], a[i + 1], a[i + 2].value == "=") for i in range(0, len(a) - 2, 3))


@dataclass(frozen=True, slots=True)
class StageRef:
    """A reference to an earlier stage of the same Dockerfile."""

    index: int
    name: str | None


SourceKind = Literal["context", "stage", "image", "url", "git", "heredoc"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where one COPY or ADD source comes from."""

    path: str  # after ARG/ENV substitution
    span: Span
    kind: SourceKind
    unresolved: tuple[str, ...] = ()  # variables it uses that have no known value


@dataclass(frozen=True, slots=True)
class RunMount:
    """``RUN --mount=type=cache,target=/root/.cache``."""

    type: str
    target: str | None
    source: str | None
    from_: str | None
    options: tuple[tuple[str, str], ...]
    span: Span
    from_ref: StageRef | ImageRef | None = None  # ``from=``: an earlier stage or an image

    def option(self, name: str) -> str | None:
        for key, value in self.options:
            if key == name:
                return value
        return None


LayerKind = Literal["run", "copy", "add"]


@dataclass(frozen=True, slots=True)
class Layer:
    """A filesystem layer, and what its cache key depends on."""

    instruction: Instruction
    kind: LayerKind
    sources: tuple[Source, ...] = ()  # COPY/ADD inputs
    destination: str | None = None  # COPY/ADD, after substitution
    copy_from: StageRef | ImageRef | None = None  # COPY --from
    script: ShellScript | None = None  # RUN
    mounts: tuple[RunMount, ...] = ()  # RUN --mount
    network: str | None = None  # RUN --network
    workdir: str = "/"  # the working directory the step runs in

    @property
    def from_context(self) -> bool:
        """True when the step reads files from the build context."""
        if self.kind == "run":
            return any(m.type == "bind" and m.from_ is None for m in self.mounts)
        return self.copy_from is None and any(s.kind == "context" for s in self.sources)


VariableKind = Literal["arg", "env"]


@dataclass(frozen=True, slots=True)
class Variable:
    """An ARG or ENV variable as an instruction sees it."""

    name: str
    value: str | None  # None: no value dlint knows (an ARG with no default)
    kind: VariableKind
    span: Span  # the instruction that set it (the FROM, for what a stage inherits)


@dataclass(frozen=True, slots=True)
class Variables:
    """The ARG and ENV variables of a stage, as they change from instruction to
    instruction (an ENV wins over an ARG of the same name, as in BuildKit)."""

    changes: Mapping[str, tuple[tuple[tuple[int, int], Variable], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )  # name -> (where it changed, the variable from there on), in order
    inherited: Mapping[str, Variable] = field(default_factory=lambda: MappingProxyType({}))

    def at(self, name: str, where: Span, env_only: bool = False) -> Variable | None:
        """``name`` as an instruction starting at ``where`` sees it; with ``env_only``,
        only ENV variables (what an ONBUILD trigger has in the images built from this
        one)."""
        changes = self.changes.get(name, ())
        i = bisect_left(changes, (where.line, where.column), key=lambda c: c[0]) - 1
        while i >= 0:
            variable = changes[i][1]
            if not env_only or variable.kind == "env":
                return variable
            i -= 1
        found = self.inherited.get(name)
        return found if found is not None and (not env_only or found.kind == "env") else None

    def names(self, where: Span, env_only: bool = False) -> frozenset[str]:
        """Every variable set for an instruction starting at ``where``."""
        return frozenset(
            name
            for name in (*self.changes, *self.inherited)
            if self.at(name, where, env_only) is not None
        )


@dataclass(frozen=True, slots=True)
class Stage:
    """A build stage: ``FROM base [AS name]`` and what follows it."""

    index: int  # -1: the instructions before any FROM (Dockerfile.orphan)
    name: str | None
    name_span: Span | None
    from_instruction: Instruction | None  # None only for Dockerfile.orphan
    base: ImageRef | StageRef | None  # None: ``scratch``
    platform: str | None
    instructions: tuple[Instruction, ...]  # after FROM, in order
    layers: tuple[Layer, ...]
    env: tuple[tuple[str, str], ...] = ()  # ENV at the end of the stage (inherited included)
    variables: Variables = field(default_factory=Variables)
    windows: bool = False  # a Windows image (by its base's name, or a `# escape=`` file)

    @property
    def label(self) -> str:
        return self.name if self.name else str(self.index)

    @property
    def head(self) -> Instruction:
        """The instruction that opens the stage: its FROM, or for ``Dockerfile.orphan``
        the first instruction before any FROM."""
        head = self.from_instruction or (self.instructions[0] if self.instructions else None)
        assert head is not None, "a stage always has a FROM or an instruction"
        return head


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something BuildKit would reject, found while reading the file."""

    message: str
    span: Span


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """One Dockerfile: its instructions, stages and build context."""

    path: str
    instructions: tuple[Instruction, ...]
    directives: tuple[Directive, ...]
    escape: str
    global_args: tuple[Instruction, ...]  # ARGs before the first FROM
    stages: tuple[Stage, ...]
    context: BuildContext
    problems: tuple[ParseProblem, ...] = ()
    lines: tuple[str, ...] = field(default=(), repr=False)
    # Instructions before any FROM. BuildKit refuses them (a parse-error says so), but
    # hadolint lints them, and so can rules: they are read as a stage of their own.
    orphan: Stage | None = None

    @property
    def all_stages(self) -> tuple[Stage, ...]:
        """``orphan`` (when there is one), then the stages."""
        return (self.orphan, *self.stages) if self.orphan is not None else self.stages

    def stage_named(self, name: str) -> Stage | None:
        lowered = name.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        return None

    def directive(self, name: str) -> Directive | None:
        for d in self.directives:
            if d.name == name:
                return d
        return None
