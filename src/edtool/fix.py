"""`edtool check --fix` / `--diff`: apply the fixable findings of the style and dateline checks.

Fixes are offsets into Draft.text; they are mapped to the file as written (Draft.raw_offset), so
CRLF line ends and a BOM survive, and applied from the end backwards. Overlaps are resolved
deterministically (earlier start, then higher severity, then longer span, then rule id wins).
After a pass the draft is checked again until nothing changes, so a second `--fix` is a no-op.
A file is written atomically, and only when its bytes changed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from edtool.diagnostics import Category, Diagnostic
from edtool.draft import BOM, Draft, DraftError
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

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        before = self.original.decode("utf-8", "replace").splitlines(keepends=True)
        after = self.fixed.decode("utf-8", "replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(before, after, f"a/{self.path}", f"b/{self.path}"))


def select_fixes(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Fixable findings that do not overlap, in text order."""
    candidates = sorted(
        (d for d in diagnostics if d.fix is not None and d.category in FIX_CATEGORIES),
        key=lambda d: (d.fix.start, -d.severity.rank, -(d.fix.end - d.fix.start), d.rule, d.fix.replacement),
    )
    chosen: list[Diagnostic] = []
    last_end = -1
    for d in candidates:
        fix = d.fix
        if chosen and fix.start < last_end:
            continue
        if chosen and fix.start == fix.end == chosen[-1].fix.start == chosen[-1].fix.end:
            continue  # two insertions at one point: the first wins
        chosen.append(d)
        last_end = max(last_end, fix.end)
    return chosen


def apply_fixes(draft: Draft, chosen: list[Diagnostic]) -> str:
    """The file's full text (BOM and line ends as written) with the fixes applied."""
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


def fix_bytes(data: bytes, path: str, run: CheckRunner) -> FixResult:
    result = FixResult(path, data, data)
    try:
        draft = Draft.from_bytes(data, path)
    except DraftError:
        return result  # reported by the normal check run
    text = data.decode("utf-8")
    seen = {text}
    for _ in range(MAX_PASSES):
        chosen = select_fixes(run(draft))
        if not chosen:
            break
        new_text = apply_fixes(draft, chosen)
        if new_text in seen:
            break  # nothing new, or two rules undoing each other: stop at a fixed point
        try:
            draft = Draft.from_text(new_text, path)
        except DraftError:  # a fix must never break a draft: keep the last good text
            break
        seen.add(new_text)
        result.applied += len(chosen)
        text = new_text
    result.fixed = text.encode("utf-8")
    return result


def make_runner(guide: StyleGuide, options=None) -> CheckRunner:
    from edtool.engine import CHECKS, CheckOptions, check_draft, load_check

    options = options or CheckOptions()
    checks = {name: load_check(name) for name in FIX_CHECKS
              if name in CHECKS and any(options.wants(c) for c in CHECKS[name][2])}
    unavailable: list = []

    def run(draft: Draft) -> list[Diagnostic]:
        return check_draft(draft, guide, dict(checks), options, unavailable)

    return run


def fix_paths(paths: Iterable[str | Path], guide: StyleGuide, options=None, write: bool = True) -> list[FixResult]:
    """Fix every draft under `paths`; write changed files atomically unless write=False."""
    from edtool.engine import collect_paths
    from edtool.fsutil import atomic_write

    files, _ = collect_paths(paths)
    run = make_runner(guide, options)
    results = []
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        result = fix_bytes(data, str(path), run)
        if write and result.changed:
            try:
                atomic_write(path, result.fixed)
            except OSError as exc:  # one unwritable draft does not stop the others
                result.error = exc.strerror or str(exc)
        results.append(result)
    return results
