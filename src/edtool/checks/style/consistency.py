"""consistency: one spelling per article. For each group of variants, the first one used wins and later
uses of another variant are flagged (fixable to it unless `fix: false`); with `prefer: listed` the first
variant of each group is the desk's spelling and every other one is flagged, wherever it stands."""

from __future__ import annotations

from edtool.checks.style.base import Context, Rule, RuleSpec, adapt_case, glued_before, word_alternation


class Consistency(Rule):
    KIND = "consistency"
    KEYS = {"either", "ignorecase", "compounds", "fix", "prefer"}
    PLACEHOLDERS = {"match", "replacement", "first"}

    def configure(self, spec: RuleSpec) -> None:
        groups = spec.get("either", list, required=True)
        self.ignorecase = spec.get("ignorecase", bool, False)
        self.fixable = spec.get("fix", bool, True)
        whole = spec.choice("compounds", ("part", "whole"), "part") == "whole"
        self.listed = spec.choice("prefer", ("first-used", "listed"), "first-used") == "listed"
        self.group_of: dict[str, int] = {}
        self.preferred: dict[int, str] = {}
        variants: list[str] = []
        for i, group in enumerate(groups):
            if not isinstance(group, list) or len(group) < 2 or not all(isinstance(v, str) and v for v in group):
                raise spec.error("jeder Eintrag in „either“ braucht mindestens zwei Schreibweisen", "either", i)
            for variant in group:
                key = self._key(variant)
                if key in self.group_of:
                    raise spec.error(f"„{variant}“ steht mehrfach in „either“", "either", i)
                self.group_of[key] = i
                self.preferred.setdefault(i, variant)
                variants.append(variant)
        if not variants:
            raise spec.error("„either“ ist leer", "either")
        self.whole = whole
        self.pattern = spec.regex(word_alternation(variants, whole, self.ignorecase), 0, "either")

    def _key(self, text: str) -> str:
        text = " ".join(text.split())
        return text.casefold() if self.ignorecase else text

    def check(self, ctx: Context) -> None:
        chosen: dict[int, str] = {}
        for seg in ctx.in_scope(self):
            for match in self.pattern.finditer(seg.text, seg.start):
                if match.start() < seg.start or (not self.quotes and seg.quotes.overlaps(*match.span())):
                    continue
                if self.whole and glued_before(seg.text, match.start()):
                    continue
                found = match.group()
                group = self.group_of[self._key(found)]
                first = self.preferred[group] if self.listed else chosen.setdefault(group, found)
                if self._key(first) != self._key(found):
                    ctx.report(self, seg, match.start(), match.end(), adapt_case(found, first), first=first)
