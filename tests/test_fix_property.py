"""--fix never garbles text: only the reported spans change, each exactly where it was reported and
only if it holds the matched text; every other byte, the Markdown structure and the rest of the
front matter stay as they were; a second --fix changes nothing.

The property is checked by tests/fix_oracle.py, independently of the fixer's own bookkeeping, over
generated drafts (hypothesis) with every line end (LF, CRLF, lone CR, U+2028, U+0085), NUL,
link targets and titles that look like prose, code, comments, «…» quotations, tables and aliases.
benchmarks/fuzz_fix.py runs the same oracle over 10,000+ generated and mutated drafts.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fix_oracle as O
from conftest import REPO
from edtool.diagnostics import Category, Diagnostic, Fix, Severity
from edtool.draft import Draft
from edtool.fix import fix_bytes, make_runner

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def runner():
    from edtool.styleguide import StyleGuide

    return make_runner(StyleGuide.load(REPO / "styleguide.yaml"))


_piece = st.one_of(
    st.sampled_from(O.PIECES),
    st.sampled_from(O.BREAKS),
    st.sampled_from(O.BLOCKS).map(lambda block: f"\n\n{block}\n\n"),
    st.text(alphabet="ab -.z\n\r\x00\u2028`[]()<>\"'«»*\\", max_size=6),
)
_body = st.lists(st.tuples(_piece, st.sampled_from([" ", "", "\n"])), min_size=1, max_size=30).map(
    lambda parts: "".join(piece + glue for piece, glue in parts))
# a long first paragraph puts a NUL past the 8 KB the binary sniff reads (there it is text)
_long = st.sampled_from(["", "", "", "", "Ein langer Absatz mit Text. " * 300 + "\n\n"])
_drafts = st.builds(lambda title, long, body, eol, bom: O.make_draft(title, long + body, eol, bom),
                    st.sampled_from(O.TITLES), _long, _body, st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_drafts)
def test_fix_changes_only_the_reported_spans_and_is_idempotent(runner, data):
    problems, _ = O.check(data, runner)
    assert problems == []


def test_the_oracle_sees_fixes_happen(runner):
    """The property is not vacuous: generated drafts do get fixed, across line ends."""
    applied = 0
    for eol in ("\n", "\r\n", "\r"):
        data = O.make_draft(O.TITLES[0], "Text - z.B. am 12.08.2025 ... und [L](<x) z.B.>) «z.B. - so»\rz.B.\n",
                            eol)
        problems, count = O.check(data, runner)
        assert problems == []
        applied += count
    assert applied >= 3 * 5


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_lone_cr_in_the_body_fixes_the_right_bytes(runner, eol):
    """A lone CR ends a line as markdown-it and editors read it; the fix lands on the right bytes."""
    body = f"Erste Zeile.\rZweite Zeile mit z.B. Text.{eol}{eol}Dritter Absatz hat z.B. auch was{eol}"
    data = O.make_draft("title: Titel", body, eol, rest=O.CLEAN_REST)
    result = fix_bytes(data, "d.md", runner)
    expected = data.decode().replace("z.B.", "z. B.")
    assert result.fixed.decode() == expected
    draft = Draft.from_bytes(data)
    finding = [d for d in runner(draft) if d.rule == "style.typo.abbreviations"][0]
    lines = O._BREAK.split(data.decode())
    assert lines[finding.line - 1][finding.column - 1:].startswith("z.B.")


def test_nul_after_the_first_8_kb_keeps_the_map_exact(runner):
    body = "Wort " * 2000 + "\n\nA\x00b hat z.B. was.\n\nDritter hat z.B. was - so.\n"
    data = O.make_draft("title: Titel", body, rest=O.CLEAN_REST)
    problems, applied = O.check(data, runner)
    assert problems == [] and applied == 3
    fixed = fix_bytes(data, "d.md", runner).fixed.decode()
    assert "A\x00b hat z. B. was." in fixed and "Dritter hat z. B. was – so." in fixed


@pytest.mark.parametrize("link", [
    "[Link](<a) - y>)", '[Link](http://x "t) - z")', "[L](<x) z.B.>)", "[L](x 't) - z.B.')",
    '[L](x(a)-(b) "t - z.B.")', '[L](x (t - z.B.))', "[L](<a\\> - z.B.>)", '[L](u "a \\" - z.B.")', "![B - z.B.](<b) - z.B.> 't - z')",
])
def test_fix_never_edits_link_targets_or_titles(runner, link):
    body = f"Text {link} - z.B. danach.\n"
    data = O.make_draft("title: Titel", body, rest=O.CLEAN_REST)
    fixed = fix_bytes(data, "d.md", runner).fixed.decode()
    assert link in fixed  # the link as written
    assert "danach" in fixed and " – z. B. danach." in fixed  # the prose after it is fixed


@pytest.mark.parametrize("quote", ["«Er kam - z.B. am 12.08.2025 ...»", "‹Sie - z.B. so›",
                                   "»Er - z.B. so«", "„Sie - z.B. so“"])
def test_quotations_protect_their_words(runner, quote):
    data = O.make_draft("title: Titel", f"Sie sagte {quote} - z.B. danach.\n", rest=O.CLEAN_REST)
    fixed = fix_bytes(data, "d.md", runner).fixed.decode()
    assert quote in fixed
    assert fixed.endswith(" – z. B. danach.\n")


@pytest.mark.parametrize("front", [
    "x: &a Anker - z.B.\ntitle: *a",  # the alias: its text stands at the anchor
    "title: &t Titel - z.B.\nsubtitle: *t",  # the anchor: another field shares it
    "title: !!str Titel - z.B.",  # an explicit tag
    'title: "Titel \\x2D z.B. - so"',  # escapes: the value is not the source text
])
def test_front_matter_values_not_plainly_in_the_source_are_never_fixed(runner, front):
    data = O.make_draft(front, "Text.\n", rest=O.CLEAN_REST)
    result = fix_bytes(data, "d.md", runner)
    before, after = data.decode(), result.fixed.decode()
    assert before.split("slug:")[0] == after.split("slug:")[0]  # the fields up to the rest: unchanged
    findings = [d for d in runner(Draft.from_bytes(data)) if d.line <= 3 and d.category == Category.STYLE]
    assert findings and all(d.fix is None for d in findings)  # still reported, never fixed


def test_a_plain_title_is_fixed(runner):
    data = O.make_draft("title: Titel - z.B. so", "Text.\n", rest=O.CLEAN_REST)
    assert b"title: Titel \xe2\x80\x93 z. B. so\n" in fix_bytes(data, "d.md", runner).fixed


def test_a_fix_that_does_not_match_its_source_is_an_internal_error_never_a_write():
    data = O.make_draft("title: Titel", "Ein Satz mit Text.\n")
    draft = Draft.from_bytes(data)
    at = draft.text.index("Satz")

    def lying(d: Draft):
        line, column = d.position(at)
        return [Diagnostic(d.path, line, column, line, column + 4, "style.x", Category.STYLE, Severity.ERROR,
                           "m", ("Wort",), Fix(at, at + 4, "Wort", "Text"))]

    result = fix_bytes(data, "d.md", lying)
    assert result.internal and "Satz" in result.internal
    assert result.fixed == data and not result.changed


def test_a_fix_that_would_change_the_markdown_structure_is_left_alone(runner):
    """'31.7.2025' at the start of a paragraph would become '31. Juli 2025': a numbered list."""
    data = O.make_draft("title: Titel", rest=O.CLEAN_REST, body="Erster Absatz z.B. hier.\n\n31.7.2025 kam er - so.\n\n    Code - z.B.\n")
    fixed = fix_bytes(data, "d.md", runner).fixed.decode()
    assert "\n31.7.2025 kam er – so.\n" in fixed  # the dash is fixed, the date stays
    assert "Erster Absatz z. B. hier." in fixed and "    Code - z.B.\n" in fixed
    assert O.non_prose(fixed) == O.non_prose(data.decode())


def test_rules_undoing_each_other_settle_on_one_text(tmp_path):
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.from_text(
        "rules:\n"
        "  - {id: style.a.b, kind: substitution, message: m, swap: {Alpha: Beta}}\n"
        "  - {id: style.b.a, kind: substitution, message: m, swap: {Beta: Alpha}}\n")
    run = make_runner(guide)
    for word in ("Alpha", "Beta"):
        first = fix_bytes(O.make_draft("title: T", f"Ein {word} hier.\n"), "d.md", run)
        assert not first.internal
        again = fix_bytes(first.fixed, "d.md", run)
        assert not again.changed  # a second --fix changes nothing


def test_diff_places_changes_as_check_does_with_any_line_end(runner):
    """--diff names each change at the line and column check gives it (U+2028 and U+0085 stay inside
    their line, a lone CR ends one, as Draft counts lines) and shows it with the words around it."""
    from edtool.draft import Draft

    data = O.make_draft("title: Titel", "Vorne\u2028mitte\x85hinten\rz.B. so.\n\nZweiter Absatz.\n", rest=O.CLEAN_REST)
    result = fix_bytes(data, "d.md", runner)
    [shown] = result.word_diff()
    draft = Draft.from_bytes(data, "d.md")
    line, column = draft.position(draft.text.index("z.B.") + 2)  # the space goes in after "z."
    assert (line, column) == (draft.position(draft.text.index("Vorne"))[0] + 1, 3)  # after the lone CR
    assert shown == f"d.md:{line}:{column}: z.{{+ +}}B. so."  # its own line only, nothing from before the CR
