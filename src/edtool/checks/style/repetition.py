"""repetition: the same word twice in a row ("die die"), case-insensitive, across whitespace only.

"Frauen, die die Regeln machen" is German: a word from `allow_after_comma` right after a comma is
a relative pronoun and may be followed by the same article.
"""

from __future__ import annotations

import re

from edtool.checks.style.base import Context, Rule, RuleSpec
from edtool.checks.style.text import ALNUM

_PAIR = re.compile(r"\b(\w+)(\s+)(\1)\b", re.IGNORECASE)
_GLUED_BEFORE = re.compile(rf"{ALNUM}-$")
_GLUED_AFTER = re.compile(rf"-{ALNUM}")
_COMMA_BEFORE = re.compile(r",\s*$")


class Repetition(Rule):
    KIND = "repetition"
    KEYS = {"exceptions", "allow_after_comma", "numbers", "fix"}
    PLACEHOLDERS = {"match", "word"}

    def configure(self, spec: RuleSpec) -> None:
        self.exceptions = {w.casefold() for w in spec.strings("exceptions")}
        self.after_comma = {w.casefold() for w in spec.strings("allow_after_comma")}
        self.numbers = spec.get("numbers", bool, False)
        self.fixable = spec.get("fix", bool, False)

    def check(self, ctx: Context) -> None:
        for seg in ctx.in_scope(self):
            text = seg.text
            for match in _PAIR.finditer(text, seg.start):
                word = match.group(1)
                folded = word.casefold()
                if folded in self.exceptions or (word.isdigit() and not self.numbers) or "_" in word:
                    continue
                if _GLUED_BEFORE.search(text, max(0, match.start() - 2), match.start()) or \
                        _GLUED_AFTER.match(text, match.end()):
                    continue  # part of a compound: "Ost-Ost Verbindung" is no repetition
                if folded in self.after_comma and _COMMA_BEFORE.search(text, max(0, match.start() - 3), match.start()):
                    continue
                # the finding covers both words; the suggestion (and, with fix: true, the fix) is one
                ctx.report(self, seg, match.start(), match.end(), word, word=word)
