"""Status transitions: submit, approve (four eyes, no errors), reject; surgical front matter edits."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workflow_support import PROJECT, Newsroom, draft_text, edtool_command, newsroom  # noqa: F401

from edtool.draft import Draft
from edtool.styleguide import StyleGuide
from edtool.workflow import WorkflowError, approve, edit_front_matter, reject, submit, write_if_unchanged


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
    path = newsroom.write_draft(status=status)
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
    assert set(rows[0]) == {"path", "title", "author", "status", "date", "approved_by", "errors", "warnings"}


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
    body = [line for line in lines if "review" in line or "approved" in line]
    assert "review" in body[0] and "approved" in body[1] and "Katrin Vogel" in body[1]
