"""ADD copies plain files or folders, which is COPY's job.

## What it does
Reports an `ADD` with a source that is neither a compressed or tar archive
(by its extension, in any case: `.tar`, `.tar.gz`, `.tgz`, `.bz2`, `.xz`,
`.zst`...) nor a remote source (an `http://` or `https://` URL, or a Git
repository). A here-document (`ADD <<EOF /etc/app.conf`) is a plain file too.
Sources are judged after `ARG` and `ENV` substitution; one that holds a
variable with no known value is not judged.

## Why is this bad?
`ADD` does more than copy: it unpacks local tar archives and downloads URLs.
For plain files and folders it behaves like `COPY`, but a reader cannot tell
that nothing else happens, and the day a file it copies is (or is renamed to)
a tar archive, `ADD` unpacks it instead of copying it. `COPY` says what it
does. Keep `ADD` for the two things only it can do.

## Example
```dockerfile
FROM python:3.12-slim
ADD requirements.txt /app/
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt /app/
ADD vendor/rootfs.tar.gz /
```

## Fix
Writes `COPY` in place of `ADD` (safe), keeping its flags and arguments as written.
No fix when a source is an archive, a URL or a Git repository (COPY cannot do what
`ADD` does with it), when a source is written with a variable or a pattern
(`ADD $SRC /opt/`, `ADD vendor/* /opt/`: they may name an archive, which `ADD`
unpacks), or looks like a URL of another scheme
(`ftp://...`, probably meant to be downloaded), or when `ADD` has a flag `COPY` does
not take (`--checksum`, `--keep-git-dir`, `--unpack`...).

## Differences from hadolint
- `.zst` and `.tzst` (zstd) count as archives: Docker unpacks them as it
  unpacks gzip, bzip2 and xz ones.
- Git sources (`ADD https://github.com/org/repo.git#v1 /src`,
  `ADD git@github.com:org/repo.git /src`) are fine: only `ADD` can fetch them.
- Extensions are compared in any case (`APP.TAR.GZ` is an archive): Docker
  recognises an archive by its content, not by how its name is written.
- hadolint reads the source as written, so `ARG SRC=vendor.tar.gz` then
  `ADD $SRC /opt/` is reported and `ADD $UNSET /opt/` too. dlint substitutes
  the variables it knows and judges the result (an archive here), and does
  not judge a source whose variables have no known value.
- hadolint does not check here-documents; `ADD <<EOF` only writes a file,
  which `COPY <<EOF` does as well, so dlint reports it.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Layer, Source
from dlint.rule import Edit, Finding, Fix, RuleMeta

META = RuleMeta(
    code="DL3020",
    name="add-instead-of-copy",
    scope="dockerfile",
    severity=Severity.ERROR,
    tags=("best-practice",),
    precision="very-high",
    fixable=True,
)

# hadolint's list, plus zstd, which Docker's ADD unpacks too
_ARCHIVES = (
    ".tar",
    ".z",
    ".bz2",
    ".gz",
    ".lz",
    ".lzma",
    ".tz",
    ".tb2",
    ".tbz",
    ".tbz2",
    ".tgz",
    ".tlz",
    ".tpz",
    ".txz",
    ".xz",
    ".zst",
    ".tzst",
)


def _plain(source: Source) -> bool:
    """A local file or folder (not an archive, URL or Git repository), as far as known."""
    if source.unresolved or source.kind == "git":
        return False
    # ADD downloads only http:// and https:// (lower case); another scheme is a local path
    if source.kind == "url" and source.path.strip("\"'").startswith(("http://", "https://")):
        return False
    if source.kind == "heredoc":
        return True
    return not source.path.strip("\"'").lower().endswith(_ARCHIVES)


# the flags of ADD that COPY takes too, and does the same with
_COPY_FLAGS = frozenset({"chown", "chmod", "link", "exclude"})


def _fix(df: Dockerfile, layer: Layer) -> Fix | None:
    """``COPY`` in place of ``ADD``, when every source is a plain file COPY copies the
    same way and every flag is one COPY takes."""
    ins = layer.instruction
    if any(f.name not in _COPY_FLAGS for f in ins.flags):
        return None
    for source in layer.sources:
        if not _plain(source) or "://" in source.path:
            return None
    for word in ins.args[:-1]:
        if any(c in word.value for c in "$*?["):
            # a build argument may name an archive at build time, a pattern match one
            return None
    span = ins.keyword_span
    if span.line != span.end_line or not 0 < span.line <= len(df.lines):
        return None
    if df.lines[span.line - 1][span.column - 1 : span.end_column - 1] != ins.keyword_text:
        return None
    keyword = "copy" if ins.keyword_text.islower() else "COPY"
    return Fix(f"Write `{keyword}`", (Edit(span, keyword),))


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        for layer in stage.layers:
            if layer.kind != "add":
                continue
            plain = [s for s in layer.sources if _plain(s)]
            if not plain:
                continue
            names = ", ".join(
                f"here-document `{s.path}`" if s.kind == "heredoc" else f"`{s.path}`" for s in plain
            )
            what = (
                "which is neither an archive nor a URL"
                if len(plain) == 1
                else "which are neither archives nor URLs"
            )
            yield Finding(
                layer.instruction.keyword_span,
                f"ADD of {names}, {what}: use COPY, which only copies.",
                fix=_fix(df, layer),
            )
