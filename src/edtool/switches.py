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
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from edtool.diagnostics import CATEGORY_NAMES, Category, Diagnostic, Severity
from edtool.draft import Draft
from edtool.messages import msg

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

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
    switch: int = 0  # offset of the comment that opened it


@dataclass(frozen=True)
class Suppressed(Diagnostic):
    """A finding that a switch or an ignore entry took out of the report: kept, with its cause."""

    suppressed: str = field(default="", compare=False)  # what formatters show: "ignore.yaml:4: reason"
    by: str = field(default="", compare=False)  # "drafts/a.md:12" (the switch) or "ignore.yaml:4" (the entry)
    kind: str = field(default="", compare=False)  # "switch" or "ignore"
    reason: str = field(default="", compare=False)
    who: str = field(default="", compare=False)

    @classmethod
    def of(cls, d: Diagnostic, by: str, kind: str, reason: str = "", who: str = "") -> "Suppressed":
        values = {f.name: getattr(d, f.name) for f in fields(Diagnostic)}
        return cls(**values, suppressed=f"{by}: {reason}" if reason else by, by=by, kind=kind, reason=reason,
                   who=who)

    def to_dict(self) -> dict:
        data = super().to_dict()
        cause = {"by": self.by, "kind": self.kind}
        if self.reason:
            cause["reason"] = self.reason
        if self.who:
            cause["who"] = self.who
        data["suppressed"] = cause
        return data


def names_of(rule: str, category: str) -> list[str]:
    """Every switch name that covers `rule`: itself, its namespaces, its dotted tails, its category."""
    parts = rule.split(".")
    names = {rule, category}
    for i in range(1, len(parts)):
        names.add(".".join(parts[:i]))
        names.add(".".join(parts[i:]))
    return list(names)


def _known(name: str, style_ids: set[str]) -> bool:
    if name in CATEGORY_NAMES or name.startswith(OPEN_PREFIXES) or _LT_ID.match(name):
        return True
    return any(rule == name or rule.startswith(name + ".") for rule in style_ids)


def _style_ids(run: CheckRun) -> set[str]:
    try:
        return run.style.ids | {UNKNOWN_RULE}
    except Exception:  # a broken style guide is reported by the style check itself
        return set()


def apply_switches(draft: Draft, run: CheckRun, found: list[Diagnostic], warn: bool = True,
                   suppressed: list[Diagnostic] | None = None) -> list[Diagnostic]:
    """Take findings switched off in the draft out of the report (into `suppressed` when given); add a
    warning for each switch naming an unknown rule. Linear in findings and switches (a sweep)."""
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
            style_ids = _style_ids(run) if style_ids is None else style_ids
            for name in names:
                if not _known(name, style_ids):
                    warnings.append(Diagnostic.span(draft, comment.start, comment.end, UNKNOWN_RULE, Category.STYLE,
                                                    Severity.WARNING,
                                                    msg("style.switch-unknown", switch=f"edtool-{action}", rule=name)))
        if action == "disable-next-line":
            line, _ = draft.position(comment.end)
            target = line + 1
            while target <= draft.line_count and not draft.line_text(target).strip():
                target += 1
            if target <= draft.line_count:
                start = draft.offset(target, 1)
                regions.append(_Region(frozenset(names) if names else None, start,
                                       start + len(draft.line_text(target)) + 1, comment.start))
        elif action == "disable":
            if names:
                for name in names:
                    open_named.setdefault(name, (comment.end, comment.start))
            elif open_all is None:
                open_all = (comment.end, comment.start)
        else:  # enable
            closing = names or list(open_named)
            for name in closing:
                if name in open_named:
                    begin, at = open_named.pop(name)
                    regions.append(_Region(frozenset([name]), begin, comment.start, at))
            if not names and open_all is not None:
                regions.append(_Region(None, open_all[0], comment.start, open_all[1]))
                open_all = None
    if open_all is not None:
        regions.append(_Region(None, open_all[0], end_of_text, open_all[1]))
    for name, (start, at) in open_named.items():
        regions.append(_Region(frozenset([name]), start, end_of_text, at))
    return _sweep(draft, regions, found, suppressed) + warnings


def _sweep(draft: Draft, regions: list[_Region], found: list[Diagnostic],
           suppressed: list[Diagnostic] | None) -> list[Diagnostic]:
    """Findings outside every region that covers their rule, in their order; regions are opened and
    closed in offset order, with counts per name, so each finding costs a few dictionary looks."""
    import heapq

    end_of_text = len(draft.text)
    regions.sort(key=lambda r: r.start)
    placed = []
    for index, d in enumerate(found):
        offset = draft.offset(d.line, d.column) if d.line <= draft.line_count else end_of_text
        placed.append((offset, index))
    placed.sort()
    active: list[tuple[int, int]] = []  # heap of (end, region index)
    by_name: dict[str, list[int]] = {}  # name -> heap of region indexes still open (for the cause)
    open_all: list[int] = []
    closed: set[int] = set()
    next_region = 0
    dropped: dict[int, _Region] = {}
    for offset, index in placed:
        while next_region < len(regions) and regions[next_region].start <= offset:
            region = regions[next_region]
            heapq.heappush(active, (region.end, next_region))
            for name in region.names or ():
                by_name.setdefault(name, []).append(next_region)
            if region.names is None:
                open_all.append(next_region)
            next_region += 1
        while active and active[0][0] <= offset:
            closed.add(heapq.heappop(active)[1])
        d = found[index]
        cause = _first_open(open_all, closed)
        if cause is None:
            for name in names_of(d.rule, d.category.value):
                cause = _first_open(by_name.get(name), closed)
                if cause is not None:
                    break
        if cause is not None:
            dropped[index] = regions[cause]
    kept = []
    for index, d in enumerate(found):
        region = dropped.get(index)
        if region is None:
            kept.append(d)
        elif suppressed is not None:
            line, _ = draft.position(region.switch)
            suppressed.append(Suppressed.of(d, f"{draft.path}:{line}", "switch"))
    return kept


def _first_open(indexes: list[int] | None, closed: set[int]) -> int | None:
    """The last still open region of a list (closed ones are dropped from its end as found)."""
    while indexes:
        if indexes[-1] not in closed:
            return indexes[-1]
        indexes.pop()
    return None
