"""The prose view: what a reader reads, each character mapped back to its exact source offset."""

from __future__ import annotations

import pytest

from conftest import make_draft
from edtool.draft import Draft
from edtool.prose import STAND_IN, prose_of

MARKDOWN = """\
HOUSTON / LONDON (IT BOLTWISE) – Ein *kursiver* und **fetter** Satz mit [Link](https://example.org/a_(b) "Titel")
und `code()` sowie ![Bild](bild.png) und <https://nasa.gov> und www.esa.int/de.
Escapes: 5 \\* 3 und &amp; Ende.

## Überschrift mit [Ref][r1]

> Ein Zitat über
> zwei Zeilen.

- Punkt eins mit _Betonung_
  und Fortsetzung
- Punkt zwei
  1. verschachtelt

| Spalte | Wert |
|---|---|
| Größe | 5 % |

<div>HTML-Block</div>

```python
print("kein Text")
```

    eingerückter Code

Letzter Absatz mit <b>Tag</b> und <!-- edtool-disable style.x --> Kommentar.

[r1]: https://example.org/ref
"""


@pytest.fixture(params=["\n", "\r\n"], ids=["lf", "crlf"])
def draft(request):
    return Draft.from_text(make_draft(body=MARKDOWN).replace("\n", request.param), "d.md")


def test_every_verbatim_character_maps_to_itself(draft):
    view = prose_of(draft)
    assert view.segments
    for segment in view.segments:
        assert len(segment.offsets) == len(segment.text) == len(segment.verbatim)
        for char, offset, verbatim in zip(segment.text, segment.offsets, segment.verbatim):
            if verbatim:
                assert draft.text[offset] == char, (segment.scope, char, offset)


def test_scopes_and_texts(draft):
    view = prose_of(draft)
    by_scope = [(s.scope, s.text) for s in view.segments if s.scope not in ("title", "teaser")]
    assert by_scope[0][0] == "paragraph"
    first = by_scope[0][1]
    assert first.startswith("HOUSTON / LONDON (IT BOLTWISE) – Ein kursiver und fetter Satz mit Link ")
    assert "https" not in first and "bild.png" not in first and "code()" not in first and "www.esa" not in first
    assert "5 * 3 und & Ende." in first
    scopes = [scope for scope, _ in by_scope]
    assert scopes == ["paragraph", "heading", "blockquote", "list_item", "list_item", "list_item", "table",
                      "table", "table", "table", "paragraph"]
    assert ("heading", "Überschrift mit Ref") in by_scope
    assert ("blockquote", "Ein Zitat über zwei Zeilen.") in by_scope
    assert ("list_item", "Punkt eins mit Betonung und Fortsetzung") in by_scope
    # inline HTML and comments stand in as one character each
    assert by_scope[-1][1] == f"Letzter Absatz mit {STAND_IN}Tag{STAND_IN} und {STAND_IN} Kommentar."
    assert all("kein Text" not in text and "eingerückter" not in text and "HTML-Block" not in text
               for _, text in by_scope)


def test_positions_after_markup_point_at_the_word(draft):
    view = prose_of(draft)
    first = view.first_paragraph
    index = first.text.index("Satz")
    line, column = draft.position(first.offsets[index])
    assert (line, column) == (14, len("HOUSTON / LONDON (IT BOLTWISE) – Ein *kursiver* und **fetter** ") + 1)
    index = first.text.index("sowie")
    assert draft.position(first.offsets[index]) == (15, len("und `code()` ") + 1)
    index = first.text.index("Ende")
    assert draft.position(first.offsets[index]) == (16, len("Escapes: 5 \\* 3 und &amp; ") + 1)


def test_comments_are_collected_not_read(draft):
    view = prose_of(draft)
    assert [c.text for c in view.comments] == ["edtool-disable style.x"]
    comment = view.comments[0]
    assert draft.text[comment.start:comment.end] == "<!-- edtool-disable style.x -->"


def test_title_and_teaser_are_segments_with_positions():
    draft = Draft.from_text(make_draft(), "d.md")
    view = prose_of(draft)
    title = view.segments[0]
    assert title.scope == "title" and title.text.startswith("Erstes persönliches")
    assert draft.position(title.offsets[0]) == (2, len("title: ") + 1)
    assert view.segments[1].scope == "teaser"


def test_quoted_and_folded_front_matter_values():
    front = 'title: "Ein „Zitat“ im Titel"\nteaser: >\n  Zwei Zeilen\n  gefaltet.\n'
    draft = Draft.from_text(make_draft(front), "d.md")
    title, teaser = prose_of(draft).segments[:2]
    assert draft.text[title.offsets[0]] == "E"
    assert teaser.text.startswith("Zwei Zeilen gefaltet.")
    assert draft.text[teaser.offsets[teaser.text.index("gefaltet")]] == "g"


def test_fix_safety_flags():
    draft = Draft.from_text(make_draft(body="HOUSTON (dpa) – A \\* B `x` C\n"), "d.md")
    segment = prose_of(draft).first_paragraph
    assert segment.is_verbatim(0, 7)
    star = segment.text.index("*")
    assert not segment.is_verbatim(star, star + 1)  # an escape: its source is two characters
    stand_in = segment.text.index(STAND_IN)
    assert not segment.is_verbatim(stand_in - 1, stand_in + 2)


