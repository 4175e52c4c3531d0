"""existence: flag words (one alternation) and regular expressions, with exceptions."""

from __future__ import annotations

import re

from edtool.checks.style.base import Context, Rule, RuleSpec, glued_before, word_alternation


class Existence(Rule):
    KIND = "existence"
    KEYS = {"tokens", "patterns", "ignorecase", "exceptions", "compounds", "suggest"}
    PLACEHOLDERS = {"match", "suggestion"}

    def configure(self, spec: RuleSpec) -> None:
        tokens = spec.strings("tokens")
        patterns = spec.strings("patterns")
        if not tokens and not patterns:
            raise spec.error("braucht „tokens“ (Wortliste) oder „patterns“ (reguläre Ausdrücke)")
        self.ignorecase = spec.get("ignorecase", bool, False)
        flags = re.IGNORECASE if self.ignorecase else 0
        whole = spec.choice("compounds", ("part", "whole"), "part") == "whole"
        self.suggestion = spec.get("suggest", str, "")
        self.whole = whole
        # one pattern each: an alternation of regexes would lose the engine's fast first-character scan
        self.patterns = [re.compile(word_alternation(tokens, whole, self.ignorecase))] if tokens else []
        for i, pattern in enumerate(patterns):
            self.patterns.append(spec.regex(pattern, flags, "patterns", i))
        exceptions = spec.strings("exceptions")
        self.exceptions = {e.casefold() if self.ignorecase else e for e in exceptions}

    def check(self, ctx: Context) -> None:
        for seg in ctx.in_scope(self):
            for match in (m for p in self.patterns for m in p.finditer(seg.text, seg.start)):
                # a group named "match" narrows the finding to that part: '\b[a-z]+ (?P<match>\d)'
                start, end = match.span("match") if "match" in match.re.groupindex else match.span()
                if end == start or (self.whole and glued_before(seg.text, start)):
                    continue
                found = match.string[start:end]
                if (found.casefold() if self.ignorecase else found) in self.exceptions:
                    continue
                ctx.report(self, seg, start, end, suggestion=self.suggestion)
