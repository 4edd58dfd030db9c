"""Read files from disk into IR, turning every failure into a located problem."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from dlint.files import LoadError, ProjectFiles
from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile, ParseProblem

# More than this share of unknown instructions: the file is not a Dockerfile.
_NOT_DOCKERFILE_SHARE = 0.5


def _reads_context(df: Dockerfile) -> bool:
    return any(layer.from_context for stage in df.stages for layer in stage.layers)


def _looks_like_dockerfile(df: Dockerfile) -> ParseProblem | None:
    """One problem for a file that is not a Dockerfile at all (a template, a script).

    It is not one when most of its instructions are unknown, or when its very
    first "instruction" is not even a word (``{{``, ``#!/bin/sh`` is a comment).
    """
    unknown = [p for p in df.problems if p.message.startswith("unknown instruction:")]
    if not unknown:
        return None
    total = len(df.instructions)
    first = df.instructions[0]
    garbage_start = (
        unknown[0].span.line == first.keyword_span.line
        and not first.keyword_text.replace("_", "").replace("-", "").isalpha()
    )
    if garbage_start or (total >= 2 and len(unknown) > total * _NOT_DOCKERFILE_SHARE):
        word = unknown[0].message.split(": ", 1)[1].split(" (did you mean", 1)[0]
        return ParseProblem(
            f"not a Dockerfile: line {unknown[0].span.line} starts with {word!r}, which is not "
            f"an instruction ({len(unknown)} of {total} instructions are unknown)",
            unknown[0].span,
        )
    return None


def read_dockerfile(
    files: ProjectFiles,
    display: Callable[[Path], str],
    path: Path,
    context_root: Path | None = None,
) -> Dockerfile:
    """Parse one Dockerfile and attach its build context (default: its folder)."""
    from dlint.parsers.context import load_context
    from dlint.parsers.dockerfile import DockerfileSyntaxError, parse_dockerfile

    text = files.read_text(path)
    try:
        df = parse_dockerfile(text, display(path))
    except DockerfileSyntaxError as exc:
        raise LoadError(exc.message, exc.span or Span.point(1)) from None
    verdict = _looks_like_dockerfile(df)
    if verdict is not None:
        raise LoadError(verdict.message, verdict.span)
    root = context_root if context_root is not None else path.parent
    context = load_context(files, display, root, path, _reads_context(df))
    return dataclasses.replace(df, context=context)
