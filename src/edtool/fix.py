"""`edtool check --fix` / `--diff`: apply the fixable findings of the style and dateline checks.

Fixes are offsets into Draft.text; they are mapped to the file as written (Draft.raw_offset), so
CRLF line ends and a BOM survive, and applied from the end backwards. Overlaps are resolved
deterministically (earlier start, then higher severity, then longer span, then rule id wins).
Before anything is applied, every fix is verified: the file's text at the mapped span must be
exactly the text the finding matched. A mismatch is an internal error: the file stays unchanged.
After a pass the draft is checked again until nothing changes, so a second `--fix` is a no-op
(two rules undoing each other settle on one member of their cycle, the same from every start).
A file is written atomically (through a symlink to its target), and only when its bytes changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from edtool.diagnostics import Category, Diagnostic
from edtool.draft import BOM, Draft, DraftError
from edtool.errors import EdtoolError
from edtool.styleguide import StyleGuide

FIX_CATEGORIES = (Category.STYLE, Category.DATELINE)
FIX_CHECKS = ("dateline", "style")
MAX_PASSES = 10


@dataclass
class FixResult:
    path: str
    original: bytes
    fixed: bytes
    applied: int = 0
    error: str = ""  # why the fixed text could not be written
    internal: str = ""  # a fix that did not match its source: nothing was changed (a bug to report)
    changes: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # line, column, rule, before, after

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def word_diff(self, color: bool = False, context: int = 30) -> list[str]:
        """`path:line:column: … words [-old-]{+new+} words …` for each changed place, positioned in the
        file as written (as check positions its findings)."""
        from edtool import worddiff

        before = Draft.from_bytes(self.original, self.path)
        after = Draft.from_bytes(self.fixed, self.path)
        lines = []
        for offset, excerpt in worddiff.excerpts(worddiff.diff(before.text, after.text), context=context,
                                                 color=color):
            line, column = before.position(offset)
            lines.append(f"{self.path}:{line}:{column}: {excerpt}")
        return lines


def select_fixes(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Fixable findings that do not overlap, in text order. Overlapping fixes are applied only where
    they agree: one fix whose replacement keeps the text every other one matched (a quotation
    around a word another rule fixes: that one follows in the next pass); otherwise none of them,
    since a fix that another finding contradicts ("20%" -> "20 %" or "20 Prozent") is the writer's
    choice. The same fix from two rules counts once."""
    candidates = sorted(
        (d for d in diagnostics if d.fix is not None and d.category in FIX_CATEGORIES),
        key=lambda d: (d.fix.start, -d.severity.rank, -(d.fix.end - d.fix.start), d.rule, d.fix.replacement),
    )
    chosen: list[Diagnostic] = []
    group: list[Diagnostic] = []
    group_end = -1
    for d in candidates + [None]:
        if d is not None and group and d.fix.start < group_end:
            group.append(d)
            group_end = max(group_end, d.fix.end)
            continue
        if group:
            winner = _agreeing(group)
            if winner is not None and not (chosen and winner.fix.start == winner.fix.end
                                           == chosen[-1].fix.start == chosen[-1].fix.end):
                chosen.append(winner)  # two insertions at one point: the first wins
        if d is not None:
            group, group_end = [d], d.fix.end
    return chosen


def _agreeing(group: list[Diagnostic]) -> Diagnostic | None:
    """The fix of an overlapping group that carries all the others, or None when they contradict."""
    if len(group) == 1:
        return group[0]
    for outer in group:
        fix = outer.fix
        if all(_carried(fix, other) for other in group if other is not outer):
            return outer
    return None


def _carried(outer, other: Diagnostic) -> bool:
    inner = other.fix
    if (inner.start, inner.end, inner.replacement) == (outer.start, outer.end, outer.replacement):
        return True
    matched = inner.expected if inner.expected is not None else other.source
    return (outer.start <= inner.start and inner.end <= outer.end and bool(matched)
            and matched in outer.replacement and matched != inner.replacement)


class FixMismatch(EdtoolError):
    """A fix whose span does not hold the text its finding matched (never applied)."""


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def verify_fix(draft: Draft, d: Diagnostic) -> None:
    """Raise FixMismatch unless the file's text at the fix's span is exactly the matched text."""
    fix = d.fix
    expected = fix.expected if fix.expected is not None else (d.source if d.source else None)
    where = f"{d.rule} {d.line}:{d.column}"
    if expected is None:
        raise FixMismatch(f"{where}: kein erwarteter Text")
    if not 0 <= fix.start <= fix.end <= len(draft.text):
        raise FixMismatch(f"{where}: Stelle außerhalb der Datei")
    if draft.text[fix.start:fix.end] != expected:
        raise FixMismatch(f"{where}: {draft.text[fix.start:fix.end]!r} statt {expected!r}")
    start, end = draft.raw_offset(fix.start), draft.raw_offset(fix.end)
    if _lines(draft.raw[start:end]) != expected:
        raise FixMismatch(f"{where}: Zeilenenden verschoben")


