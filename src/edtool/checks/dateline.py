"""The house dateline ("Ortsmarke") at the start of the first body paragraph:

    HOUSTON / LONDON (IT BOLTWISE) – Der Leiter ...

places in capitals joined by " / ", the agency in parentheses, a spaced en dash, then the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edtool.desk import default_agency as desk_agency
from edtool.diagnostics import Category, Diagnostic, Fix, Severity
from edtool.draft import Draft
from edtool.messages import msg
from edtool.prose import ProseView, Segment, prose_of

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

DEFAULT_AGENCIES = ("IT BOLTWISE", "dpa", "Reuters", "AFP", "AP")
PLACEHOLDER = "ORT"  # what `edtool new` writes when it has no dateline; an error until replaced
DASH = " – "
SMALL_WORDS = {"am", "an", "der", "im", "ob", "bei", "upon", "on", "de", "del", "la"}
MAX_PLACES_LENGTH = 80
MAX_AGENCY_LENGTH = 30
_DASH_AT = re.compile(r"[ \t]*[-–—]{1,2}[ \t]*|[ \t]*")
_PLACES_THEN_DASH = re.compile(r"(?P<places>[^\n()]{1,80}?)(?P<dash>[ \t]*[–—][ \t]*|[ \t]+-{1,2}[ \t]+)")


def _plausible_places(text: str) -> bool:
    if not text.strip() or len(text) > MAX_PLACES_LENGTH or any(c in text for c in ",:;!?\"„“"):
        return False
    for place in text.split("/"):
        words = place.split()
        if not words:
            return False
        for word in words:
            if not (word[0].isupper() or word in SMALL_WORDS):
                return False
    return True


@dataclass(frozen=True)
class Dateline:
    """A parsed dateline; spans are indexes into the paragraph's prose text."""

    places: list[tuple[str, int, int]]
    places_span: tuple[int, int]
    agency: str | None
    agency_span: tuple[int, int] | None
    dash: str
    dash_span: tuple[int, int]

    @property
    def end(self) -> int:
        return self.dash_span[1]


def _has_lowercase(text: str) -> bool:
    return any(c.islower() and c != "ß" for c in text)


def parse_dateline(text: str) -> Dateline | None:
    """Parse a dateline at the start of `text`; None when the paragraph does not open with one."""
    paren = text.find("(", 0, MAX_PLACES_LENGTH + 2)
    close = text.find(")", paren) if paren != -1 else -1
    if paren > 0 and close != -1 and "\n" not in text[paren:close] and _plausible_places(text[:paren]):
        places_text = text[:paren].rstrip()
        agency, agency_span = text[paren + 1 : close], (paren + 1, close)
        dash_match = _DASH_AT.match(text, close + 1)
        if len(agency) > MAX_AGENCY_LENGTH:
            return None
        if not dash_match.group().strip() and _has_lowercase(places_text):
            return None  # "Der Chef der Behörde Roscosmos (Roskosmos) sagt": a sentence, not a dateline
    else:
        dash_match = _PLACES_THEN_DASH.match(text)
        if not dash_match or not _plausible_places(dash_match.group("places")):
            return None
        places_text = dash_match.group("places").rstrip()
        agency, agency_span = None, None
        dash_match = _DASH_AT.match(text, len(places_text))
    places = []
    for part in re.finditer(r"[^/]+", places_text):
        stripped = part.group().strip()
        if stripped:
            start = part.start() + part.group().index(stripped)
            places.append((stripped, start, start + len(stripped)))
    return Dateline(places, (0, len(places_text)), agency, agency_span, dash_match.group(), dash_match.span())


def text_starts(view: ProseView) -> dict[int, int]:
    """Where the reader's text begins in each segment: after the dateline in the first paragraph.

    Style rules and LanguageTool read from there, so the dateline's capitals are never prose."""
    first = view.first_paragraph
    parsed = parse_dateline(first.text) if first is not None else None
    return {id(first): parsed.end} if parsed is not None else {}


def _upper(place: str) -> str:
    return "".join(c if c == "ß" else c.upper() for c in place)


def normalise_places(value: str) -> str:
    return " / ".join(_upper(p.strip()) for p in value.split("/") if p.strip())


