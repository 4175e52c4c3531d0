"""The draft model: positions, line endings, encodings and safe YAML."""

from __future__ import annotations

import pytest

from edtool.draft import Draft, DraftError
from conftest import make_draft


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
