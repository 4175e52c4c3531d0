"""The check run: what the checks build from the style guide is built once per run, and never shared
between runs; the language server keeps one run per loaded style guide."""

from __future__ import annotations

import socket
from functools import partial
from pathlib import Path

import pytest

from conftest import make_draft
from edtool.checkrun import CheckRun
from edtool.draft import Draft
from edtool.engine import CheckOptions, check_sources, run_checks
from edtool.lsp.desk import Desk, Snapshot
from edtool.styleguide import StyleGuide

NO_LT = CheckOptions(skip={"grammar", "spelling"})
BODY = "HOUSTON / LONDON (IT BOLTWISE) – In Adlershof fertigt die KVB kleine Sensoren für Satelliten.\n"
LINE, KVB = 14, 59  # where the undefined abbreviation stands under make_draft's front matter
IGNORE_KVB = ("- rule: style.abbreviations.introduce\n  text: KVB\n  reason: Firmenname\n  who: Test\n")


def _abbreviations(results) -> list[tuple[str, int, int]]:
    return [(d.rule, d.line, d.column) for r in results for d in r.diagnostics
            if d.rule == "style.abbreviations.introduce"]


def _sources(desk: Path, count: int) -> list:
    paths = []
    for n in range(count):
        path = desk / "drafts" / f"d{n}.md"
        path.write_text(make_draft(body=BODY).replace("slug: erstes-treffen-roskosmos-nasa", f"slug: sensoren-{n}"),
                        encoding="utf-8")
        paths.append(path)
    return [(str(p), partial(Draft.load, p)) for p in paths]


def test_a_second_run_reads_a_changed_ignore_file_and_one_run_keeps_its_own(desk, monkeypatch):
    monkeypatch.chdir(desk)
    sources = _sources(desk, 1)
    guide = StyleGuide.load(desk / "styleguide.yaml")
    first = CheckRun(guide)
    assert _abbreviations(check_sources(sources, guide, NO_LT, run=first)) == [
        ("style.abbreviations.introduce", LINE, KVB)]
    (desk / "ignore.yaml").write_text(IGNORE_KVB, encoding="utf-8")
    # the same guide, a new run: it reads ignore.yaml again
    second = run_checks(["drafts"], guide, NO_LT)
    assert _abbreviations(second) == []
    [hidden] = second[0].suppressed
    assert (hidden.line, hidden.column, hidden.by) == (LINE, KVB, "ignore.yaml:1")
    # the first run keeps the ignore file it read
    assert _abbreviations(check_sources(sources, guide, NO_LT, run=first)) == [
        ("style.abbreviations.introduce", LINE, KVB)]


def test_a_second_run_reads_a_changed_word_list(desk):
    words = desk / "vocabulary" / "learned.txt"  # the shipped guide's `vocabulary.learned`
    words.parent.mkdir()
    words.write_text("Adlershof\n", encoding="utf-8")
    guide = StyleGuide.load(desk / "styleguide.yaml")
    first = CheckRun(guide)
    assert "Adlershof" in first.desk_terms and first.vocabulary.search("in Adlershof")
    words.write_text("Zehlendorf\n", encoding="utf-8")
    second = CheckRun(guide)
    assert "Zehlendorf" in second.desk_terms and "Adlershof" not in second.desk_terms
    assert "Adlershof" in first.desk_terms  # read once for the run
    assert second.style is not first.style and second.schema is not first.schema


def test_one_run_builds_each_part_once_over_many_drafts(desk, monkeypatch):
    """The real builders, counted: one run over three drafts builds rules, schema and ignore file once;
    the next run builds them again."""
    from edtool import ignore
    from edtool.checks import metadata, style

    built: dict[str, int] = {}

    def counted(module, name):
        real = getattr(module, name)

        def build(*args):
            built[name] = built.get(name, 0) + 1
            return real(*args)

        monkeypatch.setattr(module, name, build)

    counted(style, "build_rules")
    counted(metadata, "compile_schema")
    counted(ignore, "load_for")
    monkeypatch.chdir(desk)
    sources = _sources(desk, 3)
    guide = StyleGuide.load(desk / "styleguide.yaml")
    run = CheckRun(guide)
    results = check_sources(sources, guide, NO_LT, run=run)
    assert _abbreviations(results) == [("style.abbreviations.introduce", LINE, KVB)] * 3
    assert built == {"build_rules": 1, "compile_schema": 1, "load_for": 1}
    rules = run.style
    check_sources(sources, guide, NO_LT, run=run)
    assert run.style is rules and built == {"build_rules": 1, "compile_schema": 1, "load_for": 1}
    run_checks(["drafts"], guide, NO_LT)  # a run of its own
    assert built == {"build_rules": 2, "compile_schema": 2, "load_for": 2}


