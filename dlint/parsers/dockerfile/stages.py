"""Build stages and layers, with ARG and ENV scoping as BuildKit applies it."""

from __future__ import annotations

import csv
import dataclasses
import posixpath
import re
from dataclasses import dataclass, field
from types import MappingProxyType

from dlint.ir.common import Span
from dlint.ir.dockerfile import (
    Instruction,
    Layer,
    ParseProblem,
    RunMount,
    Source,
    SourceKind,
    Stage,
    StageRef,
    Variable,
    Variables,
)
from dlint.ir.image import ImageRef
from dlint.ir.shell import ShellScript
from dlint.parsers.dockerfile.lex import Lexer, LexError, LexTooDeep
from dlint.parsers.dockerfile.lineparse import LineNode
from dlint.parsers.dockerfile.scan import RawInstruction, parse_heredoc_word
from dlint.parsers.dockerfile.validate import INSTRUCTIONS
from dlint.parsers.shell import dialect_of, exec_form, opaque, parse_shell
from dlint.parsers.textmap import TextMap

_EXPANDED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)
_WINDOWS_HINTS = ("windows", "nanoserver", "servercore")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_GIT = re.compile(r"^(?:git@|git://)|\.git(?:#|$)")


@dataclass
class _Scope:
    """Variables visible at one point of a stage.

    ``visible`` (ARGs with a value, then ENV over them) is kept up to date as
    variables are set, so looking it up costs nothing however many there are.
    Each change of what ``$NAME`` means is logged at the instruction being read
    (``here``), for ``Stage.variables``.
    """

    args: dict[str, str | None] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    visible: dict[str, str] = field(default_factory=dict)
    inherited: dict[str, Variable] = field(default_factory=dict)  # at the stage's start
    env_vars: dict[str, Variable] = field(default_factory=dict)  # the ENVs, for a child stage
    arg_vars: dict[str, Variable] = field(default_factory=dict)  # the ARGs, for a child stage
    log: dict[str, list[tuple[tuple[int, int], Variable]]] = field(default_factory=dict)
    here: Span = field(default_factory=lambda: Span.point(1))

    @classmethod
    def inheriting(cls, env: dict[str, str], variables: dict[str, Variable]) -> _Scope:
        return cls({}, dict(env), dict(env), dict(variables), dict(variables))

    def child(self, at: Span) -> _Scope:
        """The scope a stage built FROM this one starts with: BuildKit passes on the
        stage's ARGs and ENVs as they are at its end (an ENV wins over an ARG)."""
        visible = {k: v for k, v in self.args.items() if v is not None}
        visible.update(self.env)
        env_vars = {k: dataclasses.replace(v, span=at) for k, v in self.env_vars.items()}
        arg_vars = {k: dataclasses.replace(v, span=at) for k, v in self.arg_vars.items()}
        inherited = {**arg_vars, **env_vars}
        return _Scope(dict(self.args), dict(self.env), visible, inherited, env_vars, arg_vars)

    def _note(self, name: str, value: str | None, kind: str) -> None:
        variable = Variable(name, value, "env" if kind == "env" else "arg", self.here)
        self.log.setdefault(name, []).append(((self.here.line, self.here.column), variable))
        if kind == "env":
            self.env_vars[name] = variable
        else:
            self.arg_vars[name] = variable

    def set_arg(self, name: str, value: str | None) -> None:
        self.args[name] = value
        if name not in self.env:
            if value is None:
                self.visible.pop(name, None)
            else:
                self.visible[name] = value
            self._note(name, value, "arg")

    def set_env(self, name: str, value: str) -> None:
        self.env[name] = value
        self.visible[name] = value
        self._note(name, value, "env")

    def mapping(self) -> dict[str, str]:
        """What ``$NAME`` sees here (read-only: it is the live mapping)."""
        return self.visible

    def variables(self) -> Variables:
        return Variables(
            MappingProxyType({k: tuple(v) for k, v in self.log.items()}),
            MappingProxyType(dict(self.inherited)),
        )


@dataclass
class _StageState:
    scope: _Scope
    shell: tuple[str, ...]
    windows: bool
    workdir: str


