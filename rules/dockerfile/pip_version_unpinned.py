"""A package is installed with pip without a pinned version.

## What it does
Reports each package a `pip install` (also `pip3`, `pip3.12`,
`python -m pip`, and `pipx install`) names without a version specifier, in
`RUN` and `ONBUILD RUN`. Any PEP 440 operator pins (`==`, `===`, `~=`, `!=`,
`>=`, `<=`, `>`, `<`).

Not reported:
- installs that read a requirements or constraints file (`-r`, `-c`, and
  `PIP_CONSTRAINT` set by `ENV`, `ARG` or on the command), or the local
  project (`pip install .`);
- local paths (anything with a `/`, `.`, `..`, `.[extra]`), local wheels and
  source archives (`.whl`, `.tar.gz`, `.zip`...), URLs;
- VCS URLs pinned to a ref (`git+https://host/org/repo.git@v1.2#egg=repo`);
- `--no-index` installs, which can only pick from local wheel folders;
- a word that is only a variable (`pip install "$PKG"`, `$(cat list)`): what
  it holds is not known.

A package whose name is written with a variable part
(`"tensorflow${TF_SUFFIX}"`) is reported: its written text names no version.
A version in the written text pins it (`"flask==${FLASK_VERSION}"`), and so
does a variable that brings the operator along (`"flask${V:+==$V}"`).

## Why is this bad?
Without a version, each build installs whatever is newest on the index that
day: two builds of the same Dockerfile get different code, a release that
breaks your image can arrive without any change on your side, and the build
cache hides when it happened.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
```

## Differences from hadolint
- hadolint counts any `@` in a VCS URL as a ref, the `@` of `user@host`
  included (`git+https://${TOKEN}@github.com/org/repo.git`); dlint looks for
  the ref in the URL's path.
- `.[extra]`, archives other than `.whl`/`.tar.gz`, `--no-index` installs and
  `PIP_CONSTRAINT` are not reported: they install local files, or versions a
  constraints file fixes. hadolint reports them.
- A word that is only a variable (`"$PKG"`) is not reported, as in the apt and
  apk rules: hadolint reports it.
- Operators in an environment marker (`"pkg; python_version<'3.9'"`) do not
  pin the package.
- The values of pip options hadolint does not know take one (`--timeout 60`,
  `-C key=value`, `--report out.json`, `--exists-action w`) are not packages;
  hadolint reports them as unpinned.
- pip run through `sudo` or by its path (`/opt/venv/bin/pip install`) is
  checked; hadolint does not see it.
- Each unpinned package is reported at its own place, not the whole `RUN`.

## Known limitations
`uv pip install` and `uv tool install` are not checked (uv has options of its
own that take values).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, invocations

META = RuleMeta(
    code="DL3013",
    name="pip-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "pip"),
    precision="high",
)

_OPERATORS = ("===", "==", "~=", "!=", ">=", "<=", ">", "<")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar")
_VCS = re.compile(r"^(?:git|hg|svn|bzr)\+[a-z+-]*:|^(?:git|svn)://", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z0-9\x00][A-Za-z0-9._\x00-]*(?:\[[^\]]*\])?")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Options that take a value but are missing from the shared pip table
# (``--build`` of old pips, pipx's own options).
_EXTRA_VALUED = frozenset(
    {"-b", "--build", "--build-dir", "--build-directory", "--use-feature", "--use-deprecated", "--keyring-provider",
     "--resume-retries", "--log-file", "--pip-args", "--suffix", "--spec", "--preinstall"}
)  # fmt: skip


HOLE = "\x00"  # stands for an expansion in the static text of a word


@dataclass(frozen=True, slots=True)
class Written:
    """A word's static text (quotes removed), with a ``HOLE`` for each expansion."""

    text: str
    expansions: tuple[str, ...] = ()  # the source of each expansion, in order

    def show(self, text: str) -> str:
        """``text`` (this word's text, or a prefix of it) with its expansions written back."""
        if HOLE not in text:
            return text
        parts = iter(self.expansions)
        return "".join(next(parts, "$?") if ch == HOLE else ch for ch in text)


