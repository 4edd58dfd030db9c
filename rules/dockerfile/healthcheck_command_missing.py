"""A HEALTHCHECK runs `curl` or `wget` in an image that does not have it.

## What it does
Reports a `HEALTHCHECK CMD` that runs `curl` or `wget` (in shell form, exec
form or `CMD-SHELL`, at the start of any of its commands) when the image it
ends up in certainly lacks that program:

- the image's stages go back to `FROM scratch`, or to a base image known to
  come without it: Google's distroless images (all but the `debug` tags),
  `debian`, `ubuntu`, the `-slim` variants of `python` and `node`, and the
  .NET `runtime-deps`, `runtime` and `aspnet` images since .NET 5 (no curl, no
  wget); `alpine`, `busybox` and the Alpine variants of `python`, `node`,
  `golang` and the .NET images (BusyBox's `wget`, no `curl`);
- and no `RUN`, `COPY` or `ADD` of those stages may bring it in: a step that
  names the program (`apt-get install -y curl`, `apk add wget`,
  `COPY --from=build /usr/bin/curl ...`), installs system packages named by a
  variable dlint cannot resolve or read from a file, runs a script of its own
  (`RUN ./setup.sh`, `RUN install-tools.sh`), or copies a whole folder into a
  `bin` folder is taken to install it.

The image judged is each one a build can make: the last stage, and every
stage that no other stage is built on.

## Why is this bad?
Docker runs the health check inside the container. When the program is
missing, every check fails (`curl: not found`), the container is marked
`unhealthy` forever, and whatever waits on its health (`depends_on:
condition: service_healthy`, Swarm, an orchestrator's restart policy) never
starts it or keeps restarting it, while the service itself runs fine.

## Example
```dockerfile
FROM node:22-alpine
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
HEALTHCHECK CMD curl -fsS http://localhost:3000/health || exit 1
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22-alpine
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
HEALTHCHECK CMD wget -q -O /dev/null http://localhost:3000/health || exit 1
CMD ["node", "server.js"]
```

## Known limitations
Only the base images above are judged; any other base may or may not have the
program, and is not reported. A tag is taken to be what the image's current
Dockerfile builds (the .NET images before 5.0 still had curl, and are not
judged). A command wrapped in another one (`timeout 5 curl ...`,
`sh -c "curl ..."`) is not read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer, Stage, StageRef, Word
from dlint.ir.image import ImageRef
from dlint.rule import Finding, RuleMeta

from .._shared.packages import parse as parse_invocation
from .._shared.runs import Run, runs
from .._shared.stages import parent

META = RuleMeta(
    code="DF701",
    name="healthcheck-command-missing",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("correctness", "healthcheck"),
    precision="high",
    preview=True,
)

_TOOLS = ("curl", "wget")
_NONE: frozenset[str] = frozenset()
_WGET = frozenset({"wget"})  # BusyBox's wget applet, and no curl

# -- what base images have ------------------------------------------------------------


def _dotnet(tag: str) -> frozenset[str] | None:
    """The .NET runtime images: curl was removed in 5.0 (dotnet/dotnet-docker#2379) and
    wget is not there either; the Alpine ones have BusyBox's wget."""
    m = re.match(r"^(\d+)\.", tag + ".")
    if tag != "latest" and (m is None or int(m.group(1)) < 5):
        return None
    if any(w in tag for w in ("nanoserver", "windowsservercore", "ltsc")):
        return None
    if "alpine" in tag:
        return _WGET
    if ("azurelinux" in tag or "mariner" in tag) and "distroless" not in tag:
        return None  # the full Azure Linux base: not checked
    return _NONE


def _language(tag: str, slim: bool) -> frozenset[str] | None:
    """Official language images (python, node): the Alpine variants keep BusyBox's wget
    and remove the curl they build with; the slim variants purge both after building."""
    if "alpine" in tag:
        return _WGET
    if slim and "slim" in tag:
        return _NONE
    return None  # the full variants are built on buildpack-deps, which has both


def base_tools(ref: ImageRef) -> frozenset[str] | None:
    """Which of curl and wget the image ``ref`` has; None when dlint does not know."""
    if ref.unresolved or not ref.valid:
        return None
    name = ref.name
    tag = (ref.tag or "latest").lower()
    if name in ("alpine", "busybox"):
        return _WGET
    if name in ("debian", "ubuntu"):
        return _NONE
    if ref.registry == "gcr.io" and ref.repository.startswith("distroless/"):
        return None if "debug" in tag else _NONE  # debug tags add BusyBox
    if name in ("python", "node"):
        return _language(tag, slim=True)
    if name == "golang":
        return _language(tag, slim=False)
    if ref.registry == "mcr.microsoft.com" and ref.repository in (
        "dotnet/runtime-deps",
        "dotnet/runtime",
        "dotnet/aspnet",
    ):
        return _dotnet(tag)
    return None


# -- the program a HEALTHCHECK runs -----------------------------------------------------

_OPERATORS = ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")", "\n")
_REDIRECTS = ("<<", ">>", "<&", ">&", "<>", ">|", "<", ">")
_STARTERS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "exec"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PLAIN = re.compile(r"^[A-Za-z0-9_./+-]+$")


