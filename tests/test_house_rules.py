"""The house rules' false-alarm families (precision on professional copy), each with positions.

Every sentence here is written for the test. Findings are compared as (rule, line, column); the
body starts on line 5 of the drafts built here.
"""

from __future__ import annotations

import pytest

from edtool.checkrun import CheckRun
from edtool.checks.style import check_style
from edtool.checks.style.text import WORD, sentence_spans
from edtool.draft import Draft
from edtool.engine import CheckOptions
from edtool.fix import fix_bytes, make_runner
from edtool.styleguide import StyleGuide

BODY = 5


def _draft(body: str, title: str = "Ein Titel für den Test hier", tags: str = "[Test]") -> Draft:
    return Draft.from_text(f"---\ntitle: {title}\ntags: {tags}\n---\n{body}\n", "t.md")


def found(guide, body: str, prefix: str, **kw) -> list[tuple[str, int, int]]:
    return [(d.rule, d.line, d.column) for d in check_style(_draft(body, **kw), CheckRun(guide)) if d.rule.startswith(prefix)]


def col(body: str, word: str, nth: int = 0) -> int:
    index = -1
    for _ in range(nth + 1):
        index = body.index(word, index + 1)
    return index + 1


ABBR = "style.abbreviations.introduce"


# -- abbreviations: what an editor wants introduced, and what not ---------------------------------

@pytest.mark.parametrize("body", [
    "Die Autozulieferin ZKW baut ein Werk.",                     # after a noun saying what it is
    "Das Werk gehört zu Hansen QTR und wächst.",                  # part of a name
    "Der Händler verkauft das QV.3 ab Mai und das XR-7 später.",  # model designations
    "GHT: Hier der Verlauf des Kurses im Jahr.",                  # a label opening the paragraph
    "Der Verband für Wärme im Netz, kurz VWN, klagt. Der VWN will mehr.",
    "Das Modell, FPQ genannt („Fair Pay Quota“), gilt ab Mai.",
    "Der Sprit ist QAF-tauglich (QAF steht für Quick Aviation Fuel).",
    "QTL (Quiet Transfer Layer) nennt es der Hersteller.",
    "Die Lizenz (CC BY-SA 4.0) erlaubt das.",
    "Das FBI ermittelt, die RNA ist bekannt, die AGB gelten.",    # known to every reader
    "Der schwedische QTX und die dänische WRB fahren schnell.",   # an adjective of origin before a name
])
def test_no_introduction_needed(guide, body):
    assert found(guide, body, ABBR) == []


def test_a_term_named_by_title_or_tags_is_known(guide):
    body = "Die WQX baut ein Werk."
    assert found(guide, body, ABBR) == [(ABBR, BODY, col(body, "WQX"))]
    assert found(guide, body, ABBR, title="WQX baut ein neues Werk in Sachsen") == []
    assert found(guide, body, ABBR, tags="[WQX, Industrie]") == []


@pytest.mark.parametrize("body, term", [
    ("Das Gesetz gilt für RZ mit hohem Verbrauch.", "RZ"),
    ("Laut QXR steigt der Preis.", "QXR"),                        # a capital word opening the sentence is no noun
    ("Die RZ brauchen Strom. Rechenzentren (RZ) wachsen.", "RZ"),  # introduced only in a later sentence
    ("Die dafür gebaute QSD-Software fährt allein.", "QSD"),
])
def test_unintroduced_abbreviation_is_still_flagged_at_its_first_use(guide, body, term):
    assert found(guide, body, ABBR) == [(ABBR, BODY, col(body, term))]


def test_introduction_before_the_use_counts_across_paragraphs(guide):
    body = "Rechenzentren (RZ) wachsen.\n\nJedes RZ braucht Strom und die QPX auch."
    assert found(guide, body, ABBR) == [(ABBR, BODY + 2, col("Jedes RZ braucht Strom und die QPX auch.", "QPX"))]


# -- fillers -----------------------------------------------------------------------------------

def test_echt_and_selbstverstaendlich_are_fillers_only_as_intensifiers(guide):
    body = ("Die Urkunde ist echt. Sie ist echt alt. Das ist nicht selbstverständlich. "
            "Selbstverständlich kommt er. Ein echtes Bild, total neu, total.")
    assert found(guide, body, "style.fillers") == [
        ("style.fillers", BODY, col(body, "echt", 1)),
        ("style.fillers", BODY, col(body, "Selbstverständlich")),
        ("style.fillers", BODY, col(body, "total")),
    ]


# -- numbers: one spot, one fix ------------------------------------------------------------------

def _fixed(guide, body: str) -> str:
    text = f"---\ntitle: Ein Titel für den Test hier\ntags: [Test]\n---\n{body}\n"
    run = make_runner(guide, CheckOptions(skip={"grammar", "spelling"}))
    return fix_bytes(text.encode("utf-8"), "t.md", run).fixed.decode("utf-8").split("---\n", 2)[2].rstrip("\n")


