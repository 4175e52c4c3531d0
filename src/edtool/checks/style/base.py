"""What every rule kind shares: reading a rule's keys from styleguide.yaml (with exact error
positions), the per-draft context (prose segments with quotations and accepted terms), and
turning a match into a Diagnostic with an optional fix.
"""

from __future__ import annotations

import difflib
import re
import string
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, ClassVar

from edtool.checks.style import text as T
from edtool.diagnostics import Category, Diagnostic, Fix, Severity
from edtool.draft import Draft
from edtool.prose import SCOPES, Segment
from edtool.styleguide import StyleGuide, StyleGuideError

LEVELS = ("error", "warning", "info")
COMMON_KEYS = {"id", "kind", "level", "message", "link", "scopes", "quotes", "exact", "examples",
               "description", "enabled"}
_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")
_TYPE_NAMES = {str: "ein Text", bool: "true oder false", int: "eine ganze Zahl", float: "eine Zahl",
               list: "eine Liste", dict: "eine Zuordnung (schlüssel: wert)"}


def type_name(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " oder ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


class RuleSpec:
    """One entry of `rules:` with typed access; every problem becomes a StyleGuideError there."""

    def __init__(self, guide: StyleGuide, index: int, data: dict[str, Any], path: tuple | None = None):
        self.guide, self.index, self.data = guide, index, data
        self.path = ("rules", index) if path is None else path

    def error(self, problem: str, *keys: str | int) -> StyleGuideError:
        rule_id = self.data.get("id")
        prefix = f"Regel „{rule_id}“: " if isinstance(rule_id, str) else f"Regel Nr. {self.index + 1}: "
        return self.guide.error(prefix + problem, *self.path, *keys)

    def get(self, key: str, kind: type | tuple, default: Any = None, required: bool = False) -> Any:
        if key not in self.data:
            if required:
                raise self.error(f"Schlüssel „{key}“ fehlt")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        ok = isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, float, (int, float)))
        if not ok:
            raise self.error(f"„{key}“ muss {type_name(kind)} sein", key)
        return value

    def strings(self, key: str, default: list | None = None, required: bool = False) -> list[str]:
        value = self.get(key, list, default if default is not None else [], required)
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item:
                raise self.error(f"„{key}“ darf nur nicht leere Texte enthalten", key, i)
        return list(value)

    def regex(self, pattern: str, flags: int, *keys: str | int) -> re.Pattern:
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            raise self.error(f"ungültiger regulärer Ausdruck „{pattern}“: {exc.msg} (Stelle {exc.pos})",
                             *keys) from None

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.get(key, str, default)
        if value not in allowed:
            raise self.error(f"„{key}“: „{value}“ ist nicht erlaubt (erlaubt: {', '.join(allowed)})", key)
        return value

    def check_unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f" Meinten Sie „{close[0]}“?" if close else ""
                raise self.error(f"unbekannter Schlüssel „{key}“.{hint}", key)


@dataclass
class Seg:
    """A prose segment prepared for matching."""

    segment: Segment
    start: int  # first index rules look at (after a dateline)
    quotes: T.SpanIndex
    accepted: T.SpanIndex
    _sentences: list[tuple[int, int]] | None = None
    _word_starts: list[int] | None = None

    @property
    def text(self) -> str:
        return self.segment.text

    @property
    def scope(self) -> str:
        return self.segment.scope

    def word_count(self, start: int, end: int) -> int:
        """Words (see text.WORD) starting in [start, end); one scan per segment, then bisection."""
        if self._word_starts is None:
            self._word_starts = [m.start() for m in T.WORD.finditer(self.text)]
        return bisect_left(self._word_starts, end) - bisect_left(self._word_starts, start)

    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            spans = T.sentence_spans(self.text[self.start :])
            self._sentences = [(s + self.start, e + self.start) for s, e in spans]
        return self._sentences


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Context:
    draft: Draft
    segs: list[Seg]
    found: list[Diagnostic] = field(default_factory=list)

    def in_scope(self, rule: "Rule") -> list[Seg]:
        return [s for s in self.segs if s.scope in rule.scopes]

    def report(self, rule: "Rule", seg: Seg, start: int, end: int, replacement: str | None = None,
               severity: Severity | None = None, protect: bool = True, message: str | None = None,
               **values: Any) -> bool:
        """Add a finding for seg.text[start:end]; False when the match is not to be reported.
        `message`: a template in place of the rule's (an occurrence limit's own)."""
        if start < seg.start:
            return False
        if protect:
            if not rule.quotes and seg.quotes.overlaps(start, end):
                return False
            if seg.accepted.spans and seg.accepted.contains(start, end):
                return False
            if rule.exact and not seg.segment.is_verbatim(start, end):
                return False
        segment = seg.segment
        src_start, src_end = segment.source_span(start, end)
        line, column = self.draft.position(src_start)
        end_line, end_column = self.draft.position(src_end)
        matched = seg.text[start:end]
        values.setdefault("match", matched)
        if replacement is not None:
            values.setdefault("replacement", replacement)
        message = (message or rule.message).format_map(_Values(values))
        if rule.link:
            message = f"{message} (Mehr: {rule.link})"
        fix = None
        if replacement is not None and rule.fixable and segment.is_verbatim(start, end):
            fix = Fix(src_start, src_end, replacement, matched)
        suggestions = (replacement,) if replacement is not None else ()
        self.found.append(Diagnostic(self.draft.path, line, column, end_line, end_column, rule.id,
                                     Category.STYLE, severity or rule.severity, message, suggestions, fix,
                                     source=matched))
        return True


