"""A real LSP client (pygls' own) driving `python -m edtool lsp` over stdio, for tests and benchmarks.

`Editor` starts the server as a subprocess, records every publishDiagnostics and showMessage, and
applies WorkspaceEdits to its own copy of the text the way an editor does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as T
from pygls.lsp.client import LanguageClient


@dataclass
class Published:
    at: float
    version: int | None
    diagnostics: list


@dataclass
class Editor:
    cwd: Path
    env: dict = field(default_factory=dict)
    encodings: list[str] | None = None  # position encodings offered, in preference order
    args: tuple[str, ...] = ()
    document_changes: bool = True
    resolve: bool = True

    def __post_init__(self):
        self.client = LanguageClient("edtool-tests", "1")
        self.published: dict[str, list[Published]] = {}
        self.messages: list[tuple[int, str]] = []
        self.logs: list[str] = []
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.stderr = bytearray()
        self._changed = asyncio.Event()
        self.result: T.InitializeResult | None = None

        @self.client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: T.PublishDiagnosticsParams):
            self.published.setdefault(params.uri, []).append(Published(time.perf_counter(), params.version,
                                                                       list(params.diagnostics)))
            self._changed.set()

        @self.client.feature(T.WINDOW_SHOW_MESSAGE)
        def _show(params: T.ShowMessageParams):
            self.messages.append((int(params.type), params.message))
            self._changed.set()

        @self.client.feature(T.WINDOW_LOG_MESSAGE)
        def _log(params: T.LogMessageParams):
            self.logs.append(params.message)

        self.questions: list[T.ShowMessageRequestParams] = []
        self.answer = lambda params: params.actions[0] if params.actions else None  # the button the writer picks
        self.applied: list[T.WorkspaceEdit] = []

        @self.client.feature(T.WINDOW_SHOW_MESSAGE_REQUEST)
        def _ask(params: T.ShowMessageRequestParams):
            self.questions.append(params)
            return self.answer(params)

        @self.client.feature(T.WORKSPACE_APPLY_EDIT)
        def _apply(params: T.ApplyWorkspaceEditParams):
            self.applied.append(params.edit)
            self.apply(params.edit)
            self._changed.set()
            return T.ApplyWorkspaceEditResult(applied=True)

    # -- life cycle ----------------------------------------------------------------------------
    async def start(self) -> T.InitializeResult:
        env = {k: v for k, v in os.environ.items() if k != "EDTOOL_STYLEGUIDE"}
        env.update(self.env)
        await self.client.start_io(sys.executable, "-m", "edtool", "lsp", *self.args, cwd=str(self.cwd), env=env)
        asyncio.get_running_loop().create_task(self._drain_stderr())
        general = T.GeneralClientCapabilities(position_encodings=self.encodings) if self.encodings else None
        caps = T.ClientCapabilities(
            general=general,
            workspace=T.WorkspaceClientCapabilities(
                workspace_edit=T.WorkspaceEditClientCapabilities(
                    document_changes=self.document_changes,
                    resource_operations=[T.ResourceOperationKind.Create] if self.document_changes else None),
                execute_command=T.ExecuteCommandClientCapabilities()),
            text_document=T.TextDocumentClientCapabilities(
                publish_diagnostics=T.PublishDiagnosticsClientCapabilities(version_support=True),
                code_action=T.CodeActionClientCapabilities(
                    code_action_literal_support=T.ClientCodeActionLiteralOptions(
                        code_action_kind=T.ClientCodeActionKindOptions(value_set=["quickfix", "source"])),
                    resolve_support=T.ClientCodeActionResolveOptions(properties=["edit"]) if self.resolve else None)),
        )
        self.result = await asyncio.wait_for(self.client.initialize_async(T.InitializeParams(
            capabilities=caps, process_id=os.getpid(), root_uri=self.cwd.resolve().as_uri())), 60)
        self.client.initialized(T.InitializedParams())
        return self.result

    async def _drain_stderr(self):
        stream = self.client._server.stderr
        while True:
            chunk = await stream.read(65536)
            if not chunk:
                return
            self.stderr.extend(chunk)

    async def stop(self) -> int | None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        except Exception:
            pass
        server = self.client._server
        try:
            await asyncio.wait_for(server.wait(), 10)
        except asyncio.TimeoutError:
            server.kill()
            await server.wait()
        try:
            await asyncio.wait_for(self.client.stop(), 5)
        except Exception:
            pass
        return server.returncode

    @property
    def alive(self) -> bool:
        return self.client._server is not None and self.client._server.returncode is None

    # -- documents -----------------------------------------------------------------------------
    def open(self, path: Path, text: str | None = None, language_id: str = "markdown") -> str:
        uri = path.resolve().as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        self.texts[uri], self.versions[uri] = text, 1
        self.client.text_document_did_open(T.DidOpenTextDocumentParams(
            T.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
        return uri

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], new_text: str,
               local: str | None = None) -> int:
        """Send one incremental change (LSP positions); `local` is the resulting text for our copy."""
        self.versions[uri] += 1
        if local is not None:
            self.texts[uri] = local
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[T.TextDocumentContentChangePartial(
                range=T.Range(T.Position(*start), T.Position(*end)), text=new_text)]))
        return self.versions[uri]

    def replace_all(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(T.DidSaveTextDocumentParams(T.TextDocumentIdentifier(uri=uri)))

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri=uri)))

    # -- waiting -------------------------------------------------------------------------------
    async def wait(self, predicate, timeout: float = 30.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while True:
            found = predicate()
            if found:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; published={self.published!r} "
                                     f"messages={self.messages!r} stderr={self.stderr.decode(errors='replace')[-2000:]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
            except asyncio.TimeoutError:
                pass

    async def diagnostics(self, uri: str, version: int | None = None, where=None, timeout: float = 30.0,
                          after: int = 0) -> list:
        """The first publish for `uri` (from index `after`) at `version` or later that satisfies `where`."""
        def match():
            for item in self.published.get(uri, [])[after:]:
                if version is not None and (item.version is None or item.version < version):
                    continue
                if where is None or where(item.diagnostics):
                    return item
            return None

        item = await self.wait(match, timeout, f"diagnostics of {uri} v{version}")
        return item.diagnostics

    async def code_actions(self, uri: str, start: tuple[int, int], end: tuple[int, int],
                           only: list[str] | None = None) -> list[T.CodeAction]:
        result = await asyncio.wait_for(self.client.text_document_code_action_async(T.CodeActionParams(
            text_document=T.TextDocumentIdentifier(uri=uri), range=T.Range(T.Position(*start), T.Position(*end)),
            context=T.CodeActionContext(diagnostics=[], only=only))), 30)
        actions = []
        for item in result or []:
            if isinstance(item, T.Command) and isinstance(item.command, str) and item.command.startswith("{"):
                # lsprotocol's client side reads a CodeAction that carries a command as a Command
                # (it tests for the key "command"); the JSON on the wire is a CodeAction: rebuild it
                import ast

                inner = ast.literal_eval(item.command)
                item = T.CodeAction(title=item.title, kind=T.CodeActionKind.QuickFix,
                                    command=T.Command(**inner))
            if isinstance(item, T.CodeAction):
                actions.append(item)
        return actions

    async def execute(self, command: T.Command):
        return await asyncio.wait_for(self.client.workspace_execute_command_async(T.ExecuteCommandParams(
            command=command.command, arguments=command.arguments)), 60)

    async def resolve_action(self, action: T.CodeAction) -> T.CodeAction:
        return await asyncio.wait_for(self.client.code_action_resolve_async(action), 60)

    def apply(self, edit: T.WorkspaceEdit, encoding: str = "utf-16") -> dict[str, str]:
        """Apply a WorkspaceEdit to our copies (documents we have open) as an editor would; returns
        the new texts by uri. A versioned edit for another version is refused (AssertionError)."""
        from edtool.lsp.text import TextDocument

        changes: list[tuple[str, int | None, list[T.TextEdit]]] = []
        for item in edit.document_changes or []:
            if isinstance(item, T.CreateFile):
                self.texts.setdefault(item.uri, "")
                continue
            changes.append((item.text_document.uri, item.text_document.version, list(item.edits)))
        for uri, edits in (edit.changes or {}).items():
            changes.append((uri, None, list(edits)))
        out = {}
        for uri, version, edits in changes:
            if uri not in self.texts:
                path = Path(T_uri_path(uri))
                self.texts[uri] = path.read_text(encoding="utf-8")
            elif version is not None:
                assert version == self.versions[uri], f"edit for version {version}, editor has {self.versions[uri]}"
            doc = TextDocument(uri, self.texts[uri])
            spans = sorted(((doc.offset_at(e.range.start.line, e.range.start.character, encoding),
                             doc.offset_at(e.range.end.line, e.range.end.character, encoding), e.new_text)
                            for e in edits), reverse=True)
            text = self.texts[uri]
            for s, e, new in spans:
                text = text[:s] + new + text[e:]
            self.texts[uri] = out[uri] = text
        return out


def T_uri_path(uri: str) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(uri).path)


def run(scenario, timeout: float = 240.0):
    """Run an async scenario to the end (tests are plain functions; no asyncio plugin needed)."""
    return asyncio.run(asyncio.wait_for(scenario, timeout))
