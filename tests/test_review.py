"""The review page (findings marked at their exact spans), `edtool preview`, `edtool review` and `edtool diff`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.cli.main import app
from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.draft import Draft
from edtool.render import body_html
from edtool.review import count_label, flagged_text, review_page
from review_support import SAMPLE, check_results, marks_of


def test_every_finding_of_the_sample_is_marked_at_its_exact_span():
    result = check_results(SAMPLE)
    page = review_page(result.draft, result.diagnostics)
    assert len(page.findings) == len(result.diagnostics) >= 10
    marks = marks_of(page.html)
    assert marks.balanced
    for finding in page.findings:
        assert finding.where, finding.diagnostic
        expected = flagged_text(result.draft, finding)
        assert marks.marked.get(finding.number, "") == expected, finding.diagnostic.rule
        # where the span holds no markup, what is marked is exactly the source text
        source = result.draft.text[finding.start:finding.end]
        if "\\" not in source and "*" not in source:
            assert expected == source
    by_rule = {f.diagnostic.rule: marks.marked[f.number] for f in page.findings}
    assert by_rule["style.numbers.thousands"] == "4.500"
    assert by_rule["style.typo.space-before-punctuation"] == " ,"
    assert by_rule["metadata.enum"] == "category: Sport"
    assert by_rule["dateline.dash"] == " - "


def test_crlf_and_bom_change_nothing(tmp_path):
    copy = tmp_path / "crlf.md"
    copy.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes().replace(b"\n", b"\r\n"))
    plain, crlf = check_results(SAMPLE), check_results(copy)
    page = review_page(crlf.draft, crlf.diagnostics)
    marks = marks_of(page.html)
    assert len(page.findings) == len(plain.diagnostics)
    for finding in page.findings:
        assert finding.where and marks.marked.get(finding.number, "") == flagged_text(crlf.draft, finding)


def test_findings_are_listed_by_severity_with_message_and_suggestion():
    result = check_results(SAMPLE)
    page = review_page(result.draft, result.diagnostics)
    ranks = [f.severity.rank for f in page.findings]
    assert ranks == sorted(ranks, reverse=True)
    errors = sum(1 for f in page.findings if f.severity == Severity.ERROR)
    assert f"<h2>Fehler ({errors})</h2>" in page.html
    for finding in page.findings:
        d = finding.diagnostic
        assert f'<li id="f-{finding.number}" class="sev-{d.severity.value}">' in page.html
        assert f"Zeile {d.line}, Spalte {d.column}" in page.html
        from html import escape

        assert escape(d.message) in page.html  # beside it
        assert f"[{finding.number}] {escape(d.message)}" in page.html  # and on hover (title attribute)
        for suggestion in d.suggestions[:5]:
            assert f'<span class="s">{escape(suggestion)}</span>' in page.html or not suggestion


def test_the_page_without_marks_is_the_preview():
    import re

    result = check_results(SAMPLE)
    page = review_page(result.draft, result.diagnostics)
    article = page.html[page.html.index('<article class="article">'):page.html.index("</article>")]
    body = article[article.index('<p class="meta">'):]
    body = body[body.index("</p>\n") + 5:]
    stripped = re.sub(r'<span class="anchor" id="m-\d+"></span>|<mark [^>]*>|</mark>', "", body)
    assert stripped == body_html(result.draft.body, images=False)


def test_page_is_self_contained():
    result = check_results(SAMPLE)
    page = review_page(result.draft, result.diagnostics)
    marks = marks_of(page.html)
    assert marks.external == [] and "script" not in marks.tags
    assert "default-src 'none'" in page.html
    assert "<link" not in page.html and "@import" not in page.html and "url(" not in page.html


def _diagnostic(draft: Draft, start: int, end: int, severity=Severity.WARNING, rule="grammar.TEST") -> Diagnostic:
    line, column = draft.position(start)
    end_line, end_column = draft.position(end)
    return Diagnostic(draft.path, line, column, end_line, end_column, rule, Category.GRAMMAR, severity,
                      "Testbefund.", ("Ersatz",))


BODY = ("BERLIN (IT BOLTWISE) – Ein *betonter* Satz mit **fettem Wort** und `Code`, dazu [ein Link](https://example.org)"
        " und ein Zeilen-\numbruch & Entität &amp; Ende.\n\n## Zwischentitel\n\n- Punkt eins\n- Punkt _zwei_\n\n"
        "> Ein Zitat mit \\*Sternchen\\*.\n\n| Spalte | Wert |\n|---|---|\n| Preis | 4.500 Euro |\n")


def test_a_span_across_markup_marks_what_the_reader_sees():
    draft = Draft.from_text(make_draft(body=BODY))
    start = draft.text.index("betonter")
    end = draft.text.index("Wort**") + 4
    page = review_page(draft, [_diagnostic(draft, start, end)])
    marks = marks_of(page.html)
    assert marks.balanced
    assert marks.marked[1] == "betonter Satz mit fettem Wort" == flagged_text(draft, page.findings[0])
    # split at the element boundaries
    assert '<em><span class="anchor" id="m-1"></span><mark class="f sev-warning" data-f="1"' in page.html
    assert '</mark></em><mark class="f sev-warning" data-f="1"' in page.html


def test_an_insertion_point_is_a_point_mark():
    draft = Draft.from_text(make_draft(body=BODY))
    at = draft.text.index(" Satz mit")
    page = review_page(draft, [_diagnostic(draft, at, at)])
    marks = marks_of(page.html)
    assert page.findings[0].where == "body" and 1 in marks.points and marks.marked.get(1, "") == ""
    assert "Fundstelle: <em>(Einfügestelle)</em>" in page.html
    assert 'Vorschlag: <span class="s">Ersatz</span>' in page.html


def test_findings_outside_the_readers_text_are_listed_not_marked():
    draft = Draft.from_text(make_draft(body=BODY + "\n<!-- edtool-disable-next-line style.unbekannt -->\nText.\n"))
    comment = draft.text.index("style.unbekannt")
    code = draft.text.index("Code`")
    page = review_page(draft, [_diagnostic(draft, comment, comment + 15), _diagnostic(draft, code, code + 4),
                               _diagnostic(draft, 0, 0, Severity.ERROR, "file.service")])
    assert [f.where for f in page.findings] == [None, None, None]
    assert page.html.count("Im Text nicht markierbar") == 3
    assert "edtool-disable-next-line style.unbekannt" in page.html  # the source line is shown in the list
    assert "data-f=" not in page.html


def _prose_spans(draft: Draft):
    from edtool.prose import prose_of

    positions = sorted({o for s in prose_of(draft).segments for o, v in zip(s.offsets, s.verbatim) if v})
    return st.tuples(st.sampled_from(positions), st.integers(0, 30)).map(lambda t: (t[0], t[0] + t[1]))


_DRAFT = Draft.from_text(make_draft(body=BODY))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_prose_spans(_DRAFT), min_size=1, max_size=6))
def test_property_marks_never_change_the_article_and_cover_exactly_the_flagged_text(spans):
    """For any findings in the prose: the HTML nests properly, the article equals the preview once the
    marks are gone, and every marked finding's marked text is the prose text of its span."""
    import re

    draft = _DRAFT
    diagnostics = [_diagnostic(draft, a, min(b, len(draft.text))) for a, b in spans]
    page = review_page(draft, diagnostics)
    marks = marks_of(page.html)
    assert marks.balanced
    body = page.html[page.html.index('<p class="meta">'):page.html.index("</article>")]
    body = body[body.index("</p>\n") + 5:]
    assert re.sub(r'<span class="anchor" id="m-\d+"></span>|<mark [^>]*>|</mark>', "", body) == \
        body_html(draft.body, images=False)
    for finding in page.findings:
        if finding.where == "body":
            # code and links stand as U+FFFC in the prose; a soft line break is a space there
            pattern = "".join(".*?" if c == "\ufffc" else r"\s+" if c.isspace() else re.escape(c)
                              for c in flagged_text(draft, finding))
            assert re.fullmatch(pattern, marks.marked.get(finding.number, ""), re.S), finding


