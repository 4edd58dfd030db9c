"""Findings for people, as rustc and ruff show them: each with the source line it points
at, the span underlined, and the fix when there is one; then a one-line summary.

    warning[DF101] layer-cache-order: COPY brings in the whole build context ...
      --> api/Dockerfile:3:1
       |
     3 | COPY . /app
       | ^^^^^^^^^^^
       = fix: ... (dlint --fix)

`--format concise` keeps one line per finding for tools. Source lines are text from a
stranger's file: control characters are escaped, long lines are cut around the span,
and a finding of a rule about secrets shows no source at all (its message says where).
Colour only when asked (a terminal, or FORCE_COLOR; never with NO_COLOR).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from dlint.ir.common import Severity
from dlint.printable import printable
from dlint.report import Diagnostic, Report
from dlint.reporters.concise_format import summary

MAX_LINES = 4  # of a span's source shown
WIDTH = 120  # source columns shown around a span
_COLOURS = {
    Severity.ERROR: "1;31",
    Severity.WARNING: "1;33",
    Severity.INFO: "1;36",
    Severity.STYLE: "1;35",
}


def wants_colour(stream_is_tty: bool) -> bool:
    """Colour for a stream: never with NO_COLOR, always with FORCE_COLOR, else on a
    terminal (see no-color.org and force-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream_is_tty and os.environ.get("TERM") != "dumb"


def render(report: Report, colour: bool = False) -> str:
    return "".join(chunks(report, colour))


def chunks(report: Report, colour: bool = False) -> Iterator[str]:
    """The output, a finding at a time (what a large run writes as it goes)."""
    paint = _painter(colour)
    secret_rules = {r.code for r in report.rules if "secrets" in r.meta.tags}
    lines_of: dict[str, list[str] | None] = {}
    for d in report.diagnostics:
        if d.path not in lines_of:
            lines_of.clear()  # findings come file by file: keep one file's lines
            lines_of[d.path] = report.lines(d.path)
        source = None if d.rule_code in secret_rules else lines_of[d.path]
        yield _finding(d, source, paint) + "\n"
    yield paint("1", summary(report)) + "\n"


def _painter(colour: bool) -> Callable[[str, str], str]:
    if not colour:
        return lambda code, text: text
    return lambda code, text: f"\x1b[{code}m{text}\x1b[0m"


def _finding(d: Diagnostic, lines: list[str] | None, paint: Callable[[str, str], str]) -> str:
    head = paint(_COLOURS.get(d.severity, "1"), f"{d.severity.label}[{d.code}]")
    where = f"{printable(d.path)}:{d.span.line}:{d.span.column}"
    shown = _source(d, lines)
    gutter = " " * (len(str(d.span.end_line)) + 1)
    out = [f"{head} {paint('1', d.name)}: {d.message}", f"{gutter[:-1]}--> {where}"]
    if shown:
        out.append(f"{gutter}|")
        for number, text, marks in shown:
            out.append(f"{str(number).rjust(len(gutter) - 1)} | {text}".rstrip())
            if marks.strip():
                out.append(f"{gutter}| {paint(_COLOURS.get(d.severity, '1'), marks)}".rstrip())
    if d.fix is not None:
        how = "dlint --fix" if d.fix.safe else "dlint --fix --unsafe-fixes"
        out.append(f"{gutter}= fix: {printable(d.fix.title)} ({how})")
    return "\n".join(out) + "\n"


def _source(d: Diagnostic, lines: list[str] | None) -> list[tuple[int, str, str]]:
    """(line number, text shown, underline) for the lines of the span."""
    if not lines or not 1 <= d.span.line <= len(lines):
        return []
    last = min(d.span.end_line, len(lines), d.span.line + MAX_LINES - 1)
    out = []
    for number in range(d.span.line, last + 1):
        raw = lines[number - 1].rstrip("\r")
        start = d.span.column - 1 if number == d.span.line else 0
        end = d.span.end_column - 1 if number == d.span.end_line else len(raw)
        start, end = max(0, min(start, len(raw))), max(0, min(end, len(raw)))
        lo = max(0, min(start - 20, len(raw) - WIDTH))
        hi = min(len(raw), lo + WIDTH)
        before, inside = _shown(raw[lo:start]), _shown(raw[start : max(end, start)][: hi - start])
        text = ("…" if lo else "") + _shown(raw[lo:hi]) + ("…" if hi < len(raw) else "")
        pad = len(before) + (1 if lo else 0)
        width = max(len(inside), 1) if number == d.span.line else len(inside)
        out.append((number, text, " " * pad + "^" * width))
    return out


def _shown(text: str) -> str:
    """Source text as printed: escapes for control characters, tabs as spaces."""
    return printable(text.replace("\t", "    "))
