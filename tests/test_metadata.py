"""Front matter rules from styleguide.yaml (JSON Schema), with German messages at the key's line."""

from __future__ import annotations

import pytest

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.checks.metadata import check_metadata
from edtool.draft import Draft
from edtool.styleguide import StyleGuide, StyleGuideError


def findings(front_matter: str, guide):
    return check_metadata(Draft.from_text(make_draft(front_matter), "d.md"), guide)


def replace_field(key: str, line: str) -> str:
    lines = [line if row.startswith(f"{key}:") else row for row in GOOD_FRONT_MATTER.splitlines()]
    return "\n".join(lines) + "\n"


def without(key: str) -> str:
    return "".join(row + "\n" for row in GOOD_FRONT_MATTER.splitlines() if not row.startswith(f"{key}:"))


def test_good_front_matter_is_clean(guide):
    assert findings(GOOD_FRONT_MATTER, guide) == []


@pytest.mark.parametrize(
    "key, line, rule, words",
    [
        ("title", "title: Zu kurz", "metadata.length", "mindestens 10"),
        ("title", "title: " + "x" * 121, "metadata.length", "höchstens 120"),
        ("title", "title: 2025", "metadata.type", "erwartet Text"),
        ("slug", "slug: Erstes_Treffen", "metadata.pattern", "Kleinbuchstaben"),
        ("author", 'author: ""', "metadata.length", "zu kurz"),
        ("author", "author: []", "metadata.items", "mindestens 1"),
        ("author", "author: 42", "metadata.type", "falschen Typ"),
        ("date", "date: 31.07.2025", "metadata.format", "ISO 8601"),
        ("date", "date: 2025-02-30", "metadata.format", "ISO 8601"),
        ("dateline", "dateline: HOUSTON (dpa) –", "metadata.pattern", "Nur die Orte"),
        ("category", "category: Sport", "metadata.enum", "Raumfahrt"),
        ("tags", "tags: []", "metadata.items", "mindestens 1"),
        ("tags", "tags: [a, b, c, d, e, f, g, h, i, j, k]", "metadata.items", "höchstens 10"),
        ("tags", "tags: ISS", "metadata.type", "erwartet Liste"),
        ("teaser", "teaser: Zu kurz.", "metadata.length", "mindestens 80"),
        ("teaser", "teaser: " + "x" * 301, "metadata.length", "höchstens 300"),
        ("status", "status: fertig", "metadata.enum", "draft, review, approved, published"),
    ],
)
def test_each_field_rule_points_at_its_key(guide, key, line, rule, words):
    front = replace_field(key, line)
    result = findings(front, guide)
    assert [d.rule for d in result] == [rule]
    expected_line = 1 + next(i for i, row in enumerate(front.splitlines(), 1) if row.startswith(f"{key}:"))
    assert (result[0].line, result[0].column) == (expected_line, 1)
    assert words in result[0].message
    assert result[0].severity.value == "error"


@pytest.mark.parametrize("value", ["2025-07-31", "2025-07-31T14:30:00+02:00", "2025-07-31T14:30"])
def test_iso_dates_and_datetimes_pass(guide, value):
    assert findings(replace_field("date", f"date: {value}"), guide) == []


def test_author_may_be_a_list(guide):
    assert findings(replace_field("author", "author: [Lena Hoffmann, Jonas Weber]"), guide) == []


@pytest.mark.parametrize("key", ["title", "slug", "author", "date", "dateline", "category", "tags", "teaser", "status"])
def test_missing_required_field_points_at_front_matter_start(guide, key):
    result = findings(without(key), guide)
    assert [(d.rule, d.line, d.column) for d in result] == [("metadata.required", 1, 1)]
    assert f"„{key}“" in result[0].message


def test_unknown_key_names_the_closest_known_key(guide):
    front = GOOD_FRONT_MATTER + "autor: Lena\n"
    result = findings(front, guide)
    assert len(result) == 1
    d = result[0]
    assert (d.rule, d.severity.value, d.line, d.column) == ("metadata.unknown-key", "warning", 12, 1)
    assert "„author“" in d.message and d.suggestions == ("author",)


def test_broken_schema_is_a_styleguide_error_with_line():
    guide = StyleGuide.from_text("metadata:\n  schema:\n    type: object\n    properties:\n      title: {type: strnig}\n")
    with pytest.raises(StyleGuideError) as info:
        check_metadata(Draft.from_text(make_draft()), guide)
    assert info.value.line == 5