def test_word_diff_section_and_counts():
    draft = Draft.from_text(make_draft(body="BERLIN (IT BOLTWISE) – Die neue Fassung hat 4.800 Wörter.\n"))
    page = review_page(draft, [], baseline=("der Datei alt.md", "Die alte Fassung hat 4.500 Wörter."))
    assert '<section class="diff" id="diff"><h2>Änderungen gegenüber der Datei alt.md</h2>' in page.html
    assert "<del>4.500</del><ins>4.800</ins>" in page.html and "<del>alte</del><ins>neue</ins>" in page.html
    assert "Keine Befunde." in page.html


def test_count_labels_are_grammatical():
    assert [count_label(n, Severity.ERROR) for n in (0, 1, 2)] == ["0 Fehler", "1 Fehler", "2 Fehler"]
    assert [count_label(n, Severity.WARNING) for n in (1, 2)] == ["1 Warnung", "2 Warnungen"]
    assert [count_label(n, Severity.INFO) for n in (1, 3)] == ["1 Hinweis", "3 Hinweise"]


# -- commands ---------------------------------------------------------------------------------------

def invoke(*args: str, cwd: Path | None = None):
    import os

    runner = CliRunner()
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        return runner.invoke(app, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_review_command_writes_the_page(desk):
    shutil.copy(SAMPLE, desk / "drafts" / "a.md")
    result = invoke("review", "drafts/a.md", "--html", "seite.html", "--skip", "grammar,spelling", cwd=desk)
    assert result.exit_code == 0, result.output
    assert "Prüfansicht geschrieben: seite.html" in result.output
    page = (desk / "seite.html").read_text("utf-8")
    assert page.count('<li id="f-') >= 10 and "Prüfansicht: drafts/a.md" in page


def test_preview_command_writes_the_article_and_opens_it(desk, run_edtool, tmp_path):
    draft = desk / "drafts" / "a.md"
    draft.write_text(make_draft(body="BERLIN (IT BOLTWISE) – Text <!-- edtool-disable style --> hier.\n"), "utf-8")
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', "utf-8")
    browser.chmod(0o755)
    out = run_edtool("preview", "drafts/a.md", "--html", "vorschau.html", "--open", cwd=desk,
                     env={"BROWSER": str(browser)})
    assert out.returncode == 0, out.stderr
    page = (desk / "vorschau.html").read_text("utf-8")
    assert "<p>BERLIN (IT BOLTWISE) – Text  hier.</p>" in page and "edtool-disable" not in page
    assert opened.read_text("utf-8").strip() == (desk / "vorschau.html").resolve().as_uri()


def test_commands_say_what_is_wrong_in_german(desk):
    (desk / "drafts" / "kaputt.md").write_text("kein Front Matter\n", "utf-8")
    result = invoke("preview", "drafts/kaputt.md", "--html", "x.html", cwd=desk)
    assert result.exit_code == 2 and "Front Matter fehlt" in result.output
    (desk / "drafts" / "b.md").write_text(make_draft(GOOD_FRONT_MATTER + "corrections: falsch\n"), "utf-8")
    result = invoke("preview", "drafts/b.md", "--html", "x.html", cwd=desk)
    assert result.exit_code == 2 and "drafts/b.md:12:1: Feld „corrections“ ist keine Liste" in result.output
    result = invoke("diff", "drafts/b.md", cwd=desk)
    assert result.exit_code == 2 and "kein Inhalts-Repository eingerichtet" in result.output
    result = invoke("diff", "drafts/b.md", "--against", "gibt-es-nicht", cwd=desk)
    assert result.exit_code == 2 and "weder eine Datei noch eine Git-Revision" in result.output
    assert not (desk / "x.html").exists()


def git(*args: str, cwd: Path) -> str:
    env = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": __import__("os").environ["PATH"], "HOME": str(cwd)}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def test_diff_against_a_file_and_a_git_revision(desk):
    draft = desk / "drafts" / "a.md"
    draft.write_text(make_draft(body="BERLIN (IT BOLTWISE) – Der Schweißroboter kostet 4.500 Euro.\n"), "utf-8")
    git("init", "-q", "-b", "main", cwd=desk)
    git("add", "drafts/a.md", cwd=desk)
    git("commit", "-q", "-m", "Entwurf", cwd=desk)
    shutil.copy(draft, desk / "alt.md")
    draft.write_text(make_draft(body="BERLIN (IT BOLTWISE) – Der Schweißautomat kostet 4.800 Euro.\n"), "utf-8")
    for against in ("alt.md", "HEAD"):
        result = invoke("diff", "drafts/a.md", "--against", against, "--no-color", cwd=desk)
        assert result.exit_code == 1, result.output
        assert "Der [-Schweißroboter-]{+Schweißautomat+} kostet [-4.500-]{+4.800+} Euro." in result.output
        assert "2 Wörter entfernt, 2 Wörter hinzugefügt." in result.output
    result = invoke("diff", "drafts/a.md", "--against", "HEAD", "--color", cwd=desk)
    assert "\x1b[31m\x1b[9mSchweißroboter\x1b[0m\x1b[32mSchweißautomat\x1b[0m" in result.output
    result = invoke("diff", "drafts/a.md", "--against", "alt.md", "--source", "--full", "--no-color", cwd=desk)
    assert result.exit_code == 1 and result.output.startswith("Vergleich mit der Datei alt.md:\n---\ntitle: ")
    git("commit", "-qam", "zweite Fassung", cwd=desk)
    result = invoke("diff", "drafts/a.md", "--against", "HEAD", cwd=desk)
    assert result.exit_code == 0 and "Keine Änderungen." in result.output


def test_diff_and_review_compare_with_the_published_version_in_the_content_repository(desk, tmp_path):
    content = tmp_path / "inhalt"
    content.mkdir()
    git("init", "-q", "-b", "main", cwd=content)
    published = make_draft(GOOD_FRONT_MATTER.replace("status: draft", "status: published"),
                           "HOUSTON / LONDON (IT BOLTWISE) – Die Crew landet am Montag.\n")
    target = content / "articles" / "2025" / "07" / "erstes-treffen-roskosmos-nasa.md"
    target.parent.mkdir(parents=True)
    target.write_text(published, "utf-8")
    git("add", ".", cwd=content)
    git("commit", "-q", "-m", "Publish: Treffen", cwd=content)
    draft = desk / "drafts" / "a.md"
    draft.write_text(make_draft(body="HOUSTON / LONDON (IT BOLTWISE) – Die Crew landet am Dienstag.\n"), "utf-8")
    result = invoke("diff", "drafts/a.md", "--content-repo", str(content), "--no-color", cwd=desk)
    assert result.exit_code == 1, result.output
    assert ("Vergleich mit der veröffentlichten Fassung (articles/2025/07/erstes-treffen-roskosmos-nasa.md, Commit"
            in result.output)
    assert "Die Crew landet am [-Montag-]{+Dienstag+}." in result.output
    assert git("status", "--porcelain", cwd=content) == ""  # read only
    result = invoke("review", "drafts/a.md", "--html", "r.html", "--content-repo", str(content),
                    "--skip", "grammar,spelling", cwd=desk)
    assert result.exit_code == 0, result.output
    page = (desk / "r.html").read_text("utf-8")
    assert "Änderungen gegenüber der veröffentlichten Fassung" in page
    assert "<del>Montag</del><ins>Dienstag</ins>" in page


def test_diff_of_an_unpublished_article_says_how_to_compare(desk, tmp_path):
    content = tmp_path / "inhalt"
    content.mkdir()
    git("init", "-q", "-b", "main", cwd=content)
    git("commit", "-q", "--allow-empty", "-m", "leer", cwd=content)
    (desk / "drafts" / "a.md").write_text(make_draft(), "utf-8")
    result = invoke("diff", "drafts/a.md", "--content-repo", str(content), cwd=desk)
    assert result.exit_code == 2 and "nicht veröffentlicht; mit --against DATEI" in result.output


def test_diff_compares_with_the_text_of_the_last_approval(desk):
    from edtool.styleguide import StyleGuide
    from edtool.workflow import approve, submit

    guide = StyleGuide.load(desk / "styleguide.yaml")
    draft = desk / "drafts" / "a.md"
    draft.write_text(make_draft(body="HOUSTON / LONDON (IT BOLTWISE) – Die Crew landet am Montag in Houston.\n"),
                     "utf-8")
    submit(draft, guide)
    approve(draft, "Katrin Vogel", guide)
    snapshot = desk / ".edtool" / "approved" / "a.md"
    assert snapshot.read_bytes() == draft.read_bytes()  # the approved file, approval fields included
    draft.write_text(draft.read_text("utf-8").replace("am Montag", "am Dienstag"), "utf-8")
    result = invoke("diff", "drafts/a.md", "--no-color", cwd=desk)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Vergleich mit der zuletzt freigegebenen Fassung (a.md):")
    assert "Die Crew landet am [-Montag-]{+Dienstag+} in Houston." in result.output


def test_an_approval_whose_text_cannot_be_kept_changes_nothing(desk):
    from edtool.styleguide import StyleGuide
    from edtool.workflow import WorkflowError, approve, submit

    guide = StyleGuide.load(desk / "styleguide.yaml")
    draft = desk / "drafts" / "a.md"
    draft.write_text(make_draft(), "utf-8")
    submit(draft, guide)
    before = draft.read_bytes()
    (desk / ".edtool").write_text("kein Ordner", "utf-8")  # the snapshot folder cannot be made
    try:
        approve(draft, "Katrin Vogel", guide)
    except WorkflowError as exc:
        assert "freigegebene Fassung" in exc.message and "Nichts freigegeben" in exc.message
    else:
        raise AssertionError("approve went on without keeping the approved text")
    assert draft.read_bytes() == before
