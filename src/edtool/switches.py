"""Inline switches in a draft, as HTML comments (eslint style), applied after all checks:

    <!-- edtool-disable -->               everything off until <!-- edtool-enable -->
    <!-- edtool-disable ID OTHER -->      the named rules off until enabled again
    <!-- edtool-enable ID -->             one rule back on (a bare enable: all back on)
    <!-- edtool-disable-next-line [ID] --> the next non-blank line only

An ID is a rule id ("style.typo.quotes"), a namespace ("style.typo"), a category ("grammar") or a
LanguageTool rule id ("GERMAN_SPELLER_RULE"). A switch naming an unknown rule is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edtool.diagnostics import CATEGORY_NAMES, Category, Diagnostic, Severity
from edtool.draft import Draft
from edtool.messages import msg
from edtool.styleguide import StyleGuide

MARKER = "edtool-"
UNKNOWN_RULE = "style.switch.unknown-rule"
_SWITCH = re.compile(r"^edtool-(disable-next-line|disable|enable)(?:\s+(.*))?$", re.S)
_LT_ID = re.compile(r"^[A-Z][A-Z0-9_]+$")
OPEN_PREFIXES = ("metadata.", "dateline.", "file.", "grammar.", "spelling.")


@dataclass
class _Region:
    names: frozenset[str] | None  # None: every rule
    start: int  # offsets into Draft.text
    end: int


def _matches(rule: str, names: frozenset[str] | None, category: str) -> bool:
    if names is None:
        return True
    for name in names:
        if rule == name or rule.startswith(name + ".") or rule.endswith("." + name) or category == name:
            return True
    return False


def _known(name: str, style_ids: set[str]) -> bool:
    if name in CATEGORY_NAMES or name.startswith(OPEN_PREFIXES) or _LT_ID.match(name):
        return True
    return any(rule == name or rule.startswith(name + ".") for rule in style_ids)


def _style_ids(guide: StyleGuide) -> set[str]:
    try:
        from edtool.checks.style import compiled

        return compiled(guide).ids | {UNKNOWN_RULE}
    except Exception:  # a broken style guide is reported by the style check itself
        return set()


def apply_switches(draft: Draft, guide: StyleGuide, found: list[Diagnostic], warn: bool = True) -> list[Diagnostic]:
    """Drop findings switched off in the draft; add a warning for each switch naming an unknown rule."""
    if MARKER not in draft.text:
        return found
    from edtool.prose import prose_of

    regions: list[_Region] = []
    warnings: list[Diagnostic] = []
    open_all: int | None = None
    open_named: dict[str, int] = {}
    style_ids: set[str] | None = None
    end_of_text = len(draft.text)
    for comment in prose_of(draft).comments:
        match = _SWITCH.match(comment.text)
        if not match:
            continue
        action, rest = match.group(1), (match.group(2) or "").split()
        names = [n.strip(",") for n in rest if n.strip(",")]
        if names and warn:
            style_ids = _style_ids(guide) if style_ids is None else style_ids
            for name in names:
                if not _known(name, style_ids):
                    line, column = draft.position(comment.start)
                    end_line, end_column = draft.position(comment.end)
                    warnings.append(Diagnostic(draft.path, line, column, end_line, end_column, UNKNOWN_RULE,
                                               Category.STYLE, Severity.WARNING,
                                               msg("style.switch-unknown", switch=f"edtool-{action}", rule=name)))
        if action == "disable-next-line":
            line, _ = draft.position(comment.end)
            target = line + 1
            while target <= draft.line_count and not draft.line_text(target).strip():
                target += 1
            if target <= draft.line_count:
                start = draft.offset(target, 1)
                regions.append(_Region(frozenset(names) if names else None, start,
                                       start + len(draft.line_text(target)) + 1))
        elif action == "disable":
            if names:
                for name in names:
                    open_named.setdefault(name, comment.end)
            elif open_all is None:
                open_all = comment.end
        else:  # enable
            closing = names or list(open_named)
            for name in closing:
                if name in open_named:
                    regions.append(_Region(frozenset([name]), open_named.pop(name), comment.start))
            if not names and open_all is not None:
                regions.append(_Region(None, open_all, comment.start))
                open_all = None
    if open_all is not None:
        regions.append(_Region(None, open_all, end_of_text))
    for name, start in open_named.items():
        regions.append(_Region(frozenset([name]), start, end_of_text))

    kept = []
    for d in found:
        offset = draft.offset(d.line, d.column) if d.line <= draft.line_count else end_of_text
        if any(r.start <= offset < r.end and _matches(d.rule, r.names, d.category.value) for r in regions):
            continue
        kept.append(d)
    return kept + warnings
