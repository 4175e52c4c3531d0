"""The draft model: positions, line endings, encodings and safe YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.draft import Draft, DraftError


def test_positions_count_characters_not_bytes():
    text = make_draft(body="MÜNCHEN (dpa) – Größere Änderung: Fehler\n")
    draft = Draft.from_text(text)
    offset = draft.text.index("Fehler")
    line = text.count("\n", 0, offset) + 1
    assert draft.position(offset) == (line, len("MÜNCHEN (dpa) – Größere Änderung: ") + 1)


def test_front_matter_key_positions():
    draft = Draft.from_text(make_draft())
    assert draft.key_position("title") == (2, 1)
    assert draft.key_position("dateline") == (6, 1)
    assert draft.front_matter["date"] == "2025-07-30"  # dates stay as written
    pos = draft.fields["author"]
    assert draft.text[pos.value_start:pos.value_end] == "Lena Hoffmann"


def test_crlf_keeps_lines_and_columns_and_maps_back_to_raw():
    lf = make_draft(body="HOUSTON (dpa) – Erste Zeile\nzweite Zeile mit Fehler\n")
    crlf = lf.replace("\n", "\r\n")
    a, b = Draft.from_text(lf), Draft.from_text(crlf)
    assert a.text == b.text
    offset = b.text.index("Fehler")
    assert a.position(offset) == b.position(offset)
    raw = b.raw_offset(offset)
    assert b.raw[raw:raw + 6] == "Fehler"
    line_end = b.text.index("\n", offset)
    assert b.raw[b.raw_offset(line_end)] == "\r"  # a span ending at line end stops before CR LF


def test_bom_is_not_a_column():
    data = ("\ufeff" + make_draft()).encode("utf-8")
    draft = Draft.from_bytes(data)
    assert draft.bom
    assert draft.key_position("title") == (2, 1)
    assert draft.front_matter["title"].startswith("Erstes")


def test_missing_final_newline():
    draft = Draft.from_text(make_draft(body="HOUSTON (dpa) – Text ohne Zeilenende"))
    last = draft.text.rindex("ende")
    assert draft.position(last) == (draft.line_count, len("HOUSTON (dpa) – Text ohne Zeilen") + 1)


def test_front_matter_closing_without_newline():
    draft = Draft.from_text("---\ntitle: x\n---")
    assert draft.front_matter == {"title": "x"}
    assert draft.body == ""


@pytest.mark.parametrize(
    "data, rule, line",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file.binary", 1),
        ("---\ntitle: Gr\xfc\xdfe\n---\n".encode("latin-1"), "file.encoding", 2),
        (b"Kein Front Matter\n", "file.front-matter-missing", 1),
        (b"", "file.front-matter-missing", 1),
        (b"---\ntitle: x\n\nText ohne Ende\n", "file.front-matter-unterminated", 1),
        (b"---\ntitle: x\nauthor: [a, b\ndate: 2025-01-01\n---\n", "file.yaml", 4),
        (b"---\ntitle: x\n  bad: indent\n---\n", "file.yaml", 3),
        (b"---\n- a\n- b\n---\n", "file.front-matter-not-mapping", 2),
        (b"---\nx: !!python/object/apply:os.system [\"echo pwned\"]\n---\n", "file.yaml", 2),
    ],
)
def test_bad_files_become_positioned_errors(data, rule, line):
    with pytest.raises(DraftError) as info:
        Draft.from_bytes(data, "x.md")
    assert info.value.rule == rule
    assert info.value.line == line
    assert info.value.message  # German text for the writer


def test_python_tags_never_construct(tmp_path):
    marker = tmp_path / "pwned"
    data = f"---\nx: !!python/object/apply:os.system [\"touch {marker}\"]\n---\n".encode()
    with pytest.raises(DraftError):
        Draft.from_bytes(data)
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly():
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("---")
    with pytest.raises(DraftError) as info:
        Draft.from_text("\n".join(lines) + "\n")
    assert info.value.rule == "file.yaml"


def test_empty_front_matter_is_an_empty_mapping():
    draft = Draft.from_text("---\n---\nText\n")
    assert draft.front_matter == {}
    assert draft.body == "Text\n"


# -- explicit YAML tags: a finding at their position, never a crash --------------------------------

@pytest.mark.parametrize("line, column, tag", [
    ("date: !!timestamp 2025-08-12", 7, "!!timestamp"),
    ("title: !!binary aGFsbG8=", 8, "!!binary"),
    ("extra: !!set {a, b}", 8, "!!set"),
    ("e: !!timestamp", 4, "!!timestamp"),
    ("o: !!omap [a: 1]", 4, "!!omap"),
    ("p: !!pairs [a: 1]", 4, "!!pairs"),
    ("tags: [a, !!timestamp 2025-01-01]", 11, "!!timestamp"),
    ("x: !lokal wert", 4, "!lokal"),
])
def test_yaml_tags_json_does_not_know_are_positioned_findings(line, column, tag):
    data = f"---\ntitle: Ein Titel\n{line}\n---\n\nText\n".encode()
    with pytest.raises(DraftError) as info:
        Draft.from_bytes(data, "x.md")
    assert (info.value.rule, info.value.line, info.value.column) == ("file.yaml", 3, column)
    assert f"„{tag}“" in info.value.message


def test_tags_json_knows_are_fine_and_values_stay_json():
    draft = Draft.from_text("---\ntitle: !!str 2025\nn: !!int '5'\nx: =\nm: {1: a, null: b}\n---\n")
    assert draft.front_matter == {"title": "2025", "n": 5, "x": "=", "m": {"1": "a", "null": "b"}}


def test_yaml_tags_in_check_status_and_approve_are_findings_not_crashes(desk):
    import json

    from typer.testing import CliRunner

    from edtool.cli.main import app

    drafts = desk / "drafts"
    (drafts / "a.md").write_text(make_draft(GOOD_FRONT_MATTER.replace("date: 2025-07-30", "date: !!timestamp 2025-07-30")),
                                 encoding="utf-8")
    (drafts / "b.md").write_text(make_draft(), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--only", "file,metadata", "--format", "json", str(drafts)])
    assert result.exit_code == 1, result.output
    files = json.loads(result.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == ["a.md", "b.md"]
    finding = files[0]["diagnostics"][0]
    assert (finding["rule"], finding["line"], finding["column"]) == ("file.yaml", 5, 7)
    status = runner.invoke(app, ["status", str(drafts / "a.md")])
    assert status.exception is None, status.output
    assert "a.md" in status.output and "Interner Fehler" not in status.output
    approve = runner.invoke(app, ["approve", str(drafts / "a.md"), "--editor", "Katrin Vogel"])
    assert approve.exit_code == 1 and not isinstance(approve.exception, ValueError)
    assert "a.md:5:7:" in approve.output and "„!!timestamp“" in approve.output
    assert "Interner Fehler" not in approve.output


# -- positions with unusual line ends --------------------------------------------------------------

@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029", "\r", "\r\n"])
def test_yaml_error_positions_are_exact_with_any_line_end_in_the_front_matter(separator):
    """YAML counts U+0085, U+2028 and U+2029 as line ends, editors do not: positions come from the
    character index, so the error stands where the file has it."""
    for bad, column in (("slug: a: b", 8), ('slug: "a\x01"', 9)):  # a YAML error, a control character
        text = f"---\ntitle: 'Vorne{separator}hinten'\n{bad}\n---\n\nText\n"
        with pytest.raises(DraftError) as info:
            Draft.from_text(text, "x.md")
        line = 4 if separator in ("\r", "\r\n") else 3  # a CR ends a line for editors and markdown-it
        assert (info.value.rule, info.value.line, info.value.column) == ("file.yaml", line, column)


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\r"])
def test_yaml_key_positions_with_unusual_line_ends(separator):
    draft = Draft.from_text(f"---\ntitle: 'Vor{separator}ne'\nslug: x\n---\nText\n")
    line = 4 if separator == "\r" else 3
    assert draft.key_position("slug") == (line, 1)


@pytest.mark.parametrize("prefix, line, column", [
    (b"---\ntitle: Gr\xc3\xb6\xc3\x9fe \xe2\x80\x93 ", 2, 16),  # umlauts and a dash: characters, not bytes
    (b"\xef\xbb\xbf---\ntitle: ", 2, 8),  # the BOM is no column
    (b"---\rtitle: a\rslug: ", 3, 7),  # lone CR ends a line
    (b"---\r\ntitle: \xe2\x80\xa8", 2, 9),  # U+2028 is a character
])
def test_encoding_error_column_counts_characters(prefix, line, column):
    with pytest.raises(DraftError) as info:
        Draft.from_bytes(prefix + b"\xff rest\n---\n")
    assert (info.value.rule, info.value.line, info.value.column) == ("file.encoding", line, column)


@pytest.mark.parametrize("line, expected", [
    ("teaser: Achtung: heute ist viel los", "Werte mit Doppelpunkt in Anführungszeichen setzen"),
    ('title: "Der Titel ohne Ende', "Anführungszeichen wird nicht geschlossen"),
    ("tags: [Raumfahrt, NASA", "wird nicht geschlossen"),
    ("teaser: *wichtig* ist das", "(für YAML ein Verweis oder Anker)"),
    ("teaser: @redaktion meldet", "in Anführungszeichen setzen"),
    ("title: 'Titel' mit Rest", "Den ganzen Wert in Anführungszeichen setzen"),
])
def test_yaml_errors_are_explained_in_german_with_advice(line, expected):
    text = "---\nslug: a\n" + line + "\nstatus: draft\n---\n\nText.\n"
    with pytest.raises(DraftError) as info:
        Draft.from_text(text, "a.md")
    message = str(info.value)
    assert "Front Matter ist kein gültiges YAML" in message and expected in message, message
    assert not any(word in message for word in ("mapping", "scanning", "found", "expected")), message
    assert info.value.line in (3, 4)  # at the broken line, or where the parser noticed it (the next one)
