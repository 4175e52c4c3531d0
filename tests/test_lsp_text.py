"""The language server's pure parts: LSP positions, edits carried through changes, the editor
offsets of findings, and the vocabulary edits (no server process here; test_lsp.py runs one)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_draft
from edtool.lsp.desk import Desk, Snapshot, fix_edit, vocabulary_edit, word_list_edit
from edtool.lsp.text import Edit, TextDocument, common_edit, index_for_units, map_span, units

ALPHABET = st.sampled_from(list("ab ä„“\u2028\u0085\t🚀𝔘x\r\n") + ["\r\n"])
texts = st.lists(ALPHABET, max_size=40).map("".join)
ENCODINGS = ("utf-8", "utf-16", "utf-32")


def reference_lines(text: str) -> list[str]:
    """LSP's lines: only CRLF, CR and LF end one."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def reference_units(s: str, encoding: str) -> int:
    return {"utf-8": len(s.encode("utf-8")), "utf-16": len(s.encode("utf-16-le")) // 2, "utf-32": len(s)}[encoding]


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(ENCODINGS))
def test_positions_round_trip_and_agree_with_the_encoders(text, encoding):
    doc = TextDocument("file:///t.md", text)
    lines = reference_lines(text)
    assert len(doc.line_starts) == len(lines)
    for offset in range(len(text) + 1):
        line, character = doc.position_at(offset, encoding)
        start, end = doc.line_bounds(line)
        if offset <= end:  # not inside a line break
            assert character == reference_units(text[start:offset], encoding)
            assert doc.offset_at(line, character, encoding) == offset
    for number, content in enumerate(lines):
        start, end = doc.line_bounds(number)
        assert text[start:end] == content
        assert doc.offset_at(number, 10_000, encoding) == end  # past the end of a line: its end


def test_line_separators_that_are_not_lsp_line_ends():
    doc = TextDocument("file:///t.md", "a\u2028b\u0085c\x0cd\ne")
    assert doc.position_at(doc.text.index("e")) == (1, 0)
    assert doc.position_at(doc.text.index("d")) == (0, 6)


def test_a_position_inside_a_surrogate_pair_rounds_down():
    assert index_for_units("a🚀b", 2, "utf-16") == 1
    assert index_for_units("a🚀b", 3, "utf-16") == 2
    assert index_for_units("a🚀b", 3, "utf-8") == 1
    assert index_for_units("äb", 1, "utf-8") == 0 and index_for_units("äb", 2, "utf-8") == 1
    assert units("„ä“🚀", "utf-16") == 5 and units("„ä“🚀", "utf-8") == 3 + 2 + 3 + 4


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_common_edit_turns_old_into_new(old, new):
    edit = common_edit(old, new)
    assert old[:edit.start] + new[edit.start:edit.start + edit.length] + old[edit.end:] == new


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_a_span_carried_through_edits_still_covers_the_same_text(text, data):
    doc = TextDocument("file:///t.md", text, 1)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    marked = text[start:end]
    for version in range(2, 2 + data.draw(st.integers(1, 4))):
        a = data.draw(st.integers(0, len(doc.text)))
        b = data.draw(st.integers(a, len(doc.text)))
        doc.replace(a, b, data.draw(texts), version)
    moved = map_span(start, end, doc.edits_since(1))
    if moved is not None:
        assert doc.text[moved[0]:moved[1]] == marked


def test_map_span_drops_an_edited_finding_and_shifts_later_ones():
    assert map_span(5, 8, [Edit(6, 7, 3)]) is None
    assert map_span(5, 8, [Edit(0, 2, 5)]) == (8, 11)
    assert map_span(5, 8, [Edit(8, 8, 4)]) == (5, 8)  # typing right after the word
    assert map_span(5, 8, [Edit(5, 5, 2)]) == (7, 10)  # typing right before it


def test_edits_since_forgets_old_versions():
    doc = TextDocument("file:///t.md", "", 1)
    for version in range(2, doc.MAX_EDITS + 10):
        doc.replace(0, 0, "x", version)
    assert doc.edits_since(1) is None
    assert len(doc.edits_since(doc.version - 3)) == 3