@dataclass
class Built:
    global_args: list[Instruction]
    stages: list[Stage]
    instructions: list[Instruction]
    problems: list[ParseProblem]
    orphan: Stage | None = None


class StageBuilder:
    """Walks the instructions once, in order, like BuildKit's dispatcher."""

    def __init__(self, escape: str) -> None:
        self.lexer = Lexer(escape)
        self.problems: list[ParseProblem] = []
        self.global_scope = _Scope()
        self.stage_states: list[_StageState] = []
        self.stage_names: list[str | None] = []

    def expand(self, word: str, env: dict[str, str], span: Span) -> tuple[str, set[str]]:
        """``word`` with its variables substituted, and the names that had no value.

        A word BuildKit would refuse is left as written (the build reports it);
        one nested too deeply for dlint is a problem at ``span``.
        """
        try:
            result = self.lexer.process(word, env)
        except LexTooDeep as exc:
            self.problems.append(ParseProblem(f"{exc}; dlint does not expand this word", span))
            return word, set()
        except LexError:
            return word, set()
        return result.value, result.unknown

    def expand_instruction(self, ins: Instruction, scope: _Scope) -> Instruction:
        if ins.keyword not in _EXPANDED:
            return ins
        env = scope.mapping()
        values: list[str] = []
        missing: set[str] = set()
        pairs = ins.keyword in ("ENV", "LABEL")
        for i, arg in enumerate(ins.args):
            if pairs and i % 3 == 2:
                values.append(arg.value)
                continue
            if ins.keyword in ("ADD", "COPY") and arg.value.lstrip("0123456789").startswith("<<"):
                values.append(arg.value)
                continue
            value, unmatched = self.expand(arg.value, env, arg.span)
            values.append(value)
            missing |= unmatched
        return dataclasses.replace(ins, expanded=tuple(values), unresolved=tuple(sorted(missing)))

    def declare_args(self, ins: Instruction, scope: _Scope, is_global: bool) -> Instruction:
        values: list[str] = []
        missing: set[str] = set()
        for arg in ins.args:
            name, eq, default = arg.value.partition("=")
            if eq:
                value, unmatched = self.expand(default, scope.mapping(), arg.span)
                missing |= unmatched
                scope.set_arg(name, value)
                values.append(f"{name}={value}")
            else:
                if is_global:
                    scope.set_arg(name, None)
                elif name in self.global_scope.args:
                    scope.set_arg(name, self.global_scope.args[name])
                elif name not in scope.args:
                    scope.set_arg(name, None)
                values.append(name)
        return dataclasses.replace(ins, expanded=tuple(values), unresolved=tuple(sorted(missing)))

    def apply_env(self, ins: Instruction, scope: _Scope) -> None:
        if ins.expanded is None:
            return
        for i in range(0, len(ins.expanded) - 2, 3):
            scope.set_env(ins.expanded[i], ins.expanded[i + 1])

    def base_of(
        self, ins: Instruction, stage_index: int
    ) -> tuple[ImageRef | StageRef | None, str | None, Instruction]:
        if not ins.args:
            return None, None, ins
        env = self.global_scope.mapping()
        word = ins.args[0]
        text, unmatched = self.expand(word.value, env, word.span)
        unresolved = tuple(sorted(n for n in unmatched))
        platform = None
        flag = ins.flag("platform")
        if flag is not None and flag.value is not None:
            platform, _ = self.expand(flag.value, env, flag.span)
        expanded = (text, *(a.value for a in ins.args[1:]))
        ins = dataclasses.replace(ins, expanded=expanded, unresolved=unresolved)
        ref = self.resolve_image(text, word.span, unresolved, stage_index)
        return ref, platform, ins

    def resolve_image(
        self, text: str, span: Span, unresolved: tuple[str, ...], before: int
    ) -> ImageRef | StageRef | None:
        lowered = text.lower()
        for i in range(before - 1, -1, -1):
            if self.stage_names[i] is not None and self.stage_names[i] == lowered:
                return StageRef(i, self.stage_names[i])
        if lowered == "scratch":
            return None
        return ImageRef.parse(text, span, unresolved)


