"""ninjs items from drafts, validated against IPTC's official schemas (shipped verbatim)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.draft import Draft
from edtool.ninjs import NinjsError, article_uri, byline, dumps, schema, timestamp, to_ninjs, validate

EXAMPLES = Path(__file__).parent / "schemas" / "ninjs"
WHEN = "2025-08-12T10:15:00+02:00"


def draft_of(front_matter: str = GOOD_FRONT_MATTER, body: str = "HOUSTON / LONDON (IT BOLTWISE) – Text.\n") -> Draft:
    return Draft.from_text(make_draft(front_matter, body))


def item_of(draft: Draft, **kwargs):
    kwargs.setdefault("uri", article_uri(draft.front_matter["slug"], "https://news.example.org/artikel/"))
    kwargs.setdefault("version", 1)
    kwargs.setdefault("version_created", WHEN)
    return to_ninjs(draft, **kwargs)


@pytest.mark.parametrize("name", ["example_3.1_simple_text_article.json", "example_3.1_complex_text_article.json"])
def test_iptc_examples_validate(name):
    assert validate(json.loads((EXAMPLES / name).read_text("utf-8")), "3.1") == []


def test_the_validator_rejects_what_the_schema_forbids():
    good = json.loads((EXAMPLES / "example_3.1_simple_text_article.json").read_text("utf-8"))
    assert validate(dict(good, uri="kein uri"), "3.1") and validate(dict(good, pubStatus="weg"), "3.1")
    assert validate(dict(good, versionCreated="gestern"), "3.1")
    assert validate(dict(good, ednote="2.2-Name in 3.1"), "3.1")
    assert validate({"type": "text"}, "3.1")  # uri is required


def test_shipped_schemas_are_iptcs():
    assert schema("3.1")["$id"] == "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
    assert schema("2.2")["$id"] == "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#"
    licence = (Path(__import__("edtool").__file__).parent / "schemas" / "ninjs" / "LICENSE.md").read_text("utf-8")
    assert "CC BY 4.0" in licence and "IPTC" in licence


def test_a_3_1_item_carries_the_article():
    extra = ('embargo: "2025-08-13T06:00:00+02:00"\n'
             'corrections: [{date: 2025-08-13, note: "In einer früheren Fassung stand ein falsches Datum."}]\n')
    draft = draft_of(GOOD_FRONT_MATTER.replace("author: Lena Hoffmann", "author: [Lena Hoffmann, Jonas Weber]")
                     + extra, "HOUSTON / LONDON (IT BOLTWISE) – Die Crew ist *gelandet*.\n")
    item = item_of(draft, version=3, first_created="2025-08-12T08:00:00+02:00")
    assert validate(item, "3.1") == []
    assert item["uri"] == "https://news.example.org/artikel/erstes-treffen-roskosmos-nasa"
    assert (item["version"], item["versionCreated"], item["firstCreated"]) == ("3", WHEN, "2025-08-12T08:00:00+02:00")
    assert item["headlines"] == [{"role": "main", "value": "Erstes persönliches Treffen zwischen Roskosmos und NASA"}]
    assert item["bodies"][0]["value"] == (
        "HOUSTON / LONDON (IT BOLTWISE) – Die Crew ist gelandet.\n\n"
        "Korrektur vom 13.08.2025: In einer früheren Fassung stand ein falsches Datum.")
    assert item["bodies"][0]["wordCount"] == 19
    assert item["bodies"][1]["contentType"] == "text/html"
    assert "<em>gelandet</em>" in item["bodies"][1]["value"] and 'class="corrections"' in item["bodies"][1]["value"]
    assert item["by"] == "Lena Hoffmann und Jonas Weber"
    assert item["located"] == "HOUSTON / LONDON"
    assert item["language"] == "de-DE"
    assert item["subjects"] == [{"name": "Raumfahrt", "rel": "category"}, {"name": "Roskosmos", "rel": "tag"},
                                {"name": "NASA", "rel": "tag"}]
    assert item["embargoedUntil"] == "2025-08-13T06:00:00+02:00"
    assert item["pubStatus"] == "usable"
    assert item["edNote"] == "Korrektur vom 13.08.2025: In einer früheren Fassung stand ein falsches Datum."


def test_a_2_2_item_uses_the_lowercase_names():
    draft = draft_of(GOOD_FRONT_MATTER + 'embargo: "2025-08-13T06:00:00Z"\n')
    item = item_of(draft, ninjs_version="2.2", ednote="Bitte erst nach der Pressekonferenz verwenden.")
    assert validate(item, "2.2") == []
    assert validate(item, "3.1")  # and it is no 3.1 item
    assert (item["versioncreated"], item["embargoed"], item["pubstatus"]) == (WHEN, "2025-08-13T06:00:00Z", "usable")
    assert item["bodies"][0]["contenttype"] == "text/plain" and "charcount" in item["bodies"][0]
    assert item["ednote"] == "Bitte erst nach der Pressekonferenz verwenden."
    assert item["standard"]["version"] == "2.2"


def test_a_withdrawn_item_keeps_its_uri_and_sends_no_text():
    draft = draft_of()
    first = item_of(draft)
    canceled = item_of(draft, version=2, version_created="2025-08-14T12:00:00+02:00", pubstatus="canceled",
                       ednote="Zurückgezogen: einstweilige Verfügung.")
    assert validate(canceled, "3.1") == []
    assert canceled["uri"] == first["uri"] and canceled["pubStatus"] == "canceled"
    assert "bodies" not in canceled and "descriptions" not in canceled
    assert canceled["edNote"] == "Zurückgezogen: einstweilige Verfügung."


@pytest.mark.parametrize("call, expected", [
    (lambda d: item_of(d, version_created="2025-08-12T10:15:00"), "ohne Zeitzone"),
    (lambda d: item_of(d, version_created="morgen"), "keine Zeitangabe"),
    (lambda d: item_of(d, pubstatus="deleted"), "gibt es in ninjs nicht"),
    (lambda d: item_of(d, ninjs_version="1.0"), "wird nicht unterstützt"),
    (lambda d: article_uri(""), "Slug"),
    (lambda d: item_of(draft_of(GOOD_FRONT_MATTER + "corrections: [x]\n")), "<draft>:12:1: Korrektur Nr. 1"),
])
def test_bad_input_is_a_german_message(call, expected):
    with pytest.raises(NinjsError, match=expected):
        call(draft_of())


def test_naive_datetime_is_refused_and_aware_one_written_with_offset():
    from datetime import datetime, timedelta, timezone

    with pytest.raises(NinjsError):
        timestamp(datetime(2025, 8, 12, 10, 0))
    assert timestamp(datetime(2025, 8, 12, 10, 0, tzinfo=timezone(timedelta(hours=2)))) == "2025-08-12T10:00:00+02:00"


def test_byline_and_uri_and_dump():
    assert (byline([]), byline(["A"]), byline(["A", "B", "C"])) == ("", "A", "A, B und C")
    assert article_uri("über uns") == "urn:edtool:article:%C3%BCber%20uns"
    item = item_of(draft_of())
    assert json.loads(dumps(item)) == item and dumps(item).endswith("}\n") and "ö" in dumps(item)


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), max_size=60)


@settings(max_examples=60, deadline=None)
@given(title=_TEXT, tags=st.lists(_TEXT, max_size=4), body=st.lists(_TEXT, max_size=4).map("\n".join),
       authors=st.lists(_TEXT, min_size=1, max_size=3),
       version=st.sampled_from(["3.1", "2.2"]), status=st.sampled_from(["usable", "withheld", "canceled"]))
def test_property_every_item_validates(title, tags, body, authors, version, status):
    front = {"title": title, "slug": "ein-slug", "author": authors, "date": "2025-08-12", "dateline": "BERLIN",
             "category": "KI", "tags": tags, "teaser": title, "status": "published", "language": "de-DE"}
    draft = Draft.from_text("---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + body)
    item = item_of(draft, ninjs_version=version, pubstatus=status)
    assert validate(item, version) == []
