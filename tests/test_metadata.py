"""Front matter rules from styleguide.yaml (JSON Schema), with German messages at the key's line."""

from __future__ import annotations

import pytest

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool.checkrun import CheckRun
from edtool.checks.metadata import check_metadata
from edtool.draft import Draft
from edtool.styleguide import StyleGuide, StyleGuideError
from workflow_support import newsroom  # noqa: F401


def findings(front_matter: str, guide):
    return check_metadata(Draft.from_text(make_draft(front_matter), "d.md"), CheckRun(guide))


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
        check_metadata(Draft.from_text(make_draft()), CheckRun(guide))
    assert info.value.line == 5


# -- a slug that is already taken --------------------------------------------------------------------------
def _slug_draft(slug: str, title: str = "Ein Roboter lernt das Schweißen") -> str:
    return make_draft(replace_field("slug", f"slug: {slug}").replace(
        next(r for r in GOOD_FRONT_MATTER.splitlines() if r.startswith("title:")), f"title: {title}"))


def test_a_slug_another_draft_has_is_found_at_the_slug_field(desk, edtool_cli):
    import json

    (desk / "drafts" / "erster.md").write_text(_slug_draft("roboter-schweisst"), encoding="utf-8")
    (desk / "drafts" / "zweiter.md").write_text(_slug_draft("roboter-schweisst"), encoding="utf-8")
    (desk / "drafts" / "dritter.md").write_text(_slug_draft("roboter-schweisst-2"), encoding="utf-8")
    result = edtool_cli("check", "--only", "metadata", "--format", "json", "drafts", cwd=desk)
    files = {f["path"]: f["diagnostics"] for f in json.loads(result.stdout)["files"]}
    line = next(i for i, row in enumerate(_slug_draft("x").splitlines(), 1) if row.startswith("slug:"))
    for name, other in (("erster", "zweiter"), ("zweiter", "erster")):
        found = [d for d in files[f"drafts/{name}.md"] if d["rule"] == "metadata.slug-taken"]
        assert [(d["line"], d["column"], d["end_column"], d["severity"]) for d in found] == \
            [(line, 1, len("slug: roboter-schweisst") + 1, "warning")]  # neither published yet
        assert f"Der Entwurf drafts/{other}.md hat denselben Slug" in found[0]["message"]
        assert found[0]["suggestions"] == ["roboter-schweisst-3"]  # -2 belongs to the third draft
    assert [d for d in files["drafts/dritter.md"] if d["rule"] == "metadata.slug-taken"] == []
    # once one is published, the slug is its own: an error in the other, nothing in the published one
    first = desk / "drafts" / "erster.md"
    first.write_text(first.read_text(encoding="utf-8").replace("status: draft", "status: published"),
                     encoding="utf-8")
    result = edtool_cli("check", "--only", "metadata", "--format", "json", "drafts", cwd=desk)
    files = {f["path"]: f["diagnostics"] for f in json.loads(result.stdout)["files"]}
    assert [d["rule"] for d in files["drafts/erster.md"]] == []
    assert [(d["rule"], d["severity"]) for d in files["drafts/zweiter.md"]] == [("metadata.slug-taken", "error")]
    assert result.returncode == 1


def test_a_draft_with_a_free_slug_has_no_slug_finding(desk, guide):
    (desk / "drafts" / "erster.md").write_text(_slug_draft("roboter-schweisst"), encoding="utf-8")
    guide = StyleGuide.load(desk / "styleguide.yaml")
    draft = Draft.from_text(_slug_draft("roboter-lackiert"), str(desk / "drafts" / "zweiter.md"))
    assert [d.rule for d in check_metadata(draft, CheckRun(guide))] == []
    own = Draft.load(desk / "drafts" / "erster.md")  # its own slug is no conflict
    assert [d.rule for d in check_metadata(own, CheckRun(guide))] == []


def _configure_content_repo(room) -> None:
    import yaml

    data = yaml.safe_load((room.desk / "styleguide.yaml").read_text(encoding="utf-8"))
    room.styleguide(publish={**data.get("publish", {}), "content_repo": "../content"})


def test_a_slug_published_in_the_content_repository_is_found_by_check_and_refused_by_new(newsroom):
    import json

    published = newsroom.approved_draft()
    assert newsroom.publish(str(published), "--editor", "Katrin Vogel").returncode == 0
    _configure_content_repo(newsroom)
    result = newsroom.edtool("check", "--only", "metadata", "--format", "json", "drafts/kuka.md")
    assert [d["rule"] for f in json.loads(result.stdout)["files"] for d in f["diagnostics"]] == []  # its own
    published.unlink()  # the draft is gone; the article stays
    other = newsroom.write_draft("neu.md", date="2025-09-01", title="Kuka zeigt den Schweißroboter erneut")
    result = newsroom.edtool("check", "--only", "metadata", "--format", "json", "drafts/neu.md")
    found = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert [(d["rule"], d["line"], d["column"]) for d in found] == [("metadata.slug-taken", 3, 1)]
    assert ("articles/2025/08/kuka-schweissroboter.md im Inhalts-Repository, veröffentlicht aus dem Entwurf "
            "drafts/kuka.md") in found[0]["message"]
    assert found[0]["suggestions"] == ["kuka-schweissroboter-2"]
    other.unlink()
    result = newsroom.edtool("new", "Kuka Schweißroboter", "--author", "Jonas Weber", "--dateline", "Augsburg",
                             "--category", "Robotik", "--tags", "Kuka")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "articles/2025/08/kuka-schweissroboter.md im Inhalts-Repository" in result.stderr
    assert "--slug kuka-schweissroboter-2" in result.stderr
    assert sorted(p.name for p in newsroom.drafts.iterdir()) == []


def test_check_with_a_content_repository_imports_git_only_for_a_slug_it_mentions(newsroom):
    import subprocess
    import sys

    published = newsroom.approved_draft()
    assert newsroom.publish(str(published), "--editor", "Katrin Vogel").returncode == 0
    _configure_content_repo(newsroom)
    newsroom.write_draft("frei.md", slug="ein-ganz-anderer-slug")
    published.unlink()
    newsroom.write_draft("kopie.md", date="2025-09-01")  # the published slug, in a draft not yet published
    code = ("import sys\nfrom edtool.cli.main import run\n"
            "try:\n    run(['check', '--only', 'metadata', sys.argv[1]])\n"
            "except SystemExit:\n    pass\n"
            "print('git' in sys.modules)")
    for name, imported in (("frei.md", "False"), ("kopie.md", "True")):
        result = subprocess.run([sys.executable, "-c", code, f"drafts/{name}"], cwd=newsroom.desk,
                                capture_output=True, text=True)
        assert result.stdout.strip().splitlines()[-1] == imported, (name, result.stdout, result.stderr)
