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
- a word that is only a variable dlint cannot know (`pip install "$PKG"`,
  `$(cat list)`): what it holds is not known.

A variable the script sets itself is read: `PKGS="flask gunicorn" && pip
install $PKGS` reports each package it holds without a version, on `$PKGS`.

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
  apk rules, unless the script sets it: hadolint reports it.
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

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.operands import names, show
from .._shared.packages import invocations
from .._shared.runs import runs

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
# requirement syntax (PEP 508), not shell: the word is read through the IR first
_VCS = re.compile(r"^(?:git|hg|svn|bzr)\+[a-z+-]*:|^(?:git|svn)://", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z0-9\x00][A-Za-z0-9._\x00-]*(?:\[[^\]]*\])?")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _vcs_pinned(url: str) -> bool:
    """A VCS URL names a ref: ``...repo.git@v1.2`` (an ``@`` in the path, not ``user@``)."""
    url = url.split("#", 1)[0]
    rest = url.split("://", 1)[1] if "://" in url else url.split(":", 1)[-1]
    _host, slash, path = rest.partition("/")
    return bool(slash) and "@" in path and not path.endswith("@")


def _pinned(spec: str) -> bool:
    """Whether one requirement pins its version (or names a local file or a path)."""
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


def _message(spec: str, sources: tuple[str, ...], origin: str) -> str:
    shown = show(spec, sources)
    if _VCS.match(spec) or _VCS.match(spec.partition("@")[2].strip()):
        return (
            f"`{shown}`{origin} is installed from a VCS URL without a ref: add `@<tag or commit>`."
        )
    name = _NAME.match(spec)
    pinned = f"{show(name[0], sources) if name else shown}==<version>"
    return (
        f"`{shown}`{origin} is installed without a version: pin it (`{pinned}`) "
        "or install from a requirements or constraints file."
    )


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        for inv in invocations(run.script, "pip", "pipx"):
            if inv.subcommand != "install":
                continue
            if inv.has("--requirement", "--constraint", "--no-index"):
                continue
            packages = inv.operands
            if any(w.value == "." for w in packages) or "." in inv.values("--editable"):
                continue
            if any(run.environment(inv.command, inv.program, "PIP_CONSTRAINT") or ()):
                continue
            for word in packages:
                for text, sources, origin in names(run, word):
                    spec = text.strip()
                    if not spec or spec.startswith("-") or _pinned(spec):
                        continue  # an option (``--target=$DIR``), or pinned
                    if any(op in e for e in sources for op in _OPERATORS):
                        continue  # the version comes with a variable: ``pkg${V:+==$V}``
                    yield Finding(word.span, _message(spec, sources, origin))
