"""The house dateline: each defect at its line and column, with the corrected text where unambiguous."""

from __future__ import annotations

import pytest

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.checkrun import CheckRun
from edtool.checks.dateline import check_dateline, parse_dateline
from edtool.draft import Draft

BODY_LINE = 14  # first body line after the front matter of make_draft()


def findings(body: str, guide, front_matter: str = GOOD_FRONT_MATTER):
    return check_dateline(Draft.from_text(make_draft(front_matter, body), "d.md"), CheckRun(guide))


def with_dateline(value: str) -> str:
    return GOOD_FRONT_MATTER.replace("dateline: HOUSTON / LONDON", f"dateline: {value}")


@pytest.mark.parametrize(
    "places",
    ["HOUSTON / LONDON", "FRANKFURT AM MAIN", "ST. GALLEN", "MÜNCHEN", "BADEN-BADEN", "NEW YORK",
     "BRÜSSEL / BERLIN / PARIS"],
)
def test_valid_datelines_pass(guide, places):
    body = f"{places} (dpa) – Der Text beginnt hier.\n"
    assert findings(body, guide, with_dateline(places)) == []


@pytest.mark.parametrize("agency", ["IT BOLTWISE", "dpa", "Reuters", "AFP", "AP"])
def test_every_shipped_agency_passes(guide, agency):
    assert findings(f"HOUSTON / LONDON ({agency}) – Text.\n", guide) == []


def test_missing_dateline(guide):
    result = findings("Der Leiter der Behörde Roskosmos (Roskosmos) ist eingetroffen.\n", guide)
    assert [(d.rule, d.line, d.column) for d in result] == [("dateline.missing", BODY_LINE, 1)]
    assert result[0].suggestions == ("HOUSTON / LONDON (IT BOLTWISE) – ",)
    assert result[0].fix is None


def test_missing_body(guide):
    draft = Draft.from_text(f"---\n{GOOD_FRONT_MATTER}---\n", "d.md")
    result = check_dateline(draft, CheckRun(guide))
    assert [(d.rule, d.line) for d in result] == [("dateline.missing", 13)]


@pytest.mark.parametrize(
    "body, column, found",
    [
        ("HOUSTON / LONDON (IT BOLTWISE) - Der Text.\n", 31, " - "),
        ("HOUSTON / LONDON (IT BOLTWISE) — Der Text.\n", 31, " — "),
        ("HOUSTON / LONDON (IT BOLTWISE)–Der Text.\n", 31, "–"),
        ("HOUSTON / LONDON (IT BOLTWISE) –Der Text.\n", 31, " –"),
        ("HOUSTON / LONDON (IT BOLTWISE)-- Der Text.\n", 31, "-- "),
        ("HOUSTON / LONDON (IT BOLTWISE) Der Text.\n", 31, " "),
    ],
)
def test_wrong_dash(guide, body, column, found):
    result = findings(body, guide)
    assert [(d.rule, d.line, d.column, d.end_column) for d in result] == [
        ("dateline.dash", BODY_LINE, column, column + len(found))]
    assert result[0].suggestions == (" – ",)
    assert result[0].fix is not None


def test_places_not_in_capitals(guide):
    result = findings("Houston / London (IT BOLTWISE) – Der Text.\n", guide)
    assert [(d.rule, d.column, d.suggestions) for d in result] == [
        ("dateline.places-case", 1, ("HOUSTON",)), ("dateline.places-case", 11, ("LONDON",))]


def test_place_separator_without_spaces(guide):
    result = findings("HOUSTON/LONDON (IT BOLTWISE) – Der Text.\n", guide)
    assert [(d.rule, d.column, d.end_column, d.suggestions) for d in result] == [
        ("dateline.separator", 8, 9, (" / ",))]


def test_unknown_agency_lists_the_desk_agencies(guide):
    result = findings("HOUSTON / LONDON (Tagesblatt) – Der Text.\n", guide)
    assert [(d.rule, d.column) for d in result] == [("dateline.agency", 19)]
    assert "IT BOLTWISE, dpa, Reuters, AFP, AP" in result[0].message
    assert result[0].fix is None


def test_agency_in_wrong_case_is_fixable(guide):
    result = findings("HOUSTON / LONDON (DPA) – Der Text.\n", guide)
    assert [(d.rule, d.column, d.suggestions) for d in result] == [("dateline.agency", 19, ("dpa",))]
    assert result[0].fix is not None


def test_body_dateline_disagrees_with_front_matter(guide):
    result = findings("HOUSTON (IT BOLTWISE) – Der Text.\n", guide)
    assert [(d.rule, d.line, d.column, d.end_column) for d in result] == [("dateline.mismatch", BODY_LINE, 1, 8)]
    assert result[0].suggestions == ("HOUSTON / LONDON",)


def test_dateline_after_markup_and_crlf_keeps_position(guide):
    text = make_draft(body="<!-- Notiz -->\n\nHOUSTON / LONDON (IT BOLTWISE) - Der Text.\n").replace("\n", "\r\n")
    result = check_dateline(Draft.from_text(text, "d.md"), CheckRun(guide))
    assert [(d.rule, d.line, d.column) for d in result] == [("dateline.dash", BODY_LINE + 2, 31)]


def test_agencies_come_from_the_styleguide():
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.from_text("dateline:\n  agencies: [KNA]\n")
    result = findings("HOUSTON / LONDON (dpa) – Text.\n", guide)
    assert [d.rule for d in result] == ["dateline.agency"]


def test_parse_dateline_rejects_ordinary_sentences():
    assert parse_dateline("Der Leiter der Behörde sagte am Montag – so heißt es – nichts.") is None
    assert parse_dateline("Die NASA (National Aeronautics and Space Administration) plant") is None


def test_the_placeholder_of_edtool_new_is_an_error_at_its_place(guide):
    result = findings("ORT (IT BOLTWISE) – \n", guide, with_dateline("HOUSTON"))
    assert [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in result] == [
        ("dateline.placeholder", BODY_LINE, 1, BODY_LINE, 4), ("dateline.no-text", BODY_LINE, 20, BODY_LINE, 20)]
    assert "„ORT“ durch den Ort" in result[0].message and "HOUSTON / LONDON (IT BOLTWISE) – " in result[0].message
    assert result[0].fix is None  # only the writer knows the place
    result = findings("ORT (dpa) – Die Agentur meldet einen Rekord.\n", guide, with_dateline("HOUSTON"))
    assert [(d.rule, d.column) for d in result] == [("dateline.placeholder", 1)]
    assert "„HOUSTON / LONDON (dpa) – “" in result[0].message


def test_a_real_place_is_no_placeholder(guide):
    assert findings("ORTENBURG (dpa) – Ein Text.\n", guide, with_dateline("ORTENBURG")) == []
