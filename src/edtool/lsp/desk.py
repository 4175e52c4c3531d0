"""The language server's view of the desk: style guides, the checks, findings in editor offsets,
and the edits its code actions propose. No pygls here; server.py turns this into LSP messages.

One Desk lives as long as the server: a style guide is loaded once (again only when its file or a
file it names changes) and kept with one CheckRun, so its rules compile once; LanguageTool is the
run's session with the same per-paragraph cache as `edtool check`, so an edit sends only the
paragraphs it changed.
"""

from __future__ import annotations

import os
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from edtool.checkrun import CheckRun
from edtool.desk import load_desk_run
from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.draft import Draft, DraftError
from edtool.lsp.text import TextDocument
from edtool.messages import msg
from edtool.styleguide import FILE_NAME, StyleGuide, StyleGuideError, find_styleguide

MAX_CHARS = 500_000  # about 70,000 words; an article is a few thousand characters
FAST_CHECKS = ("metadata", "dateline", "style")
GRAMMAR_RETRY_SECONDS = 60.0  # LanguageTool down: try again after this long, or on save
MARKDOWN_SUFFIXES = (".md", ".markdown")
IGNORE_FILE = "ignore.yaml"  # edtool.ignore.FILE_NAME (not imported here: only the action needs that module)


def uri_to_path(uri: str) -> Path | None:
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme != "file":
        return None
    return Path(urllib.parse.unquote(parsed.path))


@dataclass(frozen=True)
class EditorFix:
    start: int  # editor offsets
    end: int
    replacement: str
    expected: str


@dataclass(frozen=True)
class Finding:
    """A Diagnostic with its place in the editor's text (offsets, BOM included)."""

    diagnostic: Diagnostic
    start: int
    end: int
    fix: EditorFix | None = None


@dataclass
class Snapshot:
    uri: str
    text: str
    version: int
    language_id: str = ""

    @property
    def path(self) -> Path | None:
        return uri_to_path(self.uri)

    @property
    def name(self) -> str:
        from edtool.fsutil import display_path

        path = self.path
        return display_path(path) if path else self.uri

    @property
    def is_markdown(self) -> bool:
        if self.language_id:
            return self.language_id.lower() in ("markdown", "md", "mdx") or self.uri.lower().endswith(MARKDOWN_SUFFIXES)
        return self.uri.lower().endswith(MARKDOWN_SUFFIXES)


@dataclass
class FastOutcome:
    findings: list[Finding] = field(default_factory=list)
    draft: Draft | None = None
    run: CheckRun | None = None  # the style guide's run, for grammar and code actions
    guide_error: str | None = None  # a broken or missing styleguide.yaml (German, with file and line)
    error: str | None = None  # an internal error (a bug): its text


@dataclass
class GrammarOutcome:
    findings: list[Finding] = field(default_factory=list)
    down: str | None = None  # LanguageTool just became unavailable: the notice (German)
    back: bool = False  # LanguageTool answers again after being down
    skipped: bool = False  # not checked: LanguageTool is known to be down
    guide_error: str | None = None  # the grammar settings or word list in the style guide are broken


def _signature(paths: list[Path]) -> tuple:
    out = []
    for path in paths:
        try:
            info = path.stat()
            out.append((str(path), info.st_mtime_ns, info.st_size, info.st_ino))
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def _dependencies(guide: StyleGuide) -> list[Path]:
    """Files read through the guide besides styleguide.yaml: the word list and ignore.yaml."""
    return [*_word_lists(guide), Path(guide.path).resolve().parent / IGNORE_FILE]


def _word_lists(guide: StyleGuide) -> list[Path]:
    """The reviewed word list the guide names (`vocabulary.learned`), if it names one."""
    value = guide.get("vocabulary", "learned")
    if not isinstance(value, str) or not value.strip():
        return []
    path = Path(value)
    return [path if path.is_absolute() else Path(guide.path).resolve().parent / path]


