"""The language server: pygls over stdio, a second front end over the engine of `edtool check`.

Flow per document: didOpen/didSave check at once, didChange after a short debounce (the first
change after a pause at once, a burst of typing once it pauses). House style, metadata and dateline
run on one worker thread and are published first; grammar (LanguageTool, cached per paragraph)
runs on a second worker and updates them. Results of an older version are carried through the
edits made since, so nothing jumps while the writer types. The server never writes a file: every
change is a WorkspaceEdit the editor applies.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from lsprotocol import types as T
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from edtool import __version__
from edtool.diagnostics import Category, Severity
from edtool.lsp import desk as D
from edtool.lsp.text import UTF16, TextDocument, map_span
from edtool.messages import msg, quoted

log = logging.getLogger("edtool.lsp")

DEBOUNCE_SECONDS = 0.15
FIX_ALL_KIND = "source.fixAll.edtool"
IGNORE_COMMAND = "edtool.ignore"
IGNORABLE = (Category.STYLE, Category.GRAMMAR, Category.SPELLING, Category.DATELINE)
SEVERITY = {Severity.ERROR: T.DiagnosticSeverity.Error, Severity.WARNING: T.DiagnosticSeverity.Warning,
            Severity.INFO: T.DiagnosticSeverity.Information}
IGNORE_REASONS = tuple(msg(f"lsp.ignore.reason.{key}") for key in ("name", "term", "quote", "rule"))
ENCODING_NAMES = {T.PositionEncodingKind.Utf8: "utf-8", T.PositionEncodingKind.Utf16: "utf-16",
                  T.PositionEncodingKind.Utf32: "utf-32"}


class _Worker:
    """One daemon thread. Jobs are keyed (by document); a newer job replaces one not yet started."""

    def __init__(self, name: str):
        self._jobs: dict[str, Callable[[], None]] = {}
        self._cond = threading.Condition()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def submit(self, key: str, job: Callable[[], None]) -> None:
        with self._cond:
            self._jobs.pop(key, None)
            self._jobs[key] = job
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs:
                    self._cond.wait()
                key = next(iter(self._jobs))
                job = self._jobs.pop(key)
            try:
                job()
            except BaseException:  # a job reports its own errors; this keeps the thread alive
                log.exception("worker job failed")


@dataclass
class Result:
    """Findings computed for one version of a document."""

    version: int
    findings: list[D.Finding] = field(default_factory=list)


@dataclass
class DocState:
    doc: TextDocument
    fast: Result | None = None
    grammar: Result | None = None
    timer: asyncio.TimerHandle | None = None
    last_change: float = -1e9
    draft: Any = None  # the Draft and check run of the last fast check (for code actions)
    run: Any = None
    draft_version: int = -1


class EdtoolProtocol(LanguageServerProtocol):
    """pygls' protocol with our own document store: LSP's line breaks (CRLF, CR, LF, nothing else)
    and our own change bookkeeping; a message that does not fit the protocol is answered or
    logged, never fatal."""

    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params):
        if (handler := self.fm.features.get(T.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params):
        if (handler := self.fm.features.get(T.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params):
        if (handler := self.fm.features.get(T.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams as exc:
            method = data.get("method", "?")
            if "id" in data and "method" in data:  # a request: answer it, so the client does not wait
                self._send_response(data["id"], error=exc.to_response_error())
            self._server.note_bad_message(f"{method}: ungültige Parameter")
            return SimpleNamespace(jsonrpc="ignored")  # handle_message drops it


class EdtoolServer(LanguageServer):
    def __init__(self, styleguide: str | None = None):
        super().__init__("edtool", __version__, protocol_cls=EdtoolProtocol,
                         text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.desk = D.Desk(styleguide)
        self.docs: dict[str, DocState] = {}
        self.encoding = UTF16
        self.document_changes = False
        self.resolve_edits = False
        self.create_files = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.fast_worker = _Worker("edtool-style")
        self.grammar_worker = _Worker("edtool-grammar")
        self._shown: set[str] = set()  # notices shown once per state

    # -- messages to the editor (thread-safe) --------------------------------------------------
    def _on_loop(self, call: Callable[[], None]) -> None:
        if self.loop is None:
            return
        try:
            self.loop.call_soon_threadsafe(self._guarded, call)
        except RuntimeError:  # loop closed: shutting down
            pass

    def _guarded(self, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception:
            log.exception("edtool lsp")

    def show(self, text: str, kind: T.MessageType = T.MessageType.Warning) -> None:
        self.window_show_message(T.ShowMessageParams(type=kind, message=text))

    def log_text(self, text: str, kind: T.MessageType = T.MessageType.Log) -> None:
        self.window_log_message(T.LogMessageParams(type=kind, message=text))

    def note_bad_message(self, detail: str) -> None:
        self.log_text(msg("lsp.bad-message", error=detail), T.MessageType.Warning)

    def report_server_error(self, error: Exception, source) -> None:
        """pygls' hook for errors outside a request: log them, never a popup per message."""
        try:
            self.log_text(msg("lsp.bad-message", error=f"{type(error).__name__}: {error}"), T.MessageType.Warning)
        except Exception:
            pass

    def notice_from_core(self, text: str) -> None:
        """notices.notify from the core (e.g. the LanguageTool server is starting), any thread."""
        self._on_loop(lambda: self.show(msg("lsp.notice", text=text), T.MessageType.Info))

    # -- scheduling ----------------------------------------------------------------------------
    def schedule(self, uri: str, immediate: bool = False, retry_grammar: bool = False) -> None:
        state = self.docs.get(uri)
        if state is None or self.loop is None:
            return
        now = self.loop.time()
        if state.timer is not None:
            state.timer.cancel()
            state.timer = None
        quiet = now - state.last_change >= DEBOUNCE_SECONDS
        state.last_change = now
        if immediate or quiet:
            self._start_check(uri, retry_grammar)
        else:
            state.timer = self.loop.call_later(DEBOUNCE_SECONDS, self._start_check, uri, retry_grammar)

    def _start_check(self, uri: str, retry_grammar: bool = False) -> None:
        state = self.docs.get(uri)
        if state is None:
            return
        state.timer = None
        snap = D.Snapshot(uri, state.doc.text, state.doc.version, state.doc.language_id)
        self.fast_worker.submit(uri, lambda: self._fast_job(snap, retry_grammar))

    def _fast_job(self, snap: D.Snapshot, retry_grammar: bool) -> None:
        try:
            outcome = self.desk.check_fast(snap)
        except Exception as exc:
            outcome = D.FastOutcome(error=f"{type(exc).__name__}: {exc}")
            detail = traceback.format_exc()
            self._on_loop(lambda: self.log_text(detail, T.MessageType.Error))
        self._on_loop(lambda: self._fast_done(snap, outcome))
        if outcome.draft is not None and outcome.run is not None:
            self.grammar_worker.submit(snap.uri, lambda: self._grammar_job(snap, outcome, retry_grammar))

    def _fast_done(self, snap: D.Snapshot, outcome: D.FastOutcome) -> None:
        state = self.docs.get(snap.uri)
        if state is None:
            return
        if outcome.error:
            self._show_once("internal:" + outcome.error, msg("lsp.internal", error=outcome.error), T.MessageType.Error)
        if outcome.guide_error:
            self._show_once("guide:" + outcome.guide_error, msg("lsp.styleguide", error=outcome.guide_error),
                            T.MessageType.Error)
            state.grammar = None
        if outcome.draft is None:
            state.grammar = None  # not a draft (now): no grammar findings to keep
        else:
            state.draft, state.run, state.draft_version = outcome.draft, outcome.run, snap.version
        state.fast = Result(snap.version, outcome.findings)
        self.publish(snap.uri)

    def _grammar_job(self, snap: D.Snapshot, fast: D.FastOutcome, retry: bool) -> None:
        try:
            outcome = self.desk.check_grammar(snap, fast.draft, fast.run, retry=retry)
        except Exception as exc:
            error, detail = f"{type(exc).__name__}: {exc}", traceback.format_exc()
            self._on_loop(lambda: (self.log_text(detail, T.MessageType.Error),
                                   self._show_once("internal:" + error, msg("lsp.internal", error=error),
                                                   T.MessageType.Error)))
            return
        detail, self.desk.last_traceback = self.desk.last_traceback, None
        if detail:
            self._on_loop(lambda: self.log_text(detail, T.MessageType.Error))
        self._on_loop(lambda: self._grammar_done(snap, outcome))

    def _grammar_done(self, snap: D.Snapshot, outcome: D.GrammarOutcome) -> None:
        if outcome.guide_error:
            self._show_once("guide:" + outcome.guide_error, msg("lsp.styleguide", error=outcome.guide_error),
                            T.MessageType.Error)
        if outcome.down:
            self.show(outcome.down, T.MessageType.Warning)
        if outcome.back:
            self.show(msg("lsp.grammar-back"), T.MessageType.Info)
        state = self.docs.get(snap.uri)
        if state is None or outcome.skipped:
            return
        state.grammar = Result(snap.version, outcome.findings)
        self.publish(snap.uri)

    def _show_once(self, key: str, text: str, kind: T.MessageType) -> None:
        if key not in self._shown:
            self._shown.add(key)
            self.show(text, kind)

    # -- findings to the editor ----------------------------------------------------------------
    def current(self, state: DocState) -> list[D.Finding]:
        """Findings of the last results, carried to the current text (dropped where edited)."""
        out: list[D.Finding] = []
        for result in (state.fast, state.grammar):
            if result is None:
                continue
            edits = state.doc.edits_since(result.version)
            if edits is None:
                continue
            for finding in result.findings:
                span = map_span(finding.start, finding.end, edits)
                if span is None:
                    continue
                fix = finding.fix
                if fix is not None and edits:
                    moved = map_span(fix.start, fix.end, edits)
                    fix = None if moved is None else D.EditorFix(moved[0], moved[1], fix.replacement, fix.expected)
                if edits:
                    finding = D.Finding(finding.diagnostic, span[0], span[1], fix)
                out.append(finding)
        out.sort(key=lambda f: (f.start, f.end, f.diagnostic.rule))
        return out

    def lsp_range(self, doc: TextDocument, start: int, end: int) -> T.Range:
        sl, sc = doc.position_at(start, self.encoding)
        el, ec = doc.position_at(end, self.encoding)
        return T.Range(T.Position(sl, sc), T.Position(el, ec))

    def lsp_diagnostic(self, doc: TextDocument, finding: D.Finding) -> T.Diagnostic:
        d = finding.diagnostic
        text = d.message
        if d.suggestions:
            text += "\n" + msg("report.suggestion") + ": " + ", ".join(quoted(s) for s in d.suggestions)
        return T.Diagnostic(range=self.lsp_range(doc, finding.start, finding.end), message=text,
                            severity=SEVERITY.get(d.severity, T.DiagnosticSeverity.Warning), code=d.rule,
                            source="edtool", data={"rule": d.rule, "category": d.category.value,
                                                   "fixable": finding.fix is not None})

    def publish(self, uri: str) -> None:
        state = self.docs.get(uri)
        if state is None:
            return
        diagnostics = [self.lsp_diagnostic(state.doc, f) for f in self.current(state)]
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics,
                                                                          version=state.doc.version))

    # -- code actions --------------------------------------------------------------------------
    def workspace_edit(self, uri: str, version: int | None, doc: TextDocument,
                       edits: list[tuple[int, int, str]]) -> T.WorkspaceEdit:
        text_edits = [T.TextEdit(range=self.lsp_range(doc, s, e), new_text=new) for s, e, new in edits]
        if self.document_changes:
            return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
                text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=text_edits)])
        return T.WorkspaceEdit(changes={uri: text_edits})

    def code_actions(self, params: T.CodeActionParams) -> list[T.CodeAction]:
        uri = params.text_document.uri
        state = self.docs.get(uri)
        if state is None:
            return []
        doc = state.doc
        only = params.context.only if params.context else None

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(k + ".") for k in only)

        start = doc.offset_at(params.range.start.line, params.range.start.character, self.encoding)
        end = doc.offset_at(params.range.end.line, params.range.end.character, self.encoding)
        actions: list[T.CodeAction] = []
        findings = self.current(state)
        here = [f for f in findings if not (f.end < start or f.start > end)]
        if wanted(T.CodeActionKind.QuickFix):
            for finding in here:
                actions.extend(self._quick_fixes(uri, doc, finding))
        # fix-all: when asked for (source actions, on save) or next to a fixable finding
        asked = bool(only) or any(f.fix is not None for f in here)
        if asked and wanted(FIX_ALL_KIND) and any(f.fix is not None for f in findings) and state.run is not None:
            action = T.CodeAction(title=msg("lsp.action.fix-all"), kind=FIX_ALL_KIND,
                                  data={"uri": uri, "version": doc.version})
            if not self.resolve_edits:
                action = self.resolve(action)
            if self.resolve_edits or action.edit is not None:
                actions.append(action)
        return actions

    def _quick_fixes(self, uri: str, doc: TextDocument, finding: D.Finding) -> list[T.CodeAction]:
        d = finding.diagnostic
        diagnostic = self.lsp_diagnostic(doc, finding)
        out = []

        def action(title: str, edit: T.WorkspaceEdit, preferred: bool = False) -> None:
            out.append(T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                    edit=edit, is_preferred=preferred or None))

        if finding.fix is not None:
            edit = D.fix_edit(doc.text, finding.fix)
            if edit is not None:
                original = doc.text[edit[0]:edit[1]]
                title = (msg("lsp.action.fix", original=original, replacement=edit[2]) if edit[2]
                         else msg("lsp.action.delete", original=original))
                action(title, self.workspace_edit(uri, doc.version, doc, [edit]), preferred=True)
        elif d.category in (Category.GRAMMAR, Category.SPELLING):
            for index, suggestion in enumerate(d.suggestions):
                edit = D.suggestion_edit(doc.text, finding, suggestion)
                if edit is not None:
                    action(msg("lsp.action.fix", original=d.source, replacement=suggestion),
                           self.workspace_edit(uri, doc.version, doc, [edit]), preferred=index == 0)
        if d.category in IGNORABLE:
            out.append(T.CodeAction(
                title=msg("lsp.action.ignore", rule=d.rule), kind=T.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                command=T.Command(title=msg("lsp.action.ignore", rule=d.rule), command=IGNORE_COMMAND,
                                  arguments=[{"uri": uri, "version": doc.version, "start": finding.start,
                                              "end": finding.end, "rule": d.rule}])))
        if d.category is Category.SPELLING and d.source and doc.text[finding.start:finding.end] == d.source:
            vocabulary = self._vocabulary_action(uri, d.source)
            if vocabulary is not None:
                vocabulary.diagnostics = [diagnostic]
                out.append(vocabulary)
        return out

    def _vocabulary_action(self, uri: str, word: str) -> T.CodeAction | None:
        try:
            target, kind = D.vocabulary_target(self.desk.guide_for(D.uri_to_path(uri)))
        except Exception:
            return None
        resolved = target.resolve()
        state = next((s for u, s in self.docs.items() if (p := D.uri_to_path(u)) is not None
                      and p.resolve() == resolved), None)
        if state is not None:  # open in the editor: edit what the writer sees there
            doc, version, target_uri = state.doc, state.doc.version, state.doc.uri
        else:
            try:
                doc = TextDocument(resolved.as_uri(), resolved.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                return None
            version, target_uri = None, resolved.as_uri()
        edit = D.word_list_edit(doc.text, word) if kind == "list" else D.vocabulary_edit(doc.text, word)
        if edit is None:
            return None
        from edtool.fsutil import display_path

        title = msg("lsp.action.accept-word", word=word, path=display_path(target.name))
        return T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix,
                            edit=self.workspace_edit(target_uri, version, doc, [edit]))

    async def mark_false_alarm(self, arguments: dict) -> None:
        """Ask why (the reason is required), then hand the client an edit of ignore.yaml to apply."""
        from edtool.ignore import FILE_NAME
        from edtool.newdraft import git_user_name

        state = self.docs.get(str(arguments.get("uri")))
        if state is None or state.run is None:
            return None
        doc = state.doc
        edits = doc.edits_since(int(arguments.get("version", -1)))
        start, end = int(arguments.get("start", -1)), int(arguments.get("end", -1))
        span = map_span(start, end, edits) if edits is not None else None
        finding = next((f for f in self.current(state) if span is not None and (f.start, f.end) == span
                        and f.diagnostic.rule == arguments.get("rule")), None)
        if finding is None:
            return None
        choice = await self.window_show_message_request_async(T.ShowMessageRequestParams(
            type=T.MessageType.Info, message=msg("lsp.ignore.ask", rule=finding.diagnostic.rule),
            actions=[T.MessageActionItem(title=r) for r in IGNORE_REASONS]))
        if choice is None or choice.title not in IGNORE_REASONS:
            return None
        name = D.Snapshot(doc.uri, doc.text, doc.version).name
        try:
            draft = D.Draft.from_text(doc.text, name)
        except D.DraftError:
            return None
        guide_folder = Path(state.run.guide.path).resolve().parent
        target = guide_folder / FILE_NAME
        who = git_user_name(guide_folder) or os.environ.get("USER") or "unbekannt"
        open_state = next((s for u, s in self.docs.items() if (p := D.uri_to_path(u)) is not None
                           and p.resolve() == target.resolve()), None)
        if open_state is not None:
            ignore_doc, version, exists = open_state.doc, open_state.doc.version, True
        else:
            try:
                existing = target.read_text(encoding="utf-8")
                ignore_doc, version, exists = TextDocument(target.as_uri(), existing), None, True
            except FileNotFoundError:
                ignore_doc, version, exists = TextDocument(target.as_uri(), ""), None, False
            except (OSError, UnicodeDecodeError):
                ignore_doc, version, exists = None, None, False
        edit = None
        if ignore_doc is not None:
            edit = D.ignore_entry_edit(ignore_doc.text if exists else None, draft,
                                       D.draft_finding(draft, doc, finding), D.uri_to_path(doc.uri), guide_folder,
                                       choice.title, who)
        if edit is None or (not exists and not self.create_files):
            d = D.draft_finding(draft, doc, finding)
            self.show(msg("lsp.ignore.by-hand", command=f"edtool ignore add {name}:{d.line}:{d.column} {d.rule} "
                                                         f"--reason \"{choice.title}\""), T.MessageType.Warning)
            return None
        if exists:
            workspace_edit = self.workspace_edit(ignore_doc.uri, version, ignore_doc, [edit])
        else:
            workspace_edit = T.WorkspaceEdit(document_changes=[
                T.CreateFile(uri=ignore_doc.uri, options=T.CreateFileOptions(ignore_if_exists=True)),
                T.TextDocumentEdit(
                    text_document=T.OptionalVersionedTextDocumentIdentifier(uri=ignore_doc.uri, version=None),
                    edits=[T.TextEdit(range=T.Range(T.Position(0, 0), T.Position(0, 0)), new_text=edit[2])])])
        label = msg("lsp.action.ignore", rule=finding.diagnostic.rule)
        await self.workspace_apply_edit_async(T.ApplyWorkspaceEditParams(edit=workspace_edit, label=label))
        return None

    def resolve(self, action: T.CodeAction) -> T.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        state = self.docs.get(str(data.get("uri")))
        if action.kind != FIX_ALL_KIND or state is None or state.run is None:
            return action
        doc = state.doc
        edit = D.fix_all_edit(doc.text, D.Snapshot(doc.uri, doc.text, doc.version).name, state.run)
        if edit is not None:
            action.edit = self.workspace_edit(doc.uri, doc.version, doc, [edit])
        return action


