"""German-aware text helpers: word boundaries, words, sentences, quotations, syllables.

Letters are Unicode letters (umlauts and ß included); a hyphen joins the parts of a compound
("E-Mail", "US-Präsident"). The stand-in for markup (U+FFFC) is neither letter nor space.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# A letter or digit: \w without the underscore.
ALNUM = r"[^\W_]"
# Word boundaries: no letter/digit directly before or after.
BEFORE = rf"(?<!{ALNUM})"
AFTER = rf"(?!{ALNUM})"


def LETTER_OR_DIGIT(char: str) -> bool:
    return char.isalnum()


# A word: letters and digits, hyphen or apostrophe inside ("E-Mail", "geht's") - one word; so are
# a number with separators ("5.000", "5,7"), a domain ("beispiel.de") and a gender form
# ("Nutzer*innen", "Nutzer:innen").
WORD = re.compile(rf"{ALNUM}+(?:(?:[-’']|(?<=\d)[.,](?=\d)|\.(?=[a-z]{{2,4}}(?![^\W_]|\.[a-z]))"
                  rf"|[*:_](?=in(?:nen)?(?![^\W_]))){ALNUM}+)*")
LETTER = re.compile(r"[^\W\d_]")

# Abbreviations after which a period does not end a sentence (lower-cased, without the period).
ABBREVIATIONS = frozenset("""
abb abk abs abt allg anm art aufl bd bspw bzgl bzw ca chr co dgl dipl dr ebd engl etc evtl exkl
fa ff frz gebr gegr ggf ggü hl hrsg inkl insb jh jr kap kfz kl lt max mio mind min mr mrd mrs nr
o.ä orig pkt prof rd reg resp sen sog st std str tel tsd univ urspr usw vgl vs zb zt zzgl bsp jhd
bzw evtl inc ltd corp dt frl hr ing mag mwst nchr nördl südl östl westl vorm nachm abs
""".split())
# Abbreviations that are also words ("die er nicht mag.", "eine neue Art."): an abbreviation only
# as a title in capitals before a name ("Mag. Huber") or before a number ("Art. 5", "max. 20").
TITLE_ONLY = frozenset({"mag", "abt"})
NUMBER_ONLY = frozenset({"art", "max", "min", "abs", "bd", "st", "sen", "kap", "mind"})
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember", "Jänner")
_MONTH_SET = frozenset(MONTHS)
# Words after which "3." is an ordinal: "der 3. Platz", "am 3. Tag".
ORDINAL_CUES = frozenset("der die das den dem des am im zum zur vom beim bis ab seit ihr ihre sein seine".split())
# A run of terminal marks, matched only from its first mark (linear on "!!!!…" without a space).
_TERMINAL = re.compile(r"(?:(?<![.!?])[.!?]+|…)[\"“”»«’'‘)\]]*(?=\s|$)")
_NEXT_WORD = re.compile(r"\s*(\S+)")


def _word_before(text: str, pos: int) -> str:
    end = pos
    while end > 0 and text[end - 1] == " ":
        end -= 1
    begin = end
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:end]


_ARTICLES = frozenset("der die das den dem des ein eine einen einem eines".split())


def _abbreviation_here(text: str, token: str, lower: str, next_word: str, begin: int) -> bool:
    """An abbreviation, not the same word at the end of a sentence ("Mag. Huber" vs "er mag.",
    "den Abt.")."""
    if lower in NUMBER_ONLY:
        return next_word[:1].isdigit()
    if lower in TITLE_ONLY:
        return (token[:1].isupper() and next_word[:1].isupper()
                and _word_before(text, begin).lower() not in _ARTICLES)
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence in `text`, not breaking at "z. B.", "31. Juli", "Nr. 5"."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _TERMINAL.finditer(text):
        end = match.end()
        stop = match.start()
        if text[stop] == "." and text[stop + 1 : stop + 2] != ".":
            nxt = _NEXT_WORD.match(text, end)
            next_word = nxt.group(1) if nxt else ""
            if next_word[:1].islower():
                continue  # a German sentence does not start in lower case ("ca. zehn", "usw. und")
            begin = stop
            while begin > start and text[begin - 1].isalnum():
                begin -= 1
            token = text[begin:stop]
            if token:
                if len(token) == 1 and token.isalpha():
                    continue  # "z. B.", "d. h.", initials "J. Smith"
                lower = token.lower()
                if lower in ABBREVIATIONS and _abbreviation_here(text, token, lower, next_word, begin):
                    continue  # "Nr. 5", "Dr. Müller", "bzw. Graz"
                if token.isdigit() and len(token) <= 2 and (
                        next_word[:1].isdigit() or next_word.rstrip(".,;:") in _MONTH_SET
                        or _word_before(text, begin).lower() in ORDINAL_CUES):
                    continue  # "31. Juli", "am 3. 4. und 5. Mai", "der 3. Platz"
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of words (containing at least one letter or digit) in text[start:end]."""
    end = len(text) if end is None else end
    return [m.span() for m in WORD.finditer(text, start, end)]