# -- line breaks, NUL and link targets: the map agrees with what markdown-it reads -----------------

def _word_position(draft, word):
    """(line, column) of `word` in the prose, through the map."""
    for segment in prose_of(draft).segments:
        index = segment.text.find(word)
        if index != -1:
            assert segment.is_verbatim(index, index + len(word))
            return draft.position(segment.offsets[index])
    raise AssertionError(word)


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_a_lone_cr_ends_a_line_like_lf_and_crlf(eol):
    body = "HOUSTON (dpa) – Erste Zeile.\nZweite Zeile mit Ziel.\n\nDritter Absatz mit Wort.\n"
    draft = Draft.from_text(make_draft(body=body).replace("\n", eol), "d.md")
    assert _word_position(draft, "Ziel") == (15, len("Zweite Zeile mit ") + 1)
    assert _word_position(draft, "Wort") == (17, len("Dritter Absatz mit ") + 1)
    scopes = [s.scope for s in prose_of(draft).segments if s.scope == "paragraph"]
    assert len(scopes) == 2  # the blank line made of CRs separates paragraphs, as in markdown-it


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_characters_not_line_ends(char):
    """CommonMark, LSP and editors end lines at CR and LF only; these stay on the line and count."""
    body = f"HOUSTON (dpa) – Vorne{char}hinten mit Ziel.\n"
    draft = Draft.from_text(make_draft(body=body), "d.md")
    assert _word_position(draft, "Ziel") == (14, len(f"HOUSTON (dpa) – Vorne{char}hinten mit ") + 1)


def test_nul_anywhere_is_read_as_markdown_it_reads_it():
    body = "HOUSTON (dpa) – " + "Wort " * 3000 + "\n\nA\x00b und Ziel.\n\n`x\x00` und Ende.\n"
    draft = Draft.from_text(make_draft(body=body), "d.md")
    text = draft.text
    assert _word_position(draft, "Ziel") == draft.position(text.index("Ziel"))
    assert _word_position(draft, "Ende") == draft.position(text.index("Ende"))
    segment = [s for s in prose_of(draft).segments if "Ziel" in s.text][0]
    nul = segment.text.index("\ufffd")
    assert draft.text[segment.offsets[nul]] == "\x00" and not segment.is_verbatim(nul, nul + 1)


@pytest.mark.parametrize("link", [
    "[Link](<a) Geheim y>)", '[Link](http://x "t) Geheim z")', "[L](<x) Geheim>)", "[L](x 't) Geheim')",
    "[L](x (t Geheim))", "[L](<a\\> Geheim>)", '[L](u "a \\" Geheim")', "![Bild](<b) Geheim> 't')",
    "[L][ref]", "[ref]", "<https://geheim.example/Geheim>",
])
def test_link_targets_and_titles_are_never_prose(link):
    body = f"HOUSTON (dpa) – Vorne {link} hinten Ziel.\n\n[ref]: http://r.example \"Geheim\"\n"
    draft = Draft.from_text(make_draft(body=body), "d.md")
    texts = [s.text for s in prose_of(draft).segments]
    assert not any("Geheim" in t for t in texts), texts
    assert _word_position(draft, "Ziel") == draft.position(draft.text.index("Ziel"))


def test_blockquotes_lists_tables_and_tabs_map_exactly():
    body = ("HOUSTON (dpa) – Start.\n\n> Zitat mit\n> Ziel1 und\nlazy Ziel2.\n\n- Punkt\n\t  Ziel3 hier\n\n"
            "| A | B |\n|---|---|\n| x \\| y | Ziel4 |\n\n## Kopf Ziel5 ##\n\nSetext Ziel6\n---\n")
    draft = Draft.from_text(make_draft(body=body), "d.md")
    for word in ("Ziel1", "Ziel2", "Ziel4", "Ziel5", "Ziel6"):
        assert _word_position(draft, word) == draft.position(draft.text.index(word)), word
    cell = [s for s in prose_of(draft).segments if s.text.startswith("x")][0]
    assert cell.text == "x | y" and not cell.is_verbatim(0, 5)  # the escaped pipe is no verbatim run


def test_inline_markup_positions_come_from_markdown_it():
    """The same text before and inside markup: each occurrence maps to its own place."""
    body = "HOUSTON (dpa) – abc `abc` *abc* [abc](abc \"abc\") abc\n"
    draft = Draft.from_text(make_draft(body=body), "d.md")
    segment = prose_of(draft).first_paragraph
    starts = [i for i in range(len(segment.text)) if segment.text.startswith("abc", i)]
    line_start = draft.text.index("HOUSTON (dpa)")
    columns = [segment.offsets[i] - line_start + 1 for i in starts]
    expected = [i + 1 for i in range(len(body)) if body.startswith("abc", i)]
    assert columns == [expected[0], expected[2], expected[3], expected[6]]  # not code, target, title