def written(word: ShellWord) -> Written | None:
    """How a package word is written: its static text, expansions standing in as holes.

    None for a word that is only expansions (``$PKG``, ``"${PKG}"``, ``$(cat f)``): what
    it holds is unknown. A word with static text (``"tensorflow${SUFFIX}"``,
    ``flask==${VERSION}``) is judged on that text, each expansion read as part of a
    name, never as a version. (The IR keeps a word's value only when it is all static,
    so the word's source is read here, one character at a time.)"""
    if word.value is not None:
        return Written(word.value)
    text, expansions = _lex(word.text)
    if not text.replace(HOLE, "").strip():
        return None
    return Written(text, tuple(expansions))


def _lex(source: str) -> tuple[str, list[str]]:
    """Quote removal over one word's source, each expansion replaced by a HOLE."""
    out: list[str] = []
    expansions: list[str] = []
    i, n, quoted = 0, len(source), False
    while i < n:
        ch = source[i]
        if ch == "\\":
            following = source[i + 1 : i + 2]
            if quoted and following not in ("$", "`", '"', "\\", "\n"):
                out.append(ch)
            elif following != "\n":
                out.append(following)
            i += 2
        elif ch == '"':
            quoted = not quoted
            i += 1
        elif ch == "'" and not quoted:
            end = source.find("'", i + 1)
            end = n if end < 0 else end
            out.append(source[i + 1 : end])
            i = end + 1
        elif ch == "$" and not quoted and source[i + 1 : i + 2] in ("'", '"'):
            i += 1  # $'...' and $"...": quoting, read as quotes
        elif ch in ("$", "`") and (end := _expansion_end(source, i)) > i + 1:
            expansions.append(source[i:end])
            out.append(HOLE)
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out), expansions


def _expansion_end(source: str, i: int) -> int:
    """Where the expansion at ``source[i]`` (``$`` or a backquote) ends (``i + 1``: none)."""
    if source[i] == "`":
        j = i + 1
        while j < len(source) and source[j] != "`":
            j += 2 if source[j] == "\\" else 1
        return min(j + 1, len(source))
    following = source[i + 1 : i + 2]
    if following in ("{", "("):
        closing = "}" if following == "{" else ")"
        depth, j = 0, i + 1
        while j < len(source):
            if source[j] == following:
                depth += 1
            elif source[j] == closing:
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 2 if source[j] == "\\" else 1
        return len(source)
    if following.isdigit() or (following and following in "@*#?$!-"):
        return i + 2
    j = i + 1
    while j < len(source) and (source[j].isalnum() or source[j] == "_"):
        j += 1
    return j


def _vcs_pinned(url: str) -> bool:
    """A VCS URL names a ref: ``...repo.git@v1.2`` (an ``@`` in the path, not ``user@``)."""
    url = url.split("#", 1)[0]
    rest = url.split("://", 1)[1] if "://" in url else url.split(":", 1)[-1]
    _host, slash, path = rest.partition("/")
    return bool(slash) and "@" in path and not path.endswith("@")


def _pinned(spec: str) -> bool:
    """Whether one requirement pins its version (or names a local file or a path)."""
    spec = spec.strip()
    if _VCS.match(spec):
        return _vcs_pinned(spec)
    _name, at, target = spec.partition("@")
    if at and (_URL.match(target.strip()) or _VCS.match(target.strip())):
        # a PEP 508 direct reference: ``name @ https://...`` or ``name @ git+https://...``
        target = target.strip()
        return _vcs_pinned(target) if _VCS.match(target) else True
    if _URL.match(spec) or spec.lower().endswith(_ARCHIVES):
        return True
    requirement = spec.split(";", 1)[0]  # not the environment marker
    path = requirement.split("[", 1)[0]
    if path in (".", "..") or "/" in path or path.startswith("~"):
        return True
    return any(op in requirement for op in _OPERATORS)


