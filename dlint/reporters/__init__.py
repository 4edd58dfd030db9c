"""Reporters: each turns a Report into text in one format; none filters or decides exit codes."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from dlint.report import Report

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "html")


def get_reporter(name: str) -> Callable[[Report], str]:
    """The ``render`` function of a format, imported only when used."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"dlint.reporters.{name}_format")
    render: Callable[[Report], str] = module.render
    return render
