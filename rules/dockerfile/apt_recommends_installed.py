r"""`apt-get install` also installs every recommended package.

## What it does
Reports an `apt-get install` (also `apt install` and `aptitude install`)
given neither `--no-install-recommends` nor
`-o APT::Install-Recommends=false` (nor `--install-recommends=false`, nor
aptitude's `-R`/`--without-recommends`). Found in `RUN` and `ONBUILD RUN`,
through `sudo`/`env` prefixes, `sh -c '...'`, heredoc scripts and line
continuations, with the options before or after `install`.

Not reported: an install run with `--simulate`/`-s` or with options dlint
cannot know before `install` (`apt-get $APT_OPTS install`: they may hold
`--no-install-recommends`), and installs in a stage where an earlier
instruction (of the stage or of a stage it is built `FROM`) writes
`APT::Install-Recommends "false"` (or `"0"`) into apt's configuration, the
usual `/etc/apt/apt.conf.d/` drop-in.

## Why is this bad?
By default apt installs a package's "Recommends" as well as its dependencies:
documentation, optional tools, whole desktop libraries. They are not needed
for the package to work, and they make the image bigger, slower to pull and
larger to scan, with more software that can have vulnerabilities.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Fix
Writes `--no-install-recommends` (aptitude: `--without-recommends`) right after
`install` (`"--no-install-recommends"` as the next element of a JSON-form `RUN`),
also for a command run through `sudo` or `env`. Unsafe: the packages that were
only recommended are no longer installed, and the image may need some of them.
No fix for a command read from a `sh -c '...'` string, after a `--` that ends the
options, or with recommends asked for explicitly (`--install-recommends`, an `-o`
setting of `APT::Install-Recommends`).

## Differences from hadolint
- hadolint checks `apt-get` only; dlint also checks `apt install` and
  `aptitude install`, which install recommended packages too.
- hadolint reports every install in a stage that already turned recommends
  off in apt's configuration (`echo 'APT::Install-Recommends "false";' >
  /etc/apt/apt.conf.d/...`); dlint does not. It also accepts the setting's
  other spellings of false (`0`, `no`, `off`) and `--install-recommends=false`.
- hadolint reports `apt-get install -s` (simulate), which installs nothing;
  dlint does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, Fix, RuleMeta

from .._shared.apt_config import configured
from .._shared.flag_fixes import exec_commands, insert_option
from .._shared.packages import Invocation, parse
from .._shared.runs import Run

META = RuleMeta(
    code="DL3015",
    name="apt-recommends-installed",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("image-size", "packages", "apt"),
    precision="high",
    fixable=True,
)

_TOOLS = ("apt-get", "apt", "aptitude")
_FALSE = frozenset({"false", "no", "0", "off", "without", "disable"})
# the setting as apt.conf writes it: APT::Install-Recommends "false";
_CONFIG = re.compile(
    r"""APT::Install-Recommends\s*=?\s*["']?\s*(?:false|no|0|off)\b""", re.IGNORECASE
)


def _skips_recommends(inv: Invocation) -> bool:
    if inv.has("--no-install-recommends", "-R", "--without-recommends"):
        return True
    for opt in inv.options:
        if opt.name == "--install-recommends" and (opt.value or "").lower() in _FALSE:
            return True
        if opt.name == "--option" and opt.value:
            key, _, value = opt.value.partition("=")
            if key.strip().lower() == "apt::install-recommends" and value.strip().lower() in _FALSE:
                return True
    return False


def _fix(inv: Invocation, flag: str, exec_form: bool) -> Fix | None:
    """``flag`` after ``install``, unless the command asks for recommends itself."""
    if inv.subcommand_word is None or inv.has("--install-recommends"):
        return None
    for opt in inv.options:
        if opt.name == "--option" and "install-recommends" in (opt.value or "").lower():
            return None
    edit = insert_option(inv, inv.subcommand_word.span, flag, exec_form)
    return None if edit is None else Fix(f"Add `{flag}`", (edit,), safe=False)


def _findings(run: Run, configured_from: int | None, exec_ids: frozenset[int]) -> Iterator[Finding]:
    """The installs of a RUN that take the recommended packages, from the
    ``configured_from``-th command on configured not to (None: not configured)."""
    for i, cmd in enumerate(run.script.commands):
        if configured_from is not None and i >= configured_from:
            return
        inv = parse(cmd)
        if (
            inv is None
            or inv.tool not in _TOOLS
            or inv.subcommand != "install"
            or inv.unknown
            or inv.has("--simulate")
            or _skips_recommends(inv)
        ):
            continue
        flag = "--without-recommends" if inv.tool == "aptitude" else "--no-install-recommends"
        yield Finding(
            inv.head,
            f"`{inv.tool} install` also installs the packages recommended by those you name: "
            f"add `{flag}` and name the ones you need.",
            fix=_fix(inv, flag, id(cmd) in exec_ids),
        )


def check(df: Dockerfile) -> Iterator[Finding]:
    exec_ids = exec_commands(df)
    for run, configured_from in configured(df, _CONFIG):
        yield from _findings(run, configured_from, exec_ids)