def build(styleguide: str | None = None) -> EdtoolServer:
    server = EdtoolServer(styleguide)

    @server.feature(T.INITIALIZE)
    def initialize(ls: EdtoolServer, params: T.InitializeParams) -> None:
        ls.encoding = ENCODING_NAMES.get(ls.workspace.position_encoding, UTF16)
        caps = params.capabilities
        workspace = caps.workspace if caps else None
        ls.document_changes = bool(workspace and workspace.workspace_edit
                                   and workspace.workspace_edit.document_changes)
        has_edit = workspace and workspace.workspace_edit
        operations = (workspace.workspace_edit.resource_operations or []) if has_edit else []
        ls.create_files = ls.document_changes and T.ResourceOperationKind.Create in operations
        action = caps.text_document.code_action if caps and caps.text_document else None
        ls.resolve_edits = bool(action and action.resolve_support and "edit" in action.resolve_support.properties)
        roots = [D.uri_to_path(f.uri) for f in (params.workspace_folders or [])]
        if params.root_uri:
            roots.append(D.uri_to_path(params.root_uri))
        ls.desk.roots = [r for r in roots if r is not None]
        ls.loop = asyncio.get_running_loop()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: EdtoolServer, params: T.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if ls.loop is None:
            ls.loop = asyncio.get_running_loop()
        ls.docs[item.uri] = DocState(TextDocument(item.uri, item.text, item.version, item.language_id or ""))
        ls.schedule(item.uri, immediate=True)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: EdtoolServer, params: T.DidChangeTextDocumentParams) -> None:
        state = ls.docs.get(params.text_document.uri)
        if state is None:
            return
        doc = state.doc
        version = params.text_document.version
        for change in params.content_changes:
            if isinstance(change, T.TextDocumentContentChangePartial):
                r = change.range
                start = doc.offset_at(r.start.line, r.start.character, ls.encoding)
                end = doc.offset_at(r.end.line, r.end.character, ls.encoding)
                doc.replace(start, end, change.text, version)
            else:
                doc.replace_all(change.text, version)
        if D.is_styleguide(doc.uri):
            return
        ls.schedule(doc.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=False))
    def did_save(ls: EdtoolServer, params: T.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.desk.depends_on(D.uri_to_path(uri)):  # new rules or words: check every open draft again
            ls.desk.forget_guides()
            ls._shown = {key for key in ls._shown if not key.startswith("guide:")}  # say it again if still broken
            for other in list(ls.docs):
                if other != uri:
                    ls.schedule(other, immediate=True)
            return
        ls.schedule(uri, immediate=True, retry_grammar=True)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: EdtoolServer, params: T.DidCloseTextDocumentParams) -> None:
        state = ls.docs.pop(params.text_document.uri, None)
        if state is not None and state.timer is not None:
            state.timer.cancel()
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                        diagnostics=[]))

    @server.feature(T.TEXT_DOCUMENT_CODE_ACTION,
                    T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix, FIX_ALL_KIND],
                                        resolve_provider=True))
    def code_action(ls: EdtoolServer, params: T.CodeActionParams) -> list[T.CodeAction]:
        return ls.code_actions(params)

    @server.command(IGNORE_COMMAND)
    async def ignore_command(ls: EdtoolServer, *arguments):
        if arguments and isinstance(arguments[0], dict):
            await ls.mark_false_alarm(arguments[0])
        return None

    @server.feature(T.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: EdtoolServer, action: T.CodeAction) -> T.CodeAction:
        return ls.resolve(action)

    return server


def serve(styleguide: str | None = None) -> int:
    """Run the server on stdin/stdout until the client says exit (or closes stdin)."""
    import os

    from edtool.notices import listen

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="edtool lsp: %(levelname)s %(message)s")
    if "--debug" not in sys.argv:  # pygls logs every bad message with a traceback; the editor gets our German line
        logging.getLogger("pygls").setLevel(logging.CRITICAL)
        log.setLevel(logging.CRITICAL)  # our own errors reach the editor as window/logMessage
    # The protocol owns the real stdout; anything else that prints (or a child process) writes to stderr.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server = build(styleguide)
    listen(server.notice_from_core)
    server.start_io(sys.stdin.buffer, protocol_out)
    return 0
