"""Is an unknown word a typo or a name? Evidence from the article and the desk.

LanguageTool's German speller flags every word its dictionary lacks. In news copy most of those
are names, brands, abbreviations and foreign terms. This module decides, per speller finding,
from evidence (docs/precision.md gives each heuristic and its measured effect):

- a catch, always kept: a variant of a word the article itself uses more often ("Mass" beside
  "Maas", "KfZ" beside "Kfz"), or a known name without its accent ("Rene" → "René");
- a name (the finding is dropped) on strong evidence: all capitals (an abbreviation), an inner
  capital or a digit (a brand: iCloud, LoogBerry, 3er), used twice or more in the article, in the
  draft's tags, right after a role or title ("Herr", "Sprecherin", "Konzernchef"), a name particle
  between names ("di" in "Giovanni di Lorenzo"), a word of a foreign language (another speller
  knows it), or accepted by the desk (vocabulary);
- a typo (kept) when one of LanguageTool's first two suggestions is one edit away (a letter added,
  dropped, changed, or two neighbours swapped; for a capitalised word under 8 letters only a swap),
  or any suggestion is the word with two neighbours swapped (not for such a short capitalised word
  outside a noun's place: a name): that is how slips look;
- otherwise a name or term when the word is capitalised (a far suggestion, or none, is what the
  speller offers for a name it does not know), or when a lowercase word is long (a compound or
  derivation the dictionary lacks); a short lowercase word without a near suggestion stays, as info.

Pure functions on strings: grammar.py gathers the article's words and the matches, and asks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

WORD = re.compile(r"[^\W_](?:[\w.]*[^\W_])?(?:-[^\W_]+)*", re.UNICODE)
_TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
SPELLER_RULES = ("GERMAN_SPELLER_RULE", "AUSTRIAN_GERMAN_SPELLER_RULE", "SWISS_GERMAN_SPELLER_RULE")

# Words after which a capitalised unknown word is a name: honorifics and roles.
# Before these a capitalised word is a noun, not a name: "die Polizi", "ein Projet".
DETERMINERS = frozenset("""der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner
keines dieser diese dieses diesen diesem jeder jede jedes jeden jedem mein meine sein seine ihr ihre unser unsere
im am zum zur vom beim ins""".split())
HONORIFICS = frozenset("""Herr Herrn Frau Dr Prof Mr Mrs Ms Sir Lady Dame Fürst Graf Gräfin Kardinal Bischof
Pfarrer Pastor Rabbi Imam Kapitän Leutnant General Oberst Major Kommissar Richter Richterin Anwalt Anwältin
CEO CFO CTO COO Chef Chefin Boss""".split())
ROLE_ENDINGS = ("chef", "chefin", "leiter", "leiterin", "direktor", "direktorin", "sprecher", "sprecherin",
                "präsident", "präsidentin", "minister", "ministerin", "vorsitzende", "vorsitzender",
                "experte", "expertin", "gründer", "gründerin", "reporter", "reporterin", "autor", "autorin",
                "trainer", "trainerin", "kanzler", "kanzlerin", "meister", "meisterin", "professor",
                "professorin", "analyst", "analystin", "manager", "managerin", "führer", "führerin",
                "dokumentar", "redakteur", "redakteurin", "sekretär", "sekretärin", "berater", "beraterin",
                "kollege", "kollegin", "spieler", "spielerin", "forscher", "forscherin", "virologe",
                "virologin", "sänger", "sängerin", "moderator", "moderatorin", "abgeordnete", "abgeordneter")
# Lowercase particles inside personal names.
PARTICLES = frozenset("di de da del della van von der den le la du dos das al bin ibn ten ter zu y".split())
_GERMAN_MARKS = set("äöüÄÖÜß")


@dataclass
class Article:
    """The words of one draft (title, teaser and body) as evidence."""

    counts: Counter = field(default_factory=Counter)  # token -> occurrences (compound parts counted too)
    folded: dict[str, Counter] = field(default_factory=dict)  # lowercase -> {spelling: count}
    tags: frozenset[str] = frozenset()
    accepted: frozenset[str] = frozenset()  # desk vocabulary (single words)
    foreign: frozenset[str] = frozenset()  # words another language's speller knows

    @classmethod
    def of(cls, texts: list[str], tags=(), accepted=()) -> "Article":
        article = cls(tags=frozenset(_tokens_of(" ".join(str(t) for t in tags))),
                      accepted=frozenset(accepted))
        for text in texts:
            for token in _tokens_of(text):
                article.counts[token] += 1
                article.folded.setdefault(token.lower(), Counter())[token] += 1
        return article

    def count(self, word: str) -> int:
        """Occurrences of a word, its genitive (Relotius', Benkos) and plural -s included."""
        total = self.counts.get(word, 0) + self.counts.get(word + "s", 0)
        if word.endswith("s") and len(word) > 3:
            total += self.counts.get(word[:-1], 0)
        return total


def _tokens_of(text: str) -> list[str]:
    """Words and the parts of hyphen compounds ("Relotius-Texte" gives Relotius-Texte, Relotius, Texte)."""
    out = []
    for match in WORD.finditer(text):
        word = match.group().rstrip(".")
        out.append(word)
        if "-" in word:
            out.extend(p for p in word.split("-") if p)
    return out


def distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
        if min(prev) >= limit:
            return limit
    return min(prev[-1], limit)


def strip_marks(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def is_abbreviation(word: str) -> bool:
    """All capitals, at least two letters, an optional plural s: FACC, VSGE, ICEs."""
    core = word[:-1] if word.endswith("s") and len(word) > 2 else word
    letters = [c for c in core if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def is_brand_shape(word: str) -> bool:
    """An inner capital or a digit: iCloud, LoogBerry, nCoV, ID.2, 3er."""
    if any(c.isdigit() for c in word):
        return True
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_inflection(a: str, b: str) -> bool:
    """b is a or a with a German ending (Benko/Benkos, Jaeger/Jaegers)."""
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and long_[len(short):] in ("s", "es", "n", "en", "e", "er", "ern", "'")


@dataclass(frozen=True)
class Context:
    """Where the word stands: the token before and after, and whether a sentence starts here."""

    before: str = ""
    after: str = ""
    sentence_start: bool = False


def context_at(text: str, start: int, end: int) -> Context:
    left = text[:start]
    right = text[end:]
    before = re.search(r"([^\W_][\w.]*)\s*$", left)
    after = re.match(r"\s*([^\W_]\w*)", right)
    token_before = before.group(1) if before and left[before.end(1):].strip() == "" else ""
    return Context(token_before.rstrip("."), after.group(1) if after else "", _starts_sentence(left))


def _starts_sentence(left: str) -> bool:
    stripped = left.rstrip(" \u00a0\"'„“»«‚‘()")
    return not stripped or stripped[-1] in ".!?:\n" and not _abbreviation_dot(stripped)


def _abbreviation_dot(left: str) -> bool:
    return bool(re.search(r"(?:\b(?:Dr|Prof|Hr|Fr|St|Mr|Mrs|Ms)|\b[A-ZÄÖÜ])\.$", left))


@dataclass(frozen=True)
class Verdict:
    keep: bool
    reason: str  # typo, variant, accent, name:<evidence>, term, unknown
    suggestion: str | None = None  # a better first suggestion (the article's own spelling)
    info: bool = False


def changed_parts(word: str, replacements) -> list[str]:
    """The hyphen parts of a compound that LanguageTool's suggestions change (all parts if unclear)."""
    parts = word.split("-")
    if len(parts) == 1:
        return parts
    changed: set[int] = set()
    for rep in replacements:
        other = rep.split("-")
        if len(other) != len(parts):
            continue
        changed |= {i for i, (a, b) in enumerate(zip(parts, other)) if a != b}
    chosen = [parts[i] for i in sorted(changed)] if changed else [p for p in parts if p]
    return [p for p in chosen if p]


def _part_replacements(word: str, part: str, replacements) -> list[str]:
    parts = word.split("-")
    if len(parts) == 1:
        return list(replacements)
    out = []
    index = parts.index(part)
    for rep in replacements:
        other = rep.split("-")
        if len(other) == len(parts):
            out.append(other[index])
        elif " " in rep or len(other) != len(parts):
            out.append(rep)
    return out


def judge(word: str, replacements, context: Context, article: Article) -> Verdict:
    """Keep the speller's finding on `word` (a typo or a variant) or drop it (a name or term)."""
    parts = changed_parts(word, replacements)
    verdicts = [_judge_word(p, _part_replacements(word, p, replacements),
                            context if len(parts) == 1 and p == word else Context(), article) for p in parts]
    kept = [v for v in verdicts if v.keep]
    if not kept:
        return verdicts[0]
    catch = next((v for v in kept if v.reason in ("variant", "accent")), None)
    return catch or kept[0]


def _judge_word(word: str, replacements, context: Context, article: Article) -> Verdict:
    if not word:
        return Verdict(False, "name:empty")
    lower = word.lower()
    # 1. catches: the article's own spelling of this word, or a known name without its accent
    twins = article.folded.get(lower, Counter())
    for twin, _count in twins.most_common():
        if twin != word and twin[1:] != word[1:] and twin[1:].lower() == word[1:].lower():
            return Verdict(True, "variant", twin)
    mine = article.count(word)
    if mine <= 2 and is_capitalised(word) and len(word) >= 4 and not is_abbreviation(word) \
            and not is_brand_shape(word):
        for rep in replacements:
            if rep != word and is_capitalised(rep) and " " not in rep and article.counts.get(rep, 0) > mine \
                    and distance(rep, word) <= 1 and not _is_inflection(rep, word):
                return Verdict(True, "variant", rep)
        for other, n in article.counts.items():
            if n >= 2 and n > mine and other[:1] == word[:1] and other != word and abs(len(other) - len(word)) <= 1 \
                    and not _is_inflection(other, word) and "-" not in other and distance(other, word) <= 1:
                return Verdict(True, "variant", other)
    for rep in replacements:
        if rep != word and strip_marks(rep) == word and set(rep) - set(word) - _GERMAN_MARKS \
                and word not in article.accepted:
            return Verdict(True, "accent", rep)
    # 2. strong evidence of a name or term
    if word in article.accepted or lower in {a.lower() for a in article.accepted}:
        return Verdict(False, "name:vocabulary")
    if is_abbreviation(word):
        return Verdict(False, "name:abbreviation")
    if any(rep == word.upper() for rep in replacements) and len(word) >= 3:
        return Verdict(False, "name:acronym-as-word")  # Nato, Sars, Mers: the press writes them so
    if is_brand_shape(word):
        return Verdict(False, "name:brand")
    if word in article.tags:
        return Verdict(False, "name:tags")
    if is_capitalised(word) and mine >= 2:
        return Verdict(False, "name:repeated")
    if word in article.foreign:
        return Verdict(False, "name:foreign")
    if is_capitalised(word) and _after_role(context.before):
        return Verdict(False, "name:after-title")
    if lower in PARTICLES and is_capitalised(context.before) and is_capitalised(context.after):
        return Verdict(False, "name:particle")
    # 3. a near suggestion is what a slip looks like (for a short capitalised word, the class of
    #    names, only two swapped letters are: "Schaub"/"Schub", "Renfe"/"Rente" are no slips), unless
    #    the word stands where a noun stands or its capital comes from the sentence start
    strict = is_capitalised(word) and not _noun_position(context)
    if any(_near(word, rep, article, strict=strict) for rep in list(replacements)[:TOP_SUGGESTIONS] if rep):
        return Verdict(True, "typo")
    if not (strict and len(word) < SHORT) and any(_near(word, rep, article, swap_only=True)
                                                  for rep in replacements if rep):
        return Verdict(True, "typo")  # two swapped neighbours, at any rank: the classic slip
    # 4. no near suggestion
    if is_capitalised(word):
        return Verdict(False, "name:far")
    if len(word) >= 10:
        return Verdict(False, "term:long")
    return Verdict(True, "unknown", info=True)


TOP_SUGGESTIONS = 2  # a slip's correction is among the speller's first suggestions
SHORT = 8  # below this many letters a capitalised word's near suggestions are mostly coincidence


def _near(word: str, rep: str, article: Article, strict: bool = False, swap_only: bool = False) -> bool:
    """One edit away (strict, for a short word: two neighbours swapped), and not an edit inside a
    part that the article itself uses as a word ("sarsähnlich" → "sargähnlich" beside "Sars")."""
    a, b = word.lower(), rep.lower()
    if a == b:  # a case-only suggestion is a question of case (DE_CASE's domain)
        return False
    swapped = len(a) == len(b) and sorted(a) == sorted(b)
    if swap_only and not swapped:
        return False
    if a.replace("ß", "ss") == b.replace("ß", "ss"):
        return True  # ss for ß: the other variant's spelling (de-CH in a de-DE article)
    if distance(a, b) > 1:
        return False
    if _joint_s(a, b):
        return False
    if strict and len(word) < SHORT and not swapped:
        return False
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    for k in range(max(3, at + 1), len(word)):
        if word[:k].lower() in article.folded and word[:k].lower() != a:
            return False
    return True


def _joint_s(a: str, b: str) -> bool:
    """b is a with an interior s added or dropped: a compound joint ("Erbgut(s)sequenzen"), a
    matter of usage rather than a slip."""
    short, long_ = sorted((a, b), key=len)
    if len(long_) != len(short) + 1:
        return False
    i = next((i for i, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return long_[i] == "s" and 3 <= i <= len(short) - 3 and long_[:i] + long_[i + 1:] == short


def _noun_position(context: Context) -> bool:
    return context.sentence_start or context.before.lower() in DETERMINERS


def _after_role(before: str) -> bool:
    if not before:
        return False
    if before in HONORIFICS:
        return True
    return is_capitalised(before) and before.lower().endswith(ROLE_ENDINGS)


__all__ = ["Article", "Context", "Verdict", "context_at", "distance", "judge", "SPELLER_RULES"]