def apply_fixes(draft: Draft, chosen: list[Diagnostic]) -> str:
    """The file's full text (BOM and line ends as written) with the fixes applied.
    Raises FixMismatch (and changes nothing) if any fix does not match its source."""
    for d in chosen:
        verify_fix(draft, d)
    raw = draft.raw
    crlf = "\r\n" in raw
    pieces: list[str] = []
    tail = len(raw)
    for d in reversed(chosen):
        start, end = draft.raw_offset(d.fix.start), draft.raw_offset(d.fix.end)
        replacement = d.fix.replacement.replace("\n", "\r\n") if crlf else d.fix.replacement
        pieces.append(raw[end:tail])
        pieces.append(replacement)
        tail = start
    pieces.append(raw[:tail])
    return (BOM if draft.bom else "") + "".join(reversed(pieces))


CheckRunner = Callable[[Draft], list[Diagnostic]]

_NON_PROSE = ("fence", "code_block", "html_block", "code_inline", "html_inline")
_STRUCTURE_MD = None


def structure(text: str) -> list | None:
    """What a fix must leave alone: the Markdown structure of the body (every token but the prose
    itself, with code, HTML, link targets and titles) and the front matter but title and teaser."""
    global _STRUCTURE_MD
    try:
        draft = Draft.from_text(text)
    except DraftError:
        return None
    if _STRUCTURE_MD is None:
        from markdown_it import MarkdownIt

        _STRUCTURE_MD = MarkdownIt("commonmark").enable("table")
    shape: list = [sorted((k, repr(v)) for k, v in draft.front_matter.items() if k not in ("title", "teaser"))]
    for token in _STRUCTURE_MD.parse(draft.body):
        for t in [token, *(token.children or [])]:
            if t.type in ("text", "inline"):
                continue
            shape.append((t.type, t.tag, t.markup, t.info, t.content if t.type in _NON_PROSE else "",
                          tuple(sorted((k, str(v)) for k, v in t.attrs.items()))))
    return shape


def _keep_structure(draft: Draft, chosen: list[Diagnostic], text: str) -> tuple[list[Diagnostic], str]:
    """The fixes (and the text) that leave the structure as it was; a fix that would, say, turn a
    paragraph starting "31.7.2025" into a numbered list ("31. Juli 2025") is left to the writer."""
    before = structure(draft.raw)
    if structure(text) == before:
        return chosen, text
    kept = [d for d in chosen if structure(apply_fixes(draft, [d])) == before]
    text = apply_fixes(draft, kept) if kept else draft.raw
    if kept and structure(text) != before:  # fixes that are harmless alone but not together
        kept = kept[:1]
        text = apply_fixes(draft, kept)
    return kept, text


def fix_bytes(data: bytes, path: str, run: CheckRunner) -> FixResult:
    result = FixResult(path, data, data)
    try:
        draft = Draft.from_bytes(data, path)
    except DraftError:
        return result  # reported by the normal check run
    text = data.decode("utf-8")
    history = [text]
    for passes in range(MAX_PASSES + 1):
        chosen = select_fixes(run(draft))
        if not chosen:
            break
        if passes == MAX_PASSES:
            result.internal = f"keine stabile Fassung nach {MAX_PASSES} Durchgängen"
            return result
        try:
            new_text = apply_fixes(draft, chosen)
        except FixMismatch as exc:
            result.internal = str(exc)
            return result  # nothing of this file is changed
        chosen, new_text = _keep_structure(draft, chosen, new_text)
        if not chosen:
            break  # what is left would change the structure: the writer decides
        if new_text in history:  # nothing new, or rules undoing each other: settle on the cycle
            text = min(history[history.index(new_text):])
            break
        try:
            draft = Draft.from_text(new_text, path)
        except DraftError:  # a fix must never break a draft: keep the last good text
            break
        history.append(new_text)
        result.applied += len(chosen)
        result.changes += [(d.line, d.column, d.rule, d.fix.expected if d.fix.expected is not None
                            else d.source, d.fix.replacement) for d in chosen]
        text = new_text
    result.fixed = text.encode("utf-8")
    return result


def make_runner(guide: StyleGuide, options=None, checkrun=None) -> CheckRunner:
    """The checks --fix runs, over one CheckRun (`checkrun`, or a new one) for every draft and pass."""
    from edtool.checkrun import CheckRun
    from edtool.engine import CHECKS, CheckOptions, check_draft, load_check

    checkrun = checkrun or CheckRun(guide)
    options = options or CheckOptions()
    checks = {name: load_check(name) for name in FIX_CHECKS
              if name in CHECKS and any(options.wants(c) for c in CHECKS[name][2])}
    unavailable: list = []

    def run(draft: Draft) -> list[Diagnostic]:
        return check_draft(draft, checkrun, dict(checks), options, unavailable)

    return run


def fix_paths(paths: Iterable[str | Path], guide: StyleGuide, options=None, write: bool = True,
              checkrun=None) -> list[FixResult]:
    """Fix every draft under `paths`; write changed files atomically unless write=False.
    A symlinked draft is written through the link (the link stays a link)."""
    from edtool.engine import collect_paths
    from edtool.fsutil import atomic_write, display_path, read_regular

    files, _ = collect_paths(paths)
    run = make_runner(guide, options, checkrun)
    results = []
    for path in files:
        try:
            data = read_regular(path)
        except OSError:
            continue  # reported by the check run
        result = fix_bytes(data, display_path(path), run)
        if write and result.changed:
            try:
                atomic_write(path, result.fixed, follow_symlinks=True)  # a symlinked draft stays a link
            except OSError as exc:  # one unwritable draft does not stop the others
                result.error = exc.strerror or str(exc)
        results.append(result)
    return results
