"""conditional: a term (by default an abbreviation in capitals) needs its introduction before its
first use, e.g. "Künstliche Intelligenz (KI)" before "KI". Flags the first use only."""

from __future__ import annotations

import re

from edtool.checks.style.base import Context, Rule, RuleSpec
from edtool.checks.style.text import AFTER, ALNUM

DEFAULT_PATTERN = rf"[A-ZÄÖÜ](?<!{ALNUM}[A-ZÄÖÜ])[A-ZÄÖÜ0-9]{{0,4}}[A-ZÄÖÜ]{AFTER}"  # 2 to 6 capitals: "KI", "UNHCR"
_CAPITAL_WORD = r"[A-ZÄÖÜ][A-ZÄÖÜ0-9-]*[A-ZÄÖÜ0-9]"
_RUN_BEFORE = re.compile(rf"(?:^|\s){_CAPITAL_WORD}\s$")
_RUN_AFTER = re.compile(rf"\s{_CAPITAL_WORD}(?:$|[^\w])")
_ROMAN = re.compile(r"^[IVX]+$")
DEFAULT_INTRODUCTION = r"\(\s*{term}\s*[),;]"


class Conditional(Rule):
    KIND = "conditional"
    KEYS = {"pattern", "introduction", "exceptions", "capital_runs"}
    PLACEHOLDERS = {"match", "term"}

    def configure(self, spec: RuleSpec) -> None:
        self.pattern = spec.regex(spec.get("pattern", str, DEFAULT_PATTERN), 0, "pattern")
        intro = spec.get("introduction", str, DEFAULT_INTRODUCTION)
        if "{term}" not in intro:
            raise spec.error("„introduction“ braucht den Platzhalter {term}", "introduction")
        spec.regex(intro.replace("{term}", "X"), 0, "introduction")
        self.introduction = intro
        self.exceptions = set(spec.strings("exceptions"))
        # false: a term next to another word in capitals ("DER STANDARD", a shouted line) and Roman
        # numerals ("Teil II") are no uses of an abbreviation
        self.capital_runs = spec.get("capital_runs", bool, False)
        self._intro_cache: dict[str, re.Pattern] = {}

    @staticmethod
    def _in_capital_run(text: str, start: int, end: int, term: str) -> bool:
        if _ROMAN.match(term):
            return True
        return bool(_RUN_BEFORE.search(text, max(0, start - 30), start) or _RUN_AFTER.match(text, end))

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
                if not self.capital_runs and self._in_capital_run(seg.text, match.start(), match.end(), term):
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
