"""`useradd` creates a user with a large UID without `--no-log-init`.

## What it does
Reports each `useradd` in a `RUN` (or `ONBUILD RUN`) that sets a UID of six
digits or more (`-u 100000`, `--uid=123456`, `-u$UID` when the script or the
stage gives `UID` a value) and has no `-l`/`--no-log-init`, at the UID option;
the message names the variable the UID comes from. A UID held in a variable
whose value is unknown is not reported.

## Why is this bad?
`useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`,
files indexed by UID. On disk they are sparse, but a layer stores them in
full: a user with UID 100000 adds about 30 MB of zeros to the image, UID
1000000 about 300 MB. `--no-log-init` (`-l`) skips those records, which a
container does not need.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN useradd -u 123456 -m app
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN useradd --no-log-init -u 123456 -m app
```

## Differences from hadolint
hadolint measures the UID as written, so `-u ${APP_UID}` counts as a long UID
whatever the variable holds; dlint uses the value the script itself, an
`ARG` default or an `ENV` of the stage gives it, and stays silent when the
value is unknown.
hadolint also misses the long form `--uid` and a UID written against its
option (`-u123456`).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.runs import Run, runs

META = RuleMeta(
    code="DL3046",
    name="useradd-without-no-log-init",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("image-size",),
    precision="high",
)

# useradd's short options that take a value (the rest of the word, or the next word)
_SHORT_VALUED = frozenset("bcdefgGkKpPRsuZ")
_LONG_VALUED = frozenset(
    {"--base-dir", "--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups",
     "--skel", "--key", "--password", "--root", "--prefix", "--shell", "--uid", "--selinux-user",
     "--selinux-range"}
)  # fmt: skip

_Token = tuple[str, ShellWord]  # a word the shell passes to useradd, and the word written


def _tokens(run: Run, words: tuple[ShellWord, ...]) -> list[_Token]:
    """The words ``words`` expand to, each with the word it comes from; a word dlint
    cannot expand stays as written."""
    out: list[_Token] = []
    for word in words:
        fields = run.fields(word)
        out.extend((text, word) for text in (fields if fields is not None else (word.literal,)))
    return out


def _uid_and_log_init(args: list[_Token]) -> tuple[list[_Token], bool]:
    """(the tokens of the UID option, its value last; whether -l is given)."""
    uid: list[_Token] = []
    no_log_init = False
    i = 0
    while i < len(args):
        token = args[i]
        text = token[0]
        i += 1
        if text == "--":
            break
        if text.startswith("--"):
            name, eq, inline = text.partition("=")
            if name == "--no-log-init":
                no_log_init = True
            elif name in _LONG_VALUED:
                if name == "--uid":
                    uid = [(inline, token[1])] if eq else [token, *args[i : i + 1]]
                if not eq:
                    i += 1
            continue
        if not text.startswith("-") or len(text) < 2:
            continue
        for j, letter in enumerate(text[1:], start=1):
            if letter == "l":
                no_log_init = True
            if letter in _SHORT_VALUED:
                rest = text[j + 1 :]
                if letter == "u":
                    uid = [(rest, token[1])] if rest else [token, *args[i : i + 1]]
                if not rest:
                    i += 1
                break
    return uid, no_log_init


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df, dialects=("posix", "exec")):
        for cmd in run.script.calls("useradd"):
            argv = cmd.unwrapped()
            uid, no_log_init = _uid_and_log_init(_tokens(run, argv[1:]))
            if no_log_init or not uid:
                continue
            value, word = uid[-1]  # `-u` alone, when no value follows: no number
            if not value.isdigit() or len(value.lstrip("0")) <= 5:
                continue
            names = ", ".join(f"`${n}`" for n in dict.fromkeys(word.variables))
            held = f" (from {names})" if names else ""
            yield Finding(
                uid[0][1].span.cover(word.span),
                f"`useradd` with UID {value}{held} and without `--no-log-init` (`-l`) writes "
                "lastlog and faillog records sized by the UID, which bloat the layer: add "
                "`--no-log-init`.",
            )
