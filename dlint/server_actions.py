"""What the language server offers on a finding: its fix, a suppression comment with a
reason to fill in, its rule's documentation; and the explanation a hover shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lsprotocol import types

from dlint import DOCS_URL
from dlint.edits import Fix, apply
from dlint.ir.common import Span
from dlint.registry import find_rule
from dlint.report import Diagnostic

UNSUPPRESSIBLE = ("parse-error", "internal-error")
REASON = "reason"  # the placeholder a suppression's reason replaces


class Published(Protocol):
    """A finding as the server published it."""

    @property
    def diagnostic(self) -> Diagnostic: ...

    @property
    def range(self) -> types.Range: ...


def position(lines: Sequence[str], line: int, column: int) -> types.Position:
    """A 1-based (line, column in code points) as an LSP position (0-based, UTF-16)."""
    text = lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else ""
    before = text[: max(column - 1, 0)]
    return types.Position(line=max(line - 1, 0), character=len(before.encode("utf-16-le")) // 2)


def to_range(lines: Sequence[str], span: Span) -> types.Range:
    return types.Range(
        position(lines, span.line, span.column), position(lines, span.end_line, span.end_column)
    )


def _overlaps(a: types.Range, b: types.Range) -> bool:
    a0, a1 = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b0, b1 = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a0 <= b1 and b0 <= a1


def actions(
    uri: str,
    text: str,
    found: Sequence[Published],
    at: types.Range,
    only: Sequence[str] | None,
) -> list[types.CodeAction | types.Command]:
    """The code actions for the findings published for ``uri`` that touch ``at``."""
    lines = text.splitlines(keepends=True) or [""]
    crlf = "\r\n" in text
    out: list[types.CodeAction | types.Command] = []
    wanted = set(only or ())
    if not wanted or types.CodeActionKind.QuickFix in wanted:
        for f in found:
            if not _overlaps(f.range, at):
                continue
            d = f.diagnostic
            if d.fix is not None:
                out.append(_fix_action(uri, lines, crlf, d, d.fix))
            if d.name not in UNSUPPRESSIBLE:
                out.append(_suppress_action(uri, text, lines, d))
            out.append(_docs_action(d))
    if not wanted or types.CodeActionKind.SourceFixAll in wanted:
        fixes = [f.diagnostic.fix for f in found if f.diagnostic.fix and f.diagnostic.fix.safe]
        if fixes:
            new, count = apply(text, fixes)
            if count:
                whole = types.Range(types.Position(0, 0), types.Position(len(lines), 0))
                out.append(
                    types.CodeAction(
                        title=f"dlint: fix all ({count} safe fixes)",
                        kind=types.CodeActionKind.SourceFixAll,
                        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(whole, new)]}),
                    )
                )
    return out


def _fix_action(
    uri: str, lines: Sequence[str], crlf: bool, d: Diagnostic, fix: Fix
) -> types.CodeAction:
    edits = [
        types.TextEdit(
            range=to_range(lines, e.span),
            new_text=e.text.replace("\n", "\r\n") if crlf else e.text,
        )
        for e in fix.edits
    ]
    title = f"{fix.title} ({d.code})" + ("" if fix.safe else " [unsafe]")
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        edit=types.WorkspaceEdit(changes={uri: edits}),
        is_preferred=fix.safe,
    )


def _suppress_action(uri: str, text: str, lines: Sequence[str], d: Diagnostic) -> types.CodeAction:
    """``# dlint: ignore=CODE -- reason`` on its own line above the instruction (a
    Dockerfile) or the line (a Compose file) the finding is on."""
    line = _instruction_start(text, d.span.line) if _is_dockerfile(d.path) else d.span.line
    above = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = above[: len(above) - len(above.lstrip(" \t"))]
    newline = "\r\n" if "\r\n" in text else "\n"
    comment = f"{indent}# dlint: ignore={d.code} -- {REASON}{newline}"
    where = types.Position(max(line - 1, 0), 0)
    return types.CodeAction(
        title=f"Suppress {d.code} here (with a reason)",
        kind=types.CodeActionKind.QuickFix,
        edit=types.WorkspaceEdit(
            changes={uri: [types.TextEdit(types.Range(where, where), comment)]}
        ),
    )


def _is_dockerfile(path: str) -> bool:
    from dlint.discovery import named_kind

    return named_kind(path.rsplit("/", 1)[-1]) == "dockerfile"


def _instruction_start(text: str, line: int) -> int:
    """The first line of the Dockerfile instruction that holds ``line``."""
    from dlint.parsers.dockerfile import parse_dockerfile

    try:
        df = parse_dockerfile(text, "Dockerfile")
    except Exception:  # text being typed: the line itself will do
        return line
    for ins in df.instructions:
        if ins.span.line <= line <= ins.span.end_line:
            return ins.span.line
    return line


def _docs_action(d: Diagnostic) -> types.Command:
    """A command, not a code action that runs one: clients read a bare command in a
    code action list alike, and pygls's client reads only that one right."""
    from dlint.server import OPEN_DOCS

    return types.Command(
        title=f"Open the documentation of {d.code} {d.name}",
        command=OPEN_DOCS,
        arguments=[docs_url(d)],
    )


def docs_url(d: Diagnostic) -> str:
    rule = find_rule(d.rule_code)
    if rule is not None and rule.meta.subcode_url and d.code != rule.code:
        return rule.meta.subcode_url.format(code=d.code)
    if rule is not None and rule.meta.docs_url:
        return rule.meta.docs_url
    return f"{DOCS_URL}/{rule.code if rule is not None else d.code}.md"


def explanation(d: Diagnostic) -> str:
    """Markdown for a hover: the finding's rule and its documentation."""
    rule = find_rule(d.rule_code)
    head = f"**{d.code} {d.name}** ({d.severity.label})\n\n{d.message}"
    if rule is None:
        return head
    return f"{head}\n\n{rule.doc.strip()}\n\n[Documentation]({docs_url(d)})"
