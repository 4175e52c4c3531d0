"""House style engine: style guide errors with positions, German text helpers, switches, the fixer,
and the commands (`edtool rules`, `edtool styleguide test`, `edtool check --fix/--diff`) both
in-process (CliRunner, and the console script's entry point through edtool_cli)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, make_draft
from edtool.checkrun import CheckRun
from edtool.checks.style import build_rules, check_style
from edtool.checks.style.text import quotation_spans, sentence_spans, syllables
from edtool.cli.main import app
from edtool.diagnostics import Category, Diagnostic, Fix, Severity
from edtool.draft import Draft
from edtool.fix import select_fixes
from edtool.styleguide import StyleGuide, StyleGuideError

NO_GRAMMAR = ["--skip", "grammar,spelling"]
BAD = "HOUSTON / LONDON (IT BOLTWISE) – Der Chef von Roscosmos kam  am 31.07.2025 an.\n"


def guide_from(text: str) -> StyleGuide:
    return StyleGuide.from_text(text, "styleguide.yaml")


# -- broken style guides ------------------------------------------------------------------------
RULE = "rules:\n  - id: style.test.rule\n    kind: existence\n    message: \"x\"\n"


@pytest.mark.parametrize("text, line, column, fragment", [
    (RULE.replace("existence", "existance"), 3, 5, "Meinten Sie „existence“"),
    (RULE + "    patterns: ['(ab']\n", 5, 16, "ungültiger regulärer Ausdruck"),
    ("rules:\n  - id: style.test.rule\n    kind: existence\n    tokens: [a]\n", 2, 5, "„message“ fehlt"),
    (RULE + "    tokens: a\n", 5, 5, "muss eine Liste sein"),
    (RULE + "    tokens: [a]\n    level: fatal\n", 6, 5, "nicht erlaubt"),
    (RULE + "    tokens: [a]\n    scope: [title]\n", 6, 5, "Meinten Sie „scopes“"),
    (RULE + "    tokens: [a]\n    scopes: [titel]\n", 6, 14, "unbekannter Bereich"),
    (RULE + "    tokens: [a]\n  - id: style.test.rule\n    kind: existence\n    message: y\n    tokens: [b]\n",
     6, 5, "schon an Regel Nr. 1"),
    (RULE.replace('"x"', '"{treffer}"') + "    tokens: [a]\n", 4, 5, "unbekannten Platzhalter {treffer}"),
    ("rules:\n  - id: style.test.sub\n    kind: substitution\n    message: x\n    regex: true\n"
     "    swap: {'(a)': '$3'}\n", 6, 12, "nur 1"),
    ("rules:\n  - id: Style Test\n    kind: existence\n    message: x\n    tokens: [a]\n", 2, 5, "Namensraum"),
    ("rules:\n  - id: style.len\n    kind: occurrence\n    message: x\n    metric: words_per_sentence\n"
     "    limits: [{max: 3, min: 1}]\n", 6, 14, "genau eines"),
    ("vocabulary:\n  accept: Roskosmos\n", 2, 3, "Liste"),
    ("rules:\n  - just a string\n", 2, 5, "Zuordnung"),
])
def test_broken_rule_points_at_its_line(text, line, column, fragment):
    with pytest.raises(StyleGuideError) as caught:
        build_rules(guide_from(text))
    error = caught.value
    assert (error.line, error.column) == (line, column), str(error)
    assert fragment in error.problem
    assert str(error).startswith(f"styleguide.yaml:{line}:{column}:")


def test_shipped_style_guide_compiles_and_has_the_house_rules():
    style = build_rules(StyleGuide.load(REPO / "styleguide.yaml"))
    ids = {r.id for r in style.rules}
    for expected in ("style.typo.quotes", "style.typo.dash", "style.typo.range", "style.typo.ellipsis",
                     "style.typo.double-space", "style.typo.space-before-punctuation",
                     "style.typo.abbreviations", "style.typo.unit-space", "style.dates.numeric",
                     "style.length.sentence", "style.fillers", "style.anglicisms", "style.spelling.house",
                     "style.headline.period", "style.repetition", "style.consistency.spelling",
                     "style.abbreviations.introduce", "style.readability", "style.vocabulary.reject"):
        assert expected in ids
    assert {r.KIND for r in style.rules} == {"existence", "substitution", "occurrence", "repetition",
                                             "consistency", "conditional", "readability"}


def test_grammar_settings_switch_off_duplicate_languagetool_rules():
    disabled = StyleGuide.load(REPO / "styleguide.yaml").get("grammar", "disabled_rules")
    assert {"TYPOGRAFISCHE_ANFUEHRUNGSZEICHEN", "ABKUERZUNG_LEERZEICHEN", "BISSTRICH", "AUSLASSUNGSPUNKTE",
            "EINHEIT_LEERZEICHEN", "WHITESPACE_RULE", "DE_DOUBLE_PUNCTUATION"} <= set(disabled)


# -- German text helpers ------------------------------------------------------------------------
@pytest.mark.parametrize("text, count", [
    ("Das ist z. B. gut. Danach kam er.", 2),
    ("Am 31. Juli 2025 kam er. Danach ging er.", 2),
    ("Nr. 5 und Dr. Müller kamen usw. und gingen.", 1),
    ("Der 3. Platz ging an sie. Gut so!", 2),
    ("Er sagte: „Ja.“ Dann ging er… Wirklich? Ja!", 4),
    ("Im Jahr 2018. Danach wuchs es.", 2),
])
def test_sentence_splitter_knows_german_abbreviations_and_ordinals(text, count):
    assert len(sentence_spans(text)) == count


@pytest.mark.parametrize("word, count", [
    ("Haus", 1), ("Straße", 2), ("Raumfahrtbehörde", 5), ("Theater", 3), ("Nation", 3),
    ("Qualität", 3), ("beeinflussen", 4), ("Museum", 3), ("Europa", 3), ("Ä", 1), ("NASA", 2),
])
def test_syllables(word, count):
    assert syllables(word) == count


def test_quotation_spans():
    text = "Er sagte: „Ja, ‚so‘ ist es“ und \"nein\" – Hans’ Hut. „offen"
    spans = [text[s:e] for s, e in quotation_spans(text)]
    assert spans == ["Ja, ‚so‘ ist es", "nein", "offen"]


# -- style check as a library -------------------------------------------------------------------
def test_check_style_returns_diagnostics_with_fixes(guide):
    draft = Draft.from_text(make_draft(body=BAD))
    found = {d.rule: d for d in check_style(draft, CheckRun(guide))}
    spelling = found["style.spelling.house"]
    assert spelling.category is Category.STYLE and spelling.severity is Severity.ERROR
    assert "Roscosmos" in spelling.message and spelling.suggestions == ("Roskosmos",)
    assert draft.text[spelling.fix.start:spelling.fix.end] == "Roscosmos"
    assert found["style.dates.numeric"].fix.replacement == "31. Juli 2025"


def test_accepted_vocabulary_is_never_flagged():
    guide = guide_from('vocabulary:\n  accept: [Meeting-Raum]\nrules:\n  - id: style.a.b\n    kind: existence\n'
                       '    message: "{match}"\n    tokens: [Meeting]\n')
    draft = Draft.from_text(make_draft(body="BERLIN (dpa) – Im Meeting-Raum, nicht im Meeting.\n"))
    assert [d.source for d in check_style(draft, CheckRun(guide))] == ["Meeting"]


def test_disabled_rule_is_listed_but_not_run():
    guide = guide_from('rules:\n  - id: style.a.b\n    kind: existence\n    message: "{match}"\n'
                       '    tokens: [Text]\n    enabled: false\n')
    assert check_style(Draft.from_text(make_draft(body="BERLIN (dpa) – Text.\n")), CheckRun(guide)) == []


# -- fixer --------------------------------------------------------------------------------------
def _diag(rule, start, end, replacement, severity=Severity.ERROR):
    return Diagnostic("x", 1, 1, 1, 1, rule, Category.STYLE, severity, "m", (replacement,),
                      Fix(start, end, replacement))


def test_overlapping_fixes_that_contradict_are_left_to_the_writer():
    a = _diag("style.b", 5, 8, "A", Severity.WARNING)
    b = _diag("style.a", 5, 8, "B", Severity.ERROR)  # same span, another replacement: a contradiction
    c = _diag("style.c", 6, 10, "C")  # overlaps both
    d = _diag("style.d", 10, 12, "D")
    same = _diag("style.e", 10, 12, "D")  # the same fix from a second rule counts once
    grammar = Diagnostic("x", 1, 1, 1, 1, "grammar.X", Category.GRAMMAR, Severity.ERROR, "m", ("G",), Fix(0, 1, "G"))
    for order in ([a, b, c, d, same, grammar], [grammar, same, d, c, b, a]):
        chosen = select_fixes(order)
        assert [(x.fix.start, x.fix.replacement) for x in chosen] == [(10, "D")]


def test_a_fix_that_keeps_the_text_of_a_nested_one_goes_first():
    outer = Diagnostic("x", 1, 1, 1, 1, "style.typo.quotes", Category.STYLE, Severity.ERROR, "m", (),
                       Fix(3, 20, "„man 'Fortschritt'“", '"man \'Fortschritt\'"'))
    inner = Diagnostic("x", 1, 1, 1, 1, "style.typo.quotes-single", Category.STYLE, Severity.ERROR, "m", (),
                       Fix(8, 19, "‚Fortschritt‘", "'Fortschritt'"))
    assert select_fixes([inner, outer]) == [outer]  # the inner one follows in the next pass


def test_fix_applies_neither_of_two_contradicting_fixes(guide):
    """"20%" as "20 %" (a unit rule) and as "20 Prozent" (a percent rule): the writer chooses."""
    from edtool.engine import CheckOptions
    from edtool.fix import fix_bytes, make_runner

    text = make_draft(body="HOUSTON / LONDON (IT BOLTWISE) – Der Akku hält 20%.\n")
    own = ("rules:\n"
           "  - {id: style.x.unit, kind: substitution, regex: true, message: m, swap: {'(\\d+)%': '$1 %'}}\n"
           "  - {id: style.x.word, kind: substitution, regex: true, message: m, swap: {'(\\d+)%': '$1 Prozent'}}\n")
    from edtool.styleguide import StyleGuide

    result = fix_bytes(text.encode(), "d.md", make_runner(StyleGuide.from_text(own), CheckOptions(only={"style"})))
    assert not result.changed


# -- commands -----------------------------------------------------------------------------------
runner = CliRunner()


def test_rules_command_in_process():
    result = runner.invoke(app, ["rules", "--styleguide", str(REPO / "styleguide.yaml")])
    assert result.exit_code == 0, result.output
    assert "style.typo.quotes" in result.output and "substitution" in result.output
    result = runner.invoke(app, ["rules", "--format", "json", "--styleguide", str(REPO / "styleguide.yaml")])
    rows = json.loads(result.output)
    quotes = next(r for r in rows if r["id"] == "style.typo.quotes")
    assert quotes["kind"] == "substitution" and quotes["level"] == "error" and quotes["fixable"]


def test_styleguide_test_passes_on_the_shipped_guide(edtool_cli, desk):
    result = edtool_cli("styleguide", "test", cwd=desk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alle bestanden" in result.stdout


def test_styleguide_test_reports_a_failing_example(tmp_path):
    (tmp_path / "styleguide.yaml").write_text(
        'rules:\n  - id: style.a.b\n    kind: existence\n    message: "{match}"\n    tokens: [Foo]\n'
        '    examples: {flag: [Ein Bar.], accept: [Ein Foo.]}\n', encoding="utf-8")
    result = runner.invoke(app, ["styleguide", "test", "--styleguide", str(tmp_path / "styleguide.yaml")])
    assert result.exit_code == 1
    assert "style.a.b: Beispiel wird nicht gemeldet" in result.output
    assert "style.a.b: Beispiel wird gemeldet, sollte aber nicht" in result.output


def test_broken_style_guide_exits_2_with_position(edtool_cli, desk):
    text = (desk / "styleguide.yaml").read_text(encoding="utf-8")
    (desk / "styleguide.yaml").write_text(text.replace("kind: readability", "kind: lesbarkeit"), encoding="utf-8")
    (desk / "drafts" / "a.md").write_text(make_draft(body=BAD), encoding="utf-8")
    line = next(i for i, row in enumerate((desk / "styleguide.yaml").read_text().splitlines(), 1) if "lesbarkeit" in row)
    for args in (("check", *NO_GRAMMAR), ("rules",), ("styleguide", "test")):
        result = edtool_cli(*args, cwd=desk)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert f"styleguide.yaml:{line}:5:" in result.stderr and "lesbarkeit" in result.stderr
        assert "Traceback" not in result.stderr


def test_check_reports_style_findings_in_json(edtool_cli, desk):
    (desk / "drafts" / "a.md").write_text(make_draft(body=BAD), encoding="utf-8")
    result = edtool_cli("check", "--only", "style", "--format", "json", cwd=desk)
    assert result.returncode == 1
    rules = {d["rule"]: d for d in json.loads(result.stdout)["files"][0]["diagnostics"]}
    assert rules["style.spelling.house"]["fixable"] is True
    assert rules["style.spelling.house"]["line"] == 14


def test_diff_prints_and_writes_nothing_then_fix_writes_once(edtool_cli, desk):
    path = desk / "drafts" / "a.md"
    original = make_draft(body=BAD).replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(original)
    result = edtool_cli("check", "--diff", *NO_GRAMMAR, cwd=desk)
    assert result.returncode == 1
    # the changed words with a little context, at the place of the first change (CRLF file: same column)
    assert result.stdout == ("drafts/a.md:14:47: … (IT BOLTWISE) – Der Chef von [-Roscosmos-]{+Roskosmos+} "
                             "kam[-  -]{+ +}am [-31.07.2025-]{+31. Juli 2025+} an.\n")
    assert path.read_bytes() == original
    result = edtool_cli("check", "--fix", *NO_GRAMMAR, cwd=desk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 Datei korrigiert" in result.stderr
    # each fix is said with its rule, place and before/after
    assert "drafts/a.md:14:47: [style.spelling.house] „Roscosmos“ → „Roskosmos“" in result.stderr, result.stderr
    assert "[style.dates.numeric] „31.07.2025“ → „31. Juli 2025“" in result.stderr
    fixed = path.read_bytes()
    assert fixed == original.replace("Roscosmos kam  am 31.07.2025".encode(), "Roskosmos kam am 31. Juli 2025".encode())
    inode = os.stat(path).st_ino
    result = edtool_cli("check", "--fix", *NO_GRAMMAR, cwd=desk)
    assert "Nichts zu korrigieren" in result.stderr
    assert path.read_bytes() == fixed and os.stat(path).st_ino == inode  # not rewritten
    assert edtool_cli("check", "--diff", *NO_GRAMMAR, cwd=desk).returncode == 0


def test_fix_in_process_respects_only(tmp_path):
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    path = tmp_path / "a.md"
    path.write_text(make_draft(body="HOUSTON / LONDON (IT BOLTWISE) - Roscosmos kam.\n"), encoding="utf-8")
    result = runner.invoke(app, ["check", "--fix", "--only", "dateline", "--styleguide",
                                 str(tmp_path / "styleguide.yaml"), str(path)])
    assert result.exit_code == 0, result.output
    assert "(IT BOLTWISE) – Roscosmos kam." in path.read_text(encoding="utf-8")


def test_shipped_drafts_have_no_errors(edtool_cli):
    result = edtool_cli("check", *NO_GRAMMAR, "drafts", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_switch_is_a_warning_and_other_categories_can_be_switched_off(guide):
    from edtool.engine import CheckOptions, check_draft, load_check

    body = ("<!-- edtool-disable-next-line dateline.missing -->\nKein Anfang mit Ortsmarke.\n\n"
            "<!-- edtool-disable style.gibtsnicht -->\n")
    draft = Draft.from_text(make_draft(body=body))
    checks = {n: load_check(n) for n in ("dateline", "style")}
    found = check_draft(draft, CheckRun(guide), checks, CheckOptions(skip={"grammar", "spelling"}), [])
    assert [d.rule for d in found] == ["style.switch.unknown-rule"]
    assert found[0].severity is Severity.WARNING and "style.gibtsnicht" in found[0].message


def test_fix_never_breaks_the_front_matter_and_stops_on_rules_undoing_each_other():
    from edtool.fix import fix_bytes, make_runner

    guide = guide_from(
        'rules:\n  - id: style.a.colon\n    kind: substitution\n    message: x\n    regex: true\n'
        '    scopes: [title]\n    swap: {" - ": ": "}\n'
        '  - id: style.a.there\n    kind: substitution\n    message: x\n    swap: {Hin: Her}\n'
        '  - id: style.a.back\n    kind: substitution\n    message: x\n    swap: {Her: Hin}\n')
    data = "---\ntitle: Eins - zwei\n---\n\nHin und weg.\n".encode("utf-8")
    result = fix_bytes(data, "a.md", make_runner(guide))
    text = result.fixed.decode("utf-8")
    assert text.startswith("---\ntitle: Eins - zwei\n")  # "Eins: zwei" would not be YAML any more
    Draft.from_text(text)
    again = fix_bytes(result.fixed, "a.md", make_runner(guide))
    assert again.fixed in (result.fixed, data)  # a cycle stops; nothing is lost


def test_fix_reports_a_draft_it_cannot_write_and_goes_on(tmp_path, monkeypatch):
    import edtool.fsutil

    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(make_draft(body=BAD), encoding="utf-8")
    real = edtool.fsutil.atomic_write

    def flaky(path, data, overwrite=True, **options):
        if Path(path).name == "a.md":
            raise PermissionError(13, "Keine Berechtigung")
        real(path, data, overwrite, **options)

    monkeypatch.setattr(edtool.fsutil, "atomic_write", flaky)
    result = runner.invoke(app, ["check", "--fix", *NO_GRAMMAR, "--styleguide", str(tmp_path / "styleguide.yaml"),
                                 str(tmp_path / "a.md"), str(tmp_path / "b.md")])
    assert "a.md: Korrekturen nicht gespeichert: Keine Berechtigung" in result.output
    assert "1 Datei korrigiert" in result.output
    assert "Roscosmos" in (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "Roskosmos" in (tmp_path / "b.md").read_text(encoding="utf-8")
    assert result.exit_code == 1  # a.md still has its errors
