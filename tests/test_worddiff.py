"""Word diff: words, compounds, numbers and punctuation are units; applying the diff gives the new text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edtool.worddiff import Change, apply, counts, diff, format_diff, tokenize


def test_units_are_words_compounds_numbers_punctuation_and_space():
    assert tokenize("Die KI-gestützte E-Mail kostet 4.500 Euro, also 1,5 % mehr – ab 12:30 Uhr.") == [
        "Die", " ", "KI-gestützte", " ", "E-Mail", " ", "kostet", " ", "4.500", " ", "Euro", ",", " ", "also", " ",
        "1,5", " ", "%", " ", "mehr", " ", "–", " ", "ab", " ", "12:30", " ", "Uhr", "."]
    assert tokenize("Ein- und Ausgang, „Zitat“") == ["Ein-", " ", "und", " ", "Ausgang", ",", " ", "„", "Zitat", "“"]


def test_a_changed_compound_is_one_change_not_characters():
    changes = diff("Der Schweißroboter kostet 4.500 Euro.", "Der Schweißautomat kostet 4.800 Euro.")
    assert [c for c in changes if c.op != "equal"] == [Change("replace", "Schweißroboter", "Schweißautomat"),
                                                        Change("replace", "4.500", "4.800")]
    assert format_diff(changes) == "Der [-Schweißroboter-]{+Schweißautomat+} kostet [-4.500-]{+4.800+} Euro."
    assert counts(changes) == (2, 2)


def test_punctuation_changes_are_their_own_units():
    changes = diff("Er kam, sah und ging.", "Er kam sah und ging!")
    assert format_diff(changes) == "Er kam[-,-] sah und ging[-.-]{+!+}"
    assert counts(changes) == (0, 0)


def test_colour_on_a_terminal():
    out = format_diff(diff("alt", "neu"), color=True)
    assert out == "\x1b[31m\x1b[9malt\x1b[0m\x1b[32mneu\x1b[0m"


def test_context_shows_only_changed_paragraphs():
    old = "Erster Absatz bleibt.\n\nZweiter Absatz ändert sich.\n\nDritter bleibt.\n\nVierter bleibt."
    new = old.replace("ändert sich", "hat sich geändert")
    assert format_diff(diff(old, new), context=0) == "…\nZweiter Absatz [-ändert-]{+hat+} sich{+ geändert+}.\n…"
    assert format_diff(diff(old, old), context=0) == ""


def test_apply_refuses_changes_for_another_text():
    import pytest

    with pytest.raises(ValueError):
        apply(diff("ein Text", "zwei Texte"), "ein anderer Text")


_ALPHABET = st.sampled_from(list("abcäöüßABC-–.,:;!?„“'’0123456789 \n\t") + ["Straße", "E-Mail", "4.500", "  "])
_TEXTS = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _TEXTS)
def test_property_applying_the_diff_to_the_old_text_gives_the_new_text(old, new):
    changes = diff(old, new)
    assert "".join(tokenize(old)) == old
    assert apply(changes, old) == new
    assert "".join(c.old for c in changes) == old


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_property_holds_for_any_unicode(old, new):
    assert apply(diff(old, new), old) == new
    assert format_diff(diff(old, old)) == old


def test_excerpts_show_each_change_with_a_little_context_in_its_line():
    from edtool.worddiff import excerpts

    old = ("Erste Zeile bleibt.\nDie Behörde meldete am Montag einen Verlust von 3 Mrd. Euro, wie eine "
           "Sprecherin in Berlin sagte, und das Amt bestätigte später 5 Mio. Euro.\n")
    new = old.replace("Mrd.", "Milliarden").replace("Mio.", "Millionen")
    places = excerpts(diff(old, new), context=20)
    assert places == [
        (old.index("Mrd."), "… Verlust von 3 [-Mrd.-]{+Milliarden+} Euro, wie eine…"),
        (old.index("Mio."), "…bestätigte später 5 [-Mio.-]{+Millionen+} Euro."),  # the next line is not shown
    ]
    # two changes close together share one excerpt
    near = excerpts(diff("Er sah 3 Mio. und 4 Mrd.", "Er sah 3 Millionen und 4 Milliarden"), context=20)
    assert near == [(9, "Er sah 3 [-Mio.-]{+Millionen+} und 4 [-Mrd.-]{+Milliarden+}")]
