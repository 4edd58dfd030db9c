"""Reporters: each turns a Report into text in one format; none filters or decides exit codes."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from types import ModuleType

from dlint.report import Report

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "html")


def _module(name: str) -> ModuleType:
    """A format's module, imported only when used."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"dlint.reporters.{name}_format")


def get_reporter(name: str) -> Callable[[Report], str]:
    """The ``render`` function of a format."""
    render: Callable[[Report], str] = _module(name).render
    return render


def get_chunks(name: str) -> Callable[[Report], Iterable[str]]:
    """The output of a format in pieces, for writing as it is made: a finding at a time
    in the formats of one line or block per finding, all at once in the others."""
    chunks: Callable[[Report], Iterable[str]] | None = getattr(_module(name), "chunks", None)
    if chunks is not None:
        return chunks
    render = get_reporter(name)
    return lambda report: (render(report),)
