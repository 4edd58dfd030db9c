"""`useradd` creates a user with a large UID without `--no-log-init`.

## What it does
Reports each `useradd` in a `RUN` (or `ONBUILD RUN`) that sets a UID of six
digits or more (`-u 100000`, `--uid=123456`, `-u$UID` when the stage gives
`UID` a value) and has no `-l`/`--no-log-init`, at the UID option. A UID
held in a variable whose value is unknown is not reported.

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
whatever the variable holds; dlint uses the value an `ARG` default or an
`ENV` of the stage gives it, and stays silent when the value is unknown.
hadolint also misses the long form `--uid` and a UID written against its
option (`-u123456`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

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
_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def _uid_and_log_init(argv: tuple[ShellWord, ...]) -> tuple[list[ShellWord], str | None, bool]:
    """(words holding the UID option, its value as written, whether -l is given)."""
    uid: list[ShellWord] = []
    value: str | None = None
    no_log_init = False
    i = 1
    while i < len(argv):
        word = argv[i]
        text = word.literal
        i += 1
        if text == "--":
            break
        if text.startswith("--"):
            name, eq, inline = text.partition("=")
            if name == "--no-log-init":
                no_log_init = True
            elif name in _LONG_VALUED:
                given = inline if eq else (argv[i].literal if i < len(argv) else None)
                if name == "--uid":
                    uid = [word] if eq or i >= len(argv) else [word, argv[i]]
                    value = given
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
                given = rest if rest else (argv[i].literal if i < len(argv) else None)
                if letter == "u":
                    uid = [word] if rest or i >= len(argv) else [word, argv[i]]
                    value = given
                if not rest:
                    i += 1
                break
    return uid, value, no_log_init


def _known(df: Dockerfile, stage: Stage, before: Instruction) -> dict[str, str | None]:
    """Variables with the value they hold when ``before`` runs (None: unknown). An
    ``ONBUILD`` trigger runs in another build: only ENV values reach it."""
    env: dict[str, str | None] = {}
    args: dict[str, str | None] = {}
    if isinstance(stage.base, StageRef) and stage.base.index < len(df.stages):
        env.update(df.stages[stage.base.index].env)
    global_defaults: dict[str, str | None] = {}
    for arg in df.global_args:
        for name, default in arg.declarations:
            global_defaults[name.value] = default.value if default is not None else None
    for ins in stage.instructions:
        if ins is before:
            break
        if ins.keyword == "ARG":
            for name, default in ins.declarations:
                found = default.value if default is not None else global_defaults.get(name.value)
                args[name.value] = found
        elif ins.keyword == "ENV":
            expanded = ins.expanded or ()
            for i, (key, _value, _eq) in enumerate(ins.pairs):
                raw = expanded[3 * i + 1] if len(expanded) > 3 * i + 1 else None
                env[key.value] = raw if raw is not None and "$" not in raw else None
    if before.keyword == "ONBUILD":
        return env
    return {**args, **env}  # ENV wins over an ARG of the same name


def _resolve(value: str, known: dict[str, str | None]) -> str | None:
    """The UID a word stands for, when it is a number or one variable with a known value."""
    if "$" not in value:
        return value
    m = _VARIABLE.match(value.strip('"'))
    if m is None:
        return None
    found = known.get(m.group(1) or m.group(2))
    return found.strip("\"'") if found is not None and "$" not in found else None


def _useradds(stage: Stage) -> Iterator[tuple[Instruction, ShellCommand]]:
    for ins in stage.instructions:
        run = ins.trigger if ins.keyword == "ONBUILD" else ins
        if run is None or run.keyword != "RUN" or run.script is None:
            continue
        for cmd in run.script.commands:
            argv = cmd.unwrapped()
            if (
                argv
                and argv[0].value is not None
                and posixpath.basename(argv[0].value) == "useradd"
            ):
                yield ins, cmd


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        for ins, cmd in _useradds(stage):
            uid_words, written, no_log_init = _uid_and_log_init(cmd.unwrapped())
            if no_log_init or not uid_words or written is None:
                continue
            value = _resolve(written, _known(df, stage, ins))
            if value is None or not value.isdigit() or len(value.lstrip("0")) <= 5:
                continue
            span = uid_words[0].span.cover(uid_words[-1].span)
            yield Finding(
                span,
                f"`useradd` with UID {value} and without `--no-log-init` (`-l`) writes "
                "lastlog and faillog records sized by the UID, which bloat the layer: add "
                "`--no-log-init`.",
            )