def _mounts(
    b: StageBuilder, ins: Instruction, env: dict[str, str], stage_index: int
) -> tuple[RunMount, ...]:
    mounts = []
    for flag in ins.flags:
        if flag.name != "mount" or flag.value is None:
            continue
        value, _ = b.expand(flag.value, env, flag.span)
        try:
            fields = next(csv.reader([value]), [])
        except csv.Error:
            fields = value.split(",")
        opts: list[tuple[str, str]] = []
        for part in fields:
            key, eq, val = part.partition("=")
            opts.append((key.strip().lower(), val if eq else ""))
        get = dict(opts).get
        mtype = get("type") or "bind"
        target = get("target") or get("dst") or get("destination")
        source = get("source") or get("src")
        from_ = get("from")
        from_ref: StageRef | ImageRef | None = None
        if from_:
            if from_.isdigit() and int(from_) < stage_index:
                from_ref = StageRef(int(from_), b.stage_names[int(from_)])
            else:
                from_ref = b.resolve_image(from_, flag.span, (), stage_index)
        mounts.append(RunMount(mtype, target, source, from_, tuple(opts), flag.span, from_ref))
    return tuple(mounts)


def _source_kind(keyword: str, path: str) -> SourceKind:
    if keyword == "ADD":
        if _GIT.search(path):
            return "git"
        if _URL.match(path):
            return "url"
    return "context"


def _body_map(ins: Instruction, index: int, lines: list[str], chomp: bool) -> tuple[str, TextMap]:
    doc = ins.heredocs[index]
    tmap = TextMap()
    for lineno in range(doc.body.line, doc.body.end_line):
        raw = lines[lineno - 1]
        text = raw.lstrip("\t") if chomp else raw
        tmap.add(text + "\n", lineno, 1 + len(raw) - len(text))
    return tmap.text, tmap


def run_script(
    ins: Instruction,
    node: LineNode,
    raw_tmap: TextMap,
    lines: list[str],
    shell: tuple[str, ...],
) -> ShellScript:
    """What a RUN executes, read as shell when its shell is a POSIX one."""
    if ins.json:
        return exec_form([(a.value, a.span) for a in ins.args])
    program = shell[0] if shell else "/bin/sh"
    dialect = dialect_of(program)
    if dialect != "posix":
        return opaque(dialect, program)
    heredocs = ins.heredocs
    if heredocs and parse_heredoc_word(ins.text.strip()) is not None:
        # ``RUN <<EOF``: the body is the script; a #! line runs it instead of the SHELL
        body, tmap = _body_map(ins, 0, lines, heredocs[0].chomp)
        interpreter = program
        runner = shell
        if body.startswith("#!"):
            runner = tuple(body.split("\n", 1)[0][2:].strip().split())
            if runner:
                first = runner
                interpreter = first[1] if first[0].endswith("/env") and len(first) > 1 else first[0]
            if dialect_of(interpreter) != "posix":
                return opaque("other", interpreter)
        return dataclasses.replace(parse_shell(body, tmap, interpreter), shell=runner)
    # The command line, then each body and its delimiter, as the shell gets them
    tmap = TextMap()
    tmap.extend(raw_tmap.slice(node.rest.start, node.rest.end))
    for i, doc in enumerate(heredocs):
        tmap.add("\n", doc.marker.end_line, doc.marker.end_column)
        tmap.extend(_body_map(ins, i, lines, chomp=False)[1])
        tmap.add(doc.name, doc.body.end_line, doc.body.end_column - len(doc.name))
    script = dataclasses.replace(parse_shell(tmap.text, tmap, program), shell=shell)
    # Bodies fed to a shell on stdin (``RUN bash <<EOF``) are shell too.
    if not heredocs or not any(
        c.program in ("sh", "bash", "dash", "ash", "zsh")
        and not any((w.value or "").startswith("-") and "c" in (w.value or "") for w in c.args)
        for c in script.commands
    ):
        return script
    commands = list(script.commands)
    errors = script.has_errors
    for i, doc in enumerate(heredocs):
        body, body_map = _body_map(ins, i, lines, doc.chomp)
        inner = parse_shell(body, body_map, program)
        commands.extend(inner.commands)
        errors = errors or inner.has_errors
    return dataclasses.replace(script, commands=tuple(commands), has_errors=errors)


