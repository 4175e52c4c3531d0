"""Word count and reading time of a draft's body (as readers see it) in check's text summary."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.draft import Draft
from edtool.workflow import body_length

SENTENCE = "Die Raumstation bekommt ein neues Modul für Experimente."  # 8 words


def write(desk, name: str, body: str) -> None:
    (desk / "drafts" / name).write_text(make_draft(GOOD_FRONT_MATTER, body), encoding="utf-8")


def test_check_says_words_and_reading_time_of_each_draft(desk, run_edtool):
    write(desk, "kurz.md", "Hallo\n")
    write(desk, "lang.md", "HOUSTON (dpa) – " + " ".join([SENTENCE] * 26) + "\n")  # 2 + 208 words
    write(desk, "leer.md", "")
    write(desk, "markup.md", "Ein **fetter** [Link](https://example.org/lang/pfad) <!-- nicht gelesen -->.\n\n"
                             "```\ncode zählt mit\n```\n")
    result = run_edtool("check", "--only", "file", "drafts", cwd=desk)
    lines = result.stdout.splitlines()
    assert "drafts/kurz.md: 1 Wort, Lesezeit etwa 1 Minute." in lines
    assert "drafts/lang.md: 210 Wörter, Lesezeit etwa 2 Minuten." in lines
    assert "drafts/leer.md: noch kein Text." in lines
    assert "drafts/markup.md: 6 Wörter, Lesezeit etwa 1 Minute." in lines  # the code, not the URL or comment
    assert lines[-1] == "4 Dateien geprüft: keine Befunde."


def test_many_drafts_get_one_total_line(desk, run_edtool):
    for index in range(21):
        write(desk, f"d{index:02d}.md", SENTENCE + "\n")
    result = run_edtool("check", "--only", "file", "drafts", cwd=desk)
    assert "21 Entwürfe mit zusammen 168 Wörter (Länge je Entwurf: edtool status)." in result.stdout.splitlines()
    assert not any(": 8 Wörter" in line for line in result.stdout.splitlines())


@settings(max_examples=150, deadline=None)
@given(paragraphs=st.lists(st.sampled_from([SENTENCE, "Kurz.", "Ein KI-gestütztes System kostet 4.500 Euro."]),
                           min_size=1, max_size=6),
       comments=st.lists(st.booleans(), min_size=6, max_size=6),
       teaser=st.text(alphabet="abc ", max_size=40))
def test_property_comments_and_front_matter_do_not_count(paragraphs, comments, teaser):
    """The count is the readers' text: HTML comments between paragraphs and any front matter add nothing."""
    plain = "\n\n".join(paragraphs) + "\n"
    commented = "\n\n".join(p + (" <!-- edtool-disable-line -->" if c else "") for p, c in zip(paragraphs, comments))
    front = GOOD_FRONT_MATTER.replace("status: draft", f"status: draft\nnotiz: \"{teaser}\"")
    a = body_length(Draft.from_text(make_draft(GOOD_FRONT_MATTER, plain)))
    b = body_length(Draft.from_text(make_draft(front, commented + "\n")))
    assert a == b
    assert a["words"] == sum({SENTENCE: 8, "Kurz.": 1}.get(p, 6) for p in paragraphs)
