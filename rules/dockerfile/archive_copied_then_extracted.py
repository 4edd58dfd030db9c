"""A local tar archive is copied in with COPY and then extracted by a RUN.

## What it does
In the stages the image is made of (the last stage, and the stages it is
built `FROM`), remembers the tar archives a `COPY` brings in from the build
context (by name: `.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz2`, `.tar.xz`,
`.txz`...; when the destination itself is an archive name, that name) and
reports the `COPY` of each one that a later `RUN` of the stage extracts: with
`tar -x` (`-xzf`, `xzf`, `--extract`, `--get`), or with a decompressor
(`gunzip`, `zcat`, `bunzip2`, `unxz`, `gzip -d`, `xz -d`...). The finding is
at the archive's name in the `COPY`.

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
from dlint.ir.dockerfile import Dockerfile, Instruction, Layer, Stage, StageRef
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

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
    copy: Instruction


def _basename(text: str) -> str:
    text = text.strip("\"'")
    return text.replace("\\", "/").rsplit("/", 1)[-1]


def _is_tar(name: str) -> bool:
    return name.endswith(_TAR_NAMES)


def _copied(ins: Instruction) -> list[_Archive]:
    """The archives a COPY brings in from the build context."""
    if ins.keyword != "COPY" or ins.json or ins.flag("from") is not None or len(ins.args) < 2:
        return []
    heredocs = {f"<<{h.name}" for h in ins.heredocs} | {f"<<-{h.name}" for h in ins.heredocs}
    values = ins.expanded or tuple(a.value for a in ins.args)
    words = [
        (values[i] if "$" in a.value and i < len(values) else a.value, a.span)
        for i, a in enumerate(ins.args)
    ]
    *sources, (dest, dest_span) = words
    if _is_tar(_basename(dest)) or _basename(dest).endswith(_COMPRESSED):
        return [_Archive(_basename(dest), dest_span, ins)]
    return [
        _Archive(_basename(text), span, ins)
        for text, span in sources
        if text not in heredocs
        and "*" not in text
        and (_is_tar(_basename(text)) or _basename(text).endswith(_COMPRESSED))
    ]


def _operands(argv: tuple[ShellWord, ...]) -> list[str]:
    """Base names of the words that are no option (and of ``--file=`` values)."""
    out = []
    for w in argv[1:]:
        value = w.value
        if value is None:
            continue
        if value.startswith("--file="):
            out.append(_basename(value[len("--file=") :]))
        elif not value.startswith("-"):
            out.append(_basename(value))
    return out


def _tar_extracts(argv: tuple[ShellWord, ...]) -> bool:
    """Whether a tar command line extracts to disk, the way ADD would."""
    values = [w.value or "" for w in argv[1:]]
    extract = False
    for i, v in enumerate(values):
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


def _extracted(cmd: ShellCommand) -> tuple[set[str], bool]:
    """(base names a command extracts, whether tar does it)."""
    argv = cmd.unwrapped()
    if not argv or argv[0].value is None:
        return set(), False
    program = posixpath.basename(argv[0].value)
    if program == "tar":
        return (set(_operands(argv)), True) if _tar_extracts(argv) else (set(), False)
    if program in _DECOMPRESSORS or (
        program in _DECOMPRESS_WITH_D
        and any(
            (w.value or "") == "--decompress"
            or ((w.value or "").startswith("-") and not (w.value or "").startswith("--")
                and "d" in (w.value or ""))
            for w in argv[1:]
        )
    ):  # fmt: skip
        return set(_operands(argv)), False
    return set(), False


def _stage_findings(layers: tuple[Layer, ...]) -> Iterator[Finding]:
    archives: list[_Archive] = []
    reported: set[Span] = set()
    for layer in layers:
        if layer.kind == "copy":
            archives.extend(_copied(layer.instruction))
            continue
        if layer.kind != "run" or layer.script is None or not archives:
            continue
        for cmd in layer.script.commands:
            names, by_tar = _extracted(cmd)
            for archive in archives:
                if archive.span in reported or archive.name not in names:
                    continue
                if not by_tar and not _is_tar(archive.name):
                    continue  # a compressed file that is no tar archive: ADD keeps it as is
                reported.add(archive.span)
                line = layer.instruction.span.line
                yield Finding(
                    archive.span,
                    f"`{archive.name}` is copied in, then extracted by the RUN at line {line}: "
                    "copy it with ADD instead, which extracts a local tar archive in one step "
                    "and keeps no copy of it in a layer.",
                )


def _shipped(df: Dockerfile) -> list[Stage]:
    """The last stage (the image a plain ``docker build`` makes) and the stages it is
    built ``FROM``, whose layers it carries."""
    stages = df.all_stages
    if not stages:
        return []
    chain = [stages[-1]]
    base = stages[-1].base
    while isinstance(base, StageRef) and 0 <= base.index < len(df.stages):
        parent = df.stages[base.index]
        if any(parent is s for s in chain):
            break
        chain.append(parent)
        base = parent.base
    return chain[::-1]


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in _shipped(df):
        yield from _stage_findings(stage.layers)
