"""`edtool new`: slug, front matter, template, no overwrite, author fallback."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
import yaml
from typer.testing import CliRunner

from edtool.checkrun import CheckRun
from edtool.checks.dateline import check_dateline
from edtool.checks.metadata import check_metadata
from edtool.cli.main import app
from edtool.draft import Draft
from edtool.newdraft import NewDraft, NewDraftError, create_draft, slugify_title
from edtool.styleguide import StyleGuide


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Überraschung: Große Änderungen bei der ISS", "ueberraschung-grosse-aenderungen-bei-der-iss"),
        ("Öl, Äpfel & Füße", "oel-aepfel-fuesse"),
        ("KI-Modelle im Test: 5 Systeme", "ki-modelle-im-test-5-systeme"),
    ],
)
def test_slug_transliterates_german(title, slug):
    assert slugify_title(title) == slug


def test_create_draft_fills_the_template(desk, guide):
    new = NewDraft("Überraschung: Große Änderungen bei der ISS", "Lena Hoffmann", "HOUSTON / LONDON",
                   "Raumfahrt", ["ISS", "NASA"])
    path = create_draft(new, guide, desk / "drafts")
    assert path == desk / "drafts" / "ueberraschung-grosse-aenderungen-bei-der-iss.md"
    draft = Draft.load(path)
    fm = draft.front_matter
    assert fm["title"] == "Überraschung: Große Änderungen bei der ISS"
    assert fm["slug"] == "ueberraschung-grosse-aenderungen-bei-der-iss"
    assert fm["author"] == "Lena Hoffmann"
    assert fm["date"] == date.today().isoformat()
    assert fm["dateline"] == "HOUSTON / LONDON"
    assert fm["tags"] == ["ISS", "NASA"]
    assert fm["teaser"] == "" and fm["status"] == "draft" and fm["language"] == "de-DE"
    assert draft.body.lstrip("\n").startswith("HOUSTON / LONDON (IT BOLTWISE) – ")
    # only the teaser (to be written) is missing; the dateline is ready to type after
    assert [d.rule for d in check_metadata(draft, CheckRun(guide))] == ["metadata.length"]
    assert [d.rule for d in check_dateline(draft, CheckRun(guide))] == ["dateline.no-text"]


def test_never_overwrites_without_force(desk, guide):
    new = NewDraft("Ein Titel für den Test", "A B")
    path = create_draft(new, guide, desk / "drafts")
    path.write_text("Mein Text, nicht verlieren", encoding="utf-8")
    with pytest.raises(NewDraftError, match="existiert bereits"):
        create_draft(new, guide, desk / "drafts")
    assert path.read_text(encoding="utf-8") == "Mein Text, nicht verlieren"
    create_draft(new, guide, desk / "drafts", force=True)
    assert path.read_text(encoding="utf-8").startswith("---\n")
    assert [p.name for p in (desk / "drafts").iterdir()] == [path.name]  # no temporary file left


def test_template_from_styleguide_file(desk):
    (desk / "vorlage.yaml").write_text(
        "front_matter:\n  title: '{title}'\n  ressort: '{category}'\nbody: 'Vorlage {agency}: '\n", encoding="utf-8")
    guide = StyleGuide.from_text("new:\n  template_file: vorlage.yaml\n", str(desk / "styleguide.yaml"))
    path = create_draft(NewDraft("Titel", "A", category="KI", agency="dpa"), guide, desk / "drafts")
    assert path.read_text(encoding="utf-8") == "---\ntitle: Titel\nressort: KI\n---\n\nVorlage dpa: "


def test_unknown_placeholder_is_a_clear_error(desk):
    guide = StyleGuide.from_text("new:\n  front_matter: {title: '{titel}'}\n  body: ''\n")
    with pytest.raises(NewDraftError, match="Platzhalter"):
        create_draft(NewDraft("Titel", "A"), guide, desk / "drafts")


def test_cli_new_uses_git_user_name(desk, edtool_cli):
    subprocess.run(["git", "init", "-q"], cwd=desk, check=True)
    subprocess.run(["git", "config", "user.name", "Jonas Weber"], cwd=desk, check=True)
    result = edtool_cli("new", "Kuka stellt neuen Roboter vor", "--dateline", "augsburg", "--category", "Robotik",
                        "--tags", "Kuka, Roboter", cwd=desk)
    assert result.returncode == 0, result.stderr
    path = desk / result.stdout.strip()
    assert path == desk / "drafts" / "kuka-stellt-neuen-roboter-vor.md"
    fm = Draft.load(path).front_matter
    assert (fm["author"], fm["dateline"], fm["tags"]) == ("Jonas Weber", "AUGSBURG", ["Kuka", "Roboter"])


def test_cli_new_without_author_is_a_clear_error(desk, edtool_cli):
    env = {"GIT_CONFIG_GLOBAL": str(desk / "none"), "GIT_CONFIG_SYSTEM": str(desk / "none"), "HOME": str(desk)}
    result = edtool_cli("new", "Ein Titel ohne Autor", cwd=desk, env=env)
    assert result.returncode == 2
    assert "--author" in result.stderr and "Traceback" not in result.stderr
    assert list((desk / "drafts").iterdir()) == []


def test_cli_new_refuses_existing_and_force_overwrites(desk, monkeypatch):
    monkeypatch.chdir(desk)
    runner = CliRunner()
    args = ["new", "Ein Titel für den Test", "--author", "A B", "--dir", "drafts"]
    assert runner.invoke(app, args).exit_code == 0
    second = runner.invoke(app, args)
    assert second.exit_code == 2 and "--force" in second.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_generated_front_matter_is_plain_yaml(desk, guide):
    path = create_draft(NewDraft("Titel: mit Doppelpunkt und „Zitat“", "A"), guide, desk / "drafts")
    text = path.read_text(encoding="utf-8")
    fm = yaml.safe_load(text.split("---\n")[1])
    assert fm["title"] == "Titel: mit Doppelpunkt und „Zitat“"


def test_asks_for_missing_values_only_on_a_terminal(desk):
    """On a terminal (a pty here) `edtool new` asks; with a pipe it never waits for input."""
    import os
    import pty

    from conftest import edtool_executable

    leader, follower = pty.openpty()
    process = subprocess.Popen([*edtool_executable(), "new", "--author", "Lena Hoffmann"], cwd=desk,
                               stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    os.write(leader, "Neue Pläne für die ISS\nhouston / london\nRaumfahrt\nISS, NASA\n".encode())
    output = b""
    while True:
        try:
            chunk = os.read(leader, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=60) == 0, output.decode(errors="replace")
    os.close(leader)
    text = output.decode("utf-8", errors="replace")
    assert "Titel" in text and "Ortsmarke" in text and "Schlagwörter" in text
    assert "Kategorie (KI, Robotik, Raumfahrt," in text  # the allowed ones are listed
    fm = Draft.load(desk / "drafts" / "neue-plaene-fuer-die-iss.md").front_matter
    assert (fm["title"], fm["dateline"], fm["category"]) == ("Neue Pläne für die ISS", "HOUSTON / LONDON", "Raumfahrt")
    assert fm["tags"] == ["ISS", "NASA"]


@pytest.mark.parametrize("title", ["!!!", "–", "„“", "🚀 🚀"])
def test_a_title_without_letters_or_digits_is_refused(desk, edtool_cli, title):
    result = edtool_cli("new", title, "--author", "Lena Hoffmann", "--dateline", "Berlin", "--category", "KI",
                        "--tags", "KI", cwd=desk)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "kein Dateiname" in result.stderr and "Traceback" not in result.stderr
    assert list((desk / "drafts").iterdir()) == []  # no drafts/.md


def test_a_category_the_desk_does_not_have_is_refused_at_once(desk, edtool_cli):
    result = edtool_cli("new", "Ein Titel über Fußball", "--author", "Lena Hoffmann", "--dateline", "Berlin",
                        "--category", "Sport", "--tags", "Fußball", cwd=desk)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Kategorie „Sport“ gibt es nicht. Möglich: KI, Robotik, Raumfahrt" in result.stderr
    assert list((desk / "drafts").iterdir()) == []


def test_a_slug_another_draft_has_is_refused_with_a_free_variant(desk, edtool_cli):
    other = desk / "drafts" / "aelterer-text.md"
    other.write_text("---\ntitle: Kuka stellt neuen Roboter vor\nslug: kuka-stellt-neuen-roboter-vor\n---\n\nText\n",
                     encoding="utf-8")
    args = ("new", "Kuka stellt neuen Roboter vor", "--author", "Lena Hoffmann", "--dateline", "Augsburg",
            "--category", "Robotik", "--tags", "Kuka")
    result = edtool_cli(*args, cwd=desk)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Der Slug „kuka-stellt-neuen-roboter-vor“ ist bereits vergeben: Der Entwurf drafts/aelterer-text.md" \
        in result.stderr
    assert "--slug kuka-stellt-neuen-roboter-vor-2" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in (desk / "drafts").iterdir()] == ["aelterer-text.md"]
    result = edtool_cli(*args, "--slug", "kuka-stellt-neuen-roboter-vor-2", cwd=desk)
    assert result.returncode == 0, result.stderr
    fm = Draft.load(desk / "drafts" / "kuka-stellt-neuen-roboter-vor-2.md").front_matter
    assert fm["slug"] == "kuka-stellt-neuen-roboter-vor-2" and fm["title"] == "Kuka stellt neuen Roboter vor"


@pytest.mark.parametrize("slug", ["Kuka_Roboter", "kuka roboter", "kuka--roboter", "ümlaut"])
def test_a_given_slug_must_be_a_slug(desk, edtool_cli, slug):
    result = edtool_cli("new", "Ein Titel für den Test", "--author", "Lena Hoffmann", "--slug", slug, cwd=desk)
    assert result.returncode == 2 and "taugt nicht als Slug" in result.stderr
    assert list((desk / "drafts").iterdir()) == []


def test_without_a_dateline_the_body_gets_a_placeholder_the_check_flags(desk, edtool_cli):
    styleguide = desk / "styleguide.yaml"
    text = styleguide.read_text(encoding="utf-8")
    styleguide.write_text(text.replace("default_agency: IT BOLTWISE", "default_agency: dpa"), encoding="utf-8")
    result = edtool_cli("new", "Ein Titel ohne Ortsmarke", "--author", "Lena Hoffmann", "--category", "KI",
                        "--tags", "KI", cwd=desk, input="")  # a pipe: nothing is asked
    assert result.returncode == 0, result.stderr
    path = desk / result.stdout.strip()
    draft = Draft.load(path)
    assert draft.body.lstrip("\n") == "ORT (dpa) – \n"
    assert draft.front_matter["dateline"] == ""
    result = edtool_cli("check", "--only", "dateline", "drafts/ein-titel-ohne-ortsmarke.md", cwd=desk)
    assert result.returncode == 1
    line = draft.text.splitlines().index("ORT (dpa) – ") + 1
    assert f"drafts/ein-titel-ohne-ortsmarke.md:{line}:1: Fehler [dateline.placeholder] Ortsmarke noch nicht" \
        in result.stdout
