"""Where LanguageTool's grammar rules misread news copy, and the weekday check edtool does itself.

Each filter is narrow and says why (docs/precision.md has the measured effect):
- DE_CASE on a capitalised word directly followed by another capitalised word: a multi-word proper
  name ("Große Scharmann", "Digitale Gesellschaft", "Internationales Gesundheitsrecht").
- DE_AGREEMENT suggesting to couple two capitalised words ("die Trade Buzzer" → "Trade-Buzzer")
  when the name goes on with a capitalised word or a legal form ("… UG", "… Klinik Schwabing").
- FRAGEZEICHEN_STATT_PUNKT on a verb-first sentence whose comma or dash is followed by a main clause
  ("Kann X nicht …, muss Y …", "Ist X …, so …"): a conditional clause, not a question. A question
  that goes on with a subordinate clause ("Kann das gut gehen, wenn …") is still reported.
- DE_SIMPLE_REPLACE_* (LanguageTool's list of names it would write otherwise, e.g. with a háček)
  on a word the desk accepts in its vocabulary: the desk's spelling wins ("Skoda").
- The weekday of a date without a year ("Freitag, 16. November") is checked against the year of
  the article's own `date` (the nearest such date), not the current year: rule grammar.WEEKDAY_DATE.
"""

from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
_MONTH_ALIASES = {"Jänner": 1, "Feber": 2}
LEGAL_FORMS = frozenset("GmbH gGmbH AG UG SE KG OHG KGaA eG e.V. eV Inc Inc. Ltd Ltd. LLC Corp Corp. NV N.V. "
                        "SA S.A. SAS SpA plc PLC Co. Holding Group".split())
_DATE = re.compile(
    r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r"),?\s+(?:(?:den|dem)\s+)?(?P<day>[0-3]?\d)\.\s*"
    r"(?:(?P<month>" + "|".join(MONTHS + tuple(_MONTH_ALIASES)) + r")|(?P<mnum>[01]?\d)\.)"
    r"(?P<year>\s*(?:19|20)\d\d\b)?")
_AFTER_BREAK = re.compile(r"(?:,|\s[–—-])\s*([^\W\d_]+)")
# words that open a subordinate or coordinated clause: after them the sentence can still be a question
CLAUSE_OPENERS = frozenset(
    "wenn weil dass ob obwohl obgleich da als nachdem bevor ehe damit sodass falls seit seitdem während bis "
    "indem sobald solange sofern soweit wie wo wohin woher was wer wen wem wessen warum weshalb wieso welche "
    "welcher welches welchen welchem der die das dem den deren dessen denen oder und aber sondern denn "
    "doch sowie beziehungsweise bzw zum zur um ohne statt anstatt etwa vor allem".split())
_NEXT_WORD = re.compile(r"[\s\u00a0]*([^\W_][\w.]*)")


def weekday_findings(text: str, article_date: dt.date | None) -> list[tuple[int, int, str, str]]:
    """(start, end, message, suggestion) for weekday + date without a year that do not match
    the date nearest to the article's own date."""
    if article_date is None:
        return []
    out = []
    for match in _DATE.finditer(text):
        if match.group("year"):
            continue  # a date with its year: LanguageTool's DE_DATE_WEEKDAY checks it
        month = (MONTHS.index(match.group("month")) + 1 if match.group("month") in MONTHS
                 else _MONTH_ALIASES.get(match.group("month") or "", 0) or int(match.group("mnum") or 0))
        day = int(match.group("day"))
        date = _nearest(day, month, article_date)
        if date is None:
            continue
        actual = WEEKDAYS[date.weekday()]
        if actual != match.group("weekday"):
            start, end = match.span("weekday")
            month_name = MONTHS[month - 1]
            message = (f"Der {day}. {month_name} {date.year} (Jahr des Artikeldatums) ist ein {actual}, "
                       f"kein {match.group('weekday')}.")
            out.append((start, end, message, actual))
    return out


def _nearest(day: int, month: int, around: dt.date) -> dt.date | None:
    candidates = []
    for year in (around.year - 1, around.year, around.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - around).days)) if candidates else None


def article_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _next_word(text: str, end: int) -> str:
    match = _NEXT_WORD.match(text, end)
    return match.group(1) if match else ""


def _sentence_of(text: str, end: int) -> str:
    start = max(text.rfind(". ", 0, end - 1), text.rfind("? ", 0, end - 1), text.rfind("! ", 0, end - 1))
    return text[start + 1 if start >= 0 else 0:end]


def misfires(rule_id: str, text: str, offset: int, length: int, replacements, accepted: frozenset[str]) -> bool:
    """True when the LanguageTool match is one of the known misreadings of news copy."""
    flagged = text[offset:offset + length]
    end = offset + length
    if rule_id == "DE_CASE":
        following = _next_word(text, end)
        return flagged[:1].isupper() and following[:1].isupper() and all(
            r[:1].islower() for r in replacements[:1])
    if rule_id == "DE_AGREEMENT":
        words = flagged.split()
        coupled = any(r.replace("-", " ").lower() == flagged.lower() or r.lower() == flagged.replace(" ", "").lower()
                      for r in replacements)
        if coupled and len(words) >= 3 and all(w[:1].isupper() for w in words[1:]) and "-" not in words[-1]:
            following = _next_word(text, end)
            return following[:1].isupper() or following in LEGAL_FORMS
        return False
    if rule_id == "FRAGEZEICHEN_STATT_PUNKT":
        sentence = _sentence_of(text, end)
        return any(word.lower() not in CLAUSE_OPENERS for word in _AFTER_BREAK.findall(sentence))
    if rule_id.startswith("DE_SIMPLE_REPLACE_"):
        return any(word in accepted for word in re.findall(r"[^\W\d_]+", flagged))
    return False


__all__ = ["weekday_findings", "article_date", "misfires"]