_QUOTE_PAIRS = {"„": "“", "»": "«", "«": "»", "\"": "\"", "“": "”", "‚": "‘", "›": "‹", "‹": "›"}
_OPENERS = re.compile(r"[„»«“\"‚›‹]")  # «…» and ‹…›: Swiss (de-CH) quotation marks
_PROTECT_UNCLOSED = ("„", "»", "«")  # German and Swiss openers: an unclosed one protects the rest


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Interiors [start, end) of quotations: „…“, »…«, «…», “…”, "…" and nested ‚…‘, ›…‹, ‹…›.

    An unclosed „ or » runs to the end of the text (safe side: its words are not touched); a lone
    straight or English quote mark (an inch sign, a typo) opens nothing.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        match = _OPENERS.search(text, pos)
        if not match:
            break
        opener = match.group()
        begin = match.end()
        if opener == "\"" and ((begin < len(text) and text[begin].isspace())
                               or (begin > 1 and text[begin - 2].isdigit())):
            pos = begin  # followed by a space: closes nothing we opened; after a digit: inches
            continue
        close = text.find(_QUOTE_PAIRS[opener], begin)
        if close == -1:
            if opener in _PROTECT_UNCLOSED:
                spans.append((begin, len(text)))
                break
            pos = begin
            continue
        spans.append((begin, close))
        pos = close + 1
    return spans


class SpanIndex:
    """Fast "does [s, e) overlap any of these sorted, disjoint spans?" queries."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def overlaps(self, start: int, end: int) -> bool:
        if not self.spans:
            return False
        index = bisect_right(self.starts, max(start, end - 1)) - 1
        while index >= 0:
            s, e = self.spans[index]
            if e > start and s < max(end, start + 1):
                return True
            if e <= start:
                return False
            index -= 1
        return False

    def contains(self, start: int, end: int) -> bool:
        index = bisect_right(self.starts, start) - 1
        return index >= 0 and self.spans[index][1] >= end


# -- syllables ---------------------------------------------------------------------------------
_VOWEL_RUN = re.compile(r"[aeiouyäöü]+")
# Vowel pairs that belong to two syllables (hiatus): "The-a-ter", "Na-ti-on", "Mu-se-um".
_HIATUS = re.compile(r"e[ao]|i[aou]|u[ao]|o[ae](?!e)|eu(?=m\b)|ee(?=i)|ie(?=[aoeu])")


def syllables(word: str) -> int:
    """Approximate German syllable count: vowel groups, plus known hiatus pairs; at least 1."""
    lower = word.lower()
    count = 0
    for match in _VOWEL_RUN.finditer(lower):
        run = match.group()
        if run[0] == "u" and match.start() > 0 and lower[match.start() - 1] == "q":
            run = run[1:]  # "qu" is a consonant: "Qua-li-tät"
            if not run:
                continue
        count += 1
        if len(run) > 1:
            count += len(_HIATUS.findall(run + lower[match.end() : match.end() + 1]))
    return max(1, count)
