"""Reporters: each turns a Report into text in one format; none filters or decides exit codes."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from dlint.report import Report

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "html")


def get_reporter(name: str) -> Callable[[Report], str]:
    """The ``render`` function of a format, imported only when used."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"dlint.reporters.{name}_format")
    render: Callable[[Report], str] = module.render
    return render


def get_chunks(name: str) -> Callable[[Report], Iterable[str]]:
    """The output of a format in pieces, for writing as it is made: a finding at a time
    in the formats of one line or block per finding, all at once in the others."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"dlint.reporters.{name}_format")
    if hasattr(module, "chunks"):
        chunks: Callable[[Report], Iterable[str]] = module.chunks
        return chunks
    render: Callable[[Report], str] = module.render
    return lambda report: (render(report),)