def test_percent_in_a_compound_gets_one_fix_with_hyphens(guide):
    body = "Er hält einen 50%-Anteil und 20% der Stimmen."
    assert found(guide, body, "style.numbers.percent") == [
        ("style.numbers.percent", BODY, col(body, "50")), ("style.numbers.percent", BODY, col(body, "20"))]
    assert found(guide, body, "style.typo.") == []  # no second, contradicting fix on the same spot
    assert _fixed(guide, body) == "Er hält einen 50-Prozent-Anteil und 20 Prozent der Stimmen."


def test_units_in_a_compound_are_joined_with_hyphens(guide):
    body = "Ein 5km-Lauf und ein 3nm-Chip."
    assert found(guide, body, "style.typo.unit-space") == [
        ("style.typo.unit-space", BODY, col(body, "5")), ("style.typo.unit-space", BODY, col(body, "3"))]
    assert _fixed(guide, body) == "Ein 5-km-Lauf und ein 3-nm-Chip."


def test_percent_sign_in_a_table_wants_a_space(guide):
    body = "| Anteil |\n| --- |\n| 20% |"
    assert found(guide, body, "style.typo.percent-space") == [("style.typo.percent-space", BODY + 2, 3)]
    assert found(guide, body, "style.numbers.percent") == []


def test_millions_without_a_period(guide):
    body = "Der Umsatz lag bei 692 Mio Euro, der Gewinn bei 3 Mrd. Euro, die Mio-Grenze nicht."
    assert found(guide, body, "style.numbers.millions") == [
        ("style.numbers.millions", BODY, col(body, "Mio")), ("style.numbers.millions", BODY, col(body, "Mrd"))]
    assert _fixed(guide, body).startswith("Der Umsatz lag bei 692 Millionen Euro, der Gewinn bei 3 Milliarden Euro")


# -- sentences and words -------------------------------------------------------------------------

@pytest.mark.parametrize("text, sentences", [
    ("Es ist eine Geschichte, die er nicht glauben mag. Er hält sie für falsch.", 2),
    ("Sie traf Mag. Huber in Wien. Dann ging sie.", 2),
    ("Nach Art. 5 ist das erlaubt. Das gilt.", 2),
    ("Das ist eine neue Art. Sie wächst.", 2),
    ("Es kostet max. 20 Euro. Das ist wenig.", 2),
    ("Ich sah den Abt. Er betete.", 2),
])
def test_sentence_splitter_does_not_swallow_words_at_sentence_end(text, sentences):
    assert len(sentence_spans(text)) == sentences


@pytest.mark.parametrize("text, count", [
    ("Es kostet 5.000 Euro.", 4), ("Es sind 5,7 Cent.", 4), ("Mehr auf beispiel.de heute.", 4),
    ("Alle Nutzer*innen und Nutzer:innen.", 4), ("Ende.Neu", 2), ("z.B. hier", 3),
])
def test_numbers_domains_and_gender_forms_are_one_word(text, count):
    assert len(WORD.findall(text)) == count


def _sentence(words: int) -> str:
    return " ".join(["Wort"] * (words - 1)) + " Ende."


def test_sentence_length_warns_over_35_and_says_the_rest_once(guide):
    body = f"{_sentence(26)} {_sentence(25)} {_sentence(30)}\n\n{_sentence(36)} {_sentence(35)}"
    got = [(d.line, d.column, d.severity.value, d.message[:30])
           for d in check_style(_draft(body), CheckRun(guide)) if d.rule == "style.length.sentence"]
    assert got == [(BODY, 1, "info", "3 Sätze mit mehr als 25 Wörter"),
                   (BODY + 2, 1, "warning", "Satz mit 36 Wörtern (Richtwert")]


def test_a_limit_message_needs_once():
    text = ("rules:\n  - id: style.length.x\n    kind: occurrence\n    message: m\n    metric: words_per_sentence\n"
            "    limits:\n      - {max: 5, message: n}\n")
    from edtool.checks.style import build_rules
    from edtool.styleguide import StyleGuideError

    with pytest.raises(StyleGuideError) as info:
        build_rules(StyleGuide.from_text(text))
    assert "once" in str(info.value) and info.value.line == 7


# -- consistency: the desk's spelling decides, not the order of appearance -----------------------------
@pytest.mark.parametrize("body", ["Die Email kam an. Später kam eine zweite E-Mail.",
                                  "Später kam eine E-Mail. Die Email davor war leer."])
def test_the_desks_spelling_wins_whatever_comes_first(guide, body):
    assert found(guide, body, "style.consistency.spelling") == [
        ("style.consistency.spelling", BODY, col(body, "Email"))]
    fixed = fix_bytes(_draft(body).raw.encode("utf-8"), "t.md", make_runner(guide, CheckOptions())).fixed.decode()
    assert "Email" not in fixed and fixed.count("E-Mail") == 2
