"""The article as readers see it: HTML and text from the draft's Markdown, comments dropped, raw HTML escaped."""

from __future__ import annotations

import html.parser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.draft import Draft
from edtool.render import RenderError, body_html, body_text, corrections_of, page, render, word_count


def draft_of(body: str, extra: str = "") -> Draft:
    return Draft.from_text(make_draft(GOOD_FRONT_MATTER + extra, body))


def test_comments_and_switches_never_reach_the_reader():
    body = ("HOUSTON (IT BOLTWISE) – Die Crew <!-- edtool-disable-line style.x --> ist gelandet.\n\n"
            "<!-- edtool-disable style.y -->\n\nZweiter Absatz.\n<!--\nmehrzeilig\n-->\n")
    article = render(draft_of(body))
    assert "edtool-disable" not in article.html and "<!--" not in article.html
    assert "mehrzeilig" not in article.html and "mehrzeilig" not in article.text
    assert article.text == "HOUSTON (IT BOLTWISE) – Die Crew ist gelandet.\n\nZweiter Absatz."


def test_raw_html_is_shown_as_text_never_passed_through():
    out = body_html('Ein <script>alert("x")</script> Test.\n\n<div onclick="x()">Block</div>\n\n'
                    '[Link](javascript:alert(1)) und <img src=x onerror=alert(1)>\n')
    assert "<script" not in out and "<div" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;div onclick=" in out
    assert 'href="javascript' not in out


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/!-=\"' abcsriptonerlg*_[]()`:\n&;#")), max_size=120))
def test_property_no_markup_the_writer_typed_becomes_markup(body):
    """Whatever the body holds, the HTML uses only the tags Markdown makes, and no event handler."""
    parser = _Tags()
    parser.feed(body_html(body, images=False))
    allowed = {"p", "em", "strong", "code", "pre", "a", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
               "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "span"}
    assert parser.tags <= allowed
    assert not any(name.startswith("on") for name in parser.attrs)


def test_markdown_structure_renders():
    body = ("## Zwischentitel\n\nEin *betonter* und **fetter** Satz mit `Code` und [Link](https://example.org).\n\n"
            "- erster Punkt\n- zweiter Punkt\n\n> Zitat\n\n| Jahr | Zahl |\n|---|---|\n| 2025 | 4.500 |\n")
    out = body_html(body)
    for fragment in ("<h2>Zwischentitel</h2>", "<em>betonter</em>", "<strong>fetter</strong>", "<code>Code</code>",
                     '<a href="https://example.org">Link</a>', "<li>erster Punkt</li>", "<blockquote>",
                     "<td>4.500</td>"):
        assert fragment in out
    assert body_text(body).split("\n\n") == [
        "Zwischentitel", "Ein betonter und fetter Satz mit Code und Link.", "erster Punkt", "zweiter Punkt",
        "Zitat", "Jahr | Zahl", "2025 | 4.500"]


def test_images_become_a_placeholder_when_nothing_may_be_loaded():
    assert '<img src="https://example.org/a.png"' in body_html("![Ein Bild](https://example.org/a.png)")
    out = body_html("![Ein *Bild*](https://example.org/a.png)", images=False)
    assert "<img" not in out and "[Bild: Ein Bild]" in out


def test_correction_notes_follow_the_body_for_readers():
    extra = ('corrections:\n  - date: 2025-08-13\n    note: "In einer früheren Fassung hieß es, die Crew sei'
             ' in Moskau gelandet."\n  - {date: "2025-08-14T09:30:00+02:00", note: Der Name ist <korrigiert>.}\n')
    article = render(draft_of("Text.\n", extra))
    assert [c.date for c in article.corrections] == ["2025-08-13", "2025-08-14T09:30:00+02:00"]
    assert article.html.endswith(
        '<aside class="corrections" aria-label="Korrekturen">\n'
        '<p class="correction"><strong>Korrektur vom 13.08.2025:</strong> In einer früheren Fassung hieß es, '
        'die Crew sei in Moskau gelandet.</p>\n'
        '<p class="correction"><strong>Korrektur vom 14.08.2025:</strong> Der Name ist &lt;korrigiert&gt;.</p>\n'
        '</aside>\n')
    assert article.text.endswith("\n\nKorrektur vom 14.08.2025: Der Name ist <korrigiert>.")


@pytest.mark.parametrize("value, expected", [
    ("corrections: Ein Text\n", "ist keine Liste"),
    ("corrections: [Ein Text]\n", "kein Eintrag mit date und note"),
    ("corrections: [{date: 2025-08-13}]\n", "hat keinen Text"),
    ("corrections: [{date: [1], note: x}]\n", "kein gültiges Datum"),
])
def test_a_wrong_corrections_field_says_how_to_write_it(value, expected):
    draft = draft_of("Text.\n", value)
    with pytest.raises(RenderError) as caught:
        corrections_of(draft)
    assert expected in caught.value.message and "corrections:\n  - date:" in caught.value.message
    assert (caught.value.line, caught.value.column) == draft.key_position("corrections")
    assert caught.value.line == GOOD_FRONT_MATTER.count("\n") + 2
    line = GOOD_FRONT_MATTER.count("\n") + 2
    assert caught.value.located("drafts/a.md") == f"drafts/a.md:{line}:1: {caught.value.message}"


def test_word_count_keeps_compounds_and_numbers_whole():
    assert word_count("Die KI-gestützte E-Mail kostet 4.500 Euro, also 1,5 Prozent mehr.") == 10


def test_page_is_self_contained_and_shows_reading_stats():
    out = page(draft_of("Der Text hat genau sieben Wörter hier.\n\n![Bild](https://example.org/x.png)\n"))
    assert out.startswith("<!DOCTYPE html>") and '<html lang="de-DE">' in out
    assert "<h1>Erstes persönliches Treffen zwischen Roskosmos und NASA</h1>" in out
    assert "src=" not in out and "<link" not in out and "<script" not in out
    assert "8 Wörter" in out and "Lesezeit etwa 1 Min." in out  # seven words and the image's alt text
