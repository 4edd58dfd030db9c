"""ADD downloads a remote file or repository that nothing verifies.

## What it does
Reports each remote source of an `ADD` (also under `ONBUILD`) whose content
the build does not check:
- an `http://` or `https://` URL without `--checksum=sha256:<digest>`;
- a Git repository (`https://host/org/repo.git`, `git@host:org/repo.git`,
  `git://`, `ssh://`) that is not pinned to a commit: pinned means a full
  commit hash as its ref (`repo.git#<40 hex digits>`, with an optional
  `:subdir`, or `repo.git?ref=<hash>`), a `checksum=` or `commit=` query
  (`repo.git?tag=v1.2.3&checksum=<hash>`), or a `--checksum=<commit hash>`
  flag, which BuildKit checks against the commit it fetches. A branch or a
  tag (`#main`, `#v1.2.3`) is not a pin: both can be moved.

The source is judged after `ARG` and `ENV` substitution. Not reported: a
source whose ref comes from a variable with no known value (a build argument
given on the command line may hold a commit hash), and a source that is only
variables. `ADD` of local files is `add-instead-of-copy`'s business (DL3020).

## Why is this bad?
A URL or a branch gives whatever the server holds on the day of the build:
a new release, a truncated download, or a file replaced by someone who broke
into the server or the repository. The image changes without any change to
the Dockerfile, and nothing tells. With `--checksum` (or a commit hash for
Git) BuildKit refuses content that is not the one reviewed, and the step's
cache no longer depends on the remote server.

## Example
```dockerfile
FROM alpine:3.20
ADD https://mirrors.edge.kernel.org/pub/linux/kernel/Historical/linux-0.01.tar.gz /src/
ADD https://github.com/moby/buildkit.git#v0.16.0 /src/buildkit
```

## Use instead
```dockerfile
FROM alpine:3.20
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://mirrors.edge.kernel.org/pub/linux/kernel/Historical/linux-0.01.tar.gz /src/
# the commit reviewed, by its full hash (the tag stays in the query for readers)
ADD https://github.com/moby/buildkit.git?tag=v0.16.0&checksum=0123456789abcdef0123456789abcdef01234567 /src/buildkit
```

## Known limitations
- `ADD --checksum` needs the Dockerfile syntax 1.6 or later, and a checksum
  for a Git source a recent BuildKit; dlint does not check the `# syntax=`
  line.
- A short commit hash as the ref (`#b2a3d4a`) is reported: Git fetches a ref
  by its full hash only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import references

META = RuleMeta(
    code="DF801",
    name="add-unverified-remote",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("security", "supply-chain", "reproducibility"),
    precision="high",
    security_severity=5.0,
    preview=True,
)

_COMMIT = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_HEX = re.compile(r"^[0-9a-fA-F]{7,64}$")


@dataclass(frozen=True, slots=True)
class _Source:
    text: str  # after substitution (unknown variables empty)
    raw: str  # as written
    span: Span
    unresolved: tuple[str, ...]  # variables in it with no known value


def _git(text: str) -> bool:
    """Whether BuildKit reads ``text`` as a Git repository (gitutil.ParseGitRef)."""
    if text.startswith(("git@", "git://", "ssh://")):
        return True
    if not text.startswith(("http://", "https://")):
        return False
    path = re.split(r"[?#]", text, maxsplit=1)[0]
    return path.endswith(".git")


def _pin(text: str, checksum: bool) -> tuple[bool, str | None]:
    """(pinned, the ref it names) for a Git source."""
    rest, _, fragment = text.partition("#")
    _, _, query = rest.partition("?")
    params = parse_qs(query)
    ref = fragment.partition(":")[0] or next(
        (params[k][0] for k in ("ref", "tag", "branch") if params.get(k)), None
    )
    if checksum or any(_HEX.match(v) for k in ("checksum", "commit") for v in params.get(k, ())):
        return True, ref
    return bool(ref and _COMMIT.match(ref)), ref


def _ref_unknown(source: _Source, escape: str) -> bool:
    """Whether a variable with no known value stands where the Git ref is (after
    ``#`` or ``?``), or at the end of the source, where it may bring one."""
    if not source.unresolved:
        return False
    refs = [r for r in references(source.raw, escape) if r.name in source.unresolved]
    if not refs:
        return False
    inside = [(r.start, r.end) for r in references(source.raw, escape)]
    split = next(
        (
            i
            for i, c in enumerate(source.raw)
            if c in "#?" and not any(s < i < e for s, e in inside)
        ),
        None,
    )
    if split is not None and any(r.end > split for r in refs):
        return True
    return refs[-1].end >= len(source.raw.rstrip("\"'"))


def _sources(df: Dockerfile) -> Iterator[tuple[Instruction, _Source]]:
    """Each source of each ADD (and ONBUILD ADD), with its instruction."""
    for stage in df.all_stages:
        for layer in stage.layers:
            if layer.kind != "add":
                continue
            raw = {a.span: a.value for a in layer.instruction.args}
            for s in layer.sources:
                if s.kind != "heredoc":
                    yield (
                        layer.instruction,
                        _Source(s.path, raw.get(s.span, s.path), s.span, s.unresolved),
                    )
    for outer in df.instructions:
        ins = outer.trigger
        if outer.keyword != "ONBUILD" or ins is None or ins.keyword != "ADD" or ins.heredocs:
            continue
        for word in ins.args[:-1]:
            value = word.value
            if not ins.json and len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            names = tuple(r.name for r in references(word.value, df.escape))
            # a trigger's variables come from the image it runs in: not known here
            text = value if not names else _blank(value, df.escape)
            yield ins, _Source(text, word.value, word.span, names)


def _blank(value: str, escape: str) -> str:
    """``value`` with its variable references removed (as unknown ones substitute)."""
    out, last = [], 0
    for r in references(value, escape):
        out.append(value[last : r.start])
        last = r.end
    out.append(value[last:])
    return "".join(out)


def check(df: Dockerfile) -> Iterator[Finding]:
    for ins, source in _sources(df):
        checksum = ins.flag("checksum") is not None
        text = source.text.strip()
        if _git(text):
            if _ref_unknown(source, df.escape):
                continue
            pinned, ref = _pin(text, checksum)
            if pinned:
                continue
            shown = source.raw.strip("\"'") if source.unresolved else text
            at = f"the ref `{ref}`, which can be moved" if ref else "its default branch"
            yield Finding(
                source.span,
                f"ADD fetches the Git repository `{shown}` at {at}: pin it to a commit "
                "(a full commit hash as the ref, or `--checksum=<commit hash>`).",
            )
        elif text.startswith(("http://", "https://")) and not checksum:
            shown = source.raw.strip("\"'") if source.unresolved else text
            yield Finding(
                source.span,
                f"ADD downloads `{shown}` without `--checksum`, so the build takes whatever "
                "the server sends: add `--checksum=sha256:<digest>`.",
            )