def build_stages(
    raws: list[RawInstruction], instructions: list[Instruction], escape: str, lines: list[str]
) -> Built:
    """Stages, layers and scoped values for the instructions of one file."""
    b = StageBuilder(escape)
    out_instructions: list[Instruction] = []
    global_args: list[Instruction] = []
    stages: list[Stage] = []
    orphan: list[Stage] = []  # the instructions before any FROM, read as a stage of their own
    opened: Stage | None = None  # the stage being read, without its body yet
    state: _StageState | None = None
    stage_instructions: list[Instruction] = []
    layers: list[Layer] = []

    def close() -> None:
        if opened is None or state is None:
            return
        done = dataclasses.replace(
            opened,
            instructions=tuple(stage_instructions),
            layers=tuple(layers),
            env=tuple(state.scope.env.items()),
            variables=state.scope.variables(),
            windows=state.windows,
        )
        if opened.from_instruction is None:
            orphan.append(done)
            return
        stages.append(done)
        b.stage_states.append(state)

    for raw, ins in zip(raws, instructions, strict=True):
        kw = ins.keyword
        if kw == "FROM":
            close()
            index = len(stages)
            name = None
            name_span = None
            if len(ins.args) == 3 and ins.args[1].value.lower() == "as":
                name = ins.args[2].value.lower()
                name_span = ins.args[2].span
            b.stage_names.append(name)
            base, platform, ins = b.base_of(ins, index)
            if isinstance(base, StageRef) and base.index < len(b.stage_states):
                parent = b.stage_states[base.index]
                scope = parent.scope.child(ins.span)
                state = _StageState(scope, parent.shell, parent.windows, parent.workdir)
            else:
                # a Windows image by its name, or a file written for Windows (`# escape=`)
                windows = escape == "`" or (
                    isinstance(base, ImageRef)
                    and any(h in base.text.lower() for h in _WINDOWS_HINTS)
                )
                shell = ("cmd", "/S", "/C") if windows else ("/bin/sh", "-c")
                state = _StageState(_Scope(), shell, windows, "/")
            opened = Stage(index, name, name_span, ins, base, platform, (), ())
            stage_instructions = []
            layers = []
            out_instructions.append(ins)
            continue
        if state is None or (opened is not None and opened.from_instruction is None):
            if kw == "ARG":  # before the first FROM: a global ARG, whatever came before it
                ins = b.declare_args(ins, b.global_scope, is_global=True)
                global_args.append(ins)
                if state is not None:
                    stage_instructions.append(ins)
                out_instructions.append(ins)
                continue
            if kw not in INSTRUCTIONS:  # an unknown instruction is reported as such
                out_instructions.append(ins)
                continue
            # BuildKit stops here; hadolint reads on, and so do dlint's rules: the
            # instructions before any FROM form a stage of their own (Dockerfile.orphan)
            b.problems.append(ParseProblem("no build stage in current context", ins.keyword_span))
            if state is None:
                shell = ("cmd", "/S", "/C") if escape == "`" else ("/bin/sh", "-c")
                globals_ = {
                    k: Variable(k, v, "arg", ins.span) for k, v in b.global_scope.mapping().items()
                }
                state = _StageState(
                    _Scope.inheriting(b.global_scope.mapping(), {}), shell, escape == "`", "/"
                )
                state.scope.inherited.update(globals_)
                opened = Stage(-1, None, None, None, None, None, (), ())
                stage_instructions, layers = [], []
        scope = state.scope
        scope.here = ins.span
        named_shell = _shell_pragma(raw.comments)
        if named_shell is not None:  # `# hadolint shell=pwsh`: what RUN speaks from here on
            state.shell = (named_shell, "-c")
        if kw == "ARG":
            ins = b.declare_args(ins, scope, is_global=False)
        else:
            ins = b.expand_instruction(ins, scope)
        if kw == "ENV":
            b.apply_env(ins, scope)
        elif kw == "SHELL" and ins.json and ins.args:
            state.shell = tuple(a.value for a in ins.args)
        elif kw == "WORKDIR" and ins.expanded:
            target = ins.expanded[0].replace("\\", "/")
            state.workdir = posixpath.normpath(posixpath.join(state.workdir, target))
        elif kw == "RUN":
            script = run_script(ins, raw.node, raw.textmap, lines, state.shell)
            mounts = _mounts(b, ins, scope.mapping(), len(stages))
            ins = dataclasses.replace(ins, script=script, mounts=mounts)
            network = ins.flag("network")
            layers.append(
                Layer(
                    ins,
                    "run",
                    script=script,
                    mounts=mounts,
                    network=network.value if network else None,
                    workdir=state.workdir,
                )
            )
        elif kw in ("COPY", "ADD"):
            layers.append(_copy_layer(b, ins, len(stages), state))
        elif kw == "ONBUILD" and ins.trigger is not None and ins.trigger.keyword == "RUN":
            child = raw.node.child
            if child is not None:
                script = run_script(ins.trigger, child, raw.textmap, lines, state.shell)
                mounts = _mounts(b, ins.trigger, scope.mapping(), len(stages))
                trigger = dataclasses.replace(ins.trigger, script=script, mounts=mounts)
                ins = dataclasses.replace(ins, trigger=trigger)
        stage_instructions.append(ins)
        out_instructions.append(ins)
    close()
    return Built(global_args, stages, out_instructions, b.problems, orphan[0] if orphan else None)