def _file_diagnostic(path: str, rule: str, message: str, line: int = 1, column: int = 1,
                     severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(path, line, column, line, column, rule, Category.FILE, severity, message)


class Desk:
    def __init__(self, explicit_guide: str | None = None, roots: list[Path] | None = None):
        self.explicit = explicit_guide or os.environ.get("EDTOOL_STYLEGUIDE") or None
        self.roots = list(roots or [])
        self._runs: dict[str, tuple[tuple, CheckRun]] = {}  # styleguide.yaml -> (its files' signature, run)
        self.grammar_down: str | None = None
        self._down_at = 0.0
        self.last_traceback: str | None = None  # of an unexpected error in the grammar check

    # -- style guides --------------------------------------------------------------------------
    def guide_path(self, path: Path | None) -> Path:
        starts = ([path.parent] if path else []) + self.roots + [Path.cwd()]
        error: StyleGuideError | None = None
        for start in starts:
            try:
                return find_styleguide(self.explicit, start)
            except StyleGuideError as exc:
                if self.explicit:
                    raise
                error = error or exc
        raise error  # type: ignore[misc]

    def run_for(self, path: Path | None) -> CheckRun:
        """The check run of the style guide a draft at `path` uses: one per version of the guide's
        files (styleguide.yaml, the word list it names, ignore.yaml), so what it compiled and its
        grammar session survive edits of drafts."""
        found = self.guide_path(path)
        key = str(found.resolve())
        cached = self._runs.get(key)
        if cached and cached[0] == _signature([found, *_dependencies(cached[1].guide)]):
            return cached[1]
        before = _signature([found])  # taken first: a change while loading means a reload next time
        run = load_desk_run(found)  # validated as `edtool check` validates it: the same located message
        guide = run.guide
        self._runs[key] = (before + _signature(_dependencies(guide)), run)
        return run

    def guide_for(self, path: Path | None) -> StyleGuide:
        return self.run_for(path).guide

    def depends_on(self, path: Path | None) -> bool:
        """Is `path` a style guide or word list of a loaded guide? (Saving it means: check again.)"""
        if path is None:
            return False
        if path.name in (FILE_NAME, IGNORE_FILE):
            return True
        target = path.resolve()
        return any(target == p.resolve() for _, run in self._runs.values() for p in _dependencies(run.guide))

    def forget_guides(self) -> None:
        self._runs.clear()

    # -- the checks ----------------------------------------------------------------------------
    def check_fast(self, snap: Snapshot) -> FastOutcome:
        """Metadata, dateline and house style (milliseconds); the draft is kept for grammar."""
        from edtool.engine import CheckOptions, check_draft, load_check

        if not snap.is_markdown:
            return FastOutcome()
        doc = TextDocument(snap.uri, snap.text, snap.version)
        name = snap.name
        if len(snap.text) > MAX_CHARS:
            notice = _file_diagnostic(name, "file.too-large", msg("lsp.too-large", size=len(snap.text),
                                                                  limit=MAX_CHARS), severity=Severity.INFO)
            return FastOutcome([Finding(notice, 0, 0)])
        try:
            run = self.run_for(snap.path)
        except StyleGuideError as exc:
            notice = _file_diagnostic(name, "file.styleguide", str(exc))
            return FastOutcome([Finding(notice, 0, 0)], guide_error=str(exc))
        if "\x00" in snap.text[:8192]:
            return FastOutcome(findings_in(doc, None, [_file_diagnostic(name, "file.binary", msg("file.binary"))]))
        try:
            draft = Draft.from_text(snap.text, name)
        except DraftError as exc:
            found = [_file_diagnostic(name, exc.rule, exc.message, exc.line, exc.column)]
            return FastOutcome(findings_in(doc, None, found), run=run)
        try:
            found = check_draft(draft, run, {n: load_check(n) for n in FAST_CHECKS}, CheckOptions(), [])
        except StyleGuideError as exc:  # a rule section that does not compile
            notice = _file_diagnostic(name, "file.styleguide", str(exc))
            return FastOutcome([Finding(notice, 0, 0)], guide_error=str(exc))
        return FastOutcome(findings_in(doc, draft, found), draft, run)

    def check_grammar(self, snap: Snapshot, draft: Draft, run: CheckRun, retry: bool = False) -> GrammarOutcome:
        """Grammar and spelling through LanguageTool (cached per paragraph). LanguageTool down is
        reported once (`down`), then not tried again for a while unless `retry` (a save)."""
        from edtool.checks.grammar import check_grammar
        from edtool.engine import CheckOptions, RunError, ServiceUnavailable, check_draft
        from edtool.languagetool import LanguageToolError

        now = time.monotonic()
        was_down = self.grammar_down is not None
        if was_down and not retry and now - self._down_at < GRAMMAR_RETRY_SECONDS:
            return GrammarOutcome(skipped=True)
        if was_down:  # a new session: the old one keeps its failure
            run.new_grammar_session()
        unavailable: list = []
        try:
            found = check_draft(draft, run, {"grammar": check_grammar},
                                CheckOptions(only={"grammar", "spelling"}), unavailable)
        except RunError as exc:  # grammar.required: in the editor still one notice
            found, unavailable = [], [ServiceUnavailable(str(exc))]
        except StyleGuideError as exc:
            return GrammarOutcome(guide_error=str(exc))
        except LanguageToolError as exc:  # raised outside check_grammar's own guard: the same notice
            found, unavailable = [], [ServiceUnavailable(msg("grammar.unchecked", reason=exc.message))]
        except Exception as exc:  # e.g. the HTTP client's own error: grammar is unchecked, style goes on
            import traceback

            reason = f"{type(exc).__name__}: {exc}"
            found, unavailable = [], [ServiceUnavailable(msg("grammar.unchecked", reason=reason))]
            self.last_traceback = traceback.format_exc()
        if unavailable:
            self.grammar_down, self._down_at = unavailable[0].message, now
            notice = None if was_down else msg("lsp.grammar-down", message=unavailable[0].message)
            return GrammarOutcome(down=notice)
        self.grammar_down = None
        return GrammarOutcome(findings_in(TextDocument(snap.uri, snap.text, snap.version), draft, found),
                              back=was_down)


# -- from Draft positions to editor offsets -----------------------------------------------------
def findings_in(doc: TextDocument, draft: Draft | None, found: list[Diagnostic]) -> list[Finding]:
    """Draft lines are the editor's lines (both end a line at CRLF, CR and LF); columns count
    characters, so only a BOM the editor kept shifts line 1."""
    starts = doc.line_starts
    bom = 1 if doc.text.startswith("\ufeff") else 0

    def offset(line: int, column: int) -> int:
        if line - 1 >= len(starts):
            return len(doc.text)
        start, end = doc.line_bounds(max(0, line - 1))
        return min(start + max(0, column - 1) + (bom if line == 1 else 0), end)

    out = []
    for d in found:
        if getattr(d, "suppressed", False):  # accepted in the desk's ignore file
            continue
        start = offset(d.line, d.column)
        end = max(start, offset(d.end_line, d.end_column))
        fix = None
        if d.fix is not None and draft is not None:
            f = d.fix
            expected = getattr(f, "expected", None)
            if expected is None:
                expected = d.source or draft.text[f.start:f.end]
            fix = EditorFix(offset(*draft.position(f.start)), offset(*draft.position(f.end)), f.replacement, expected)
        out.append(Finding(d, start, end, fix))
    return out


# -- code actions --------------------------------------------------------------------------------
def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fix_edit(text: str, fix: EditorFix) -> tuple[int, int, str] | None:
    """The edit a fix makes in the editor's text, or None if the text there is no longer what the
    finding matched, or if the fix would change the draft's Markdown structure (as --fix refuses)."""
    from edtool.fix import structure

    if not 0 <= fix.start <= fix.end <= len(text) or _lines(text[fix.start:fix.end]) != fix.expected:
        return None
    replacement = fix.replacement.replace("\n", "\r\n") if "\r\n" in text else fix.replacement
    changed = text[:fix.start] + replacement + text[fix.end:]
    if structure(changed) != structure(text):
        return None
    return fix.start, fix.end, replacement


def suggestion_edit(text: str, finding: Finding, replacement: str) -> tuple[int, int, str] | None:
    """Replace a grammar or spelling finding's text by one of LanguageTool's suggestions."""
    source = finding.diagnostic.source
    if not source or text[finding.start:finding.end] != source or "\n" in replacement:
        return None
    return finding.start, finding.end, replacement


def fix_all_edit(text: str, name: str, run: CheckRun) -> tuple[int, int, str] | None:
    """What `edtool check --fix` would make of this text, as one edit (None: nothing to do)."""
    from edtool.fix import fix_bytes, make_runner
    from edtool.lsp.text import common_edit

    data = text.encode("utf-8", "surrogatepass")
    result = fix_bytes(data, name, make_runner(run.guide, checkrun=run))
    if not result.changed or result.internal:
        return None
    fixed = result.fixed.decode("utf-8", "surrogatepass")
    edit = common_edit(text, fixed)
    return edit.start, edit.end, fixed[edit.start:edit.start + edit.length]


def _yaml_item(word: str, flow: bool) -> str:
    """`word` as a YAML sequence item: plain if it reads back as itself, else double-quoted."""
    import json

    import yaml

    probe = f"[{word}]" if flow else f"- {word}"
    try:
        if yaml.safe_load(probe) == [word] and word == word.strip() and "#" not in word:
            return word
    except yaml.YAMLError:
        pass
    return json.dumps(word, ensure_ascii=False)


def _content_end(node) -> int:
    import yaml

    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _content_end(node.value[-1])
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _content_end(node.value[-1][1])
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    ends = [i for i in (text.find("\n", index), text.find("\r", index)) if i != -1]
    return min(ends) if ends else len(text)


def vocabulary_edit(text: str, word: str) -> tuple[int, int, str] | None:
    """An edit that adds `word` to `vocabulary.accept` in the text of styleguide.yaml, keeping every
    other character (comments, order, quoting). None if the word is there already or the file is
    not what we can edit safely; the edit is verified by loading the result."""
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    nl = "\r\n" if "\r\n" in text else "\n"
    edit: tuple[int, int, str] | None = None
    if root is None or (isinstance(root, yaml.ScalarNode) and not text.strip()):
        edit = (len(text), len(text), f"vocabulary:{nl}  accept:{nl}    - {_yaml_item(word, False)}{nl}")
    elif not isinstance(root, yaml.MappingNode) or root.flow_style:
        return None
    else:
        vocab = next(((k, v) for k, v in root.value if k.value == "vocabulary"), None)
        if vocab is None:
            prefix = "" if text.endswith(("\n", "\r")) else nl
            edit = (len(text), len(text), f"{prefix}vocabulary:{nl}  accept:{nl}    - {_yaml_item(word, False)}{nl}")
        else:
            key, value = vocab
            edit = _edit_vocabulary(text, key, value, word, nl)
    if edit is None:
        return None
    start, end, new = edit
    return edit if _adds_word(text, text[:start] + new + text[end:], word) else None


_NULLS = ("", "~", "null", "Null", "NULL")


def _edit_vocabulary(text: str, key, value, word: str, nl: str) -> tuple[int, int, str] | None:
    import yaml

    if isinstance(value, yaml.ScalarNode):  # `vocabulary:` with nothing (or null) after it
        if value.value not in _NULLS:
            return None
        if value.value:
            return value.start_mark.index, value.end_mark.index, f"{{accept: [{_yaml_item(word, True)}]}}"
        indent = " " * (key.start_mark.column + 2)
        at = _line_end(text, text.find(":", key.end_mark.index))
        return at, at, f"{nl}{indent}accept:{nl}{indent}  - {_yaml_item(word, False)}"
    if not isinstance(value, yaml.MappingNode):
        return None
    if value.flow_style:
        close = value.end_mark.index - 1
        if text[close] != "}":
            return None
        sep = ", " if value.value else ""
        return close, close, f"{sep}accept: [{_yaml_item(word, True)}]"
    accept_key, accept = next(((k, v) for k, v in value.value if k.value == "accept"), (None, None))
    if accept is None:  # a new key after the last one
        indent = " " * value.value[0][0].start_mark.column
        at = _line_end(text, _content_end(value))
        return at, at, f"{nl}{indent}accept:{nl}{indent}  - {_yaml_item(word, False)}"
    if isinstance(accept, yaml.ScalarNode):  # `accept:` with nothing (or null) after it
        if accept.value not in _NULLS:
            return None
        if accept.value:
            return accept.start_mark.index, accept.end_mark.index, f"[{_yaml_item(word, True)}]"
        colon = text.find(":", accept_key.end_mark.index) + 1
        return colon, colon, f" [{_yaml_item(word, True)}]"
    if not isinstance(accept, yaml.SequenceNode):
        return None
    if any(isinstance(item, yaml.ScalarNode) and item.value == word for item in accept.value):
        return None  # there already
    if accept.flow_style:
        close = accept.end_mark.index - 1
        if text[close] != "]":
            return None
        sep = ", " if accept.value else ""
        return close, close, f"{sep}{_yaml_item(word, True)}"
    last = accept.value[-1]
    line_start = max(text.rfind("\n", 0, last.start_mark.index), text.rfind("\r", 0, last.start_mark.index)) + 1
    prefix = text[line_start:last.start_mark.index]
    if prefix.strip() != "-":
        prefix = " " * accept.start_mark.column + "- "
    at = _line_end(text, _content_end(last))
    return at, at, f"{nl}{prefix}{_yaml_item(word, False)}"


def _adds_word(before: str, after: str, word: str) -> bool:
    """The edited style guide loads, and differs from the old one by exactly the new word."""
    import copy

    import yaml

    try:
        old = yaml.safe_load(before) or {}
        new = yaml.safe_load(after)
    except yaml.YAMLError:
        return False
    if not isinstance(new, dict) or not isinstance(old, dict):
        return False
    expected = copy.deepcopy(old)
    vocab = expected.get("vocabulary") or {}
    if not isinstance(vocab, dict):
        return False
    accept = list(vocab.get("accept") or [])
    vocab["accept"] = accept + [word]
    expected["vocabulary"] = vocab
    return new == expected


def word_list_edit(text: str, word: str) -> tuple[int, int, str] | None:
    """An edit that adds `word` as a line at the end of a reviewed word list (one term a line, `#`
    comments); None if it is there already or is no valid term for the list."""
    from edtool.checks import grammar

    pattern, limit = getattr(grammar, "_TERM", None), getattr(grammar, "MAX_TERM", 200)
    word = word.strip()
    if not word or "#" in word or "\n" in word or "\r" in word or len(word) > limit or "  " in word:
        return None
    if pattern is not None and not pattern.fullmatch(word):
        return None
    terms = {line.split("#", 1)[0].strip() for line in _lines(text).split("\n")}
    if word in terms:
        return None
    nl = "\r\n" if "\r\n" in text else "\n"
    prefix = "" if not text or text.endswith(("\n", "\r")) else nl
    return len(text), len(text), f"{prefix}{word}{nl}"


def vocabulary_target(guide: StyleGuide) -> tuple[Path, str]:
    """Where a new desk word goes: the reviewed word list if the guide names one that exists
    (`vocabulary.learned`), else `vocabulary.accept` in styleguide.yaml. ("list" or "accept")"""
    lists = _word_lists(guide)
    if lists and lists[0].is_file():
        return lists[0], "list"
    return Path(guide.path), "accept"


def draft_finding(draft: Draft, doc: TextDocument, finding: Finding) -> Diagnostic:
    """The finding's Diagnostic with line and column recomputed from its editor offsets, for a Draft
    made from the editor's current text (a finding carried through edits keeps its old ones)."""
    import dataclasses

    bom = 1 if doc.text.startswith("\ufeff") else 0

    def position(offset: int) -> tuple[int, int]:
        line = doc.position_at(offset, "utf-32")
        return line[0] + 1, line[1] + 1 - (bom if line[0] == 0 else 0)

    line, column = position(finding.start)
    end_line, end_column = position(finding.end)
    return dataclasses.replace(finding.diagnostic, path=draft.path, line=line, column=column,
                               end_line=end_line, end_column=end_column)


def ignore_entry_edit(ignore_text: str | None, draft: Draft, d: Diagnostic, draft_path: Path | None,
                      folder: Path, reason: str, who: str) -> tuple[int, int, str] | None:
    """An edit that appends an entry for finding `d` to ignore.yaml (`ignore_text`, None if the file
    does not exist yet: then the edit is its whole text). Formatted as `edtool ignore add` writes it;
    None if the file is broken or a flow list (then the command line says why)."""
    import json

    import yaml

    from edtool.ignore import HEADER, IgnoreFileError, new_entry, parse

    file = None
    if draft_path is not None:
        try:
            file = draft_path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            file = draft_path.resolve().as_posix()
    entry = new_entry(draft, d, file, reason, who)
    base = HEADER if ignore_text is None else ignore_text
    try:
        parse(base)
        root = yaml.compose(base, Loader=yaml.SafeLoader)
    except (IgnoreFileError, yaml.YAMLError):
        return None
    if root is not None and getattr(root, "flow_style", False):
        return None
    nl = "\r\n" if "\r\n" in base else "\n"
    prefix = nl if base and not base.endswith(("\n", "\r")) else ""
    lines = [("- " if i == 0 else "  ") + f"{key}: {json.dumps(value, ensure_ascii=False)}"
             for i, (key, value) in enumerate(entry.items())]
    addition = prefix + nl.join(lines) + nl
    try:
        entries = parse(base + addition)
    except IgnoreFileError:
        return None
    if not entries or entries[-1].rule != d.rule:
        return None
    if ignore_text is None:
        return 0, 0, base + addition
    return len(base), len(base), addition


def is_styleguide(uri: str) -> bool:
    path = uri_to_path(uri)
    return path is not None and path.name == FILE_NAME
