"""A package is installed with npm without a pinned version.

## What it does
Reports each package an `npm install` (or `npm i`, `npm add`...) names without
a version, in `RUN` and `ONBUILD RUN`: `express` or `express@latest` rather
than `express@4.19.2`, and git dependencies without a `#<commit>` or
`#semver:<range>` (`git+https://...`, `github:org/repo`, `org/repo`).

Not reported: a bare `npm install` (it installs what `package.json` and the
lock file say), versions, ranges and tags (`express@^4`, `@scope/pkg@1.2`,
`pkg@next`), tarballs (`.tgz`, `.tar`, `.tar.gz`), local folders (`.`,
`./pkg`, `../pkg`, `/opt/pkg`, `~/pkg`, `file:...`, `$DIR/pkg`), and a word
that is only a variable dlint cannot know (`npm install "$PKG"`): what it
holds is not known.

A variable the script sets itself is read: `PKGS="pnpm typescript" && npm
install -g $PKGS` reports each package it holds without a version, on
`$PKGS`.

A package whose name is written with a variable part (`"eslint-plugin-${X}"`)
is reported: its written text names no version. A version in the written
text pins it (`"express@${EXPRESS_VERSION}"`), and so does a variable that
brings the `@` along (`"express${V:+@$V}"`).

## Why is this bad?
Without a version, each build installs whatever is newest on the registry
that day: two builds of the same Dockerfile get different code, and a release
that breaks your image can arrive without any change on your side.

## Example
```dockerfile
FROM node:20-slim
RUN npm install --global pnpm
```

## Use instead
```dockerfile
FROM node:20-slim
RUN npm install --global pnpm@9.12.1
```

## Differences from hadolint
- `pkg@latest` (and `@*`, `@x`, an empty version, `alias@npm:pkg`) names no
  version: `latest` moves with every release, as `@latest` does for Go, which
  hadolint reports (DL3062). hadolint accepts any `@` here; dlint reports it.
- `org/repo` and `github:org/repo` are GitHub dependencies: dlint wants a
  `#<ref>` on them as on `git+https://` URLs; hadolint wants an `@`.
- `file:` specs, `.`, `..` and `$DIR/pkg` are local folders: hadolint
  reports them.
- A word that is only a variable (`"$PKG"`) is not reported, as in the apt and
  apk rules, unless the script sets it: hadolint reports it.
- hadolint reads only `npm install` written out, as the first word after
  `npm`; dlint also reads its aliases (`npm i`, `npm add`, `npm it`...), and
  `npm --prefix /app install`, `sudo npm install` and `/usr/local/bin/npm
  install`.
- The values of options (`--omit dev`, `--workspace web`, `--location
  global`, `--install-strategy nested`, `--audit false`) are not packages;
  hadolint reports them as unpinned.
- Each unpinned package is reported at its own place, not the whole `RUN`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.operands import HOLE, names, show
from .._shared.packages import invocations
from .._shared.runs import runs

META = RuleMeta(
    code="DL3016",
    name="npm-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "npm"),
    precision="high",
)

# package specs (npm's syntax, not shell: the word is read through the IR first)
_GIT = re.compile(r"^(?:git\+[a-z]+://|git://|git@|(?:github|gitlab|bitbucket|gist):)", re.I)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_TARBALLS = (".tar", ".tar.gz", ".tgz")
_FOLDERS = ("/", "./", "../", "~/", "file:")
_NO_VERSION = frozenset({"", "latest", "*", "x"})


def _unpinned(spec: str) -> str | None:
    """What a package spec should be written as (None: it is pinned, or local).

    A git spec gets ``#<ref>`` appended; a registry spec ``@<version>``."""
    if _GIT.match(spec):
        pinned = "#" in spec.split(":", 1)[1] and not spec.endswith("#")
        return None if pinned else f"{spec.rstrip('#')}#<commit or tag>"
    if spec.endswith(_TARBALLS) or spec in (".", "..") or spec.startswith(_FOLDERS):
        return None
    if _URL.match(spec):
        return None
    scope, name = ("@", spec[1:]) if spec.startswith("@") else ("", spec)
    first, slash, _rest = name.partition("/")
    if not scope and slash and HOLE in first:
        return None  # ``$DIR/pkg``: most likely a folder
    if not scope and "/" in name.split("@", 1)[0]:
        # ``org/repo``: a GitHub repository
        pinned = "#" in name and not name.endswith("#")
        return None if pinned else f"{spec.rstrip('#')}#<commit or tag>"
    base, at, version = name.partition("@")
    if version.startswith("npm:"):  # an alias: ``alias@npm:pkg@1.2``
        inner = _unpinned(version[4:])
        return None if inner is None else f"{scope}{base}@npm:{inner}"
    if at and version.strip() not in _NO_VERSION:
        return None
    return f"{scope}{base}@<version>"


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        for inv in invocations(run.script, "npm"):
            if inv.subcommand != "install":
                continue
            for word in inv.operands:
                for spec, sources, origin in names(run, word):
                    if not spec or spec.startswith("-") or any("@" in e for e in sources):
                        continue  # an option, or a version that comes with a variable
                    wanted = _unpinned(spec)
                    if wanted is None:
                        continue
                    what = "a ref" if wanted.endswith("#<commit or tag>") else "a version"
                    yield Finding(
                        word.span,
                        f"`{show(spec, sources)}`{origin} is installed without {what}: "
                        f"write `{show(wanted, sources)}`.",
                    )
