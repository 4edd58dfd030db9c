"""One JSON object: ``{"findings": [...]}``, sorted by path, line, column, code. A
finding's ``fix`` is null, or its title, whether it is safe, and its edits (the span
replaced, 1-based with the end exclusive, and the text put there)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from dlint.printable import printable
from dlint.report import Diagnostic, Report


def render(report: Report) -> str:
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output, a finding at a time (what a large run writes as it goes): the text
    ``json.dumps`` gives the whole object, indented by 2."""
    if not report.diagnostics:
        yield '{\n  "findings": []\n}\n'
        return
    yield '{\n  "findings": ['
    for i, d in enumerate(report.diagnostics):
        yield ("\n    " if i == 0 else ",\n    ") + _written(d)
    yield "\n  ]\n}\n"


def _written(d: Diagnostic) -> str:
    """One finding as ``json.dumps`` indents it, each line after the first indented by
    four more spaces (the fields every finding has, written out; its fix encoded)."""
    span = d.span
    return (
        f'{{\n      "code": {_string(d.code)},\n      "name": {_string(d.name)},\n'
        f'      "severity": {_string(d.severity.label)},\n'
        f'      "path": {_string(printable(d.path))},\n'
        f'      "line": {span.line},\n      "column": {span.column},\n'
        f'      "end_line": {span.end_line},\n      "end_column": {span.end_column},\n'
        f'      "message": {_string(d.message)},\n'
        f'      "fix": {_indented(_fix(d), "      ")}\n    }}'
    )


_string = json.encoder.encode_basestring  # as json.dumps with ensure_ascii=False


def _indented(value: Any, indent: str) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` with each line after the first
    indented by ``indent`` too, for the few types a finding holds (json.dumps writes
    indented output with its pure-Python encoder: this is several times faster)."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_string(k)}: {_indented(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _indented(v, inner) for v in value) + "\n" + indent + "]"
    raise TypeError(f"not in a finding: {type(value).__name__}")


def _fix(d: Diagnostic) -> dict[str, Any] | None:
    if d.fix is None:
        return None
    edits = [
        {
            "line": e.span.line,
            "column": e.span.column,
            "end_line": e.span.end_line,
            "end_column": e.span.end_column,
            "text": e.text,
        }
        for e in d.fix.edits
    ]
    return {"title": d.fix.title, "safe": d.fix.safe, "edits": edits}