def test_a_run_of_another_style_guide_is_refused(desk):
    guide = StyleGuide.load(desk / "styleguide.yaml")
    other = CheckRun(StyleGuide.load(desk / "styleguide.yaml"))
    with pytest.raises(ValueError):
        check_sources([], guide, NO_LT, run=other)


def test_the_run_module_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, edtool.checkrun; heavy = [m for m in ('git', 'language_tool_python', 'jsonschema_rs',"
            " 'edtool.checks.style', 'edtool.checks.grammar') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


# -- the language server's run --------------------------------------------------------------------
def _snap(desk: Path, text: str, version: int) -> Snapshot:
    return Snapshot((desk / "drafts" / "a.md").as_uri(), text, version, "markdown")


def test_the_language_server_keeps_its_run_through_edits_and_replaces_it_when_the_guide_changes(desk):
    server = Desk(str(desk / "styleguide.yaml"))
    text = make_draft(body=BODY)
    first = server.check_fast(_snap(desk, text, 1))
    assert [(f.diagnostic.rule, f.diagnostic.line, f.diagnostic.column) for f in first.findings] == [
        ("style.abbreviations.introduce", LINE, KVB)]
    rules = first.run.style
    edited = server.check_fast(_snap(desk, text.replace("fertigt ", "fertigte "), 2))
    assert edited.run is first.run and edited.run.style is rules  # nothing rebuilt for an edit
    assert [(f.diagnostic.line, f.diagnostic.column) for f in edited.findings] == [(LINE, KVB + 1)]

    (desk / "ignore.yaml").write_text(IGNORE_KVB, encoding="utf-8")  # a file the guide names
    ignored = server.check_fast(_snap(desk, text, 3))
    assert ignored.run is not first.run and ignored.findings == []

    guide_file = desk / "styleguide.yaml"
    guide_file.write_text(guide_file.read_text(encoding="utf-8") + "\n# geändert\n", encoding="utf-8")
    changed = server.check_fast(_snap(desk, text, 4))
    assert changed.run is not ignored.run and changed.run.style is not rules
    assert server.check_fast(_snap(desk, text, 5)).run is changed.run
    server.forget_guides()
    assert server.check_fast(_snap(desk, text, 6)).run is not changed.run


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_language_server_tries_a_new_grammar_session_after_languagetool_was_down(desk, monkeypatch):
    monkeypatch.delenv("EDTOOL_LANGUAGETOOL_URL", raising=False)
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(desk / "cache"))
    guide_file = desk / "styleguide.yaml"
    text = guide_file.read_text(encoding="utf-8")
    assert "\ngrammar:\n" in text
    guide_file.write_text(text.replace("\ngrammar:\n", f"\ngrammar:\n  server_url: http://127.0.0.1:{_closed_port()}\n",
                                       1), encoding="utf-8")
    server = Desk(str(guide_file))
    snap = _snap(desk, make_draft(body=BODY), 1)
    fast = server.check_fast(snap)
    down = server.check_grammar(snap, fast.draft, fast.run)
    assert down.down and not down.findings
    session = fast.run.started_grammar_session
    assert session is not None and session.failure is not None
    assert server.check_grammar(snap, fast.draft, fast.run).skipped  # not tried again at once
    again = server.check_grammar(snap, fast.draft, fast.run, retry=True)  # a save: tried with a new session
    assert again.down is None and not again.skipped  # still down: said once
    assert fast.run.started_grammar_session is not session
