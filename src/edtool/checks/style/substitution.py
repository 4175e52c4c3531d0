"""substitution: "use Y instead of X"; a word map (one alternation) or regular expressions with a
replacement template. Fixable unless `fix: false`.

Templates: $1 or ${1} is a group, $0 the whole match, $$ a dollar sign; ${month:2} writes group 2
(a month number or abbreviation) as the German month name, ${day:1} a day of the month (1-31,
leading zero dropped), ${int:1} drops leading zeros,
${number:1} groups digits by the house rule (four digits joined, from 10 000 with spaces).
"""

from __future__ import annotations

import re
from typing import Callable

from edtool.checks.style.base import Context, Rule, RuleSpec, adapt_case, glued_before, word_alternation
from edtool.checks.style.text import MONTHS

_MONTH_ABBR = {m[:3].lower(): m for m in MONTHS[:12]}
_MONTH_ABBR.update({"mrz": "März", "sept": "September", "jän": "Jänner"})


def _month(value: str) -> str | None:
    value = value.strip().rstrip(".")
    if value.isdigit():
        number = int(value)
        return MONTHS[number - 1] if 1 <= number <= 12 else None
    return _MONTH_ABBR.get(value.lower())


def _int(value: str) -> str | None:
    return str(int(value)) if value.isdigit() else None


def _number(value: str) -> str | None:
    digits = "".join(c for c in value if c.isdigit())
    if not digits:
        return None
    if len(digits) <= 4:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return " ".join(groups)


def _day(value: str) -> str | None:
    return str(int(value)) if value.isdigit() and 1 <= int(value) <= 31 else None


FUNCTIONS: dict[str, Callable[[str], str | None]] = {"month": _month, "day": _day, "int": _int, "number": _number}
_TEMPLATE = re.compile(r"\$\$|\$\{(?:(\w+):)?(\d+)\}|\$(\d)")


class Template:
    def __init__(self, text: str, groups: int, spec: RuleSpec, *keys):
        self.parts: list[str | tuple[str | None, int]] = []
        pos = 0
        for m in _TEMPLATE.finditer(text):
            self.parts.append(text[pos : m.start()])
            pos = m.end()
            if m.group() == "$$":
                self.parts.append("$")
                continue
            function, number = m.group(1), int(m.group(2) or m.group(3))
            if function and function not in FUNCTIONS:
                raise spec.error(f"unbekannte Funktion „{function}“ in „{text}“ (bekannt: "
                                 f"{', '.join(FUNCTIONS)})", *keys)
            if number > groups:
                raise spec.error(f"„{text}“ verweist auf Gruppe {number}, der Ausdruck hat nur {groups}", *keys)
            self.parts.append((function, number))
        self.parts.append(text[pos:])

    def expand(self, match: re.Match) -> str | None:
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            function, number = part
            value = match.group(number) or ""
            if function:
                value = FUNCTIONS[function](value)
                if value is None:
                    return None  # e.g. month 13: not a date, no finding
            out.append(value)
        return "".join(out)


class Substitution(Rule):
    KIND = "substitution"
    KEYS = {"swap", "regex", "ignorecase", "exceptions", "compounds", "fix"}
    PLACEHOLDERS = {"match", "replacement"}

    def configure(self, spec: RuleSpec) -> None:
        swap = spec.get("swap", dict, required=True)
        if not swap:
            raise spec.error("„swap“ ist leer", "swap")
        self.ignorecase = spec.get("ignorecase", bool, False)
        self.fixable = spec.get("fix", bool, True)
        flags = re.IGNORECASE if self.ignorecase else 0
        self.exceptions = set(spec.strings("exceptions"))
        for key, value in swap.items():
            if not isinstance(key, str) or not key or not isinstance(value, str):
                raise spec.error(f"„swap“: „{key}“ braucht einen Text als Ersatz", "swap", key)
        self.is_regex = spec.get("regex", bool, False)
        whole = spec.choice("compounds", ("part", "whole"), "part") == "whole"
        if self.is_regex:
            self.patterns = []
            for key, value in swap.items():
                pattern = spec.regex(key, flags, "swap", key)
                self.patterns.append((pattern, Template(value, pattern.groups, spec, "swap", key)))
        else:
            self.lookup = {(k.casefold() if self.ignorecase else k): v for k, v in swap.items()}
            self.whole = whole
            self.pattern = spec.regex(word_alternation(list(swap), whole, self.ignorecase), 0, "swap")

    def _candidates(self, text: str, start: int):
        if self.is_regex:
            for pattern, template in self.patterns:
                for match in pattern.finditer(text, start):
                    yield match, template.expand(match)
        else:
            for match in self.pattern.finditer(text, start):
                if self.whole and glued_before(text, match.start()):
                    continue
                found = match.group()
                key = " ".join(found.split())
                replacement = self.lookup.get(key.casefold() if self.ignorecase else key)
                yield match, None if replacement is None else adapt_case(found, replacement)

    def check(self, ctx: Context) -> None:
        for seg in ctx.in_scope(self):
            for match, replacement in self._candidates(seg.text, seg.start):
                found = match.group()
                if replacement is None or replacement == found or found in self.exceptions:
                    continue
                ctx.report(self, seg, match.start(), match.end(), replacement)