def _message(spec: str, word: Written) -> str:
    shown = word.show(spec)
    vcs = _VCS.match(spec) or _VCS.match(spec.partition("@")[2].strip())
    if vcs:
        return f"`{shown}` is installed from a VCS URL without a ref: add `@<tag or commit>`."
    name = _NAME.match(spec)
    pinned = f"{word.show(name[0]) if name else shown}==<version>"
    return (
        f"`{shown}` is installed without a version: pin it (`{pinned}`) "
        "or install from a requirements or constraints file."
    )


def _scope(df: Dockerfile, stage: Stage, ins: Instruction, onbuild: bool) -> dict[str, str]:
    """Variables a RUN sees from ENV and ARG (an ONBUILD trigger: the whole stage's)."""
    if onbuild:
        return dict(stage.env)
    env: dict[str, str] = {}
    base = stage.base
    if isinstance(base, StageRef) and 0 <= base.index < len(df.stages):
        env.update(df.stages[base.index].env)
    for other in stage.instructions:
        if other is ins:
            break
        if other.keyword == "ENV":
            for i, (key, value, _eq) in enumerate(other.pairs):
                expanded = other.expanded
                env[key.value] = expanded[3 * i + 1] if expanded else value.value
        elif other.keyword == "ARG":
            for name, default in other.declarations:
                if default is not None and name.value not in env:
                    env[name.value] = _unquote(default.value)
    return env


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _assignment(word: ShellWord) -> tuple[str, str] | None:
    """``NAME=value`` of an assignment word (quotes removed; a HOLE for an expansion)."""
    text = written(word)
    name, eq, value = text.text.partition("=") if text is not None else ("", "", "")
    if not eq or not name.replace("_", "a").isalnum():
        return None
    return name, value


def _before(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.line, b.column)


def _inline(inv: Invocation, commands: tuple[ShellCommand, ...], name: str) -> str | None:
    """The value ``name`` gets for this command from the shell: ``NAME=1 pip``,
    ``env NAME=1 pip``, or an earlier ``export NAME=1`` of the same script."""
    cmd = inv.command
    words = list(cmd.assignments)
    words += [w for w in cmd.argv if _before(w.span, inv.program.span)]
    for other in commands:
        if other.program == "export" and _before(other.span, cmd.span):
            words += list(other.args)
    found = None
    for word in words:
        pair = _assignment(word)
        if pair is not None and pair[0] == name:
            found = pair[1]
    return found


def _packages(inv: Invocation) -> list[ShellWord]:
    """The operands, without the values of options the shared table misses."""
    argv = inv.command.argv
    values = {argv[i + 1].span for i, word in enumerate(argv[:-1]) if word.value in _EXTRA_VALUED}
    return [w for w in inv.operands if w.span not in values]


def _runs(df: Dockerfile) -> Iterator[tuple[Stage, Instruction, Instruction, bool]]:
    """(stage, instruction in the stage, the RUN, whether it is an ONBUILD trigger)."""
    for stage in df.all_stages:
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                yield stage, ins, ins, False
            elif ins.keyword == "ONBUILD" and ins.trigger and ins.trigger.keyword == "RUN":
                yield stage, ins, ins.trigger, True


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage, ins, run, onbuild in _runs(df):
        script = run.script
        if script is None:
            continue
        scope: dict[str, str] | None = None
        for inv in invocations(script, "pip", "pipx"):
            if inv.subcommand != "install":
                continue
            if inv.has("--requirement", "--constraint", "--no-index"):
                continue
            packages = _packages(inv)
            if any(w.value == "." for w in packages) or "." in inv.values("--editable"):
                continue
            if scope is None:
                scope = _scope(df, stage, ins, onbuild)
            constraint = _inline(inv, script.commands, "PIP_CONSTRAINT")
            if constraint or (constraint is None and scope.get("PIP_CONSTRAINT")):
                continue
            for word in packages:
                text = written(word)
                if text is None:
                    continue  # only a variable: its value is not known
                spec = text.text.strip()
                if not spec or spec.startswith("-") or _pinned(spec):
                    continue  # an option (``--target=$DIR``), or pinned
                if any(op in e for e in text.expansions for op in _OPERATORS):
                    continue  # the version comes with a variable: ``pkg${V:+==$V}``
                yield Finding(word.span, _message(spec, text))
