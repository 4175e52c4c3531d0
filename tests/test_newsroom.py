"""After publication: corrections, updates, withdrawal, scheduled publishing, ninjs items and the board,
each against a real content repository with a bare remote. Time comes from an injected clock."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from edtool.draft import Draft
from edtool.ninjs import validate
from edtool.styleguide import StyleGuide
from workflow_support import Newsroom, git, newsroom  # noqa: F401

TARGET = "articles/2025/08/kuka-schweissroboter.md"
NINJS = "articles/2025/08/kuka-schweissroboter.ninjs.json"
RECORD = "articles/2025/08/kuka-schweissroboter.withdrawn.json"
EDITOR = ("--editor", "Katrin Vogel")
BERLIN = ZoneInfo("Europe/Berlin")
NOTE = "In einer früheren Fassung hieß es, die Auslieferung beginne im Frühjahr."


def clock(*args: int):
    moment = datetime(*args, tzinfo=BERLIN)
    return lambda: moment


def guide_of(room: Newsroom) -> StyleGuide:
    return StyleGuide.load(room.desk / "styleguide.yaml")


def content_state(room: Newsroom) -> tuple[str, str]:
    return room.content_head(), git("status", "--porcelain", "--untracked-files=all", cwd=room.content)


def ninjs_item(room: Newsroom, name: str = NINJS) -> dict:
    return json.loads((room.content / name).read_text(encoding="utf-8"))


def published(room: Newsroom, **fields) -> Path:
    path = room.approved_draft(**fields)
    result = room.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- corrections -------------------------------------------------------------------------------------------
def test_a_correction_is_a_commit_with_a_note_for_readers_and_a_new_version(newsroom):
    path = published(newsroom)
    first = ninjs_item(newsroom)
    assert first["version"] == "1" and first["pubStatus"] == "usable" and validate(first, "3.1") == []
    edit(path, "im Frühjahr", "im Sommer")
    result = newsroom.run("correct", str(path), "--note", NOTE)
    assert result.returncode == 0, result.stderr
    assert "Korrektur vorgemerkt" in result.stdout and "edtool approve" in result.stdout
    draft = Draft.load(path).front_matter
    assert draft["status"] == "review" and draft["corrections"][0]["note"] == NOTE
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    result = newsroom.publish(str(path), *EDITOR, "--push")
    assert result.returncode == 0, result.stderr
    assert "korrigiert" in result.stdout and "Fassung 2" in result.stdout
    log = git("log", "-1", "--format=%B", cwd=newsroom.content)
    assert log.startswith("Correct: Kuka stellt lernfähigen Schweißroboter vor\n")
    assert "Version: 2" in log and f"Note: {NOTE}" in log and "Approved-by: Katrin Vogel" in log
    assert git("show", "--name-only", "--format=", "HEAD", cwd=newsroom.content).splitlines() == [TARGET, NINJS]
    article = Draft.load(newsroom.content / TARGET)
    assert article.front_matter["version"] == 2 and article.front_matter["updated_at"]
    assert article.front_matter["published_at"] == Draft.load(path).front_matter["published_at"]
    item = ninjs_item(newsroom)
    assert validate(item, "3.1") == []
    assert item["uri"] == first["uri"] and item["version"] == "2"
    assert item["edNote"].startswith("Korrektur vom ") and NOTE in item["edNote"]
    assert item["bodies"][1]["value"].rstrip().endswith("</aside>") and NOTE in item["bodies"][1]["value"]
    assert "im Sommer" in item["bodies"][0]["value"]
    assert item["firstCreated"] == article.front_matter["published_at"]
    assert git("rev-parse", "main", cwd=newsroom.remote) == newsroom.content_head()
    assert Draft.load(path).front_matter["version"] == 2


def test_a_second_correction_keeps_the_first_note(newsroom):
    path = published(newsroom)
    for number, (old, new) in enumerate([("im Frühjahr", "im Sommer"), ("einmal", "zweimal")], start=2):
        edit(path, old, new)
        assert newsroom.run("correct", str(path), "--note", f"Korrektur Nummer {number}.").returncode == 0
        assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
        assert newsroom.publish(str(path), *EDITOR).returncode == 0
    notes = [c["note"] for c in Draft.load(newsroom.content / TARGET).front_matter["corrections"]]
    assert notes == ["Korrektur Nummer 2.", "Korrektur Nummer 3."]
    assert ninjs_item(newsroom)["version"] == "3"


def test_a_published_note_cannot_silently_disappear(newsroom):
    path = published(newsroom)
    edit(path, "im Frühjahr", "im Sommer")
    assert newsroom.run("correct", str(path), "--note", NOTE).returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("corrections:\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    edit(path, "im Sommer", "im Herbst")
    assert newsroom.run("submit", str(path)).returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    head = newsroom.content_head()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "Korrekturhinweise des veröffentlichten Artikels" in result.stderr
    assert newsroom.content_head() == head


def test_an_update_needs_its_note_by_default_and_not_when_the_desk_says_so(newsroom):
    path = published(newsroom)
    edit(path, "im Frühjahr", "im Sommer")
    assert newsroom.run("submit", str(path)).returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    head = newsroom.content_head()
    refused = newsroom.publish(str(path), *EDITOR)
    assert refused.returncode == 1 and "ohne Hinweis" in refused.stderr
    assert f'edtool correct {path} --note "In einer früheren Fassung' in refused.stderr
    assert newsroom.content_head() == head
    publish = yaml_section(newsroom)
    publish["revisions"] = {"update": {"note": "optional"}}
    newsroom.styleguide(publish=publish)
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert newsroom.content_log()[0] == "Update: Kuka stellt lernfähigen Schweißroboter vor"


def yaml_section(room: Newsroom) -> dict:
    import yaml

    return dict(yaml.safe_load((room.desk / "styleguide.yaml").read_text(encoding="utf-8")).get("publish") or {})


def test_an_editor_corrects_at_once_when_the_desk_needs_no_second_review(newsroom):
    publish = yaml_section(newsroom)
    publish["revisions"] = {"correction": {"review": False}}
    newsroom.styleguide(publish=publish)
    path = published(newsroom)
    edit(path, "im Frühjahr", "im Sommer")
    result = newsroom.run("correct", "kuka-schweissroboter", "--note", NOTE, *EDITOR, "--content-repo",
                          str(newsroom.content))  # the slug names the draft
    assert result.returncode == 0, result.stderr
    assert newsroom.content_log()[0] == "Correct: Kuka stellt lernfähigen Schweißroboter vor"
    assert Draft.load(path).front_matter["status"] == "published"


@pytest.mark.parametrize("case", ["unpublished", "no note", "missing draft", "missing slug"])
def test_bad_corrections_are_refused_in_german_and_change_nothing(newsroom, case):
    path = newsroom.approved_draft() if case == "unpublished" else published(newsroom)
    before, state = path.read_bytes(), content_state(newsroom)
    target = {"missing draft": "drafts/gibt-es-nicht.md", "missing slug": "gibt-es-nicht"}.get(case, str(path))
    result = newsroom.run("correct", target, "--note", "" if case == "no note" else NOTE)
    assert result.returncode == 1
    needle = {"unpublished": "nur zu einem veröffentlichten Artikel", "no note": "Bitte den Hinweis",
              "missing draft": "Entwurf nicht gefunden", "missing slug": "gibt-es-nicht: Entwurf nicht gefunden"}[case]
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before and content_state(newsroom) == state


# -- nothing to publish, nothing committed; only what readers need ----------------------------------------
def test_re_approving_an_unchanged_published_article_makes_no_commit(newsroom):
    path = published(newsroom)
    head, files = newsroom.content_head(), (newsroom.content / TARGET).read_bytes()
    assert newsroom.run("submit", str(path)).returncode == 0
    assert newsroom.run("approve", str(path), "--editor", "Lena Hoffmann").returncode == 0
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0 and "unverändert" in result.stdout, result.stderr
    assert newsroom.content_head() == head and (newsroom.content / TARGET).read_bytes() == files
    assert Draft.load(path).front_matter["status"] == "published"


def test_a_change_of_workflow_fields_only_publishes_nothing(newsroom):
    path = published(newsroom)
    head = newsroom.content_head()
    edit(path, "status: published", "status: published\nsubmitted_at: 2025-08-12T08:00:00+02:00")
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0 and "unverändert" in result.stdout, result.stderr
    assert newsroom.content_head() == head


def test_published_content_carries_no_workflow_fields_and_no_switches(newsroom):
    body = ("AUGSBURG (IT BOLTWISE) – Der Hersteller zeigt den Roboter.\n\n"
            "<!-- edtool-disable-next-line style.fillers -->\n"
            "Das ist eigentlich ein Satz mit Füllwort. <!-- edtool-disable style.fillers -->Noch einer.\n")
    extra = "publish_at: 2025-08-12T06:00:00+02:00\n"
    path = newsroom.approved_draft(body=body, extra="approved_by: Katrin Vogel\napproved_at: 2025-08-12T09:00:00+02:00\n"
                                   + extra)
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    raw = (newsroom.content / TARGET).read_text(encoding="utf-8")
    assert "edtool-" not in raw
    article = Draft.load(newsroom.content / TARGET)
    assert "Das ist eigentlich ein Satz mit Füllwort. Noch einer.\n" in article.body
    assert set(article.front_matter) == {"title", "slug", "author", "date", "dateline", "category", "tags", "teaser",
                                         "status", "language", "published_at", "version"}


def test_reject_and_unpublish_leave_no_stale_fields(newsroom):
    path = newsroom.write_draft()
    assert newsroom.run("submit", str(path)).returncode == 0
    assert newsroom.run("reject", str(path), *EDITOR, "--reason", "Quelle fehlt").returncode == 0
    assert "submitted_at" not in Draft.load(path).front_matter
    assert newsroom.run("submit", str(path)).returncode == 0
    assert not {"rejected_by", "rejected_at", "rejected_reason"} & set(Draft.load(path).front_matter)
    path = published(newsroom, name="b.md", slug="b-artikel")
    result = newsroom.run("unpublish", str(path), *EDITOR, "--reason", "Doppelt", "--content-repo",
                          str(newsroom.content))
    assert result.returncode == 0, result.stderr
    draft = Draft.load(path).front_matter
    assert not {"commit", "submitted_at", "version", "published_at"} & set(draft)
    assert draft["unpublished_reason"] == "Doppelt"
    assert not (newsroom.content / "articles/2025/08/b-artikel.ninjs.json").exists()  # a takedown takes it along
    assert newsroom.run("submit", str(path)).returncode == 0
    assert "unpublished_reason" not in Draft.load(path).front_matter
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    item = ninjs_item(newsroom, "articles/2025/08/b-artikel.ninjs.json")
    assert item["version"] == "3" and validate(item) == []  # published, taken down, published: never back to 1


# -- withdrawal --------------------------------------------------------------------------------------------
def test_withdraw_removes_the_article_and_leaves_a_record_and_a_canceled_item(newsroom):
    path = published(newsroom)
    first = ninjs_item(newsroom)
    published_commit = newsroom.content_head()
    result = newsroom.run("withdraw", str(path), "--reason", "Einstweilige Verfügung", *EDITOR, "--content-repo",
                          str(newsroom.content), "--push")
    assert result.returncode == 0, result.stderr
    assert "zurückgezogen" in result.stdout and RECORD in result.stdout
    assert not (newsroom.content / TARGET).exists()
    record = json.loads((newsroom.content / RECORD).read_text(encoding="utf-8"))
    assert record["reason"] == "Einstweilige Verfügung" and record["withdrawn_by"] == "Katrin Vogel"
    assert record["path"] == TARGET and record["slug"] == "kuka-schweissroboter" and record["withdrawn_at"]
    item = ninjs_item(newsroom)
    assert validate(item, "3.1") == []
    assert item["pubStatus"] == "canceled" and item["uri"] == first["uri"] and item["version"] == "2"
    assert "bodies" not in item and "Zurückgezogen: Einstweilige Verfügung" in item["edNote"]
    log = git("log", "-1", "--format=%an%n%B", cwd=newsroom.content)
    assert log.startswith("Katrin Vogel\nWithdraw: Kuka stellt lernfähigen Schweißroboter vor")
    assert "Reason: Einstweilige Verfügung" in log and "Withdrawn-by: Katrin Vogel" in log
    assert sorted(git("show", "--name-only", "--format=", "HEAD", cwd=newsroom.content).splitlines()) == sorted(
        [TARGET, NINJS, RECORD])
    assert git("cat-file", "-t", published_commit, cwd=newsroom.content) == "commit"  # history keeps it
    assert git("rev-parse", "main", cwd=newsroom.remote) == newsroom.content_head()
    draft = Draft.load(path).front_matter
    assert draft["status"] == "withdrawn" and draft["withdrawn_reason"] == "Einstweilige Verfügung"
    assert draft["commit"] == newsroom.content_head()
    # withdrawn is final: no resubmission, no second withdrawal, and the slug stays taken
    assert "„withdrawn“" in newsroom.run("submit", str(path)).stderr
    again = newsroom.run("withdraw", str(path), "--reason", "x", *EDITOR, "--content-repo", str(newsroom.content))
    assert again.returncode == 1 and "nur bei veröffentlichten" in again.stderr
    other = newsroom.approved_draft("andere.md", author="Lena Hoffmann")
    taken = newsroom.publish(str(other), *EDITOR)
    assert taken.returncode == 1 and "bereits von einem anderen Artikel belegt" in taken.stderr


@pytest.mark.parametrize("case", ["no reason", "no editor", "not published", "missing draft"])
def test_bad_withdrawals_are_refused_in_german_and_change_nothing(newsroom, case):
    path = newsroom.approved_draft() if case == "not published" else published(newsroom)
    before, state = path.read_bytes(), content_state(newsroom)
    args = ["withdraw", "drafts/nix.md" if case == "missing draft" else str(path), "--content-repo",
            str(newsroom.content)]
    args += [] if case == "no reason" else ["--reason", "Rechtlicher Grund"]
    args += [] if case == "no editor" else list(EDITOR)
    result = newsroom.run(*args)
    assert result.returncode == 1, result.stdout
    needle = {"no reason": "Bitte eine Begründung", "no editor": "Bitte --editor NAME",
              "not published": "nur bei veröffentlichten", "missing draft": "Entwurf nicht gefunden"}[case]
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before and content_state(newsroom) == state


@pytest.mark.parametrize("step", ["write", "git-commit", "commit", "draft"])
def test_killed_withdrawal_is_finished_or_rolled_back(newsroom, step):
    path = published(newsroom)
    crashed = newsroom.crash_publish(path, step, withdraw="Einstweilige Verfügung")
    assert crashed.returncode == 86, crashed.stderr
    if step == "write":  # nothing committed: the next run rolls back, the article is still there
        result = newsroom.publish("--push")
        assert "zurückgenommen" in result.stdout, result.stderr
        assert (newsroom.content / TARGET).exists() and not (newsroom.content / RECORD).exists()
        assert ninjs_item(newsroom)["pubStatus"] == "usable"
        assert Draft.load(path).front_matter["status"] == "published"
        assert git("status", "--porcelain", "--untracked-files=all", cwd=newsroom.content) == ""
        return
    result = newsroom.publish("--push")
    assert result.returncode == 0, result.stderr
    assert "Unterbrochene Veröffentlichung abgeschlossen" in result.stdout or step == "draft"
    assert newsroom.content_log()[0] == "Withdraw: Kuka stellt lernfähigen Schweißroboter vor"
    assert not (newsroom.content / TARGET).exists() and (newsroom.content / RECORD).exists()
    draft = Draft.load(path).front_matter
    assert draft["status"] == "withdrawn" and draft["commit"] == newsroom.content_head()
    assert git("status", "--porcelain", "--untracked-files=all", cwd=newsroom.content) == ""
    assert not (newsroom.content / ".git" / "edtool-publish.json").exists()


@pytest.mark.parametrize("step", ["write", "commit"])
def test_killed_correction_is_finished_or_rolled_back(newsroom, step):
    path = published(newsroom)
    edit(path, "im Frühjahr", "im Sommer")
    assert newsroom.run("correct", str(path), "--note", NOTE).returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    assert newsroom.crash_publish(path, step).returncode == 86
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert newsroom.content_log()[:2] == ["Correct: Kuka stellt lernfähigen Schweißroboter vor",
                                          "Publish: Kuka stellt lernfähigen Schweißroboter vor"]
    assert ninjs_item(newsroom)["version"] == "2"
    assert Draft.load(path).front_matter["commit"] == newsroom.content_head()
    assert git("status", "--porcelain", "--untracked-files=all", cwd=newsroom.content) == ""


# -- scheduled publishing ------------------------------------------------------------------------------------
def scheduled_draft(room: Newsroom, publish_at: str, name: str = "kuka.md", **fields) -> Path:
    return room.write_draft(name, status="review", extra=f"publish_at: {publish_at}\n" + fields.pop("extra", ""),
                            **fields)


@pytest.mark.parametrize("extra, needle", [
    ("publish_at: 2025-08-12T18:00:00\n", "hat keine Zeitzone"),
    ("publish_at: 2025-08-12T08:00:00+02:00\n", "liegt in der Vergangenheit"),
    ("publish_at: morgen früh\n", "kein Zeitpunkt"),
    ("embargo: 2025-08-12T09:59:00+02:00\n", "„embargo: 2025-08-12T09:59:00+02:00“ liegt in der Vergangenheit"),
    ("publish_at: 2025-08-12T12:00:00+02:00\nembargo: 2025-08-12T14:00:00+02:00\n", "vor dem Ende der Sperrfrist"),
])
def test_approval_refuses_a_schedule_that_cannot_hold(newsroom, extra, needle):
    from edtool.workflow import WorkflowError, approve

    path = newsroom.write_draft(status="review", extra=extra)
    before = path.read_bytes()
    with pytest.raises(WorkflowError, match=re.escape(needle)):
        approve(path, "Katrin Vogel", guide_of(newsroom), now=clock(2025, 8, 12, 10, 0))
    assert path.read_bytes() == before


def test_a_schedule_without_zone_is_refused_at_the_command_line_too(newsroom):
    path = scheduled_draft(newsroom, "2030-08-12T18:00:00")
    result = newsroom.run("approve", str(path), *EDITOR)
    assert result.returncode == 1
    assert "hat keine Zeitzone" in result.stderr and "2030-08-12T18:00:00+02:00" in result.stderr


def test_due_publishes_what_is_due_by_the_injected_clock(newsroom):
    from edtool.publish import Publisher, drafts_to_publish
    from edtool.workflow import approve

    guide = guide_of(newsroom)
    early = scheduled_draft(newsroom, "2025-08-12T12:00:00+02:00", "early.md", slug="frueh")
    late = scheduled_draft(newsroom, "2025-08-12T12:00:00Z", "late.md", slug="spaet")  # 14:00 in Berlin
    manual = newsroom.approved_draft("manual.md", slug="von-hand")
    for path in (early, late):
        approve(path, "Katrin Vogel", guide, now=clock(2025, 8, 12, 10, 0))

    def due_at(*moment: int) -> list[str]:
        with Publisher(guide, newsroom.content, "Katrin Vogel", now=clock(*moment)) as publisher:
            chosen = publisher.due(drafts_to_publish([newsroom.drafts], True))
            assert publisher.publish(chosen) == 0
            return [p.name for p in chosen]

    assert due_at(2025, 8, 12, 11, 59) == []
    assert newsroom.content_log() == ["Start"]
    assert due_at(2025, 8, 12, 12, 0) == ["early.md"]
    assert due_at(2025, 8, 12, 13, 59) == []
    assert due_at(2025, 8, 12, 14, 0) == ["late.md"]
    assert Draft.load(manual).front_matter["status"] == "approved"  # no schedule: published by hand only
    article = Draft.load(newsroom.content / "articles/2025/08/spaet.md").front_matter
    assert article["published_at"] == "2025-08-12T14:00:00+02:00" and "publish_at" not in article


def test_publish_before_the_schedule_is_refused_and_due_runs_from_the_command_line(newsroom):
    from edtool.publish import Publisher

    path = scheduled_draft(newsroom, "2025-08-12T12:00:00+02:00")
    from edtool.workflow import approve

    approve(path, "Katrin Vogel", guide_of(newsroom), now=clock(2025, 8, 12, 10, 0))
    with Publisher(guide_of(newsroom), newsroom.content, "Katrin Vogel", now=clock(2025, 8, 12, 11, 0)) as publisher:
        assert publisher.publish([path]) == 1
    assert any("geplant für 2025-08-12T12:00:00+02:00" in text for _, text in publisher.notices)
    assert newsroom.content_log() == ["Start"]
    result = newsroom.publish("--due", *EDITOR)  # the real clock: long past
    assert result.returncode == 0, result.stderr
    assert "veröffentlicht als " + TARGET in result.stdout
    assert newsroom.publish("--due", *EDITOR).stdout.strip() == "Keine fälligen Artikel."


def test_the_desk_time_zone_is_configurable(newsroom):
    from edtool.publish import Publisher

    publish = yaml_section(newsroom)
    publish["timezone"] = "America/New_York"
    newsroom.styleguide(publish=publish)
    path = newsroom.approved_draft()
    with Publisher(guide_of(newsroom), newsroom.content, "Katrin Vogel", now=clock(2025, 8, 12, 18, 0)) as publisher:
        assert publisher.publish([path]) == 0
    assert Draft.load(newsroom.content / TARGET).front_matter["published_at"] == "2025-08-12T12:00:00-04:00"


# -- ninjs --------------------------------------------------------------------------------------------------
def test_ninjs_2_2_on_request_validates(newsroom):
    publish = yaml_section(newsroom)
    publish["ninjs_version"] = "2.2"
    newsroom.styleguide(publish=publish)
    published(newsroom, extra="approved_by: Katrin Vogel\napproved_at: 2025-08-12T09:00:00+02:00\n"
              "embargo: 2025-08-12T06:00:00+02:00\n")
    item = ninjs_item(newsroom)
    assert validate(item, "2.2") == []
    assert item["pubstatus"] == "usable" and item["embargoed"] == "2025-08-12T06:00:00+02:00"
    assert item["located"] == "AUGSBURG" and item["by"] == "Jonas Weber"
    assert {"name": "Robotik", "rel": "category"} in item["subjects"]
    assert item["standard"]["version"] == "2.2"


def test_an_unknown_ninjs_version_is_a_usage_error(newsroom):
    publish = yaml_section(newsroom)
    publish["ninjs_version"] = "4.0"
    newsroom.styleguide(publish=publish)
    path = newsroom.approved_draft()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 2 and "ninjs-Version „4.0“" in result.stderr


# -- the board -------------------------------------------------------------------------------------------------
def test_the_board_shows_the_life_after_publication(newsroom):
    from edtool.workflow import approve, board

    guide = guide_of(newsroom)
    corrected = published(newsroom, name="korrigiert.md", slug="korrigiert")
    edit(corrected, "im Frühjahr", "im Sommer")
    assert newsroom.run("correct", str(corrected), "--note", NOTE).returncode == 0
    assert newsroom.run("approve", str(corrected), *EDITOR).returncode == 0
    assert newsroom.publish(str(corrected), *EDITOR).returncode == 0
    changed = published(newsroom, name="geaendert.md", slug="geaendert")
    edit(changed, "im Frühjahr", "im Herbst")
    gone = published(newsroom, name="weg.md", slug="weg")
    assert newsroom.run("withdraw", str(gone), "--reason", "Rechtsstreit", *EDITOR, "--content-repo",
                        str(newsroom.content)).returncode == 0
    back = newsroom.write_draft("zurueck.md", slug="zurueck", status="review")
    assert newsroom.run("reject", str(back), *EDITOR, "--reason", "Zweite Quelle fehlt").returncode == 0
    planned = scheduled_draft(newsroom, "2099-01-01T06:00:00+01:00", "geplant.md", slug="geplant")
    approve(planned, "Katrin Vogel", guide)
    rows = {Path(r["path"]).name: r for r in board([newsroom.drafts], guide)}
    assert rows["korrigiert.md"]["note"] == "korrigiert (Fassung 2)" and rows["korrigiert.md"]["version"] == 2
    assert rows["korrigiert.md"]["commit"] == git("rev-list", "-1", "HEAD", "--", "articles/2025/08/korrigiert.md",
                                                  cwd=newsroom.content)
    assert rows["korrigiert.md"]["published_at"] == Draft.load(corrected).front_matter["published_at"]
    assert rows["geaendert.md"]["changed_since_publication"] and rows["geaendert.md"]["note"] == \
        "geändert seit Veröffentlichung"
    assert rows["weg.md"]["status"] == "withdrawn" and rows["weg.md"]["note"] == "zurückgezogen: Rechtsstreit"
    assert rows["zurueck.md"]["sent_back"] and rows["zurueck.md"]["note"] == "zurück: Zweite Quelle fehlt"
    assert rows["geplant.md"]["scheduled"] and rows["geplant.md"]["note"] == "geplant 01.01. 06:00"
    assert rows["geplant.md"]["published_at"] is None and rows["geplant.md"]["commit"] is None
    result = newsroom.run("status", "--format", "json")
    data = {Path(r["path"]).name: r for r in json.loads(result.stdout)["drafts"]}
    assert data["korrigiert.md"]["commit"] == rows["korrigiert.md"]["commit"]
    text = newsroom.run("status")
    assert text.returncode == 0
    for needle in ("zurück: Zweite Quelle fehlt", "geplant 01.01. 06:00", "zurückgezogen: Rechtsstreit",
                   "korrigiert (Fassung 2)", "geändert seit Veröffentlichung", "Hinweis"):
        assert needle in text.stdout


def test_the_board_fits_80_columns_with_notes(newsroom, monkeypatch):
    import io
    import sys

    from edtool.cli.workflow import status

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    back = newsroom.write_draft("zurueck.md", slug="zurueck", status="review")
    assert newsroom.run("reject", str(back), *EDITOR, "--reason", "Zweite Quelle fehlt").returncode == 0
    newsroom.approved_draft("b.md", slug="b-artikel")
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "dumb")
    status(paths=None, fmt="text", styleguide=None)
    lines = screen.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("zurück: Zweite Quelle" in line for line in lines)


def test_shipped_styleguide_knows_the_new_fields(tmp_path):
    from edtool.engine import CheckOptions, run_checks
    from workflow_support import PROJECT, draft_text

    extra = ("publish_at: 2025-08-12T06:00:00+02:00\nversion: 2\nupdate_note: Zahlen ergänzt\n"
             "corrections:\n  - date: 2025-08-13\n    note: In einer früheren Fassung stand ein falscher Preis.\n"
             "withdrawn_by: Katrin Vogel\nwithdrawn_at: 2025-08-14T09:00:00+02:00\nwithdrawn_reason: Verfügung\n")
    path = tmp_path / "a.md"
    path.write_text(draft_text(status="withdrawn", extra=extra), encoding="utf-8")
    guide = StyleGuide.load(PROJECT / "styleguide.yaml")
    results = run_checks([path], guide, CheckOptions(only={"metadata"}))
    assert [d.rule for r in results for d in r.diagnostics] == []
    path.write_text(draft_text(extra="corrections:\n  - date: 2025-08-13\n"), encoding="utf-8")
    found = [d for r in run_checks([path], guide, CheckOptions(only={"metadata"})) for d in r.diagnostics]
    assert [d.message for d in found] == ["Pflichtfeld „note“ fehlt im Front Matter."]


# -- properties -------------------------------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SWITCHES = ["<!-- edtool-disable-next-line -->", "<!-- edtool-disable style.fillers -->",
             "<!-- edtool-enable -->", "<!--edtool-disable-next-line style.typo.quotes-->"]
_WORDS = st.text(alphabet="abcdeäöü ßXYZ.,–„“", min_size=1, max_size=20).filter(lambda t: t.strip())


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.one_of(_WORDS.map(lambda t: ("text", t)), st.sampled_from(_SWITCHES).map(lambda t: ("sw", t)),
                                st.tuples(_WORDS, st.sampled_from(_SWITCHES), _WORDS).map(lambda t: ("inline", t))),
                      min_size=1, max_size=12))
def test_property_published_articles_never_carry_switches_and_keep_every_word(lines):
    from edtool.publish.plan import render
    from workflow_support import draft_text

    body, expected = "", ""
    for kind, value in lines:
        if kind == "text":
            body += value + "\n"
            expected += value + "\n"
        elif kind == "sw":
            body += value + "\n"
        else:
            body += value[0] + value[1] + value[2] + "\n"
            expected += value[0] + value[2] + "\n"
    draft = Draft.from_text(draft_text(status="approved", body=body), "drafts/a.md")
    article = Draft.from_bytes(render(draft, {"published_at": "2025-08-12T10:00:00+02:00"}))
    assert "edtool-" not in article.body
    assert article.body == "\n" + expected
    assert {k: v for k, v in article.front_matter.items() if k not in ("status", "published_at")} == \
        {k: v for k, v in draft.front_matter.items() if k != "status"}


@settings(max_examples=150, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(["submitted_at", "approved_by", "approved_at", "approved_digest",
                                               "rejected_reason", "commit", "updated_at", "publish_at"]),
                              _WORDS, max_size=5))
def test_property_workflow_fields_alone_never_make_a_new_version(fields):
    from edtool.publish.plan import render, same_article
    from edtool.workflow import edit_front_matter
    from workflow_support import draft_text

    draft = Draft.from_text(draft_text(status="approved"), "drafts/a.md")
    changed = Draft.from_bytes(edit_front_matter(draft, fields), "drafts/a.md")
    kept = {"published_at": "2025-08-12T10:00:00+02:00"}
    assert same_article(render(changed, kept), render(draft, kept))
