"""The language server, driven by pygls's LSP client over stdio through a whole session:
initialize, open, change (unsaved text), diagnostics with the project around the file,
a code action applied, hover, a config saved, shutdown."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from tests.conftest import write

TIMEOUT = 60.0

DOCKERFILE = """\
FROM python:3.12-slim as runtime
USER 10001
COPY app.py /app/
CMD ["python", "/app/app.py"]
"""
COMPOSE = """\
services:
  api:
    build:
      context: ./api
      target: runtime
    image: example/api:1.0
"""


class Session:
    """A client talking to `dlint server`, with the diagnostics it was sent."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("dlint-test", "1")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.changed = asyncio.Condition()
        self.versions: dict[str, int] = {}
        self.shown: list[str] = []

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def published(params: types.PublishDiagnosticsParams) -> None:
            async with self.changed:
                self.diagnostics[params.uri] = list(params.diagnostics)
                self.changed.notify_all()

        self.messages: list[str] = []

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        async def message(params: types.ShowMessageParams) -> None:
            async with self.changed:
                self.messages.append(params.message)
                self.changed.notify_all()

        @self.client.feature(types.WINDOW_SHOW_DOCUMENT)
        def show(params: types.ShowDocumentParams) -> types.ShowDocumentResult:
            self.shown.append(params.uri)
            return types.ShowDocumentResult(success=True)

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "dlint", "server", cwd=str(self.root))
        folder = types.WorkspaceFolder(uri=self.root.as_uri(), name="project")
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=self.root.as_uri(),
                workspace_folders=[folder],
            )
        )
        self.client.initialized(types.InitializedParams())

    def open(self, name: str, text: str, language: str) -> None:
        self.versions[name] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri(name), language_id=language, version=1, text=text
                )
            )
        )

    def change(self, name: str, text: str) -> None:
        self.versions[name] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri(name), version=self.versions[name]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def until(
        self, name: str, test: Callable[[list[types.Diagnostic]], bool]
    ) -> list[types.Diagnostic]:
        """The diagnostics of ``name`` once ``test`` holds for them."""
        uri = self.uri(name)

        async def wait() -> list[types.Diagnostic]:
            async with self.changed:
                await self.changed.wait_for(
                    lambda: uri in self.diagnostics and test(self.diagnostics[uri])
                )
                return self.diagnostics[uri]

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def _codes(diagnostics: list[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(p: types.Position) -> int:  # the test texts are ASCII: UTF-16 units are chars
        return offsets[p.line] + p.character

    for e in sorted(edits, key=lambda e: at(e.range.start), reverse=True):
        text = text[: at(e.range.start)] + e.new_text + text[at(e.range.end) :]
    return text


async def _session(root: Path) -> None:
    s = Session(root)
    await s.start()
    try:
        # a Dockerfile: its findings, with exact ranges and links to the rule's page
        s.open("api/Dockerfile", DOCKERFILE, "dockerfile")
        found = await s.until("api/Dockerfile", lambda d: "DF602" in _codes(d))
        casing = next(d for d in found if d.code == "DF602")
        assert casing.range == types.Range(types.Position(0, 22), types.Position(0, 24))
        assert casing.severity == types.DiagnosticSeverity.Hint
        assert casing.code_description is not None
        assert casing.code_description.href.endswith("/DF602.md")

        # the Compose file that builds it: clean while the stage exists
        s.open("compose.yaml", COMPOSE, "yaml")
        await s.until("compose.yaml", lambda d: "DC003" not in _codes(d))

        # renaming the stage in the unsaved Dockerfile shows in the Compose file at once
        renamed = DOCKERFILE.replace("as runtime", "AS app")
        s.change("api/Dockerfile", renamed)
        broken = await s.until("compose.yaml", lambda d: "DC003" in _codes(d))
        assert any("runtime" in d.message for d in broken if d.code == "DC003")
        await s.until("api/Dockerfile", lambda d: "DF602" not in _codes(d))
        s.change("api/Dockerfile", DOCKERFILE)
        await s.until("compose.yaml", lambda d: "DC003" not in _codes(d))
        found = await s.until("api/Dockerfile", lambda d: "DF602" in _codes(d))
        casing = next(d for d in found if d.code == "DF602")

        # code actions: the fix, a suppression with a reason, the rule's documentation
        actions = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=s.uri("api/Dockerfile")),
                range=casing.range,
                context=types.CodeActionContext(diagnostics=[casing]),
            )
        )
        assert actions is not None
        by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
        fix = next(a for t, a in by_title.items() if t.startswith("Write `AS`"))
        assert fix.is_preferred and fix.edit is not None and fix.edit.changes is not None
        fixed = _apply(DOCKERFILE, list(fix.edit.changes[s.uri("api/Dockerfile")]))
        assert fixed == DOCKERFILE.replace("as runtime", "AS runtime")
        suppress = next(a for t, a in by_title.items() if t.startswith("Suppress DF602"))
        assert suppress.edit is not None and suppress.edit.changes is not None
        quiet = _apply(DOCKERFILE, list(suppress.edit.changes[s.uri("api/Dockerfile")]))
        assert quiet.startswith("# dlint: ignore=DF602 -- reason\nFROM python")
        docs = next(a for a in actions if a.title.startswith("Open the documentation"))
        assert isinstance(docs, types.Command) and docs.command == "dlint.openDocs"
        await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=docs.command, arguments=docs.arguments)
        )
        assert s.shown and s.shown[0].endswith("/DF602.md")

        # hover on the finding explains its rule
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=s.uri("api/Dockerfile")),
                position=types.Position(line=0, character=23),
            )
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "from-as-casing" in hover.contents.value
        assert "## What it does" in hover.contents.value

        # the fix applied in the editor: the finding goes
        s.change("api/Dockerfile", fixed)
        await s.until("api/Dockerfile", lambda d: "DF602" not in _codes(d))

        # a config saved: the open files are linted again with it
        before = await s.until("api/Dockerfile", lambda d: True)
        assert "DL3057" not in _codes(before)  # off by default
        write(root, {".dlint.toml": 'extend-select = ["DL3057"]\n'})
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=s.uri(".dlint.toml"), type=types.FileChangeType.Created)
                ]
            )
        )
        await s.until("api/Dockerfile", lambda d: "DL3057" in _codes(d))

        # a config dlint cannot use: said once, in a message; the server goes on
        write(root, {".dlint.toml": "selekt = 1\n"})
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=s.uri(".dlint.toml"), type=types.FileChangeType.Changed)
                ]
            )
        )

        async def told() -> None:
            async with s.changed:
                await s.changed.wait_for(lambda: any("selekt" in m for m in s.messages))

        await asyncio.wait_for(told(), TIMEOUT)
        write(root, {".dlint.toml": ""})
        s.change("api/Dockerfile", DOCKERFILE)
        await s.until("api/Dockerfile", lambda d: "DF602" in _codes(d))
    finally:
        await s.stop()


def test_a_whole_editor_session(tmp_path: Path) -> None:
    root = write(tmp_path / "project", {"api/app.py": "print('hi')\n"})
    asyncio.run(_session(root))
