"""``dlint server``: a Language Server Protocol server over standard input and output.

An editor opens, changes and saves Dockerfiles and Compose files; the server lints them
as the command line does, with their unsaved text standing for the files, and with the
project around them: a Dockerfile is linted with the Compose files above it (so the
services that build it are read with it), a Compose file with the Dockerfiles its
services build. Every open file the run covers gets its findings published, so an edit
to one shows at once in the other. Each run is fresh: nothing is cached across edits.

Code actions: each finding's fix (safe ones as preferred), "suppress on this line"
with a reason to fill in, and the rule's documentation. Hover over a finding shows
its rule's explanation. Saving a config file lints the open files again.

pygls is an optional dependency: dlint's ``server`` extra (or ``pip install pygls``).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from dlint import __version__
from dlint.config import CONFIG_NAMES, HADOLINT_NAMES
from dlint.discovery import classify, compose_above
from dlint.engine import Options, lint
from dlint.ir.common import Severity
from dlint.printable import printable
from dlint.report import Diagnostic, Report

DEBOUNCE = 0.3  # seconds of quiet after a change before linting the unsaved text
OPEN_DOCS = "dlint.openDocs"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.STYLE: types.DiagnosticSeverity.Hint,
}


@dataclass(frozen=True, slots=True)
class _Found:
    """A finding published for an open file, kept for code actions and hover."""

    diagnostic: Diagnostic
    range: types.Range


class DlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("dlint", __version__)
        self.found: dict[str, list[_Found]] = {}  # by URI
        self._timer: asyncio.TimerHandle | None = None
        self._lock = threading.Lock()  # one run at a time
        self._said: str | None = None  # the last error shown

    # -- which files a run covers ---------------------------------------------------

    def root_for(self, path: Path) -> Path:
        """The workspace folder that holds ``path`` (the deepest), else its folder."""
        folders = [Path(to_fs_path(f.uri) or "") for f in self.workspace.folders.values()]
        if self.workspace.root_path:
            folders.append(Path(self.workspace.root_path))
        holding = [f for f in folders if f == path or f in path.parents]
        return max(holding, key=lambda f: len(f.parts)) if holding else path.parent

    def open_files(self) -> dict[str, str]:
        """Open Dockerfiles and Compose files: path -> URI."""
        out = {}
        for uri in list(self.workspace.text_documents):
            path = to_fs_path(uri)
            if path and classify(os.path.basename(path)) is not None:
                out[os.path.abspath(path)] = uri
        return out

    # -- linting ----------------------------------------------------------------------

    def schedule(self, delay: float = DEBOUNCE) -> None:
        """Lint the open files once no change has come for ``delay`` seconds."""
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(delay, lambda: asyncio.ensure_future(self.lint_open()))

    async def lint_open(self) -> None:
        opened = self.open_files()
        if not opened:
            return
        versions = {uri: self.workspace.get_text_document(uri).version for uri in opened.values()}
        texts = {p: self.workspace.get_text_document(u).source for p, u in opened.items()}
        loop = asyncio.get_running_loop()
        by_root: dict[Path, list[str]] = {}
        for path in texts:
            by_root.setdefault(self.root_for(Path(path)), []).append(path)
        for root, paths in by_root.items():
            report = await loop.run_in_executor(None, self._lint, root, paths, texts)
            if isinstance(report, str):  # a bad config: said once, the findings kept
                if report != self._said:
                    self._said = report
                    self.window_show_message(
                        types.ShowMessageParams(type=types.MessageType.Error, message=report)
                    )
                continue
            self._said = None
            for path in paths:
                uri = opened[path]
                doc = self.workspace.get_text_document(uri)
                if doc.version != versions[uri]:
                    continue  # changed meanwhile: a newer run is coming
                self.publish(uri, doc.lines, report, os.path.relpath(path, root))

    def _lint(self, root: Path, paths: Sequence[str], texts: dict[str, str]) -> Report | str:
        """The report of the open files under ``root`` (in a thread), or why there is
        none (a config dlint cannot use)."""
        named = list(dict.fromkeys([*paths, *_compose_above(paths, root)]))
        overlay = {  # every open file under the root stands for itself, saved or not
            os.path.relpath(p, root): t.encode("utf-8", "surrogateescape")
            for p, t in texts.items()
            if root in Path(p).parents
        }
        options = Options(overlay=overlay, cache=False)
        with self._lock:
            try:
                return lint([os.path.relpath(p, root) for p in named], root, options)
            except Exception as exc:  # a bad config, a path gone: never the server's end
                return f"dlint: {printable(str(exc))}"

    def publish(self, uri: str, lines: Sequence[str], report: Report, shown: str) -> None:
        shown = shown.replace(os.sep, "/")
        found = [_Found(d, _range(d, lines)) for d in report.diagnostics if d.path == shown]
        self.found[uri] = found
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[_lsp(f) for f in found])
        )


def _compose_above(paths: Iterable[str], root: Path) -> list[str]:
    """Compose files in the folders of ``paths`` and above them, up to ``root``."""
    seen: set[Path] = set()
    return [
        str(t.path)
        for path in paths
        for t in compose_above(Path(path), root, lambda _: False, seen, own_folder=True)
        if t.kind == "compose"
    ]


def _range(d: Diagnostic, lines: Sequence[str]) -> types.Range:
    from dlint.server_actions import to_range

    return to_range(lines, d.span)


def _lsp(found: _Found) -> types.Diagnostic:
    d = found.diagnostic
    from dlint.server_actions import docs_url

    href = docs_url(d)
    return types.Diagnostic(
        range=found.range,
        message=d.message,
        severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source="dlint",
        data={"name": d.name},
    )


server = DlintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: DlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: DlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule()


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: DlintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(0)  # a saved config file changes what every open file gets, too


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: DlintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.found.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: DlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    names = (*CONFIG_NAMES, *HADOLINT_NAMES, ".dockerignore", ".env")
    if any(os.path.basename(to_fs_path(c.uri) or "") in names for c in params.changes):
        ls.schedule(0)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def _configuration(ls: DlintServer, params: types.DidChangeConfigurationParams) -> None:
    ls.schedule(0)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
    ),
)
def _code_actions(
    ls: DlintServer, params: types.CodeActionParams
) -> list[types.CodeAction | types.Command]:
    from dlint.server_actions import actions

    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    return actions(uri, doc.source, ls.found.get(uri, []), params.range, params.context.only)


@server.command(OPEN_DOCS)
def _open_docs(ls: DlintServer, url: str) -> None:
    """Ask the editor to open a rule's page in the browser."""
    if url.startswith(("https://", "http://")):
        ls.window_show_document(types.ShowDocumentParams(uri=url, external=True))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: DlintServer, params: types.HoverParams) -> types.Hover | None:
    from dlint.server_actions import explanation

    at = params.position
    here = [f for f in ls.found.get(params.text_document.uri, []) if _within(at, f.range)]
    if not here:
        return None
    text = "\n\n---\n\n".join(explanation(f.diagnostic) for f in here)
    content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return types.Hover(contents=content, range=here[0].range)


def _within(at: types.Position, r: types.Range) -> bool:
    start, end = (r.start.line, r.start.character), (r.end.line, r.end.character)
    return start <= (at.line, at.character) <= end


def serve() -> None:
    server.start_io()
