"""A local tar archive is copied in with COPY and then extracted by a RUN.

## What it does
In the stages the image is made of (the last stage, and the stages it is
built `FROM`), remembers the tar archives a `COPY` brings in from the build
context (by name: `.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz2`, `.tar.xz`,
`.txz`...; when the destination itself is an archive name, that name) and
reports the `COPY` of each one that a later `RUN` of the stage extracts: with
`tar -x` (`-xzf`, `xzf`, `--extract`, `--get`), or with a decompressor
(`gunzip`, `zcat`, `bunzip2`, `unxz`, `gzip -d`, `xz -d`...). The names and
options the `RUN` gives may be held in variables the script or the stage sets
(`tar -xzf /tmp/app-${VERSION}.tar.gz`); a word whose value dlint cannot know
is left out. The finding is at the archive's name in the `COPY`.

Not reported: builder stages whose layers do not reach the image (stages that
later ones only `COPY --from`), `COPY --from` (ADD cannot extract from
another stage), zip files (ADD does not extract them), and extractions that
ADD cannot do the same way: `tar` with `--strip-components`, `--transform`,
`--exclude`, `--wildcards` or to standard output (`-O`).

## Why is this bad?
`COPY` puts the whole archive in a layer, and the extracting `RUN` adds a
second layer with its contents: the archive's bytes stay in the image even if
the `RUN` deletes it. `ADD` extracts a local tar archive (plain, gzip, bzip2
or xz) straight into the destination, in one layer and one step.

## Example
```dockerfile
FROM debian:bookworm-slim
COPY app-1.4.tar.gz /tmp/
RUN tar -xzf /tmp/app-1.4.tar.gz -C /opt && rm /tmp/app-1.4.tar.gz
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
ADD app-1.4.tar.gz /opt/
```

## Differences from hadolint
hadolint also reports zip files and plain compressed files (`.gz` that are no
tar archive), which `ADD` copies without extracting; it counts any option
holding an `x` (`--exclude`) as extraction, and misses old-style `tar xzf`.
dlint reports only what `ADD` would extract the same way.

Like hadolint, dlint leaves out builder stages; hadolint looks at the last
stage only, dlint also at the stages it is built `FROM`, whose layers (and
the archive in them) are part of the image.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Layer
from dlint.ir.shell import ShellCommand
from dlint.rule import Finding, RuleMeta

from .._shared.runs import Run, runs
from .._shared.stages import shipped

META = RuleMeta(
    code="DL3010",
    name="archive-copied-then-extracted",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("performance", "image-size"),
    precision="high",
)

# Names of tar archives ADD extracts (uncompressed, gzip, bzip2 or xz, as Docker documents).
_TAR_NAMES = (
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2",
    ".tar.xz", ".txz",
)  # fmt: skip
# Compressed files that are tar archives when ``tar`` extracts them.
_COMPRESSED = (".gz", ".bz2", ".xz")
_DECOMPRESSORS = frozenset({"gunzip", "bunzip2", "unxz", "zcat", "gzcat", "bzcat", "xzcat",
                            "zgz"})  # fmt: skip
_DECOMPRESS_WITH_D = frozenset({"gzip", "bzip2", "xz", "pigz", "pbzip2"})
# tar options after which ADD would not give the same result
_NOT_LIKE_ADD = ("--strip", "--transform", "--xform", "--exclude", "--wildcards", "--to-stdout")


@dataclass(frozen=True, slots=True)
class _Archive:
    name: str  # base name, as the RUN would spell it
    span: Span  # where the COPY writes it
    line: int  # the line of the COPY


def _basename(path: str) -> str:
    return posixpath.basename(path.strip("\"'").replace("\\", "/"))


def _is_tar(name: str) -> bool:
    return name.endswith(_TAR_NAMES)


def _archive_name(name: str) -> bool:
    return _is_tar(name) or name.endswith(_COMPRESSED)


def _copied(layer: Layer) -> list[_Archive]:
    """The archives a COPY brings in from the build context."""
    ins = layer.instruction
    if ins.keyword != "COPY" or layer.copy_from is not None or len(ins.args) < 2:
        return []
    # A name as written, unless a variable is substituted in it: BuildKit would also
    # drop the backslashes of a Windows path, which hadolint (and the RUN) keep.
    expanded = ins.expanded or ()
    names = [
        _basename(expanded[i] if "$" in a.value and i < len(expanded) else a.value)
        for i, a in enumerate(ins.args)
    ]
    line = ins.span.line
    if _archive_name(names[-1]):
        return [_Archive(names[-1], ins.args[-1].span, line)]
    return [
        _Archive(name, source.span, line)
        for name, source in zip(names[:-1], layer.sources, strict=True)
        if source.kind == "context" and "*" not in source.path and _archive_name(name)
    ]


def _tar_extracts(args: list[str]) -> bool:
    """Whether a tar command line extracts to disk, the way ADD would."""
    extract = False
    for i, v in enumerate(args):
        if v.startswith("--"):
            if v.startswith(_NOT_LIKE_ADD):
                return False
            extract = extract or v in ("--extract", "--get")
        elif v.startswith("-") and len(v) > 1:
            if "O" in v:
                return False
            extract = extract or "x" in v
        elif i == 0 and v.isalpha() and "x" in v:  # old style: tar xzf file
            if "O" in v:
                return False
            extract = True
    return extract


def _extracted(run: Run, cmd: ShellCommand) -> tuple[list[str], bool]:
    """(base names a command extracts, whether tar does it). Words whose value dlint
    cannot know are left out."""
    argv = cmd.unwrapped()
    program = cmd.unwrapped_program()
    if program is None:
        return [], False
    if program != "tar" and program not in _DECOMPRESSORS and program not in _DECOMPRESS_WITH_D:
        return [], False  # before expanding its words: most commands are neither
    args = [text for word in argv[1:] for text in run.fields(word) or ()]
    operands = list(dict.fromkeys(
        _basename(a[len("--file="):]) if a.startswith("--file=") else _basename(a)
        for a in args
        if a.startswith("--file=") or not a.startswith("-")
    ))  # fmt: skip
    if program == "tar":
        return (operands, True) if _tar_extracts(args) else ([], False)
    if program in _DECOMPRESSORS or (
        program in _DECOMPRESS_WITH_D
        and any(a == "--decompress" or (a[:1] == "-" and a[1:2] != "-" and "d" in a) for a in args)
    ):
        return operands, False
    return [], False


def check(df: Dockerfile) -> Iterator[Finding]:
    image = shipped(df)
    copied: dict[tuple[int, str], list[_Archive]] = {}  # (stage, name) -> archives, in order
    for stage in df.all_stages:
        if stage.index in image:
            for layer in stage.layers:
                for archive in _copied(layer):
                    copied.setdefault((stage.index, archive.name), []).append(archive)
    reported: dict[tuple[int, str], int] = {}  # how many of them are reported (the first ones)
    for run in runs(df, dialects=("posix", "exec")):
        if run.onbuild is not None or run.stage.index not in image:
            continue
        line = run.instruction.span.line
        for cmd in run.script.commands:
            names, by_tar = _extracted(run, cmd)
            for name in names:
                if not by_tar and not _is_tar(name):
                    continue  # a compressed file that is no tar archive: ADD keeps it as is
                key = (run.stage.index, name)
                archives = copied.get(key, [])
                i = reported.get(key, 0)
                while i < len(archives) and archives[i].line < line:
                    yield Finding(
                        archives[i].span,
                        f"`{name}` is copied in, then extracted by the RUN at line {line}: "
                        "copy it with ADD instead, which extracts a local tar archive in one "
                        "step and keeps no copy of it in a layer.",
                    )
                    i += 1
                reported[key] = i
