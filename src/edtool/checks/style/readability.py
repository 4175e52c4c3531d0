"""readability: a German readability formula per article with a threshold.

- flesch_amstad: 180 - ASL - 58.5 * ASW (higher is easier; below 30 is hard, 60 and up easy)
- wiener_sachtextformel (1st): 0.1935*MS + 0.1672*SL + 0.1297*IW - 0.0327*ES - 0.875
  (school grade 4 easy .. 15 very hard)
ASL/SL: words per sentence; ASW: syllables per word; MS: % words with 3+ syllables; IW: % words
with more than 6 letters; ES: % one-syllable words. Syllables: see text.syllables().
"""

from __future__ import annotations

from collections import Counter

from edtool.checks.style.base import Context, Rule, RuleSpec
from edtool.checks.style.text import WORD, syllables, words

FORMULAS = ("flesch_amstad", "wiener_sachtextformel")
FORMULA_NAMES = {"flesch_amstad": "Flesch-Amstad", "wiener_sachtextformel": "Wiener Sachtextformel"}


_CACHE: dict[str, tuple[int, int, bool]] = {}


def _word_stats(word: str) -> tuple[int, int, bool]:
    """(is a word: has a letter, syllables, longer than 6 letters); cached, words repeat a lot."""
    stats = _CACHE.get(word)
    if stats is None:
        letters = sum(c.isalpha() for c in word)
        stats = (1 if letters else 0, syllables(word) if letters else 0, letters > 6)
        if len(_CACHE) < 200_000:
            _CACHE[word] = stats
    return stats


def measure(texts_and_sentences) -> dict[str, float]:
    """Counts over [(text, start, sentence count), ...]; numbers are not words here."""
    n_sent = n_words = n_syll = poly = long = mono = 0
    tokens: Counter[str] = Counter()
    for text, start, sentences in texts_and_sentences:
        n_sent += sentences
        tokens.update(WORD.findall(text, start))
    for word, times in tokens.items():
        is_word, count, is_long = _word_stats(word)
        if is_word:
            n_words += times
            n_syll += count * times
            poly += times if count >= 3 else 0
            mono += times if count == 1 else 0
            long += times if is_long else 0
    return {"sentences": n_sent, "words": n_words, "syllables": n_syll, "poly": poly, "long": long, "mono": mono}


def score(formula: str, m: dict[str, float]) -> float:
    if not m["words"] or not m["sentences"]:
        return 0.0
    asl = m["words"] / m["sentences"]
    if formula == "flesch_amstad":
        return 180 - asl - 58.5 * (m["syllables"] / m["words"])
    ms, iw, es = (100 * m[k] / m["words"] for k in ("poly", "long", "mono"))
    return 0.1935 * ms + 0.1672 * asl + 0.1297 * iw - 0.0327 * es - 0.875


class Readability(Rule):
    KIND = "readability"
    KEYS = {"formula", "min", "max", "min_words"}
    PLACEHOLDERS = {"match", "score", "limit", "formula", "words", "sentences"}
    DEFAULT_SCOPES = ("paragraph", "list_item", "blockquote")

    def configure(self, spec: RuleSpec) -> None:
        self.formula = spec.choice("formula", FORMULAS, "flesch_amstad")
        self.min = spec.get("min", (int, float))
        self.max = spec.get("max", (int, float))
        if self.min is None and self.max is None:
            raise spec.error("braucht „min“ oder „max“")
        self.min_words = spec.get("min_words", int, 100)

    def check(self, ctx: Context) -> None:
        segs = ctx.in_scope(self)
        if not segs:
            return
        m = measure((seg.text, seg.start, len(seg.sentences())) for seg in segs)
        if m["words"] < self.min_words:
            return
        value = round(score(self.formula, m), 1)
        limit = self.min if self.min is not None and value < self.min else None
        if limit is None and self.max is not None and value > self.max:
            limit = self.max
        if limit is None:
            return
        seg = segs[0]
        first = words(seg.text, seg.start)
        start, end = first[0] if first else (seg.start, seg.start)
        ctx.report(self, seg, start, end, protect=False, score=f"{value:.1f}".replace(".", ","), limit=limit,
                   formula=FORMULA_NAMES[self.formula],
                   words=m["words"], sentences=m["sentences"])