def _heads(text: str) -> Iterator[tuple[int, str]]:
    """(offset, word) of the word that starts each command of a shell command line,
    when it is a plain word (no quotes, variables or globs). A small reader of its own:
    the parser reads no shell for HEALTHCHECK."""
    i, n = 0, len(text)
    start = True  # the next word starts a command
    after_redirect = False
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == "#" and (i == 0 or text[i - 1] in " \t\n;&|()"):
            while i < n and text[i] != "\n":
                i += 1
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is not None:
            start, after_redirect = True, False
            i += len(op)
            continue
        redirect = next((r for r in _REDIRECTS if text.startswith(r, i)), None)
        if redirect is not None:
            after_redirect = True
            i += len(redirect)
            continue
        begin, plain = i, True
        quote: str | None = None
        while i < n:
            c = text[i]
            if quote is not None:
                if c == quote:
                    quote = None
                elif c == "\\" and quote == '"':
                    i += 1
                i += 1
                continue
            if c in " \t\n;&|()<>":
                break
            if c in "'\"":
                quote, plain = c, False
            elif c == "\\":
                plain = False
                i += 1
            elif c in "$`*?[]{}~":
                plain = False
            i += 1
        word = text[begin:i]
        if after_redirect:
            after_redirect = False
            continue
        if not start:
            continue
        if _NAME.match(word) or word in _STARTERS:
            continue  # an assignment or a keyword: the command comes after it
        start = False
        if plain and _PLAIN.match(word):
            yield begin, word


@dataclass(frozen=True, slots=True)
class _Call:
    tool: str
    span: Span


def _tool(word: str) -> str | None:
    base = posixpath.basename(word)
    return base if base in _TOOLS else None


def _inside(df: Dockerfile, word: Word, offset: int, length: int) -> Span:
    """The span of ``length`` characters at ``offset`` of ``word``'s value."""
    span = word.span
    width = span.end_column - span.column
    if span.line == span.end_line and width in (len(word.value), len(word.value) + 2):
        column = span.column + offset + (1 if width == len(word.value) + 2 else 0)
        return Span(span.line, column, span.line, column + length)
    # continuation lines: find the same occurrence in the source lines
    target = word.value[offset : offset + length]
    seen = len(re.findall(rf"(?<![\w./-]){re.escape(target)}", word.value[:offset]))
    pattern = re.compile(rf"(?<![\w./-]){re.escape(target)}")
    for line_no in range(span.line, min(span.end_line, len(df.lines)) + 1):
        text = df.lines[line_no - 1]
        first = span.column - 1 if line_no == span.line else 0
        if line_no != span.line and text.lstrip().startswith("#"):
            continue
        for m in pattern.finditer(text, first):
            if seen == 0:
                return Span(line_no, m.start() + 1, line_no, m.end() + 1)
            seen -= 1
    return span


def _calls(df: Dockerfile, ins: Instruction) -> list[_Call]:
    """The curl and wget commands a HEALTHCHECK runs."""
    args = ins.args
    if len(args) < 2 or args[0].value.upper() != "CMD":
        return []
    shell: Word | None = None
    if not ins.json:
        shell = args[1]
    elif args[1].value == "CMD-SHELL":
        shell = args[2] if len(args) > 2 else None
    else:
        tool = _tool(args[1].value)
        return [_Call(tool, _inside(df, args[1], 0, len(args[1].value)))] if tool else []
    if shell is None:
        return []
    out = []
    for offset, word in _heads(shell.value):
        tool = _tool(word)
        if tool is not None:
            out.append(_Call(tool, _inside(df, shell, offset, len(word))))
    return out


# -- what the image's own steps may bring in -------------------------------------------

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_SYSTEM = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/")
_BIN_DIRS = frozenset(
    {"/", "/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/usr/local", "/usr/local/bin"}
)
_EVERYTHING = frozenset(_TOOLS)
_SCRIPTS = (".sh", ".bash")
_INSTALLS = frozenset({"install", "add"})
# the package managers of the systems the images above are built on
_SYSTEM_TOOLS = frozenset(
    {"apt-get", "apt", "aptitude", "apk", "dnf", "dnf5", "yum", "microdnf", "tdnf", "zypper"}
)