_SHELL_PRAGMA = re.compile(r"hadolint[ \t]+shell[ \t]*=[ \t]*(\S+)")


def _shell_pragma(comments: list[str]) -> str | None:
    """The shell a ``# hadolint shell=NAME`` comment above an instruction names."""
    for comment in reversed(comments):
        m = _SHELL_PRAGMA.fullmatch(comment.strip())
        if m is not None:
            return m.group(1)
    return None


def _copy_layer(b: StageBuilder, ins: Instruction, stage_index: int, state: _StageState) -> Layer:
    values = ins.expanded or tuple(a.value for a in ins.args)
    copy_from: ImageRef | StageRef | None = None
    from_flag = ins.flag("from") if ins.keyword == "COPY" else None
    if from_flag is not None and from_flag.value is not None:
        ref_text, unmatched = b.expand(from_flag.value, state.scope.mapping(), from_flag.span)
        if ref_text.isdigit() and int(ref_text) < stage_index:
            idx = int(ref_text)
            copy_from = StageRef(idx, b.stage_names[idx])
        else:
            copy_from = b.resolve_image(
                ref_text, from_flag.span, tuple(sorted(unmatched)), stage_index
            ) or ImageRef.parse("scratch", from_flag.span)
    sources: list[Source] = []
    heredoc_names = {h.name for h in ins.heredocs}
    for arg, value in zip(ins.args[:-1], values[:-1], strict=True):
        marker = parse_heredoc_word(arg.value) if heredoc_names else None
        if marker is not None and marker[0] in heredoc_names:
            sources.append(Source(marker[0], arg.span, "heredoc"))
            continue
        if copy_from is not None:
            kind: SourceKind = "stage" if isinstance(copy_from, StageRef) else "image"
        else:
            kind = _source_kind(ins.keyword, value)
        missing = tuple(n for n in ins.unresolved if f"${n}" in arg.value or "${" + n in arg.value)
        sources.append(Source(value, arg.span, kind, missing))
    destination = None
    if len(values) >= 2:
        dest = values[-1].replace("\\", "/")
        destination = posixpath.normpath(posixpath.join(state.workdir, dest))
        if dest.endswith("/"):
            destination += "/"
    return Layer(
        ins,
        "add" if ins.keyword == "ADD" else "copy",
        sources=tuple(sources),
        destination=destination,
        copy_from=copy_from,
        workdir=state.workdir,
    )
