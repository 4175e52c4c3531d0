"""Name or typo (checks/spelling.py) and the news misreadings (checks/newsrules.py): pure logic,
with sentences of our own. The same families against the real server: test_languagetool_real.py."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edtool.checks import newsrules
from edtool.checks.spelling import Article, Context, context_at, distance, judge


def verdict(text: str, word: str, suggestions, tags=(), accepted=(), foreign=(), occurrence: int = 0):
    """judge() for the `occurrence`-th `word` in `text`, the article being `text` itself."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    article = Article.of([text], tags, accepted)
    article.foreign = frozenset(foreign)
    return judge(word, suggestions, context_at(text, start, start + len(word)), article)


# -- names -----------------------------------------------------------------------------------------
def test_a_capitalised_unknown_word_used_repeatedly_is_a_name():
    text = "Die Firma Velkora baut Akkus. Velkora will wachsen. Laut Velkoras Chefin steigt der Umsatz."
    assert verdict(text, "Velkora", ["Velours", "Pelota"]).reason == "name:repeated"
    assert not verdict(text, "Velkora", ["Velours"]).keep


def test_a_name_in_the_tags_or_after_a_role_is_a_name():
    assert not verdict("Heute sprach Trevanik.", "Trevanik", ["Trevanika"], tags=["Trevanik"]).keep
    v = verdict("Das sagte Konzernchefin Odalys vor der Presse.", "Odalys", ["Odalis"])
    assert v.reason == "name:after-title" and not v.keep
    assert not verdict("Das bestätigte Frau Quirrenbach am Montag.", "Quirrenbach", ["Quirlenbach"]).keep


def test_abbreviations_brands_and_numbered_models_are_names():
    assert verdict("Der Verband VKLZ klagt.", "VKLZ", ["VKL"]).reason == "name:abbreviation"
    assert verdict("Zwei ICEs fielen aus.", "ICEs", ["ICE"]).reason == "name:abbreviation"
    assert verdict("Das Start-up ZorbiTech wächst.", "ZorbiTech", []).reason == "name:brand"
    assert verdict("Sein eBike lädt schnell.", "eBike", ["Bike"]).reason == "name:brand"
    assert verdict("Das 3er-Modell kommt.", "3er-Modell", []).reason == "name:brand"


def test_an_acronym_written_as_a_word_is_the_press_style():
    assert not verdict("Die Nakra-Krise traf die Nakra hart.", "Nakra", ["NAKRA"], occurrence=1).keep


def test_a_foreign_term_and_a_name_particle_are_not_typos():
    assert verdict("Es geht um „edge inference“ im Auto.", "inference", ["Inferenz"],
                   foreign=["inference"]).reason == "name:foreign"
    assert verdict("Das sagte Marco di Lauro gestern.", "di", ["die", "du"]).reason == "name:particle"


def test_a_short_capitalised_word_one_letter_from_a_dictionary_word_is_not_a_slip():
    # "Siedler" is one letter from the surname: short words have many such neighbours
    assert not verdict("Das erklärte Ben Siegler gestern.", "Siegler", ["Siedler", "Ziegler"]).keep
    assert not verdict("Die Bahngesellschaft Renfe strich Züge.", "Renfe", ["Rente", "Reife"]).keep
    # two swapped letters stay a slip even in a short word
    assert verdict("Er kam nach Hasue zurück.", "Hasue", ["Hase", "Hause"]).reason == "typo"


def test_a_short_name_with_a_swap_far_down_the_suggestions_is_not_a_slip():
    # after a first name a short capitalised word is a surname; a dictionary word with two letters
    # swapped, ranked third or lower, is coincidence ("Burse" for a surname "Bures")
    v = verdict("Das sagte Marlene Toves am Abend.", "Toves", ["Toben", "Tores", "Tovse"])
    assert not v.keep and v.reason == "name:far"
    # the same swap among the first two suggestions is still a slip
    assert verdict("Das sagte Marlene Toves am Abend.", "Toves", ["Tovse", "Toben"]).reason == "typo"
    # and at any rank in a long word, or where a noun stands (after an article)
    assert verdict("Die Regierung plant eine Verodrnung.", "Verodrnung",
                   ["Verortung", "Vorordnung", "Verordnung"]).reason == "typo"
    assert verdict("Er sah die Hasue am Weg.", "Hasue", ["Hüte", "Huse", "Hause"]).reason == "typo"


def test_a_capitalised_unknown_word_with_only_far_suggestions_is_a_name():
    assert verdict("Die Zentrale liegt in Pensacora.", "Pensacora", ["Pension", "Penschau"]).reason == "name:far"


