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
- packages written with a variable (`pip install "$PKG"`): their value is
  not known.

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
- hadolint reads `git...` as a VCS URL for any package whose name starts with
  `git` and counts any `@` in a VCS URL as a ref, the `@` of `user@host`
  included; dlint looks for the ref in the URL's path.
- `.[extra]`, `../pkg`, archives other than `.whl`/`.tar.gz`, `--no-index`
  installs and `PIP_CONSTRAINT` are not reported; hadolint reports the first
  and the last three.
- Operators in an environment marker (`"pkg; python_version<'3.9'"`) do not
  pin the package.
- Each unpinned package is reported at its own place, not the whole `RUN`.

## Known limitations
`uv pip install` and `uv tool install` are not checked (uv has options of its
own that take values).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Options that take a value but are missing from the shared pip table
# (``--build`` of old pips, pipx's own options).
_EXTRA_VALUED = frozenset(
    {"-b", "--build", "--build-dir", "--build-directory", "--use-feature", "--use-deprecated", "--keyring-provider",
     "--resume-retries", "--log-file", "--pip-args", "--suffix", "--spec", "--preinstall"}
)  # fmt: skip


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


def _message(spec: str) -> str:
    vcs = _VCS.match(spec) or _VCS.match(spec.partition("@")[2].strip())
    if vcs:
        return f"`{spec}` is installed from a VCS URL without a ref: add `@<tag or commit>`."
    name = _NAME.match(spec)
    pinned = f"{name[0] if name else spec}==<version>"
    return (
        f"`{spec}` is installed without a version: pin it (`{pinned}`) "
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
    """``NAME=value`` (quotes removed) of an assignment word."""
    name, eq, value = word.text.partition("=")
    if not eq or not name.replace("_", "a").isalnum():
        return None
    return name, _unquote(value)


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
                if word.value is None or not word.value.strip() or _pinned(word.value):
                    continue
                yield Finding(word.span, _message(word.value.strip()))
