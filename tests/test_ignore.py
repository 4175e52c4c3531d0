"""ignore.yaml and inline switches: a false alarm is said once, and every suppression stays visible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import make_draft
from edtool.draft import Draft
from edtool.engine import CheckOptions, run_checks
from edtool.ignore import IgnoreFileError, parse, sentence_at
from edtool.styleguide import StyleGuide

NO_LT = CheckOptions(skip={"grammar", "spelling"})
BODY = ("HOUSTON / LONDON (IT BOLTWISE) – In Zehlendorf baut die QXT elektronische Bauteile. "
        "Die QXT sucht Leute.\n\nDer Zulieferer ZRB liefert Teile an die WQV.\n")
LINE = 14  # the body's first line under GOOD_FRONT_MATTER


def _write(desk: Path, body: str = BODY, ignore: str | None = None) -> Path:
    draft = desk / "drafts" / "werk.md"
    draft.write_text(make_draft(body=body), encoding="utf-8")
    if ignore is not None:
        (desk / "ignore.yaml").write_text(ignore, encoding="utf-8")
    return draft


def _rules(result) -> list[tuple[str, int, int]]:
    return [(d.rule, d.line, d.column) for d in result.diagnostics if d.rule.startswith("style.abbreviations")]


def test_entry_with_text_and_sentence_suppresses_only_that_finding(desk, monkeypatch):
    monkeypatch.chdir(desk)
    _write(desk, ignore=(
        "# geprüft\n"
        "- rule: style.abbreviations.introduce\n"
        "  text: QXT\n"
        "  sentence: In Zehlendorf baut die QXT elektronische Bauteile.\n"
        "  reason: Firmenname\n"
        "  who: Erika Muster\n"))
    result = run_checks(["drafts"], StyleGuide.load(desk / "styleguide.yaml"), NO_LT)[0]
    assert ("style.abbreviations.introduce", LINE, 57) not in _rules(result)
    assert ("style.abbreviations.introduce", LINE + 2, 41) in _rules(result)  # WQV: not covered
    [hidden] = [d for d in result.suppressed if d.rule == "style.abbreviations.introduce"]
    assert (hidden.line, hidden.column, hidden.by, hidden.kind) == (LINE, 57, "ignore.yaml:2", "ignore")
    assert hidden.to_dict()["suppressed"] == {"by": "ignore.yaml:2", "kind": "ignore", "reason": "Firmenname",
                                              "who": "Erika Muster"}


def test_entry_does_not_apply_once_the_sentence_changes(desk, monkeypatch):
    monkeypatch.chdir(desk)
    _write(desk, body=BODY.replace("elektronische Bauteile", "Chips"), ignore=(
        "- rule: style.abbreviations.introduce\n  text: QXT\n"
        "  sentence: In Zehlendorf baut die QXT elektronische Bauteile.\n  reason: Firmenname\n  who: E. M.\n"))
    result = run_checks(["drafts"], StyleGuide.load(desk / "styleguide.yaml"), NO_LT)[0]
    assert ("style.abbreviations.introduce", LINE, 57) in _rules(result)
    assert not result.suppressed


def test_pattern_namespace_and_file_glob(desk, monkeypatch):
    monkeypatch.chdir(desk)
    _write(desk, ignore=(
        "- rule: style.abbreviations\n  pattern: 'Zulieferer [A-Z]{3}'\n  file: drafts/*.md\n"
        "  reason: Firmennamen im Satz\n  who: E. M.\n"
        "- rule: style\n  text: QXT\n  file: drafts/anderer.md\n  reason: nur dort\n  who: E. M.\n"))
    result = run_checks(["drafts"], StyleGuide.load(desk / "styleguide.yaml"), NO_LT)[0]
    assert _rules(result) == [("style.abbreviations.introduce", LINE, 57)]
    assert [(d.line, d.column, d.by) for d in result.suppressed] == [(LINE + 2, 41, "ignore.yaml:1")]


@pytest.mark.parametrize("text, line, column, fragment", [
    ("- rule: x\n  reason: [a\n", 3, 1, "YAML"),
    ("rule: x\n", 1, 1, "Liste"),
    ("- rule: style.fillers\n  reason: r\n  who: w\n", 1, 3, "„text“, „sentence“ oder „pattern“"),
    ("- rule: style.fillers\n  text: echt\n  who: w\n", 1, 3, "„reason“ fehlt"),
    ("- rule: style.fillers\n  text: echt\n  reason: r\n  who: w\n  wer: x\n", 5, 3, "unbekannter Schlüssel „wer“"),
    ("- rule: style.fillers\n  pattern: '(('\n  reason: r\n  who: w\n", 1, 3, "regulärer Ausdruck"),
    ("- rule: style.fillers\n  text: ''\n  reason: r\n  who: w\n", 2, 9, "nicht leeren Text"),
])
def test_broken_ignore_file_points_at_its_line(text, line, column, fragment):
    with pytest.raises(IgnoreFileError) as info:
        parse(text, "ignore.yaml")
    assert (info.value.line, info.value.column) == (line, column)
    assert fragment in str(info.value) and str(info.value).startswith(f"ignore.yaml:{line}:{column}:")


def test_broken_ignore_file_exits_2_in_check_and_hook(edtool_cli, desk):
    _write(desk, ignore="- rule: style.fillers\n  reason: r\n  who: w\n")
    proc = edtool_cli("check", "--skip", "grammar,spelling", cwd=desk)
    assert proc.returncode == 2
    assert "ignore.yaml:1:3:" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_add_then_check_json_shows_it_suppressed(edtool_cli, desk):
    _write(desk)
    proc = edtool_cli("ignore", "add", f"drafts/werk.md:{LINE}:57", "style.abbreviations.introduce",
                      "--reason", "Firmenname", "--who", "Erika Muster", cwd=desk)
    assert proc.returncode == 0, proc.stderr
    assert "ignore.yaml:3" in proc.stderr  # below the two comment lines
    entries = parse((desk / "ignore.yaml").read_text(encoding="utf-8"))
    assert [(e.rule, e.text, e.file, e.who) for e in entries] == [
        ("style.abbreviations.introduce", "QXT", "drafts/werk.md", "Erika Muster")]
    assert entries[0].sentence.endswith("In Zehlendorf baut die QXT elektronische Bauteile.")
    out = edtool_cli("check", "--skip", "grammar,spelling", "--format", "json", cwd=desk)
    data = json.loads(out.stdout)
    items = data["files"][0]["diagnostics"]
    hidden = [d for d in items if d.get("suppressed")]
    assert [(d["rule"], d["line"], d["column"], d["suppressed"]["by"]) for d in hidden] == [
        ("style.abbreviations.introduce", LINE, 57, "ignore.yaml:3")]
    assert data["summary"]["suppressed"] == 1
    text = edtool_cli("check", "--skip", "grammar,spelling", cwd=desk)
    assert "1 Befund unterdrückt" in text.stdout
    # a second entry is appended below the first; the comments stay
    again = edtool_cli("ignore", "add", f"drafts/werk.md:{LINE + 2}:41", "style.abbreviations.introduce",
                       "--reason", "Firmenname", "--who", "E. M.", "--everywhere", cwd=desk)
    assert again.returncode == 0, again.stderr
    saved = (desk / "ignore.yaml").read_text(encoding="utf-8")
    assert saved.startswith("# ") and saved.count("- rule:") == 2
    second = parse(saved)[1]
    assert (second.text, second.file, second.sentence) == ("WQV", None, None)


def test_cli_add_refuses_a_place_without_that_finding(edtool_cli, desk):
    _write(desk)
    proc = edtool_cli("ignore", "add", f"drafts/werk.md:{LINE}:2", "style.abbreviations.introduce",
                      "--reason", "x", cwd=desk)
    assert proc.returncode == 2 and "keine Meldung" in proc.stderr
    assert not (desk / "ignore.yaml").exists()
    bad = edtool_cli("ignore", "add", "drafts/werk.md", "style.fillers", "--reason", "x", cwd=desk)
    assert bad.returncode == 2 and "DATEI:ZEILE:SPALTE" in bad.stderr
    none = edtool_cli("ignore", "add", f"drafts/werk.md:{LINE}:57", "style.abbreviations.introduce", cwd=desk)
    assert none.returncode == 2 and "--reason" in none.stderr


def test_inline_switch_suppression_is_visible_with_its_line(guide):
    text = make_draft(body='HOUSTON / LONDON (IT BOLTWISE) – Ein Satz.\n\n'
                           '<!-- edtool-disable-next-line style.typo.quotes -->\nEr sagte "ja".\n\nSie sagte "nein".\n')
    from edtool.checkrun import CheckRun
    from edtool.engine import check_draft, load_check

    draft = Draft.from_text(text, "d.md")
    hidden: list = []
    found = check_draft(draft, CheckRun(guide), {"style": load_check("style")}, NO_LT, [], hidden)
    assert [(d.rule, d.line, d.column) for d in found if d.rule == "style.typo.quotes"] == [
        ("style.typo.quotes", LINE + 5, 11)]
    assert [(d.rule, d.line, d.column, d.by, d.kind) for d in hidden] == [
        ("style.typo.quotes", LINE + 3, 10, f"d.md:{LINE + 2}", "switch")]


def test_sentence_at_takes_the_sentence_of_the_finding(guide):
    draft = Draft.from_text(make_draft(body="Erster Satz hier. Die QXT baut\nBauteile. Letzter Satz.\n"), "d.md")
    from edtool.diagnostics import Category, Diagnostic, Severity

    d = Diagnostic("d.md", LINE, 23, LINE, 26, "style.x", Category.STYLE, Severity.WARNING, "m")
    assert sentence_at(draft, d) == "Die QXT baut Bauteile."


def test_the_hook_honours_the_ignore_file(edtool_cli, desk):
    import subprocess

    body = 'HOUSTON / LONDON (IT BOLTWISE) – Das Team nennt es "Sprung" und lacht.\n'
    _write(desk, body=body)
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "Test"], ["config", "user.email", "t@x.de"],
                 ["add", "styleguide.yaml", "drafts/werk.md"]):
        subprocess.run(["git", *args], cwd=desk, check=True, capture_output=True)
    blocked = edtool_cli("hooks", "run", "--skip", "grammar,spelling", cwd=desk)
    assert blocked.returncode == 1 and "style.typo.quotes" in blocked.stdout
    added = edtool_cli("ignore", "add", f"drafts/werk.md:{LINE}:{body.index(chr(34)) + 1}", "style.typo.quotes",
                       "--reason", "Zitat aus dem Original", "--who", "E. M.", cwd=desk)
    assert added.returncode == 0, added.stderr
    passed = edtool_cli("hooks", "run", "--skip", "grammar,spelling", "--format", "json", cwd=desk)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    [item] = [d for f in json.loads(passed.stdout)["files"] for d in f["diagnostics"] if d["rule"] == "style.typo.quotes"]
    assert item["suppressed"]["by"] == "ignore.yaml:3" and item["line"] == LINE