class Rule:
    """Base of all rule kinds. Subclasses set KIND, KEYS, PLACEHOLDERS and implement check()."""

    KIND: ClassVar[str] = ""
    KEYS: ClassVar[set[str]] = set()
    PLACEHOLDERS: ClassVar[set[str]] = {"match"}
    DEFAULT_SCOPES: ClassVar[tuple[str, ...]] = SCOPES
    fixable: bool = False

    def __init__(self, spec: RuleSpec):
        self.spec = spec
        self.id = spec.get("id", str, required=True)
        if not _ID.match(self.id):
            raise spec.error("„id“ muss aus Kleinbuchstaben, Ziffern, „-“ und Punkten bestehen und einen "
                             "Namensraum haben, z. B. „style.typo.quotes“", "id")
        self.severity = Severity(spec.choice("level", LEVELS, "warning"))
        self.message = spec.get("message", str, required=True)
        self.link = spec.get("link", str, "")
        self.description = spec.get("description", str, "")
        self.enabled = spec.get("enabled", bool, True)
        self.quotes = spec.get("quotes", bool, False)
        self.exact = spec.get("exact", bool, False)
        scopes = spec.strings("scopes", list(self.DEFAULT_SCOPES))
        for i, scope in enumerate(scopes):
            if scope not in SCOPES:
                raise spec.error(f"unbekannter Bereich „{scope}“ (erlaubt: {', '.join(SCOPES)})", "scopes", i)
        self.scopes = frozenset(scopes)
        examples = spec.get("examples", dict, {})
        for key in examples:
            if key not in ("flag", "accept"):
                raise spec.error(f"„examples“ kennt nur „flag“ und „accept“, nicht „{key}“", "examples", key)
        self.examples_flag = _Sub(spec, examples, "examples").strings("flag")
        self.examples_accept = _Sub(spec, examples, "examples").strings("accept")
        self.configure(spec)
        self._check_placeholders()
        spec.check_unknown(COMMON_KEYS | self.KEYS)

    def _check_placeholders(self) -> None:
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(self.message) if name is not None}
        except ValueError as exc:
            raise self.spec.error(f"„message“ ist fehlerhaft: {exc}", "message") from None
        unknown = {f for f in fields if f and f not in self.PLACEHOLDERS}
        if unknown or "" in fields:
            allowed = ", ".join("{" + p + "}" for p in sorted(self.PLACEHOLDERS))
            bad = ", ".join("{" + f + "}" for f in sorted(unknown or {""}))
            raise self.spec.error(f"„message“ enthält den unbekannten Platzhalter {bad} (erlaubt: {allowed})",
                                  "message")

    def configure(self, spec: RuleSpec) -> None:
        """Read the kind's own keys."""

    def levels(self) -> str:
        """The level(s) as `edtool rules` shows them."""
        return self.severity.value

    def check(self, ctx: Context) -> None:
        raise NotImplementedError


class _Sub(RuleSpec):
    """Typed access to a nested mapping of a rule (`examples`, an entry of `limits`)."""

    def __init__(self, parent: RuleSpec, data: object, *keys: str | int):
        super().__init__(parent.guide, parent.index, data if isinstance(data, dict) else {})
        self.parent, self.keys = parent, keys

    def error(self, problem: str, *keys: str | int) -> StyleGuideError:
        return self.parent.error(problem, *self.keys, *keys)


# -- word lists -----------------------------------------------------------------------------------

def case_variants(word: str) -> set[str]:
    """How a word shows up in German text: as listed, lower case, capitalised (sentence start), capitals."""
    return {word, word.lower(), word[:1].upper() + word[1:], word.upper()}


def word_alternation(words: list[str], whole: bool = False, ignorecase: bool = False) -> str:
    """One pattern for a word list, longest first; spaces match any whitespace.

    Boundaries use \\b (Unicode: umlauts and ß are letters), which lets the regex engine skip
    ahead fast. With whole=True a hyphen does not separate either: nothing may follow as "-x"
    (and callers drop matches glued to a word before, see glued_before). With ignorecase=True the
    list holds each word's case variants instead of the slower IGNORECASE flag.
    """
    if ignorecase:
        words = [v for w in words for v in case_variants(w)]
    plain, other = [], []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        escaped = re.escape(word).replace(r"\ ", r"\s+")
        if T.LETTER_OR_DIGIT(word[0]) and T.LETTER_OR_DIGIT(word[-1]):
            plain.append(escaped)
        else:  # ".NET", "C++": lookarounds instead of \b at a non-letter edge
            before = r"\b" if T.LETTER_OR_DIGIT(word[0]) else T.BEFORE
            after = r"\b" if T.LETTER_OR_DIGIT(word[-1]) else T.AFTER
            other.append(before + escaped + after)
    alternatives = ([rf"\b(?:{'|'.join(plain)})\b"] if plain else []) + other
    body = "|".join(alternatives)
    if len(alternatives) > 1:
        body = f"(?:{body})"
    return rf"{body}(?!-{T.ALNUM})" if whole else body


def glued_before(text: str, start: int) -> bool:
    """True when text[start] continues a hyphenated compound ("Quasi" in "Neo-Quasi")."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()


def adapt_case(matched: str, replacement: str) -> str:
    """Carry a sentence-initial capital over to the replacement ("eigentlich" -> "Eigentlich")."""
    if matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement

