"""Status transitions: submit, approve (four eyes, no errors), reject; surgical front matter edits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edtool.draft import Draft
from edtool.styleguide import StyleGuide
from edtool.workflow import WorkflowError, approve, edit_front_matter, reject, submit, write_if_unchanged
from workflow_support import PROJECT, Newsroom, draft_text, edtool_command, newsroom  # noqa: F401


def guide_of(room: Newsroom) -> StyleGuide:
    return StyleGuide.load(room.desk / "styleguide.yaml")


def changed_lines(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    return [line for line in old if line not in new], [line for line in new if line not in old]


def test_submit_approve_edits_only_owned_lines(newsroom):
    path = newsroom.write_draft()
    before = path.read_bytes()
    result = newsroom.cli("submit", str(path))
    assert result.exit_code == 0, result.output
    assert "review" in result.output
    after_submit = path.read_bytes()
    removed, added = changed_lines(before, after_submit)
    assert removed == [b"status: draft\n"]
    assert added[0] == b"status: review\n" and added[1].startswith(b"submitted_at: ")
    result = newsroom.cli("approve", str(path), "--editor", "Katrin Vogel")
    assert result.exit_code == 0, result.output
    fm = Draft.load(path).front_matter
    assert fm["status"] == "approved" and fm["approved_by"] == "Katrin Vogel"
    assert fm["approved_at"].startswith("20") and "T" in fm["approved_at"]
    # the body and every other line are untouched
    assert path.read_bytes().split(b"---\n", 2)[2] == before.split(b"---\n", 2)[2]


def test_crlf_and_bom_are_preserved(newsroom):
    path = newsroom.drafts / "crlf.md"
    text = draft_text().replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    submit(path, guide_of(newsroom))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF introduced
    expected = text.replace("status: draft\r\n", "status: review\r\n").encode("utf-8")
    without_stamp = b"".join(line for line in data[3:].splitlines(keepends=True) if not line.startswith(b"submitted_at:"))
    assert without_stamp == expected


def test_four_eyes_refuses_the_author(newsroom):
    path = newsroom.write_draft(status="review", author="[Miriam Schulz, Jonas Weber]")
    before = path.read_bytes()
    result = newsroom.cli("approve", str(path), "--editor", "jonas  weber")
    assert result.exit_code == 1
    assert "Vier-Augen-Prinzip" in result.output
    assert path.read_bytes() == before


def test_approve_refused_while_checks_find_errors(newsroom):
    path = newsroom.write_draft(status="review", body="Ohne Ortsmarke beginnt dieser Text einfach so.\n")
    before = path.read_bytes()
    with pytest.raises(WorkflowError) as info:
        approve(path, "Katrin Vogel", guide_of(newsroom))
    assert "Freigabe verweigert" in info.value.message and "dateline" in info.value.message
    assert path.read_bytes() == before


@pytest.mark.parametrize("status, command, needle", [
    ("draft", ["approve", "--editor", "Katrin Vogel"], "geht nur aus dem Status „review“"),
    ("review", ["submit"], "geht nur aus dem Status"),
    ("draft", ["reject", "--editor", "Katrin Vogel", "--reason", "x"], "„review“ oder „approved“"),
    ("published", ["approve", "--editor", "Katrin Vogel"], "edtool unpublish"),
    ("approved", ["submit"], "steht auf „approved“"),
])
def test_illegal_transitions_are_refused_clearly(newsroom, status, command, needle):
    path = newsroom.approved_draft() if status == "approved" else newsroom.write_draft(status=status)
    before = path.read_bytes()
    result = newsroom.cli(command[0], str(path), *command[1:])
    assert result.exit_code == 1
    assert needle in result.output
    assert path.read_bytes() == before


def test_unknown_status_is_reported(newsroom):
    path = newsroom.write_draft(status="fertig")
    with pytest.raises(WorkflowError, match="Unbekannter Status „fertig“"):
        submit(path, guide_of(newsroom))


def test_reject_records_reason_and_clears_approval(newsroom):
    path = newsroom.approved_draft()
    reason = 'Zahlen prüfen: "60 000 Euro" stimmt nicht # Quelle fehlt'
    outcome = reject(path, "Katrin Vogel", reason, guide_of(newsroom))
    assert outcome.old == "approved" and outcome.new == "draft"
    fm = Draft.load(path).front_matter
    assert fm["status"] == "draft"
    assert fm["rejected_by"] == "Katrin Vogel" and fm["rejected_reason"] == reason
    assert "approved_by" not in fm and "approved_at" not in fm
    # back through review: approval clears the rejection
    submit(path, guide_of(newsroom))
    approve(path, "Katrin Vogel", guide_of(newsroom))
    fm = Draft.load(path).front_matter
    assert fm["status"] == "approved" and "rejected_reason" not in fm


def test_reject_needs_a_reason(newsroom):
    path = newsroom.write_draft(status="review")
    result = newsroom.cli("reject", str(path), "--editor", "Katrin Vogel", "--reason", "  ")
    assert result.exit_code == 1 and "--reason" in result.output


def test_edit_keeps_comments_and_replaces_block_values():
    text = ("---\ntitle: Ein Titel mit Länge\nstatus: draft  # set by edtool\nrejected_reason: >\n  lang\n"
            "  und breit\napproved_by:\ntags:\n  - a\n---\nText\n")
    draft = Draft.from_text(text, "x.md")
    out = edit_front_matter(draft, {"status": "review", "approved_by": "Anna Berg", "tags": "b"},
                            remove=["rejected_reason"]).decode()
    assert out == ("---\ntitle: Ein Titel mit Länge\nstatus: review  # set by edtool\napproved_by: Anna Berg\n"
                   "tags: b\n---\nText\n")


def test_edit_refuses_what_it_cannot_do_safely():
    draft = Draft.from_text("---\n{title: x, status: draft}\n---\nText\n", "x.md")
    with pytest.raises(WorkflowError, match="nicht sicher ändern"):
        edit_front_matter(draft, {"status": "review"})


def test_write_refuses_a_file_changed_meanwhile(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"new")
    with pytest.raises(WorkflowError, match="während der Bearbeitung"):
        write_if_unchanged(path, b"old", b"mine")
    assert path.read_bytes() == b"new"


def test_status_board_json_sorted_by_status(newsroom):
    newsroom.write_draft("c.md", status="published", slug="c-artikel", title="Veröffentlichter Artikel hier")
    newsroom.approved_draft("b.md", slug="b-artikel")
    newsroom.write_draft("a.md", status="review", slug="a-artikel", body="Keine Ortsmarke hier.\n")
    newsroom.write_draft("d.md", slug="d-artikel", author="[Lena Hoffmann, Miriam Schulz]")
    result = newsroom.edtool("status", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["drafts"]
    assert [r["status"] for r in rows] == ["draft", "review", "approved", "published"]
    assert rows[0]["author"] == "Lena Hoffmann, Miriam Schulz"
    assert rows[1]["errors"] >= 1
    assert rows[2]["approved_by"] == "Katrin Vogel"
    assert {"path", "title", "author", "status", "date", "approved_by", "errors", "warnings", "published_at",
            "commit", "note"} <= set(rows[0])


def test_status_board_text(newsroom):
    newsroom.write_draft("a.md", status="review")
    result = newsroom.cli("status")
    assert result.exit_code == 0
    assert "Status" in result.output and "Titel" in result.output and "Freigabe" in result.output
    assert "review" in result.output and "Kuka stellt" in result.output


def test_shipped_styleguide_knows_the_workflow_fields(tmp_path):
    from edtool.engine import run_checks

    path = tmp_path / "a.md"
    extra = ("submitted_at: 2025-08-12T08:00:00+02:00\napproved_by: Katrin Vogel\n"
             "approved_at: 2025-08-12T09:00:00+02:00\npublished_at: 2025-08-12T10:00:00+02:00\n"
             "updated_at: 2025-08-13T10:00:00+02:00\ncommit: 0123456789abcdef0123456789abcdef01234567\n"
             "rejected_by: Katrin Vogel\nrejected_at: 2025-08-12T09:00:00+02:00\nrejected_reason: Quelle fehlt\n"
             "unpublished_by: Katrin Vogel\nunpublished_at: 2025-08-14T09:00:00+02:00\n"
             "unpublished_reason: Falsch\nembargo: 2025-08-12T06:00:00+02:00\n")
    path.write_text(draft_text(status="published", extra=extra), encoding="utf-8")
    guide = StyleGuide.load(PROJECT / "styleguide.yaml")
    from edtool.engine import CheckOptions

    results = run_checks([path], guide, CheckOptions(only={"metadata"}))
    assert [d.rule for r in results for d in r.diagnostics] == []
    names = {entry["name"] for entry in guide.data["authors"]}
    assert {"Lena Hoffmann", "Jonas Weber", "Miriam Schulz"} <= names


def test_help_and_check_do_not_import_git(newsroom):
    # grammar skipped: it would start a LanguageTool server in the user's cache folder
    newsroom.write_draft()
    code = ("import sys\nfrom edtool.cli.main import app\n"
            "for args in (['--help'], ['check', '--skip', 'grammar,spelling', 'drafts'], ['status']):\n"
            "    try:\n        app(args=args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
            "assert 'git' not in sys.modules, 'git imported'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=newsroom.desk, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_console_script_submit(newsroom):
    path = newsroom.write_draft()
    result = newsroom.edtool("submit", str(path))
    assert result.returncode == 0, result.stderr
    assert Draft.load(path).front_matter["status"] == "review"
    assert edtool_command()


def test_status_board_on_a_terminal_is_a_table(newsroom, monkeypatch):
    import io

    from edtool.cli.workflow import status

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    newsroom.approved_draft("b.md")
    newsroom.write_draft("a.md", slug="a-artikel", status="review")
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "dumb")
    status(paths=None, fmt="text", styleguide=None)
    lines = screen.getvalue().splitlines()
    assert any("Freigabe" in line for line in lines[:3])
    assert all(len(line) <= 80 for line in lines)
    body = [i for i, line in enumerate(lines) if line.startswith(("review", "approved"))]
    assert lines[body[0]].startswith("review") and lines[body[1]].startswith("approved")
    assert "Freigabe: Katrin Vogel" in lines[body[1] + 1]


# -- an approval binds the approved text --------------------------------------------------------------
def approve_for_real(room: Newsroom, **fields):
    path = room.write_draft(**fields)
    submit(path, guide_of(room))
    approve(path, "Katrin Vogel", guide_of(room))
    return path


def test_approve_records_the_digest_of_the_approved_text(newsroom):
    from edtool.workflow import approval_digest

    path = approve_for_real(newsroom)
    draft = Draft.load(path)
    assert draft.front_matter["approved_digest"] == approval_digest(draft)
    assert draft.front_matter["approved_digest"].startswith("sha256:") and len(draft.front_matter["approved_digest"]) == 71


CHANGES_AFTER_APPROVAL = {
    "body": lambda t: t.replace("im Frühjahr", "im Herbst"),
    "author is now the approver": lambda t: t.replace("author: Jonas Weber", "author: Katrin Vogel"),
    "co-author added": lambda t: t.replace("author: Jonas Weber", "author: [Jonas Weber, Lena Hoffmann]"),
    "title": lambda t: t.replace("title: Kuka stellt", "title: Kuka zeigt"),
    "embargo added": lambda t: t.replace("language: de-DE\n", "language: de-DE\nembargo: 2020-01-01T06:00:00Z\n"),
    "front matter comment": lambda t: t.replace("category: Robotik\n", "category: Robotik  # geprüft?\n"),
    "one character": lambda t: t.replace("Schweißer", "Schweisser"),
    "trailing space in the body": lambda t: t.rstrip("\n") + " \n",
}


@pytest.mark.parametrize("change", list(CHANGES_AFTER_APPROVAL))
def test_publish_refuses_text_changed_after_approval(newsroom, change):
    path = approve_for_real(newsroom)
    path.write_text(CHANGES_AFTER_APPROVAL[change](path.read_text(encoding="utf-8")), encoding="utf-8")
    before, head = path.read_bytes(), newsroom.content_head()
    result = newsroom.publish(str(path), "--editor", "Katrin Vogel")
    assert result.returncode == 1, result.stdout
    assert "nach der Freigabe geändert" in result.stderr and "edtool submit" in result.stderr
    assert newsroom.content_head() == head and path.read_bytes() == before
    assert git_status(newsroom) == ""


def git_status(room: Newsroom) -> str:
    from workflow_support import git

    return git("status", "--porcelain", "--untracked-files=all", cwd=room.content)


def test_changed_after_approval_goes_back_through_review(newsroom):
    path = approve_for_real(newsroom)
    path.write_text(path.read_text(encoding="utf-8").replace("im Frühjahr", "im Herbst"), encoding="utf-8")
    outcome = submit(path, guide_of(newsroom))
    assert outcome.old == "approved" and outcome.new == "review"
    fm = Draft.load(path).front_matter
    assert not {"approved_by", "approved_at", "approved_digest"} & set(fm)
    approve(path, "Katrin Vogel", guide_of(newsroom))
    result = newsroom.publish(str(path), "--editor", "Katrin Vogel")
    assert result.returncode == 0, result.stderr
    from workflow_support import git

    assert "im Herbst" in git("show", "HEAD:articles/2025/08/kuka-schweissroboter.md", cwd=newsroom.content)


def test_approval_survives_workflow_fields_and_line_endings(newsroom):
    import re

    path = approve_for_real(newsroom)
    text = re.sub(r"(?m)^approved_at: .*$", "approved_at: 2025-08-12T09:00:00+02:00", path.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^submitted_at: .*\n", "", text)
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    result = newsroom.publish(str(path), "--editor", "Katrin Vogel")
    assert result.returncode == 0, result.stderr


def test_an_approval_without_digest_needs_a_new_review(newsroom):
    path = newsroom.write_draft(status="approved", extra="approved_by: Katrin Vogel\n")
    result = newsroom.publish(str(path), "--editor", "Katrin Vogel")
    assert result.returncode == 1 and "approved_digest" in result.stderr and "edtool submit" in result.stderr
    assert newsroom.content_log() == ["Start"]


def test_a_valid_approval_cannot_be_submitted_again(newsroom):
    path = approve_for_real(newsroom)
    before = path.read_bytes()
    result = newsroom.cli("submit", str(path))
    assert result.exit_code == 1 and "steht auf „approved“" in result.output
    assert path.read_bytes() == before


# property: the digest changes with every change a reader could see, never with the workflow's own fields
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from edtool.workflow import WORKFLOW_FIELDS, Person, approval_digest, check_four_eyes  # noqa: E402

APPROVED = draft_text(status="approved", extra="approved_by: Katrin Vogel\n")


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=APPROVED.index("\n---\n") + 5, max_value=len(APPROVED)),
       text=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"),
                    min_size=1, max_size=5))
def test_property_any_body_change_changes_the_digest(position, text):
    original = Draft.from_text(APPROVED)
    changed = Draft.from_text(APPROVED[:position] + text + APPROVED[position:])
    if changed.body.replace("\r\n", "\n") != original.body:
        assert approval_digest(changed) != approval_digest(original)


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(["title", "slug", "author", "dateline", "teaser", "category", "embargo", "x-notiz"]),
       value=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))
def test_property_any_article_field_change_changes_the_digest(field, value):
    from edtool.workflow import edit_front_matter

    original = Draft.from_text(APPROVED)
    edited = Draft.from_bytes(edit_front_matter(original, {field: value}))
    if edited.front_matter != original.front_matter:
        assert approval_digest(edited) != approval_digest(original)


@settings(max_examples=100, deadline=None)
@given(field=st.sampled_from(WORKFLOW_FIELDS),
       value=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))
def test_property_workflow_fields_do_not_change_the_digest(field, value):
    from edtool.workflow import edit_front_matter

    original = Draft.from_text(APPROVED)
    edited = Draft.from_bytes(edit_front_matter(original, {field: value}))
    assert approval_digest(edited) == approval_digest(original)


# -- four eyes on normalised names and known people ---------------------------------------------------
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202b",
             "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u034f", "\u180e"]


def variants_of(name: str):
    """Strategies for spellings that a reader sees as the same name."""
    import unicodedata

    def build(parts):
        form, invisible, positions, case, space = parts
        text = unicodedata.normalize(form, name)
        text = "".join(ch.upper() if case and i % 2 else ch for i, ch in enumerate(text))
        text = text.replace(" ", space)
        for pos in sorted(positions, reverse=True):
            pos = min(pos, len(text))
            text = text[:pos] + invisible + text[pos:]
        return text

    return st.tuples(st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]), st.sampled_from(INVISIBLE),
                     st.lists(st.integers(min_value=0, max_value=len(name) + 2), max_size=3), st.booleans(),
                     st.sampled_from([" ", "  ", "\u00a0", "\u2009", "\u3000", " \t "])).map(build)


@pytest.fixture(scope="module")
def desk_guide():
    return StyleGuide.load(PROJECT / "styleguide.yaml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_an_author_never_approves_in_another_spelling(desk_guide, data):
    author = data.draw(st.sampled_from(["Jonas Weber", "Miriam Schulz", "Lena Hoffmann"]))
    spelled = data.draw(variants_of(author))
    draft = Draft.from_text(draft_text(status="review", author=f"[Katrin Vogel, {author}]"
                                       if author != "Katrin Vogel" else author))
    with pytest.raises(WorkflowError, match="Vier-Augen-Prinzip"):
        check_four_eyes(draft, spelled, desk_guide)
    # and the author may not be spelled differently either
    draft = Draft.from_text(draft_text(status="review", author=f'"{spelled}"'))
    with pytest.raises(WorkflowError, match="Vier-Augen-Prinzip"):
        check_four_eyes(draft, author, desk_guide)


@pytest.mark.parametrize("editor, needle", [
    ("Jonas\u200b Weber", "Vier-Augen-Prinzip"),
    ("\u202eJONAS  weber\u202c", "Vier-Augen-Prinzip"),
    ("\uff2a\uff4f\uff4e\uff41\uff53 \uff37\uff45\uff42\uff45\uff52", "Vier-Augen-Prinzip"),  # fullwidth
    ("J\u043enas Weber", "steht nicht in der Liste"),  # Cyrillic o: not a known person
    ("Petra Neu", "steht nicht in der Liste"),
    ("", "--editor"),
])
def test_approve_refuses_the_author_and_unknown_people(newsroom, editor, needle):
    path = newsroom.write_draft(status="review", author="Jonas Weber")
    before = path.read_bytes()
    result = newsroom.cli("approve", str(path), "--editor", editor)
    assert result.exit_code == 1, result.output
    assert needle in result.output
    assert path.read_bytes() == before


def test_an_unknown_author_cannot_be_approved(newsroom):
    path = newsroom.write_draft(status="review", author="J\u043enas Weber")  # lookalike, not on the list
    before = path.read_bytes()
    result = newsroom.cli("approve", str(path), "--editor", "Katrin Vogel")
    assert result.exit_code == 1 and "steht nicht in der Liste „authors:“" in result.output
    assert path.read_bytes() == before


def test_the_approver_is_recorded_as_the_desk_writes_the_name(newsroom):
    path = newsroom.write_draft(status="review")
    result = newsroom.cli("approve", str(path), "--editor", "KATRIN\u00a0vogel\u200b")
    assert result.exit_code == 0, result.output
    assert Draft.load(path).front_matter["approved_by"] == "Katrin Vogel"


def test_without_an_authors_list_names_are_compared_normalised(newsroom):
    import unicodedata

    newsroom.styleguide(authors=[])
    path = newsroom.write_draft(status="review", author="Jöns Weber")
    for spelled in (unicodedata.normalize("NFD", "jöns weber"), "Jöns\u200b Weber", "JÖNS\u2066 WEBER"):
        result = newsroom.cli("approve", str(path), "--editor", spelled)
        assert result.exit_code == 1 and "Vier-Augen-Prinzip" in result.output, spelled
    assert newsroom.cli("approve", str(path), "--editor", "Anna Berg").exit_code == 0


# -- editors' identity: the desk's people, git's identity only when it is one of them ----------------------
def _identity(monkeypatch, name: str, email: str) -> None:
    monkeypatch.setenv("GIT_COMMITTER_NAME", name)
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", email)


def test_approve_without_editor_takes_the_git_identity_when_it_is_on_the_list(newsroom, monkeypatch):
    _identity(monkeypatch, "K. Vogel", "Katrin.Vogel@example.org")  # the list's e-mail, another spelling
    path = newsroom.write_draft(status="review")
    result = newsroom.cli("approve", str(path))
    assert result.exit_code == 0, result.output
    assert Draft.load(path).front_matter["approved_by"] == "Katrin Vogel"


def test_approve_without_editor_refuses_an_unlisted_git_identity(newsroom, monkeypatch):
    _identity(monkeypatch, "Max Mustermann", "max@example.org")
    path = newsroom.write_draft(status="review")
    before = path.read_bytes()
    result = newsroom.run("approve", str(path))
    assert result.returncode == 1
    assert "Max Mustermann <max@example.org>" in result.stderr and "--editor NAME" in result.stderr
    assert "Katrin Vogel" in result.stderr  # the known people are named
    assert path.read_bytes() == before


def test_publish_never_mixes_a_name_with_another_persons_email(newsroom, monkeypatch):
    from workflow_support import git

    _identity(monkeypatch, "Anna Schreiber", "anna.schreiber@example.org")
    path = newsroom.approved_draft()
    head = newsroom.content_head()
    result = newsroom.publish(str(path), "--editor", "Max Mustermann")
    assert result.returncode == 2
    assert "„Max Mustermann“ steht nicht in der Liste „authors:“" in result.stderr
    assert newsroom.content_head() == head and Draft.load(path).front_matter["status"] == "approved"
    result = newsroom.publish(str(path))  # git's identity is nobody on the list either
    assert result.returncode == 2 and "Anna Schreiber <anna.schreiber@example.org>" in result.stderr
    assert newsroom.content_head() == head
    _identity(monkeypatch, "Katrin Vogel", "k.vogel@privat.example")  # the name is listed: the list's e-mail
    assert newsroom.publish(str(path)).returncode == 0
    assert git("log", "-1", "--format=%cn <%ce>", cwd=newsroom.content) == "Katrin Vogel <katrin.vogel@example.org>"


def test_without_an_authors_list_the_editor_is_git_identity_or_refused():
    from edtool.workflow import editor_person

    desk = Person("Content Desk", "desk@example.org")
    assert editor_person([], "content  desk", desk) == desk
    assert editor_person([], None, desk) == desk
    with pytest.raises(WorkflowError, match="Für „Petra Neu“ ist keine E-Mail-Adresse bekannt"):
        editor_person([], "Petra Neu", desk)


_people = st.lists(st.builds(Person, st.sampled_from(["Katrin Vogel", "Jonas Weber", "Anna Schreiber"]),
                             st.sampled_from(["k@example.org", "j@example.org", "a@example.org"])),
                   max_size=3, unique_by=lambda p: p.name)


@settings(max_examples=300, deadline=None)
@given(people=_people, name=st.sampled_from(["", "Katrin Vogel", "katrin  vogel", "Max Mustermann"]),
       identity=st.none() | st.builds(Person, st.sampled_from(["Max Mustermann", "Katrin Vogel", "Jonas Weber"]),
                                      st.sampled_from(["k@example.org", "a@example.org", "max@example.org"])))
def test_property_the_editor_is_always_one_whole_person(people, name, identity):
    """Whatever the list, the name and git's identity: the editor is a listed person (when there is a list) or
    git's identity (when there is none), name and e-mail together, or refused in German."""
    from edtool.workflow import editor_person

    try:
        person = editor_person(people, name, identity)
    except WorkflowError as exc:
        assert exc.message and "Traceback" not in exc.message
        return
    whole = [(p.name, p.email) for p in people] if people else [(identity.name, identity.email)]
    assert (person.name, person.email) in whole


# -- the board: 80 columns first, filters, length ----------------------------------------------------------
BUS_TITLES = ("Autonome Busse: München testet fahrerlose Linien im Stadtverkehr ab dem Herbst",
              "Autonome Busse: München plant fahrerlose Linien auch für die Außenbezirke der Stadt")


def test_the_board_on_80_columns_keeps_date_state_warnings_and_tells_titles_apart(newsroom):
    from edtool.cli.workflow import board_lines
    from edtool.workflow import board

    newsroom.write_draft("a.md", slug="busse-a", title=f"\"{BUS_TITLES[0]}\"", status="review", date="2025-08-11")
    newsroom.write_draft("b.md", slug="busse-b", title=f"\"{BUS_TITLES[1]}\"", date="2025-08-12",
                         body="Keine Ortsmarke hier, aber nun <!-- ein Kommentar --> zwölf Wörter zum Zählen im Text da.\n")
    back = newsroom.write_draft("c.md", slug="zurueck", status="review", date="2025-08-10")
    assert newsroom.run("reject", str(back), "--editor", "Katrin Vogel", "--reason", "Zweite Quelle fehlt").returncode == 0
    rows = board([newsroom.drafts], guide_of(newsroom))
    lines = [text for text, _ in board_lines(rows, 80)]
    assert all(len(line) <= 80 for line in lines), lines
    main = {line.split()[0] + line.split()[1]: line for line in lines if line.startswith(("draft", "review"))}
    shown = [line for line in lines if "Autonome Busse" in line]
    assert len(shown) == 2 and shown[0] != shown[1] and all("…" in line for line in shown)
    for row in rows:  # state, date and both counts on the row's own line
        line = main[row["status"] + row["date"]]
        assert line.split()[-2:] == [str(row["errors"]), str(row["warnings"])]
    b = next(r for r in rows if r["path"].endswith("b.md"))
    assert (b["words"], b["reading_minutes"]) == (12, 1)  # the comment is not read
    detail = lines[lines.index(main["draft2025-08-12"]) + 1]
    assert "12 Wörter, 1 Min." in detail and "b.md" in detail and "Jonas Weber" in detail
    rejected = next(i for i, line in enumerate(lines) if line.startswith("draft") and "Kuka" in line)
    assert lines[rejected + 2].strip() == "↳ zurück: Zweite Quelle fehlt"


def test_the_board_filters_mine_and_by_state(newsroom, monkeypatch):
    monkeypatch.setenv("GIT_COMMITTER_NAME", "lena")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "lena.hoffmann@example.org")
    newsroom.write_draft("lena.md", slug="lena", author="[Miriam Schulz, Lena Hoffmann]", status="review")
    newsroom.write_draft("jonas.md", slug="jonas", status="review")
    back = newsroom.write_draft("zurueck.md", slug="zurueck", author="Lena Hoffmann", status="review")
    assert newsroom.run("reject", str(back), "--editor", "Katrin Vogel", "--reason", "Quelle fehlt").returncode == 0

    def shown(*args: str) -> list[str]:
        result = newsroom.edtool("status", "--format", "json", *args)
        assert result.returncode == 0, result.stderr
        return sorted(Path(r["path"]).name for r in json.loads(result.stdout)["drafts"])

    assert shown("--mine") == ["lena.md", "zurueck.md"]
    assert shown("--state", "review") == ["jonas.md", "lena.md"]
    assert shown("--mine", "--state", "review") == ["lena.md"]
    assert shown("--state", "sent-back") == ["zurueck.md"]
    text = newsroom.edtool("status", "--state", "sent-back")
    assert "↳ zurück: Quelle fehlt" in text.stdout and text.stdout.rstrip().endswith("1 Entwurf: draft 1")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "max@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Max Mustermann")
    result = newsroom.edtool("status", "--mine")
    assert result.returncode == 2 and "Max Mustermann <max@example.org>" in result.stderr
    assert "Traceback" not in result.stderr
    help_text = newsroom.edtool("status", "--help").stdout
    assert "sent-back" in help_text and "Nur meine Entwürfe" in help_text


@settings(max_examples=400, deadline=None)
@given(titles=st.lists(st.text(alphabet="ab :", max_size=90), min_size=1, max_size=6), width=st.integers(10, 60))
def test_property_titles_fit_and_different_titles_stay_different(titles, width):
    from edtool.cli.workflow import shorten_titles

    shown = shorten_titles(titles, width)
    assert all(len(text) <= width for text in shown)
    assert all(text == title for title, text in zip(titles, shown) if len(title) <= width)
    by_text: dict[str, set[str]] = {}
    for title, text in zip(titles, shown):
        by_text.setdefault(text, set()).add(title)
    assert all(len(group) == 1 for group in by_text.values())


# -- --commit: the status change committed in the desk repository ----------------------------------------
def _committed_draft(room: Newsroom, name: str = "kuka.md", **fields) -> Path:
    from workflow_support import git

    path = room.write_draft(name, **fields)
    git("add", "styleguide.yaml", f"drafts/{name}", cwd=room.desk)
    git("commit", "-q", "-m", f"Entwurf {name}", cwd=room.desk)
    return path


def test_commit_commits_exactly_the_draft_with_an_honest_message(newsroom):
    from workflow_support import git

    path = _committed_draft(newsroom)
    (newsroom.desk / "notiz.txt").write_text("vorgemerkt, nicht Teil des Commits\n", encoding="utf-8")
    git("add", "notiz.txt", cwd=newsroom.desk)
    hook = newsroom.desk / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")  # the status commit changes no checked text
    hook.chmod(0o755)
    result = newsroom.run("submit", str(path), "--commit")
    assert result.returncode == 0, result.stderr
    assert "committet als" in result.stdout
    assert git("log", "-1", "--format=%s%n%n%b", cwd=newsroom.desk) == (
        "Eingereicht: Kuka stellt lernfähigen Schweißroboter vor\n\ndrafts/kuka.md: Status draft → review.")
    assert git("show", "--name-only", "--format=", "HEAD", cwd=newsroom.desk) == "drafts/kuka.md"
    assert git("diff", "--cached", "--name-only", cwd=newsroom.desk) == "notiz.txt"  # still staged, untouched
    assert git("status", "--porcelain", "--", "drafts/kuka.md", cwd=newsroom.desk) == ""
    assert newsroom.run("approve", str(path), "--editor", "Katrin Vogel", "--commit").returncode == 0
    assert git("log", "-1", "--format=%s%n%b", cwd=newsroom.desk).splitlines() == [
        "Freigegeben: Kuka stellt lernfähigen Schweißroboter vor", "drafts/kuka.md: Status review → approved.",
        "Freigegeben von Katrin Vogel."]
    result = newsroom.run("reject", str(path), "--editor", "Katrin Vogel", "--reason", "Zweite Quelle fehlt",
                          "--commit")
    assert result.returncode == 0, result.stderr
    assert git("log", "-1", "--format=%s%n%b", cwd=newsroom.desk).splitlines() == [
        "Zurückgewiesen: Kuka stellt lernfähigen Schweißroboter vor", "drafts/kuka.md: Status approved → draft.",
        "Von Katrin Vogel, Grund: Zweite Quelle fehlt"]
    assert len(git("log", "--format=%h", cwd=newsroom.desk).splitlines()) == 4


def test_commit_is_refused_before_anything_changes(newsroom, tmp_path):
    from workflow_support import git

    path = _committed_draft(newsroom)
    head = git("rev-parse", "HEAD", cwd=newsroom.desk)
    path.write_text(path.read_text(encoding="utf-8").replace("im Frühjahr", "im Sommer"), encoding="utf-8")
    before = path.read_bytes()
    result = newsroom.run("submit", str(path), "--commit")
    assert result.returncode == 2 and "nicht committete Änderungen" in result.stderr and "Nichts geändert" in result.stderr
    assert path.read_bytes() == before and git("rev-parse", "HEAD", cwd=newsroom.desk) == head
    fresh = newsroom.write_draft("neu.md", slug="neu")
    result = newsroom.run("submit", str(fresh), "--commit")
    assert result.returncode == 2 and "noch nicht im Repository" in result.stderr
    assert Draft.load(fresh).front_matter["status"] == "draft"
    outside = tmp_path / "ohne-git"
    outside.mkdir()
    (outside / "a.md").write_text(draft_text(), encoding="utf-8")
    result = newsroom.run("submit", str(outside / "a.md"), "--commit")
    assert result.returncode == 2 and "in keinem" in result.stderr and "Traceback" not in result.stderr
    assert Draft.load(outside / "a.md").front_matter["status"] == "draft"


def test_the_style_guide_setting_commits_and_is_validated(newsroom):
    from workflow_support import git

    newsroom.styleguide(workflow={"commit": True})
    path = _committed_draft(newsroom)
    assert newsroom.run("submit", str(path)).returncode == 0
    assert git("log", "-1", "--format=%s", cwd=newsroom.desk).startswith("Eingereicht: ")
    head = git("rev-parse", "HEAD", cwd=newsroom.desk)
    assert newsroom.run("reject", str(path), "--editor", "Katrin Vogel", "--reason", "x", "--no-commit").returncode == 0
    assert git("rev-parse", "HEAD", cwd=newsroom.desk) == head
    newsroom.styleguide(workflow={"commit": "ja"})
    result = newsroom.run("status")
    assert result.returncode == 2 and "„workflow.commit“ muss true oder false sein" in result.stderr
    newsroom.styleguide(workflow={"comit": True})
    result = newsroom.run("status")
    assert result.returncode == 2 and "Meinten Sie „commit“?" in result.stderr


def test_publish_commit_names_the_content_commit(newsroom):
    from workflow_support import git

    path = newsroom.approved_draft()
    git("add", "styleguide.yaml", "drafts/kuka.md", cwd=newsroom.desk)
    git("commit", "-q", "-m", "freigegeben", cwd=newsroom.desk)
    result = newsroom.publish(str(path), "--editor", "Katrin Vogel", "--commit")
    assert result.returncode == 0, result.stderr
    assert git("log", "-1", "--format=%s%n%b", cwd=newsroom.desk).splitlines() == [
        "Veröffentlicht: Kuka stellt lernfähigen Schweißroboter vor", "drafts/kuka.md: Status approved → published.",
        f"Commit im Inhalts-Repository: {newsroom.content_head()}"]
    assert git("status", "--porcelain", "--", "drafts", cwd=newsroom.desk) == ""
