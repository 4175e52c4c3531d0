"""conditional: a term (by default an abbreviation in capitals) needs its introduction before its
first use, e.g. "Künstliche Intelligenz (KI)" before "KI". Flags the first use only."""

from __future__ import annotations

import re

from edtool.checks.style.base import Context, Rule, RuleSpec
from edtool.checks.style.text import BEFORE, AFTER

DEFAULT_PATTERN = rf"{BEFORE}[A-ZÄÖÜ][A-ZÄÖÜ0-9]*[A-ZÄÖÜ]{AFTER}"
DEFAULT_INTRODUCTION = r"\(\s*{term}\s*[),;]"


class Conditional(Rule):
    KIND = "conditional"
    KEYS = {"pattern", "introduction", "exceptions", "ignorecase"}
    PLACEHOLDERS = {"match", "term"}

    def configure(self, spec: RuleSpec) -> None:
        self.pattern = spec.regex(spec.get("pattern", str, DEFAULT_PATTERN), 0, "pattern")
        intro = spec.get("introduction", str, DEFAULT_INTRODUCTION)
        if "{term}" not in intro:
            raise spec.error("„introduction“ braucht den Platzhalter {term}", "introduction")
        spec.regex(intro.replace("{term}", "X"), 0, "introduction")
        self.introduction = intro
        self.exceptions = set(spec.strings("exceptions"))
        self._intro_cache: dict[str, re.Pattern] = {}

    def _intro(self, term: str) -> re.Pattern:
        pattern = self._intro_cache.get(term)
        if pattern is None:
            pattern = re.compile(self.introduction.replace("{term}", re.escape(term)))
            self._intro_cache[term] = pattern
        return pattern

    def check(self, ctx: Context) -> None:
        segs = ctx.in_scope(self)
        first_use: dict[str, tuple[int, object, int, int]] = {}  # term -> (order, seg, start, end)
        for order, seg in enumerate(segs):
            for match in self.pattern.finditer(seg.text, seg.start):
                term = match.group("term") if "term" in self.pattern.groupindex else match.group()
                if not term or term in self.exceptions or term in first_use:
                    continue
                if not self.quotes and seg.quotes.overlaps(*match.span()):
                    continue
                if seg.accepted.spans and seg.accepted.contains(*match.span()):
                    continue
                first_use[term] = (order, seg, match.start(), match.end())
        for term, (order, seg, start, end) in first_use.items():
            if self._introduced_before(term, segs, order, start, end):
                continue
            ctx.report(self, seg, start, end, term=term)

    def _introduced_before(self, term: str, segs, order: int, start: int, end: int) -> bool:
        """An introduction before the use, or the use sits inside it ("(KI)")."""
        pattern = self._intro(term)
        for index, seg in enumerate(segs[: order + 1]):
            for match in pattern.finditer(seg.text):
                if index < order or match.start() <= start:
                    return True
        return False