class _Reporter:
    def __init__(self, draft: Draft, segment: Segment):
        self.draft, self.segment, self.found = draft, segment, []

    def add(self, rule: str, span: tuple[int, int], message: str, suggestions=(), fixable=False,
            severity=Severity.ERROR) -> None:
        start, end = self.segment.source_span(*span)
        fix = None
        if fixable and suggestions and self.segment.is_verbatim(*span):
            fix = Fix(start, end, suggestions[0], self.segment.text[span[0]:span[1]])
        self.found.append(Diagnostic.span(self.draft, start, end, rule, Category.DATELINE, severity, message,
                                          suggestions, fix))


def no_text_after(text: str, parsed: Dateline) -> bool:
    return not text[parsed.end :].strip()


def check_dateline(draft: Draft, run: CheckRun) -> list[Diagnostic]:
    guide = run.guide
    config = guide.section("dateline")
    agencies = [str(a) for a in config.get("agencies", DEFAULT_AGENCIES)]
    default_agency = desk_agency(guide)
    front = draft.front_matter.get("dateline")
    front_places = normalise_places(front) if isinstance(front, str) and front.strip() else None
    example = f"{front_places or 'HOUSTON / LONDON'} ({default_agency}){DASH}"

    segment = prose_of(draft).first_paragraph
    if segment is None:
        return [Diagnostic.span(draft, draft.body_start, draft.body_start, "dateline.missing", Category.DATELINE,
                                Severity.ERROR, msg("dateline.missing", example=example), (example,))]
    report = _Reporter(draft, segment)
    parsed = parse_dateline(segment.text)
    if parsed is None:
        report.add("dateline.missing", (0, 0), msg("dateline.missing", example=example), (example,))
        return report.found

    # the placeholder `edtool new` left: to be replaced by the place of the report
    if [place for place, _, _ in parsed.places] == [PLACEHOLDER]:
        report.add("dateline.placeholder", parsed.places_span, msg("dateline.placeholder", placeholder=PLACEHOLDER,
                   example=f"HOUSTON / LONDON ({parsed.agency or default_agency}){DASH}"))
        if no_text_after(segment.text, parsed):
            report.add("dateline.no-text", (parsed.end, parsed.end), msg("dateline.no-text"))
        return report.found

    # places: capitals, " / " between them
    for place, start, end in parsed.places:
        expected = _upper(place)
        if place != expected:
            report.add("dateline.places-case", (start, end),
                       msg("dateline.places-case", expected=expected, found=place), (expected,), fixable=True)
    if len(parsed.places) > 1:
        for (_, _, prev_end), (_, next_start, _) in zip(parsed.places, parsed.places[1:]):
            separator = segment.text[prev_end:next_start]
            if separator != " / ":
                report.add("dateline.separator", (prev_end, next_start),
                           msg("dateline.separator", expected=" / ", found=separator), (" / ",), fixable=True)

    # agency
    if parsed.agency is None:
        places_end = parsed.places_span[1]
        report.add("dateline.agency-missing", (places_end, places_end),
                   msg("dateline.agency-missing", example=example), (f" ({default_agency})",), fixable=False)
    else:
        agency = parsed.agency.strip()
        if agency not in agencies:
            canonical = [a for a in agencies if a.casefold() == agency.casefold()]
            report.add("dateline.agency", parsed.agency_span,
                       msg("dateline.agency", found=parsed.agency, allowed=", ".join(agencies)),
                       canonical or agencies, fixable=bool(canonical))

    # dash
    no_text = no_text_after(segment.text, parsed)
    if parsed.dash != DASH and not (no_text and parsed.dash.strip() == "–"):  # fresh draft: "… – " then nothing
        report.add("dateline.dash", parsed.dash_span, msg("dateline.dash", found=parsed.dash), (DASH,), fixable=True)
    if no_text:
        report.add("dateline.no-text", (parsed.end, parsed.end), msg("dateline.no-text"),
                   severity=Severity.ERROR)

    # agreement with the front matter
    body_places = " / ".join(_upper(p) for p, _, _ in parsed.places)
    if front_places is not None and body_places != front_places:
        report.add("dateline.mismatch", parsed.places_span,
                   msg("dateline.mismatch", body=body_places, front=front_places), (front_places,))
    return report.found
