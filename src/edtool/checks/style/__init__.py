"""House style: rule instances from styleguide.yaml (`rules:`, `vocabulary:`) run over the prose view.

Rules compile once per run (CheckRun.style). The dateline at the start of the first paragraph
belongs to the dateline check and is skipped here; quotations are skipped unless a rule opts in.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edtool.checks.style import text as T
from edtool.checks.style.base import Context, Rule, RuleSpec, Seg, word_alternation
from edtool.checks.style.registry import KINDS
from edtool.diagnostics import Diagnostic
from edtool.draft import Draft
from edtool.messages import msg
from edtool.prose import ProseView, prose_of
from edtool.styleguide import StyleGuide

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

REJECT_ID = "style.vocabulary.reject"
_EMPTY = T.SpanIndex([])


@dataclass
class CompiledStyle:
    rules: list[Rule]
    accept: re.Pattern | None

    @property
    def ids(self) -> set[str]:
        return {r.id for r in self.rules}


def _vocabulary(guide: StyleGuide) -> tuple[list[str], list[str]]:
    vocab = guide.section("vocabulary")
    for key in vocab:
        if key not in ("accept", "reject", "learned"):  # learned: a word list file (checks/grammar.py)
            raise guide.error(f"„vocabulary“ kennt nur „accept“, „reject“ und „learned“, nicht „{key}“",
                              "vocabulary", key)
    lists = []
    for key in ("accept", "reject"):
        items = vocab.get(key) or []
        if not isinstance(items, list):
            raise guide.error(f"„vocabulary.{key}“ muss eine Liste sein", "vocabulary", key)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise guide.error(f"„vocabulary.{key}“ darf nur nicht leere Texte enthalten", "vocabulary", key, i)
        lists.append([str(i) for i in items])
    return lists[0], lists[1]


def build_rules(guide: StyleGuide) -> CompiledStyle:
    raw = guide.get("rules", default=[]) or []
    if not isinstance(raw, list):
        raise guide.error("„rules“ muss eine Liste sein", "rules")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, data in enumerate(raw):
        if not isinstance(data, dict):
            raise guide.error(f"Regel Nr. {index + 1} muss eine Zuordnung (schlüssel: wert) sein", "rules", index)
        spec = RuleSpec(guide, index, data)
        kind = spec.get("kind", str, required=True)
        factory = KINDS.get(kind)
        if factory is None:
            close = difflib.get_close_matches(kind, list(KINDS), n=1)
            hint = f" Meinten Sie „{close[0]}“?" if close else ""
            raise spec.error(f"unbekannte Art „{kind}“ (bekannt: {', '.join(KINDS)}).{hint}", "kind")
        rule = factory(spec)
        if rule.id in seen:
            raise spec.error(f"die Kennung „{rule.id}“ ist schon an Regel Nr. {seen[rule.id] + 1} vergeben", "id")
        seen[rule.id] = index
        rules.append(rule)
    accept, reject = _vocabulary(guide)
    if reject:
        spec = RuleSpec(guide, 0, {"id": REJECT_ID, "kind": "existence", "level": "error",
                                   "message": msg("style.vocabulary-reject"), "tokens": reject},
                        path=("vocabulary", "reject"))
        rules.append(KINDS["existence"](spec))
    pattern = re.compile(word_alternation(accept, whole=True)) if accept else None
    return CompiledStyle(rules, pattern)


def prepare(draft: Draft, view: ProseView, accept: re.Pattern | None) -> list[Seg]:
    from edtool.checks.dateline import text_starts

    starts = text_starts(view)
    segs = []
    for segment in view.segments:
        start = starts.get(id(segment), 0)
        quotes = T.quotation_spans(segment.text)
        accepted = [m.span() for m in accept.finditer(segment.text)] if accept else []
        segs.append(Seg(segment, start, T.SpanIndex(quotes) if quotes else _EMPTY,
                        T.SpanIndex(accepted) if accepted else _EMPTY))
    return segs


def run_rules(draft: Draft, style: CompiledStyle, rules: list[Rule] | None = None) -> list[Diagnostic]:
    ctx = Context(draft, prepare(draft, prose_of(draft), style.accept))
    for rule in style.rules if rules is None else rules:
        if rule.enabled or rules is not None:
            rule.check(ctx)
    ctx.found.sort(key=Diagnostic.sort_key)
    return ctx.found


def check_style(draft: Draft, run: CheckRun) -> list[Diagnostic]:
    return run_rules(draft, run.style)