@pytest.mark.parametrize("prefix", ["", "\ufeff"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_findings_land_on_the_editor_text(prefix, newline):
    from conftest import REPO

    body = "HOUSTON / LONDON (IT BOLTWISE) - Die Behörde zahlt „große“ 🚀 3 Mrd. Dollar.\n"
    text = prefix + make_draft(body=body).replace("\n", newline)
    outcome = Desk(str(REPO / "styleguide.yaml")).check_fast(Snapshot("file:///desk/drafts/a.md", text, 1, "markdown"))
    by_rule = {f.diagnostic.rule: f for f in outcome.findings}
    assert text[by_rule["style.numbers.millions"].start:by_rule["style.numbers.millions"].end] == "Mrd."
    assert text[by_rule["dateline.dash"].start:by_rule["dateline.dash"].end] == " - "
    fix = by_rule["style.numbers.millions"].fix
    assert fix_edit(text, fix) == (fix.start, fix.end, "Milliarden")
    assert fix_edit(text.replace("Mrd.", "Mrd!"), fix) is None  # the text there changed: no edit


VOCABULARY_CASES = {
    "block": "version: 1\nvocabulary:\n  accept:\n    - Roskosmos  # Raumfahrt\n    - Bakanov\n  reject: [x]\nrules: []\n",
    "block at column 2": "vocabulary:\n  accept:\n  - A\n  - B\n",
    "flow": "vocabulary:\n  accept: [A, B]\n",
    "flow, empty": "vocabulary:\n  accept: []\n",
    "accept empty": "vocabulary:\n  accept:\n  reject: [x]\n",
    "accept null": "vocabulary:\n  accept: ~\n",
    "no accept": "vocabulary:\n  reject:\n    - foo\nrules: []\n",
    "vocabulary empty": "vocabulary:\nrules: []\n",
    "vocabulary null": "vocabulary: null\n",
    "vocabulary flow": "vocabulary: {reject: [x]}\n",
    "no vocabulary": "version: 1\nrules: []",
    "empty file": "",
    "crlf": "vocabulary:\r\n  accept:\r\n    - A\r\n",
}


@pytest.mark.parametrize("case", sorted(VOCABULARY_CASES))
@pytest.mark.parametrize("word", ["Tiangong", "C++: neu", "#Hashtag", "Ärzte-Team", "ja"])
def test_vocabulary_edit_adds_exactly_the_word(case, word):
    text = VOCABULARY_CASES[case]
    start, end, new = vocabulary_edit(text, word)
    after = text[:start] + new + text[end:]
    old = yaml.safe_load(text) or {}
    data = yaml.safe_load(after)
    assert data["vocabulary"]["accept"] == list((old.get("vocabulary") or {}).get("accept") or []) + [word]
    assert {k: v for k, v in data.items() if k != "vocabulary"} == {k: v for k, v in old.items() if k != "vocabulary"}
    if "# Raumfahrt" in text:
        assert "# Raumfahrt" in after  # comments stay
    assert vocabulary_edit(after, word) is None  # a second time: nothing to add


def test_vocabulary_edit_refuses_what_it_cannot_edit_safely():
    assert vocabulary_edit("vocabulary: [a, b]\n", "x") is None
    assert vocabulary_edit("- a\n- b\n", "x") is None
    assert vocabulary_edit("vocabulary:\n  accept: 5\n", "x") is None
    assert vocabulary_edit("vocabulary: {\n", "x") is None


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20))
def test_vocabulary_edit_property_any_word(word):
    text = VOCABULARY_CASES["block"]
    edit = vocabulary_edit(text, word)
    if edit is None:  # only when the word is there already
        assert word in yaml.safe_load(text)["vocabulary"]["accept"]
        return
    start, end, new = edit
    assert yaml.safe_load(text[:start] + new + text[end:])["vocabulary"]["accept"][-1] == word


def test_word_list_edit_appends_a_line():
    text = "# Wörter\nRoskosmos\n"
    start, end, new = word_list_edit(text, "Tiangong")
    assert text[:start] + new + text[end:] == "# Wörter\nRoskosmos\nTiangong\n"
    start, end, new = word_list_edit("Roskosmos", "Tiangong")
    assert new == "\nTiangong\n"
    assert word_list_edit(text, "Roskosmos") is None
    assert word_list_edit(text, "zwei  Leerzeichen") is None
    assert word_list_edit(text, "mit # Kommentar") is None