def test_desk_vocabulary_is_accepted():
    assert verdict("Der Kosmonaut Platonov reiste.", "Platonov", ["Platon"], accepted=["Platonov"]).reason \
        == "name:vocabulary"


# -- typos -----------------------------------------------------------------------------------------
def test_two_swapped_letters_in_a_noun_are_a_typo():
    text = "Die Regierung plant eine neue Verodrnung für Händler."
    v = verdict(text, "Verodrnung", ["Verordnung", "Verortung"])
    assert v.keep and v.reason == "typo"


def test_a_dropped_letter_in_a_long_word_is_a_typo_even_beside_a_capitalised_word():
    v = verdict("Nvidia bleibt Marktfüher bei Chips.", "Marktfüher", ["Marktführer", "Marktfahrer"])
    assert v.keep and v.reason == "typo"


def test_an_unknown_lowercase_word_with_a_close_suggestion_stays():
    v = verdict("Das Paket wird morgen geliefret.", "geliefret", ["geliefert"])
    assert v.keep and v.reason == "typo"


def test_a_misspelt_name_beside_its_correct_form_is_a_catch():
    text = ("Außenministerin Jana Wolkow reist nach Rom. Wolkow trifft dort Kollegen. "
            "Danach sagte Wolkov, es gehe voran.")
    v = verdict(text, "Wolkov", ["Wolkow", "Wolke"])
    assert v.keep and v.reason == "variant" and v.suggestion == "Wolkow"
    # the majority spelling itself is a name, not a variant of the slip
    assert not verdict(text, "Wolkow", ["Wolke"]).keep


def test_a_case_variant_of_the_articles_spelling_is_a_catch():
    text = "Das Kfz-Gewerbe klagt. Der Verband des KfZ-Gewerbes fordert Hilfe."
    v = verdict(text, "KfZ", ["Kuh", "Kur"])
    assert v.keep and v.reason == "variant" and v.suggestion == "Kfz"


def test_a_known_name_without_its_accent_is_a_catch_unless_the_desk_accepts_it():
    text = "Der Investor Rene Kowal kauft. Rene Kowal schweigt."
    assert verdict(text, "Rene", ["René"]).reason == "accent"
    assert not verdict(text, "Rene", ["René"], accepted=["Rene"]).keep


def test_a_joint_s_or_a_split_part_of_an_article_word_is_no_evidence_of_a_slip():
    assert not verdict("Die Erbgutsequenzen wurden verglichen.", "Erbgutsequenzen", ["Erbgutssequenzen"]).keep
    text = "Das Virus Kora ist neu. Viele korartige Viren sind harmlos."
    assert verdict(text, "korartige", ["horartige", "koartige"]).reason == "unknown"  # info, not a typo


@st.composite
def swapped(draw):
    word = draw(st.text(alphabet="abcdefghiklmnoprstuwzäöü", min_size=8, max_size=16))
    i = draw(st.integers(1, len(word) - 3))
    return word, word[:i] + word[i + 1] + word[i] + word[i + 2:]


@given(swapped())
def test_property_a_swap_of_neighbours_is_one_edit_and_judged_a_typo(pair):
    word, typo = pair
    if word == typo:
        return
    assert distance(word, typo) == 1 and distance(typo, word) == 1
    noun = typo[0].upper() + typo[1:]
    text = f"Die Behörde prüft die {noun} genau."
    assert verdict(text, noun, [word[0].upper() + word[1:]]).keep


@given(st.text(min_size=0, max_size=12), st.text(min_size=0, max_size=12))
def test_property_distance_is_a_capped_metric(a, b):
    d = distance(a, b)
    assert d == distance(b, a) and 0 <= d <= 3 and (d == 0) == (a == b or False) or d == 3


# -- news misreadings ------------------------------------------------------------------------------
def test_weekday_is_checked_against_the_articles_year():
    text = "Am Freitag, 16. November, kam der Brief. Am Donnerstag, dem 16. November, nicht."
    found = newsrules.weekday_findings(text, dt.date(2018, 12, 22))
    assert [(text[s:e], suggestion) for s, e, _, suggestion in found] == [("Donnerstag", "Freitag")]
    assert found[0][0] == text.index("Donnerstag")
    # January named in a December article: the nearest date is in the next year
    assert newsrules.weekday_findings("Am Donnerstag, 3. Januar, startet es.", dt.date(2018, 12, 20)) == []
    assert newsrules.weekday_findings("Am Freitag, 16. November 2018, kam er.", dt.date(2018, 12, 22)) == []
    assert newsrules.weekday_findings("Am Montag, 16. November, kam er.", None) == []


def test_article_date_accepts_dates_and_iso_strings():
    assert newsrules.article_date("2018-12-22") == dt.date(2018, 12, 22)
    assert newsrules.article_date(dt.date(2020, 1, 2)) == dt.date(2020, 1, 2)
    assert newsrules.article_date("gestern") is None


