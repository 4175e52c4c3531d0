"""conditional: a term (by default an abbreviation in capitals) needs its introduction before its
first use, e.g. "Künstliche Intelligenz (KI)" before "KI". Flags the first use only.

Not a use that needs an introduction (unless `names: true`):
- a term that the title or the tags name (the article is about it; the reader knows it);
- a name in capitals: after a noun naming what it is ("der Zulieferer FACC", "Samsung SDI") or an
  adjective of origin ("der französische TGV"), a
  model designation glued to a number ("ID.2", "ACE-2"), a label opening a paragraph ("FMW: ...").
An introduction also counts later in the sentence of the use: "LCI (Life Cycle Impulse)",
"…, kurz VSGE", "UCPS genannt (…)", "(SAF steht für …)".
"""

from __future__ import annotations

import re
from bisect import bisect_right

from edtool.checks.style.base import Context, Rule, RuleSpec
from edtool.checks.style.text import AFTER, ALNUM

DEFAULT_PATTERN = rf"[A-ZÄÖÜ](?<!{ALNUM}[A-ZÄÖÜ])[A-ZÄÖÜ0-9]{{0,4}}[A-ZÄÖÜ]{AFTER}"  # 2 to 6 capitals: "KI", "UNHCR"
_CAPITAL_WORD = r"[A-ZÄÖÜ][A-ZÄÖÜ0-9-]*[A-ZÄÖÜ0-9]"
_RUN_BEFORE = re.compile(rf"(?:^|[\s(„“\"»«]){_CAPITAL_WORD}[\s-]$")  # "CC BY", "BY-ND"
_RUN_AFTER = re.compile(rf"[\s-]{_CAPITAL_WORD}(?:$|[^\w])")
_ROMAN = re.compile(r"^[IVX]+$")
DEFAULT_INTRODUCTION = r"\(\s*{term}\s*[),;]"
# Introductions that name the term first or in passing; found before the use or just after it.
_INTRODUCTIONS = (
    r"(?<![\w-]){term}[“”\"]?\s*\(\s*[„“\"»]?[A-Za-zÄÖÜäöü]",    # LCI (Life Cycle Impulse)
    r"\b(?:kurz|abgekürzt|Abkürzung|genannt)\s*:?\s*[„“\"»]?{term}(?![\w-])",  # …, kurz VSGE
    r"(?<![\w-]){term}[“”\"«]?,?\s+(?:genannt|steht\s+für|stehen\s+für|heißt|bedeutet|ist\s+die\s+Abkürzung|kurz\s+für)\b",
)
_ANY_TERM = r"(?P<term>[^\W_][\w&+.-]{0,19}?)"  # bounded: linear on "a.a.a…"
_NUMBER_AFTER = re.compile(r"[.-]?\d")  # "ID.2", "ACE-2"
_WORD_BEFORE = re.compile(r"([A-ZÄÖÜ][\w-]*[a-zäöüß][\w-]*)[ \u00a0]$")  # "Zulieferer ", "Samsung "
# an article and an adjective of origin: "der französische TGV", "die chinesische QXR"
_ORIGIN_BEFORE = re.compile(r"\b[Dd](?:er|ie|as|en|em|es)[ \u00a0]+[a-zäöü][\w-]*isch(?:e|en|er|es|em)[ \u00a0]$")
_TERMS_IN = re.compile(rf"(?<!{ALNUM})[A-ZÄÖÜ][A-ZÄÖÜ0-9]+(?!{ALNUM})")


def _after_a_noun(seg, start: int) -> bool:
    """The term follows a capitalised word that does not open the sentence ("der Zulieferer FACC")."""
    text = seg.text
    match = _WORD_BEFORE.search(text, max(seg.start, start - 60), start)
    if not match:
        return False
    opening = max(seg.start, _sentence_start(seg, match.start()))
    return any(c.isalnum() for c in text[opening : match.start()])


def _sentence_start(seg, pos: int) -> int:
    sentences = seg.sentences()
    index = bisect_right(sentences, (pos, len(seg.text) + 1)) - 1
    return sentences[index][0] if index >= 0 else seg.start