def _run_brings(run: Run) -> frozenset[str]:
    """The tools a RUN may install: those it names anywhere, or both when it runs a
    script of its own or installs packages named by a variable dlint cannot resolve."""
    script = run.script
    if script.dialect not in ("posix", "exec") or script.has_errors:
        text = run.instruction.text + "".join(h.content for h in run.instruction.heredocs)
        return frozenset(t for t in _TOOLS if t in text) or (
            _EVERYTHING if script.dialect == "other" or script.has_errors else _NONE
        )
    found: set[str] = set()
    for cmd in script.commands:
        argv = cmd.unwrapped()
        if not argv:
            continue
        program = argv[0].value
        if program is None:
            return _EVERYTHING  # `$INSTALL curl`, `$(...)`: unknown
        base = posixpath.basename(program)
        if ("/" in program and not program.startswith(_SYSTEM)) or base.endswith(_SCRIPTS):
            return _EVERYTHING  # `./setup.sh`, `/tmp/install`: a script of its own
        if base in _SHELLS and any(
            w.value is None or not w.value.startswith("-") for w in argv[1:2]
        ):
            return _EVERYTHING  # `sh setup.sh`
        invocation = parse_invocation(cmd)
        installs = invocation is not None and invocation.tool in _SYSTEM_TOOLS
        if (
            invocation is not None
            and installs
            and invocation.subcommand in _INSTALLS
            and not invocation.operands
        ):
            return _EVERYTHING  # packages read from elsewhere (`xargs apt-get install`)
        for word in argv:
            values = run.fields(word)
            if values is None:
                if installs:
                    return _EVERYTHING  # packages named by an unknown variable
                continue
            for value in values:
                found.update(t for t in _TOOLS if t in value)
    return frozenset(found)


def _copy_brings(layer: Layer) -> frozenset[str]:
    """The tools a COPY or ADD may bring: those its paths name, or both when it copies a
    whole folder (or paths dlint cannot resolve) into a bin folder."""
    found: set[str] = set()
    destination = posixpath.normpath(layer.destination or "/")
    for source in layer.sources:
        if source.unresolved:
            return _EVERYTHING
        found.update(t for t in _TOOLS if t in source.path)
        whole = source.path.endswith("/") or source.path in (".", "/") or "*" in source.path
        if whole and destination in _BIN_DIRS and source.kind != "heredoc":
            return _EVERYTHING
    found.update(t for t in _TOOLS if t in (layer.destination or ""))
    return frozenset(found)


def _stage_brings(stage: Stage, from_runs: frozenset[str]) -> frozenset[str]:
    found: set[str] = set(from_runs)
    for layer in stage.layers:
        if layer.kind in ("copy", "add"):
            found |= _copy_brings(layer)
    return frozenset(found)


# -- the check --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Image:
    base: ImageRef | None  # where the stages start (None: scratch)
    tools: frozenset[str] | None  # what it has (None: unknown)
    brought: frozenset[str]  # what the stages' own steps may add
    healthcheck: Instruction | None


def check(df: Dockerfile) -> Iterator[Finding]:
    # what each stage's RUNs may install (its ONBUILD RUNs too: they run in the
    # stages built on it)
    runs_of: dict[int, set[str]] = {}
    for run in runs(df, dialects=("posix", "exec", "powershell", "cmd", "other")):
        runs_of.setdefault(run.stage.index, set()).update(_run_brings(run))
    images: dict[int, _Image] = {}
    built_on: set[int] = set()
    for stage in df.stages:
        up = parent(df, stage)
        own = None
        for ins in stage.instructions:
            if ins.keyword == "HEALTHCHECK":
                own = ins
        brought = _stage_brings(stage, frozenset(runs_of.get(stage.index, ())))
        if up is not None and up.index in images:
            built_on.add(up.index)
            above = images[up.index]
            images[stage.index] = _Image(
                above.base,
                above.tools,
                above.brought | brought,
                own if own is not None else above.healthcheck,
            )
            continue
        if isinstance(stage.base, StageRef) or stage.windows:
            tools = None  # a stage it cannot follow, or Windows
        elif stage.base is None:
            tools = _NONE  # scratch
        else:
            tools = base_tools(stage.base)
        base = stage.base if isinstance(stage.base, ImageRef) else None
        images[stage.index] = _Image(base, tools, brought, own)
    reported: set[Span] = set()
    for stage in df.stages:
        image = images[stage.index]
        if stage.index in built_on or image.healthcheck is None or image.tools is None:
            continue
        for call in _calls(df, image.healthcheck):
            if call.tool in image.tools or call.tool in image.brought or call.span in reported:
                continue
            reported.add(call.span)
            yield Finding(call.span, _message(call.tool, image))


def _message(tool: str, image: _Image) -> str:
    if image.base is None:
        where = "an image built FROM scratch, which has no programs"
    else:
        where = f"an image built on `{image.base.shown}`, which has no `{tool}`"
        if tool == "curl" and "wget" in (image.tools or ()):
            where += " (BusyBox's `wget` is there)"
    return (
        f"This HEALTHCHECK runs `{tool}` in {where}, and no step installs it: every check "
        f"fails and the container stays unhealthy; install `{tool}` or check another way."
    )