def test_case_rule_on_a_multiword_name_is_a_misreading():
    text = "Für Große Scharnhorst geht es weiter. Das ist eine Große Sache."
    at = text.index("Große")
    assert newsrules.misfires("DE_CASE", text, at, 5, ["große"], frozenset())
    at = text.index("eine Große") + 5
    assert newsrules.misfires("DE_CASE", text, at, 5, ["große"], frozenset())  # capitalised follower: a name
    text = "Wir gehen ins freie."
    assert not newsrules.misfires("DE_CASE", text, text.index("freie"), 5, ["Freie"], frozenset())


def test_agreement_coupling_on_a_company_name_is_a_misreading():
    text = "Er verklagt die Blue Falcon UG wegen der Blue Falcon-Anteile."
    at = text.index("die Blue Falcon")
    assert newsrules.misfires("DE_AGREEMENT", text, at, len("die Blue Falcon"), ["die Blue-Falcon"], frozenset())
    text = "Er sah die gesamt Industrie."
    assert not newsrules.misfires("DE_AGREEMENT", text, 7, len("die gesamt Industrie"), ["die gesamte Industrie"],
                                  frozenset())


def test_verb_first_conditional_is_not_a_question():
    text = "Kann der Zug nicht fahren, muss der Bus einspringen."
    assert newsrules.misfires("FRAGEZEICHEN_STATT_PUNKT", text, len(text) - 1, 1, ["?"], frozenset())
    text = "Ist die Straße gesperrt – so fährt der Bus einen Umweg."
    assert newsrules.misfires("FRAGEZEICHEN_STATT_PUNKT", text, len(text) - 1, 1, ["?"], frozenset())
    text = "Kommt der Zug heute noch."
    assert not newsrules.misfires("FRAGEZEICHEN_STATT_PUNKT", text, len(text) - 1, 1, ["?"], frozenset())
    # a question that goes on with a subordinate or coordinated clause is still a question
    for text in ("Kann das gut gehen, wenn alle zustimmen.", "Gibt es einen Plan, den alle kennen.",
                 "Wird es teurer, oder bleibt der Preis."):
        assert not newsrules.misfires("FRAGEZEICHEN_STATT_PUNKT", text, len(text) - 1, 1, ["?"], frozenset())


def test_name_replacement_on_the_desks_spelling_is_dropped():
    text = "Der Skoda Enyaq fährt."
    assert newsrules.misfires("DE_SIMPLE_REPLACE_SKODA_ENYAQ", text, 4, 11, ["Škoda Enyaq"], frozenset({"Skoda"}))
    assert not newsrules.misfires("DE_SIMPLE_REPLACE_SKODA_ENYAQ", text, 4, 11, ["Škoda Enyaq"], frozenset())


def test_context_knows_sentence_starts():
    text = "Die Strasse war zu. Laut Ben Siegler nicht."
    ctx = context_at(text, text.index("Strasse"), text.index("Strasse") + 7)
    assert ctx == Context("Die", "war", False)
    ctx = context_at(text, text.index("Laut"), text.index("Laut") + 4)
    assert ctx == Context("zu", "Ben", True)


@pytest.mark.parametrize("text, word, suggestions", [
    ("Gestern meldete die Polizi einen Einbruch.", "Polizi", ["Polizei", "Politik"]),  # after an article
    ("Das Projet startet im Mai.", "Projet", ["Projekt", "Projekte"]),  # no article needed: a noun
    ("Kanzlr sagte das. Er ging.", "Kanzlr", ["Kanzler"]),  # the capital comes from the sentence start
])
def test_a_slip_in_a_short_noun_is_kept(text, word, suggestions):
    start = text.index(word)
    verdict = judge(word, suggestions, context_at(text, start, start + len(word)), Article.of([text]))
    assert verdict.keep and verdict.reason == "typo", verdict


def test_the_spellers_span_takes_the_digits_it_split_off():
    from edtool.checks.grammar import _speller_span

    text = "Die Mobilfunker Drobi2 und 3er-Kunden"
    assert _speller_span(text, text.index("Drobi"), 5) == (text.index("Drobi"), text.index("Drobi") + 6)
    assert _speller_span(text, text.index("er-Kunden"), 9) == (text.index("3er"), text.index("3er") + 10)
    assert _speller_span(text, 4, 11) == (4, 15)
    # so the word judged is the brand with its digit, not a dictionary neighbour of its letters
    start = text.index("Drobi")
    assert judge("Drobi2", ["Drobe", "Dorbi"], context_at(text, start, start + 6), Article.of([text])).reason \
        == "name:brand"