def _sentence_end(seg, start: int, end: int) -> int:
    sentences = seg.sentences()
    index = bisect_right(sentences, (start, len(seg.text) + 1)) - 1
    return max(sentences[index][1], end) if index >= 0 else end


class Conditional(Rule):
    KIND = "conditional"
    KEYS = {"pattern", "introduction", "exceptions", "capital_runs", "names"}
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
        # false: names in capitals (see the module's docstring) need no introduction
        self.names = spec.get("names", bool, False)
        self._intro_cache: dict[str, re.Pattern] = {}

    @staticmethod
    def _in_capital_run(text: str, start: int, end: int, term: str) -> bool:
        if _ROMAN.match(term):
            return True
        return bool(_RUN_BEFORE.search(text, max(0, start - 30), start) or _RUN_AFTER.match(text, end))

    def _is_name(self, seg, start: int, end: int) -> bool:
        text, seg_start = seg.text, seg.start
        if _NUMBER_AFTER.match(text, end) or (start > 0 and text[start - 1] in ".0123456789"):
            return True
        if start == seg_start and text[end : end + 1] == ":":
            return True  # a label: "FMW: Hier …"
        return _after_a_noun(seg, start) or bool(_ORIGIN_BEFORE.search(text, max(seg_start, start - 40), start))

    def _intro_patterns(self) -> list[re.Pattern]:
        """The introduction forms with a group for any term: one pass over the text finds them all
        (linear in the text, however many distinct terms it uses)."""
        if not self._intro_cache:
            for i, form in enumerate([self.introduction, *_INTRODUCTIONS]):
                self._intro_cache[str(i)] = re.compile(form.replace("{term}", _ANY_TERM, 1))
        return list(self._intro_cache.values())

    @staticmethod
    def _known_terms(ctx: Context) -> set[str]:
        """Terms the title or the tags name."""
        known: set[str] = set()
        for seg in ctx.segs:
            if seg.scope == "title":
                known.update(_TERMS_IN.findall(seg.text))
        tags = ctx.draft.front_matter.get("tags") if isinstance(ctx.draft.front_matter, dict) else None
        if isinstance(tags, list):
            for tag in tags:
                if isinstance(tag, str):
                    known.update(_TERMS_IN.findall(tag))
        return known

    def check(self, ctx: Context) -> None:
        segs = ctx.in_scope(self)
        known = self._known_terms(ctx)
        first_use: dict[str, tuple[int, object, int, int]] = {}  # term -> (order, seg, start, end)
        skipped: set[str] = set()  # terms seen as names: one look per term, not per use
        for order, seg in enumerate(segs):
            for match in self.pattern.finditer(seg.text, seg.start):
                term = match.group("term") if "term" in self.pattern.groupindex else match.group()
                if not term or term in self.exceptions or term in first_use or term in known:
                    continue
                if not self.capital_runs and self._in_capital_run(seg.text, match.start(), match.end(), term):
                    continue
                if not self.quotes and seg.quotes.overlaps(*match.span()):
                    continue
                if seg.accepted.spans and seg.accepted.contains(*match.span()):
                    continue
                if not self.names and (term in skipped
                                       or self._is_name(seg, match.start(), match.end())):
                    skipped.add(term)
                    continue
                first_use[term] = (order, seg, match.start(), match.end())
        if not first_use:
            return
        introduced: dict[str, list[tuple[int, int]]] = {}  # term -> [(order, start)] of introductions
        for order, seg in enumerate(segs):
            for pattern in self._intro_patterns():
                for match in pattern.finditer(seg.text):
                    term = match.group("term")
                    if term in first_use:
                        introduced.setdefault(term, []).append((order, match.start()))
        for term, (order, seg, start, end) in first_use.items():
            limit = _sentence_end(seg, start, end)
            if any(o < order or (o == order and at < limit) for o, at in introduced.get(term, ())):
                continue  # an introduction before the use, around it ("(KI)") or later in its sentence
            ctx.report(self, seg, start, end, term=term)
