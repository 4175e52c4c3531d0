"""Publishing into a real content repository with a bare remote: the transaction and its safety rules."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from edtool.draft import Draft
from workflow_support import Newsroom, git, newsroom  # noqa: F401

TARGET = "articles/2025/08/kuka-schweissroboter.md"
NINJS = "articles/2025/08/kuka-schweissroboter.ninjs.json"
EDITOR = ("--editor", "Katrin Vogel")


def state(room: Newsroom) -> tuple[str, str, str]:
    """HEAD, work tree status and index of the content repository."""
    return (room.content_head(), git("status", "--porcelain", "--untracked-files=all", cwd=room.content),
            git("ls-files", "-s", cwd=room.content))


def assert_clean(room: Newsroom) -> None:
    assert git("status", "--porcelain", "--untracked-files=all", cwd=room.content) == ""
    assert not (room.content / ".git" / "edtool-publish.json").exists()


def test_publish_commits_as_author_with_editor_as_committer(newsroom):
    path = newsroom.approved_draft()
    result = newsroom.publish(str(path), *EDITOR, real=True)  # the installed console script
    assert result.returncode == 0, result.stderr
    assert "veröffentlicht als " + TARGET in result.stdout
    fmt = "%an <%ae>%n%cn <%ce>%n%B"
    log = git("log", "-1", f"--format={fmt}", cwd=newsroom.content).splitlines()
    assert log[0] == "Jonas Weber <jonas.weber@example.org>"
    assert log[1] == "Katrin Vogel <katrin.vogel@example.org>"
    assert log[2] == "Publish: Kuka stellt lernfähigen Schweißroboter vor"
    assert "Slug: kuka-schweissroboter" in log and "Approved-by: Katrin Vogel" in log
    assert "Draft: drafts/kuka.md" in log
    assert git("show", "--name-only", "--format=", "HEAD", cwd=newsroom.content).splitlines() == [TARGET, NINJS]
    article = Draft.load(newsroom.content / TARGET)
    assert article.front_matter["status"] == "published"
    assert article.front_matter["published_at"]
    assert "commit" not in article.front_matter
    draft = Draft.load(path).front_matter
    assert draft["status"] == "published"
    assert draft["commit"] == newsroom.content_head()
    assert draft["published_at"] == article.front_matter["published_at"]
    assert article.body == Draft.load(path).body
    assert_clean(newsroom)


def test_publish_again_is_a_no_op(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    head, draft = newsroom.content_head(), path.read_bytes()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert "unverändert" in result.stdout
    assert newsroom.content_head() == head and path.read_bytes() == draft


def test_changed_article_needs_approval_then_makes_an_update_commit(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    first = Draft.load(newsroom.content / TARGET).front_matter["published_at"]
    path.write_text(path.read_text(encoding="utf-8").replace("im Frühjahr", "im Sommer"), encoding="utf-8")
    head = newsroom.content_head()
    refused = newsroom.publish(str(path), *EDITOR)
    assert refused.returncode == 1 and "seit der Veröffentlichung geändert" in refused.stderr
    assert f"edtool correct {path} --note" in refused.stderr
    assert newsroom.content_head() == head
    assert newsroom.run("correct", str(path), "--update", "--note", "Liefertermin ergänzt").returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert "aktualisiert" in result.stdout
    assert newsroom.content_log()[:2] == ["Update: Kuka stellt lernfähigen Schweißroboter vor",
                                          "Publish: Kuka stellt lernfähigen Schweißroboter vor"]
    assert "unpublished_reason" not in Draft.load(path).front_matter
    article = Draft.load(newsroom.content / TARGET)
    assert "im Sommer" in article.body
    assert article.front_matter["published_at"] == first and article.front_matter["updated_at"]
    assert Draft.load(path).front_matter["commit"] == newsroom.content_head()


def test_slug_of_another_article_is_refused(newsroom):
    first = newsroom.approved_draft("kuka.md")
    assert newsroom.publish(str(first), *EDITOR).returncode == 0
    other = newsroom.approved_draft("anderer.md", title="Ein anderer Artikel mit gleichem Slug", author="Lena Hoffmann")
    before, head = other.read_bytes(), newsroom.content_head()
    result = newsroom.publish(str(other), *EDITOR)
    assert result.returncode == 1
    assert "bereits von einem anderen Artikel belegt" in result.stderr
    assert newsroom.content_head() == head and other.read_bytes() == before
    # same slug in another month: still the same slug
    moved = newsroom.approved_draft("moved.md", date="2025-09-01", author="Lena Hoffmann")
    result = newsroom.publish(str(moved), *EDITOR)
    assert result.returncode == 1 and TARGET in result.stderr


def test_file_not_written_by_edtool_is_not_overwritten(newsroom):
    (newsroom.content / "articles/2025/08").mkdir(parents=True)
    (newsroom.content / TARGET).write_text("von Hand\n", encoding="utf-8")
    git("add", ".", cwd=newsroom.content)
    git("commit", "-q", "-m", "manual", cwd=newsroom.content)
    path = newsroom.approved_draft()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "belegt" in result.stderr
    assert (newsroom.content / TARGET).read_text(encoding="utf-8") == "von Hand\n"


@pytest.mark.parametrize("pattern", ["../outside/{slug}.md", "/articles/{slug}.md", "articles/../../{slug}.md",
                                     ".git/hooks/{slug}.md"])
def test_path_outside_the_repository_is_refused(newsroom, pattern):
    newsroom.styleguide(publish={"path": pattern})
    path = newsroom.approved_draft()
    before, snapshot = path.read_bytes(), state(newsroom)
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1
    assert "außerhalb des Inhalts-Repositorys" in result.stderr
    assert state(newsroom) == snapshot and path.read_bytes() == before
    assert not (newsroom.root / "outside").exists()


def test_slug_with_dots_is_refused(newsroom):
    from edtool.publish import Publisher, PublishError
    from edtool.styleguide import StyleGuide

    with Publisher(StyleGuide.load(newsroom.desk / "styleguide.yaml"), newsroom.content) as publisher:
        with pytest.raises(PublishError, match="außerhalb"):
            publisher.check_inside("x.md", "articles/../../etc/passwd")


def test_symlink_on_the_way_is_refused(newsroom):
    outside = newsroom.root / "elsewhere"
    outside.mkdir()
    (newsroom.content / "articles").symlink_to(outside, target_is_directory=True)
    git("add", "articles", cwd=newsroom.content)
    git("commit", "-q", "-m", "link", cwd=newsroom.content)
    path = newsroom.approved_draft()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "Link" in result.stderr
    assert list(outside.iterdir()) == []


def test_uncommitted_changes_at_the_target_are_refused(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    (newsroom.content / TARGET).write_text("lokale Änderung\n", encoding="utf-8")
    assert newsroom.run("submit", str(path)).returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "nicht committete Änderungen" in result.stderr
    assert (newsroom.content / TARGET).read_text(encoding="utf-8") == "lokale Änderung\n"
    # an untracked file at a new article's target counts too
    other = newsroom.approved_draft("b.md", slug="zweiter-artikel")
    untracked = newsroom.content / "articles/2025/08/zweiter-artikel.md"
    untracked.write_text("liegt schon da\n", encoding="utf-8")
    result = newsroom.publish(str(other), *EDITOR)
    assert result.returncode == 1 and "nicht committete" in result.stderr


def test_other_staged_changes_are_not_swept_into_the_commit(newsroom):
    (newsroom.content / "notes.txt").write_text("staged by someone\n", encoding="utf-8")
    git("add", "notes.txt", cwd=newsroom.content)
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    assert git("show", "--name-only", "--format=", "HEAD", cwd=newsroom.content).splitlines() == [TARGET, NINJS]
    assert git("diff", "--cached", "--name-only", cwd=newsroom.content) == "notes.txt"


def test_embargo_blocks_publishing_before_it(newsroom):
    path = newsroom.approved_draft(extra="approved_by: Katrin Vogel\nembargo: 2999-01-01T06:00:00+01:00\n")
    head = newsroom.content_head()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "Sperrfrist bis 2999-01-01T06:00:00+01:00" in result.stderr
    assert newsroom.content_head() == head
    past = newsroom.approved_draft("b.md", slug="vergangene-sperrfrist",
                                   extra="approved_by: Katrin Vogel\nembargo: 2020-01-01T06:00:00Z\n")
    assert newsroom.publish(str(past), *EDITOR).returncode == 0


def test_draft_with_errors_is_not_published(newsroom):
    path = newsroom.approved_draft(body="Keine Ortsmarke am Anfang dieses Textes.\n")
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "Fehler" in result.stderr
    assert newsroom.content_log() == ["Start"]


def test_only_approved_drafts_are_published(newsroom):
    path = newsroom.write_draft(status="review")
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "nur freigegebene" in result.stderr


def test_all_publishes_every_approved_draft(newsroom):
    newsroom.approved_draft("a.md", slug="artikel-a")
    newsroom.approved_draft("b.md", slug="artikel-b", author="Lena Hoffmann")
    newsroom.write_draft("c.md", slug="artikel-c")
    result = newsroom.publish("--all", *EDITOR)
    assert result.returncode == 0, result.stderr
    assert len(newsroom.content_log()) == 3
    assert Draft.load(newsroom.drafts / "c.md").front_matter["status"] == "draft"


def test_unknown_author_names_the_list(newsroom):
    path = newsroom.approved_draft(author="Max Mustermann")
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1
    assert "„Max Mustermann“ steht nicht in der Liste „authors:“" in result.stderr
    assert "Jonas Weber" in result.stderr


def test_co_authors_become_trailers(newsroom):
    path = newsroom.approved_draft(author="[Miriam Schulz, Jonas Weber]")
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    body = git("log", "-1", "--format=%an%n%B", cwd=newsroom.content)
    assert body.startswith("Miriam Schulz\n")
    assert "Co-authored-by: Jonas Weber <jonas.weber@example.org>" in body


def test_dry_run_changes_nothing(newsroom):
    path = newsroom.approved_draft()
    before, snapshot = path.read_bytes(), state(newsroom)
    result = newsroom.cli("publish", str(path), "--content-repo", str(newsroom.content), *EDITOR, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Probelauf" in result.output and TARGET in result.output
    assert "Publish: Kuka stellt lernfähigen Schweißroboter vor" in result.output
    assert "+status: published" in result.output
    assert path.read_bytes() == before and state(newsroom) == snapshot
    git_dir = newsroom.content / ".git"
    assert not (git_dir / "edtool-publish.json").exists() and not (git_dir / "edtool-publish.lock").exists()


@pytest.mark.parametrize("step", ["write", "git-commit", "commit", "draft"])
def test_killed_between_steps_next_run_completes(newsroom, step):
    path = newsroom.approved_draft()
    before = path.read_bytes()
    crashed = newsroom.crash_publish(path, step)
    assert crashed.returncode == 86, crashed.stderr
    assert (newsroom.content / ".git" / "edtool-publish.json").exists()
    if step == "write":  # nothing committed, draft untouched
        assert newsroom.content_log() == ["Start"] and path.read_bytes() == before
    elif step in ("git-commit", "commit"):  # committed, draft not yet recorded: never lost
        assert len(newsroom.content_log()) == 2 and path.read_bytes() == before
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    expected = "zurückgenommen" if step == "write" else "abgeschlossen"
    assert "Unterbrochene Veröffentlichung " + expected in result.stdout
    assert newsroom.content_log() == ["Publish: Kuka stellt lernfähigen Schweißroboter vor", "Start"]
    draft = Draft.load(path).front_matter
    assert draft["status"] == "published" and draft["commit"] == newsroom.content_head()
    assert_clean(newsroom)


def test_killed_run_then_dry_run_reports_pending(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.crash_publish(path, "write").returncode == 86
    result = newsroom.publish(str(path), *EDITOR, "--dry-run")
    assert "unterbrochene Veröffentlichung" in result.stderr
    assert (newsroom.content / ".git" / "edtool-publish.json").exists()


def test_failed_commit_rolls_back(newsroom):
    hook = newsroom.content / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'content hook says no' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    path = newsroom.approved_draft()
    before, snapshot = path.read_bytes(), state(newsroom)
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1
    assert "fehlgeschlagen" in result.stderr and "content hook says no" in result.stderr
    assert state(newsroom) == snapshot and path.read_bytes() == before
    assert_clean(newsroom)


def test_two_concurrent_publishes_are_serialised(newsroom):
    a = newsroom.approved_draft("a.md", slug="artikel-a")
    b = newsroom.approved_draft("b.md", slug="artikel-b", author="Lena Hoffmann")
    # each pauses a second after writing its article, inside the lock
    procs = [subprocess.Popen(newsroom.driver(p, pause_after_write=1.0), cwd=newsroom.desk, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for p in (a, b)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    log = newsroom.content_log()
    assert len(log) == 3 and log[-1] == "Start"
    assert git("rev-list", "--merges", "--count", "HEAD", cwd=newsroom.content) == "0"
    for path in (a, b):
        assert Draft.load(path).front_matter["status"] == "published"
    assert_clean(newsroom)


def test_lock_held_too_long_gives_a_clear_message(newsroom):
    from filelock import FileLock

    path = newsroom.approved_draft()
    with FileLock(str(newsroom.content / ".git" / "edtool-publish.lock")):
        started = time.monotonic()
        result = newsroom.publish(str(path), *EDITOR, env={"EDTOOL_LOCK_TIMEOUT": "1"})
    assert result.returncode == 2 and "andere Veröffentlichung" in result.stderr
    assert time.monotonic() - started < 60
    assert newsroom.content_log() == ["Start"]


def test_push_and_rejected_push_keeps_local_commit(newsroom):
    first = newsroom.approved_draft("a.md", slug="artikel-a")
    result = newsroom.publish(str(first), *EDITOR, "--push")
    assert result.returncode == 0, result.stderr
    assert git("rev-parse", "main", cwd=newsroom.remote) == newsroom.content_head()
    # someone else pushes first: the remote moves ahead
    other = newsroom.root / "other"
    git("clone", "-q", str(newsroom.remote), str(other), cwd=newsroom.root)
    (other / "impressum.md").write_text("Impressum\n", encoding="utf-8")
    git("add", ".", cwd=other)
    git("commit", "-q", "-m", "Impressum", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    remote_head = git("rev-parse", "main", cwd=newsroom.remote)
    second = newsroom.approved_draft("b.md", slug="artikel-b")
    result = newsroom.publish(str(second), *EDITOR, "--push")
    assert result.returncode == 1
    assert "abgelehnt" in result.stderr and "git pull --rebase origin main" in result.stderr
    assert git("rev-parse", "main", cwd=newsroom.remote) == remote_head  # never forced
    local = newsroom.content_head()
    assert newsroom.content_log()[0] == "Publish: Kuka stellt lernfähigen Schweißroboter vor"
    assert Draft.load(second).front_matter["commit"] == local
    # as the message says: rebase, then publish --push pushes what is pending
    git("pull", "-q", "--rebase", "origin", "main", cwd=newsroom.content)
    result = newsroom.publish("--push", *EDITOR)
    assert result.returncode == 0, result.stderr
    assert git("rev-parse", "main", cwd=newsroom.remote) == newsroom.content_head()


def test_unpublish_retracts_with_its_own_commit(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR, "--push").returncode == 0
    published = newsroom.content_head()
    result = newsroom.run("unpublish", str(path), *EDITOR, "--reason", "Falsche Preisangabe",
                             "--content-repo", str(newsroom.content), "--push")
    assert result.returncode == 0, result.stderr
    assert not (newsroom.content / TARGET).exists()
    log = git("log", "-1", "--format=%an%n%B", cwd=newsroom.content)
    assert log.startswith("Katrin Vogel\nUnpublish: Kuka stellt lernfähigen Schweißroboter vor")
    assert "Reason: Falsche Preisangabe" in log and "Unpublished-by: Katrin Vogel" in log
    assert git("cat-file", "-t", published, cwd=newsroom.content) == "commit"  # history keeps it
    assert git("rev-parse", "main", cwd=newsroom.remote) == newsroom.content_head()
    draft = Draft.load(path).front_matter
    assert draft["status"] == "draft" and draft["unpublished_reason"] == "Falsche Preisangabe"
    assert "published_at" not in draft and "approved_by" not in draft
    again = newsroom.run("unpublish", str(path), *EDITOR, "--reason", "x", "--content-repo", str(newsroom.content))
    assert again.returncode == 1 and "nur bei veröffentlichten" in again.stderr
    # back through review, it can be published again
    assert newsroom.run("submit", str(path)).returncode == 0
    assert newsroom.run("approve", str(path), *EDITOR).returncode == 0
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    assert newsroom.content_log()[:3] == ["Publish: Kuka stellt lernfähigen Schweißroboter vor",
                                          "Unpublish: Kuka stellt lernfähigen Schweißroboter vor",
                                          "Publish: Kuka stellt lernfähigen Schweißroboter vor"]
    assert "unpublished_reason" not in Draft.load(path).front_matter


def test_content_repo_from_environment_and_styleguide(newsroom, monkeypatch):
    path = newsroom.approved_draft()
    result = newsroom.run("publish", str(path), *EDITOR, "--dry-run",
                          env={"EDTOOL_CONTENT_REPO": str(newsroom.content)})
    assert result.returncode == 0 and TARGET in result.stdout
    newsroom.styleguide(publish={"content_repo": "../content", "path": "articles/{year}/{month}/{slug}.md"})
    result = newsroom.run("publish", str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert (newsroom.content / TARGET).exists()


def test_missing_content_repo_is_a_usage_error(newsroom):
    path = newsroom.approved_draft()
    result = newsroom.run("publish", str(path))
    assert result.returncode == 2 and "Kein Inhalts-Repository" in result.stderr
    result = newsroom.run("publish", str(path), "--content-repo", str(newsroom.root / "nope"))
    assert result.returncode == 2 and "kein Git-Arbeitsverzeichnis" in result.stderr


def test_commit_found_after_a_kill_even_when_head_moved_on(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.crash_publish(path, "git-commit").returncode == 86
    (newsroom.content / "notiz.txt").write_text("später\n", encoding="utf-8")
    git("add", "notiz.txt", cwd=newsroom.content)
    git("commit", "-q", "-m", "Notiz", cwd=newsroom.content)
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert "abgeschlossen" in result.stdout
    published = git("rev-parse", "HEAD~1", cwd=newsroom.content)
    assert Draft.load(path).front_matter["commit"] == published
    assert newsroom.content_log() == ["Notiz", "Publish: Kuka stellt lernfähigen Schweißroboter vor", "Start"]


def test_pattern_without_slug_is_a_usage_error(newsroom):
    newsroom.styleguide(publish={"path": "articles/{year}/index.md"})
    path = newsroom.approved_draft()
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 2 and "{slug} fehlt" in result.stderr


# -- ownership of a slug comes from the content repository's history ----------------------------------
def published_copy(room: Newsroom) -> tuple:
    """kuka.md published; kopie.md a byte copy of it (same slug, same commit: field, status published)."""
    original = room.approved_draft("kuka.md")
    assert room.publish(str(original), *EDITOR).returncode == 0
    copy = room.drafts / "kopie.md"
    copy.write_bytes(original.read_bytes().replace(b"im Fr\xc3\xbchjahr", b"sofort"))
    return original, copy


@pytest.mark.parametrize("command", ["publish", "submit", "unpublish", "publish re-approved"])
def test_a_copy_of_a_published_draft_never_takes_its_article(newsroom, command):
    original, copy = published_copy(newsroom)
    if command == "publish re-approved":  # the copy forges a fresh approval of its own text
        from edtool.workflow import approval_digest, edit_front_matter

        draft = Draft.load(copy)
        copy.write_bytes(edit_front_matter(draft, {"status": "approved", "approved_digest": approval_digest(draft)}))
    before, snapshot, article = copy.read_bytes(), state(newsroom), (newsroom.content / TARGET).read_bytes()
    repo = ("--content-repo", str(newsroom.content))
    result = {"submit": lambda: newsroom.run("submit", str(copy), *repo),
              "unpublish": lambda: newsroom.run("unpublish", str(copy), *EDITOR, "--reason", "weg", *repo)
              }.get(command, lambda: newsroom.publish(str(copy), *EDITOR))()
    assert result.returncode == 1, result.stdout
    assert "bereits von einem anderen Artikel belegt" in result.stderr
    assert "Entwurf drafts/kuka.md" in result.stderr  # names the owner
    assert copy.read_bytes() == before and state(newsroom) == snapshot
    assert (newsroom.content / TARGET).read_bytes() == article


def test_slug_owner_for_the_check(newsroom):
    from edtool.publish import slug_owner
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.load(newsroom.desk / "styleguide.yaml")
    original, copy = published_copy(newsroom)
    assert slug_owner(guide, original, content_repo=newsroom.content) is None  # its own
    owner = slug_owner(guide, copy, content_repo=newsroom.content)
    assert owner is not None and owner.draft == "drafts/kuka.md" and owner.target == TARGET
    assert owner.commit == git("rev-list", "-1", "HEAD", "--", TARGET, cwd=newsroom.content)
    other_month = newsroom.write_draft("neu.md", date="2025-10-01")  # same slug, another path
    assert slug_owner(guide, other_month, content_repo=newsroom.content).target == TARGET
    free = newsroom.write_draft("frei.md", slug="ein-freier-slug")
    assert slug_owner(guide, free, content_repo=newsroom.content) is None
    bad = newsroom.write_draft("kaputt.md", slug="", date="kein Datum")  # metadata check's business
    assert slug_owner(guide, bad, content_repo=newsroom.content) is None


def test_submit_names_the_owner_of_a_hand_made_article(newsroom):
    (newsroom.content / "articles/2025/08").mkdir(parents=True)
    (newsroom.content / TARGET).write_text("von Hand\n", encoding="utf-8")
    git("add", ".", cwd=newsroom.content)
    git("commit", "-q", "-m", "manual", cwd=newsroom.content)
    path = newsroom.write_draft()
    before = path.read_bytes()
    result = newsroom.run("submit", str(path), "--content-repo", str(newsroom.content))
    assert result.returncode == 1 and "nicht mit edtool angelegt" in result.stderr
    assert path.read_bytes() == before
    # without a configured content repository submit does not look
    assert newsroom.run("submit", str(path)).returncode == 0


def test_owner_is_who_created_the_article_not_who_touched_it_last(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    article = newsroom.content / TARGET
    article.write_text(article.read_text(encoding="utf-8") + "\nNachtrag von Hand.\n", encoding="utf-8")
    git("commit", "-q", "-am", "Tippfehler\n\nDraft: drafts/kopie.md", cwd=newsroom.content)  # a later commit
    copy = newsroom.approved_draft("kopie.md")
    result = newsroom.publish(str(copy), *EDITOR)
    assert result.returncode == 1 and "Entwurf drafts/kuka.md" in result.stderr


def test_same_draft_at_a_new_date_is_told_it_is_published_already(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    moved = newsroom.approved_draft("kuka.md", date="2025-09-01")
    result = newsroom.publish(str(moved), *EDITOR)
    assert result.returncode == 1 and "bereits als " + TARGET + " veröffentlicht" in result.stderr


# -- commit messages carry single-line, sanitised values ------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(subject=st.text(max_size=40), values=st.lists(st.text(max_size=40), min_size=1, max_size=4))
def test_property_commit_messages_have_exactly_the_trailers_given(subject, values):
    import unicodedata

    from edtool.publish import commit_message, trailers

    keys = ["Slug", "Approved-by", "Draft", "Reason"][:len(values)]
    message = commit_message("Publish: " + subject, list(zip(keys, values)))
    lines = message.splitlines()
    assert len(lines) == 2 + len(values) and lines[1] == "" and lines[0].startswith("Publish:")
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for line in lines for ch in line)
    assert message == message.replace("\r", "") and message.count("\n") == len(lines)
    assert list(trailers(message)) == keys


def test_newlines_and_escapes_never_become_trailers_or_subjects(newsroom):
    name = "kuka\nSigned-off-by: Mallory <m@example.org>\x1b[2J.md"
    title = "Kuka stellt \x1b[31mneuen\u2028Approved-by: Mallory Roboter vor"
    path = newsroom.approved_draft(name, title=json_string(title))
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    message = git("log", "-1", "--format=%B", cwd=newsroom.content)
    parsed = git("interpret-trailers", "--parse", cwd=newsroom.content, input_=message)
    assert [line.split(":")[0] for line in parsed.splitlines()] == ["Slug", "Approved-by", "Draft"]
    assert "Draft: drafts/kuka Signed-off-by: Mallory <m@example.org> [2J.md" in parsed
    subject = git("log", "-1", "--format=%s", cwd=newsroom.content)
    assert subject == "Publish: Kuka stellt [31mneuen Approved-by: Mallory Roboter vor"
    assert "\x1b" not in message
    # the sanitised name still owns the article: publishing again is a no-op
    assert "unverändert" in newsroom.publish(str(path), *EDITOR).stdout


def test_a_forged_approver_is_refused(newsroom):
    path = newsroom.approved_draft(extra='approved_by: "Katrin Vogel\\nSigned-off-by: Mallory <m@example.org>"\n')
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 1 and "steht nicht in der Liste" in result.stderr
    assert newsroom.content_log() == ["Start"]


def test_unpublish_reason_stays_one_trailer(newsroom):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    result = newsroom.run("unpublish", str(path), *EDITOR, "--reason", "Falsch\nApproved-by: \x1bMallory",
                          "--content-repo", str(newsroom.content))
    assert result.returncode == 0, result.stderr
    parsed = git("interpret-trailers", "--parse", cwd=newsroom.content,
                 input_=git("log", "-1", "--format=%B", cwd=newsroom.content))
    assert parsed.splitlines() == ["Slug: kuka-schweissroboter", "Unpublished-by: Katrin Vogel",
                                   "Reason: Falsch Approved-by: Mallory", "Draft: drafts/kuka.md"]


def json_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=True)


# -- a kill during git commit: the stale index.lock is found, removed, and the run completes ------------
def blocking_hook(room: Newsroom, name: str = "pre-commit") -> Path:
    """A content repository hook that blocks the first commit (git holds index.lock meanwhile)."""
    mark = room.root / f"{name}.started"
    hook = room.content / ".git" / "hooks" / name
    hook.write_text(f'#!/bin/sh\nif [ ! -e "{mark}" ]; then : > "{mark}"; sleep 120; fi\nexit 0\n', encoding="utf-8")
    hook.chmod(0o755)
    return mark


def wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "hook never started"
        time.sleep(0.05)


def test_sigkill_during_git_commit_leaves_a_lock_that_the_next_run_clears(newsroom):
    import signal

    from workflow_support import edtool_command

    mark = blocking_hook(newsroom)
    path = newsroom.approved_draft()
    before = path.read_bytes()
    proc = subprocess.Popen([*edtool_command(), "publish", str(path), "--content-repo", str(newsroom.content),
                             *EDITOR], cwd=newsroom.desk, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    wait_for(mark, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # edtool, git commit, the hook: all at once
    proc.wait(timeout=30)
    lock = newsroom.content / ".git" / "index.lock"
    assert lock.exists() and (newsroom.content / ".git" / "edtool-publish.json").exists()
    assert newsroom.content_log() == ["Start"] and path.read_bytes() == before
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert "Verwaiste Git-Sperrdatei(en) .git/index.lock" in result.stdout and "next-index-" in result.stdout
    assert "zurückgenommen" in result.stdout and "veröffentlicht als" in result.stdout
    assert newsroom.content_log() == ["Publish: Kuka stellt lernfähigen Schweißroboter vor", "Start"]
    assert Draft.load(path).front_matter["commit"] == newsroom.content_head()
    assert [p.name for p in (newsroom.content / ".git").glob("*.lock")] == ["edtool-publish.lock"]  # ours stays
    assert_clean(newsroom)


def test_stale_lock_after_the_commit_completes_the_publication(newsroom):
    path = newsroom.approved_draft()
    crashed = newsroom.crash_publish(path, "git-commit")
    assert crashed.returncode == 86
    (newsroom.content / ".git" / "index.lock").write_bytes(b"")  # as a git killed in its last step leaves it
    result = newsroom.publish(str(path), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert "Sperrdatei" in result.stdout and "abgeschlossen" in result.stdout
    assert Draft.load(path).front_matter["commit"] == newsroom.content_head()
    assert_clean(newsroom)


def test_a_lock_held_by_a_live_git_is_left_alone(newsroom):
    import signal

    mark = blocking_hook(newsroom)
    (newsroom.content / "notiz.txt").write_text("von Hand\n", encoding="utf-8")
    git("add", "notiz.txt", cwd=newsroom.content)
    other = subprocess.Popen(["git", "commit", "-q", "-m", "Notiz", "--", "notiz.txt"], cwd=newsroom.content, start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(mark, other)  # a partial commit holds index.lock while its hook runs
        assert (newsroom.content / ".git" / "index.lock").exists()
        path = newsroom.approved_draft()
        before, head = path.read_bytes(), newsroom.content_head()
        result = newsroom.publish(str(path), *EDITOR)
        assert result.returncode == 2
        assert f"anderer Git-Prozess (PID {other.pid})" in result.stderr and "nichts geändert" in result.stderr
        assert (newsroom.content / ".git" / "index.lock").exists()
        assert path.read_bytes() == before and newsroom.content_head() == head
    finally:
        os.killpg(other.pid, signal.SIGKILL)
        other.wait(timeout=30)


# -- ownership and "already published" survive git pull --rebase ---------------------------------------
def test_ownership_survives_a_rebase(newsroom):
    first = newsroom.approved_draft("a.md", slug="artikel-a")
    assert newsroom.publish(str(first), *EDITOR, "--push").returncode == 0
    other = newsroom.root / "other"
    git("clone", "-q", str(newsroom.remote), str(other), cwd=newsroom.root)
    (other / "impressum.md").write_text("Impressum\n", encoding="utf-8")
    git("add", ".", cwd=other)
    git("commit", "-q", "-m", "Impressum", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    second = newsroom.approved_draft("b.md", slug="artikel-b")
    assert newsroom.publish(str(second), *EDITOR, "--push").returncode == 1  # rejected
    old_sha = Draft.load(second).front_matter["commit"]
    git("pull", "-q", "--rebase", "origin", "main", cwd=newsroom.content)
    git("reflog", "expire", "--expire=now", "--all", cwd=newsroom.content)
    git("gc", "-q", "--prune=now", cwd=newsroom.content)
    assert git("cat-file", "-t", old_sha, cwd=newsroom.content, check=False) == ""  # really gone
    # already published: unchanged, and the draft now names the rewritten commit
    result = newsroom.publish(str(second), *EDITOR)
    assert result.returncode == 0, result.stderr
    assert "unverändert" in result.stdout and "nach einem Rebase" in result.stdout
    new_sha = Draft.load(second).front_matter["commit"]
    assert new_sha == git("rev-list", "-1", "HEAD", "--", "articles/2025/08/artikel-b.md", cwd=newsroom.content)
    # a copy still cannot take it; the owner can still correct and retract it
    copy = newsroom.drafts / "b-kopie.md"
    copy.write_bytes(second.read_bytes())
    assert "Entwurf drafts/b.md" in newsroom.publish(str(copy), *EDITOR).stderr
    second.write_text(second.read_text(encoding="utf-8").replace("im Frühjahr", "im Mai"), encoding="utf-8")
    assert newsroom.run("correct", str(second), "--update", "--note", "Termin genauer").returncode == 0
    assert newsroom.run("approve", str(second), *EDITOR).returncode == 0
    result = newsroom.publish(str(second), *EDITOR)
    assert result.returncode == 0 and "aktualisiert" in result.stdout, result.stderr
    git("reset", "-q", "--hard", "HEAD", cwd=newsroom.content)
    result = newsroom.run("unpublish", str(second), *EDITOR, "--reason", "Doppelt", "--content-repo",
                          str(newsroom.content))
    assert result.returncode == 0, result.stderr
    assert not (newsroom.content / "articles/2025/08/artikel-b.md").exists()


@pytest.mark.parametrize("command", ["unpublish", "withdraw"])
def test_unpublish_finds_the_article_by_history_when_the_pattern_moved(newsroom, command):
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    newsroom.styleguide(publish={"path": "news/{slug}.md"})
    text = path.read_text(encoding="utf-8").replace("commit: ", "commit: 0000000")  # a useless commit field
    path.write_text(text, encoding="utf-8")
    result = newsroom.run(command, str(path), *EDITOR, "--reason", "Alt", "--content-repo", str(newsroom.content))
    assert result.returncode == 0, result.stderr
    assert not (newsroom.content / TARGET).exists()
    removed = git("show", "--name-status", "--format=", "HEAD", cwd=newsroom.content).splitlines()
    assert f"D\t{TARGET}" in removed  # the article, never its ninjs item taken for it
    assert (newsroom.content / NINJS).exists() == (command == "withdraw")


# -- the parts on their own: plan (pure), transaction, content repository adapter -------------------------
from edtool.publish.errors import PublishError  # noqa: E402
from edtool.publish.plan import (  # noqa: E402
    Facts,
    SlugOwner,
    check_shape,
    commit_to_record,
    plan_publish,
    plan_unpublish,
    render,
    target_for,
)
from edtool.workflow import Person  # noqa: E402

JONAS, KATRIN = Person("Jonas Weber", "jonas@example.org"), Person("Katrin Vogel", "katrin@example.org")
NOW = "2025-08-12T10:00:00+02:00"


def plain_draft(**fields) -> Draft:
    from workflow_support import draft_text

    extra = "approved_by: Katrin Vogel\napproved_digest: x\n" + fields.pop("extra", "")
    return Draft.from_text(draft_text(status="approved", extra=extra, **fields), "drafts/kuka.md")


def planned(draft: Draft, facts: Facts):
    return plan_publish(Path("drafts/kuka.md"), draft, b"", target=TARGET, ref="drafts/kuka.md", facts=facts,
                        authors=[JONAS], approver="Katrin Vogel", now=NOW)


def test_plan_of_a_new_article():
    plan = planned(plain_draft(), Facts(None, False, None))
    assert plan.action == "publish" and plan.target == TARGET and plan.author == JONAS
    assert plan.message == ("Publish: Kuka stellt lernfähigen Schweißroboter vor\n\nSlug: kuka-schweissroboter\n"
                            "Approved-by: Katrin Vogel\nDraft: drafts/kuka.md\n")
    article = Draft.from_bytes(plan.content).front_matter
    assert article["status"] == "published" and article["published_at"] == NOW
    assert not {"approved_digest", "commit", "approved_by", "approved_at"} & set(article)  # only what readers need
    assert article["version"] == 1
    assert plan.draft_updates == {"status": "published", "published_at": NOW, "version": 1}


def test_plan_unchanged_update_and_changed_since():
    draft = plain_draft()
    first = "2025-08-01T08:00:00+02:00"
    published = render(draft, {"published_at": first})
    plan = planned(draft, Facts(published, False, None))
    assert plan.action == "unchanged" and plan.draft_updates == {"status": "published", "published_at": first}
    changed = plain_draft(title="Kuka zeigt einen lernfähigen Schweißroboter")
    with pytest.raises(PublishError, match="ohne Hinweis"):
        planned(changed, Facts(published, False, None))
    changed = plain_draft(title="Kuka zeigt einen lernfähigen Schweißroboter", extra="update_note: Titel genauer\n")
    plan = planned(changed, Facts(published, False, None))
    assert plan.action == "update" and plan.message.startswith("Update: Kuka zeigt")
    assert "Note: Titel genauer" in plan.message and "Version: 2" in plan.message
    assert plan.draft_updates == {"status": "published", "published_at": first, "updated_at": NOW, "version": 2}
    as_published = Draft.from_text(changed.text.replace("status: approved", "status: published"), "drafts/kuka.md")
    with pytest.raises(PublishError, match="seit der Veröffentlichung geändert"):
        planned(as_published, Facts(published, False, None))


@pytest.mark.parametrize("facts, needle", [
    (Facts(None, True, None), "nicht committete Änderungen"),
    (Facts(b"x", False, SlugOwner(TARGET, "drafts/anderer.md", "a" * 40)), "aus dem Entwurf drafts/anderer.md"),
    (Facts(None, False, SlugOwner(TARGET, None, "b" * 40)), "nicht mit edtool angelegt (Commit bbbbbbbbbb)"),
    (Facts(None, False, SlugOwner("articles/2025/07/kuka-schweissroboter.md", "drafts/kuka.md", "c" * 40)),
     "bereits als articles/2025/07/kuka-schweissroboter.md veröffentlicht"),
])
def test_plan_refusals(facts, needle):
    import re

    with pytest.raises(PublishError, match=re.escape(needle)) as info:
        planned(plain_draft(), facts)
    assert not info.value.fatal


def test_plan_unpublish_asks_for_the_committer_only_when_allowed():
    draft = plain_draft()

    def no_identity() -> Person:
        raise AssertionError("committer asked for a refused retraction")

    with pytest.raises(PublishError, match="nicht vorhanden"):
        plan_unpublish(Path("drafts/kuka.md"), draft, b"", target=TARGET, ref="drafts/kuka.md",
                       facts=Facts(None, False, None), committer=no_identity, reason="x", now=NOW)
    plan = plan_unpublish(Path("drafts/kuka.md"), draft, b"", target=TARGET, ref="drafts/kuka.md",
                          facts=Facts(b"alt", False, None), committer=lambda: KATRIN, reason="Falsch\nzitiert",
                          now=NOW)
    assert plan.action == "unpublish" and plan.content is None and plan.author == plan.committer == KATRIN
    assert plan.message.splitlines()[2:] == ["Slug: kuka-schweissroboter", "Unpublished-by: Katrin Vogel",
                                             "Reason: Falsch zitiert", "Draft: drafts/kuka.md"]


@pytest.mark.parametrize("pattern, expected", [
    ("articles/{year}/{month}/{slug}.md", TARGET),
    ("{category}/{day}/{slug}.md", "robotik/12/kuka-schweissroboter.md"),
])
def test_target_from_the_pattern(pattern, expected):
    assert target_for(pattern, plain_draft()) == expected


@pytest.mark.parametrize("target", ["", "/abs/x.md", "a/../b.md", ".git/x.md", "a\\b.md", "C:x.md", "dir/", "a/./../../x.md"])
def test_shape_of_a_target_outside_is_refused(target):
    with pytest.raises(PublishError, match="außerhalb"):
        check_shape("x.md", target)


def test_commit_to_record_after_a_rebase():
    published = Draft.from_text(plain_draft().text.replace("status: approved", "status: published")
                                .replace("language: de-DE\n", "language: de-DE\ncommit: abc1234\n"))
    assert commit_to_record(published, ["abc1234ff", "0000000"]) == (None, False)  # known: nothing to do
    assert commit_to_record(published, ["fedcba9876"]) == ("fedcba9876", True)  # gone: refreshed
    assert commit_to_record(plain_draft(), ["fedcba9876"]) == ("fedcba9876", False)  # approved: record
    assert commit_to_record(plain_draft(), []) == (None, False)


def test_transaction_rolls_back_on_a_failure_before_the_commit(newsroom):
    from edtool.publish import Publisher
    from edtool.styleguide import StyleGuide

    path = newsroom.approved_draft()
    before, snapshot = path.read_bytes(), state(newsroom)

    def fail_after(step: str) -> None:
        if step == "write":
            raise OSError("Datenträger voll")

    with Publisher(StyleGuide.load(newsroom.desk / "styleguide.yaml"), newsroom.content, "Katrin Vogel",
                   on_step=fail_after) as publisher:
        assert publisher.publish([path]) == 1
    assert publisher.notices[-1][0] == "warning" and "Datenträger voll" in publisher.notices[-1][1]
    assert state(newsroom) == snapshot and path.read_bytes() == before
    assert_clean(newsroom)


def test_transaction_keeps_a_commit_whatever_fails_after_it(newsroom):
    from edtool.publish import Publisher
    from edtool.styleguide import StyleGuide

    path = newsroom.approved_draft()

    def fail_after(step: str) -> None:
        if step == "git-commit":
            raise RuntimeError("unterbrochen")

    with Publisher(StyleGuide.load(newsroom.desk / "styleguide.yaml"), newsroom.content, "Katrin Vogel",
                   on_step=fail_after) as publisher:
        assert publisher.publish([path]) == 0
    assert Draft.load(path).front_matter["commit"] == newsroom.content_head()
    assert [level for level, _ in publisher.notices] == ["info"]  # the library said it, printed nothing
    assert_clean(newsroom)


def test_adapter_creation_locks_and_git_processes(newsroom):
    from edtool.publish.repo import ContentRepo

    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    created = newsroom.content_head()
    article = newsroom.content / TARGET
    article.write_text(article.read_text(encoding="utf-8") + "\nNachtrag.\n", encoding="utf-8")
    git("commit", "-q", "-am", "Nachtrag", cwd=newsroom.content)
    with ContentRepo(newsroom.content) as repo:
        sha, message = repo.creation(TARGET)
        assert sha == created and "Draft: drafts/kuka.md" in message
        assert repo.lock_files("main") == []
        (newsroom.content / ".git" / "index.lock").write_bytes(b"")
        assert [p.name for p in repo.lock_files("main")] == ["index.lock"]
        assert repo.git_processes()[0] == []
        waiting = subprocess.Popen(["git", "hash-object", "--stdin"], cwd=newsroom.content, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10  # a git just started may not show its command line at once
            while waiting.pid not in repo.git_processes()[0] and time.monotonic() < deadline:
                time.sleep(0.05)
            assert waiting.pid in repo.git_processes()[0]
        finally:
            waiting.communicate(b"x", timeout=30)


def test_adapter_reads_at_head_what_git_cat_file_reads(newsroom, tmp_path):
    from edtool.publish.repo import ContentRepo

    content = newsroom.content
    (content / "ordner").mkdir()
    (content / "ordner" / "tief.md").write_bytes("ä\r\nzwei Zeilen ohne Ende".encode("utf-8"))
    (content / "leer.md").write_bytes(b"")
    (content / "verweis.md").symlink_to("ordner/tief.md")
    git("add", ".", cwd=content)
    git("commit", "-q", "-m", "Dateien", cwd=content)
    (content / "leer.md").write_text("jetzt nicht mehr leer\n", encoding="utf-8")  # HEAD, not the work tree
    names = ["README.md", "ordner/tief.md", "leer.md", "verweis.md", "ordner", "fehlt.md", "ordner/../README.md",
             "/README.md", "ordner/tief.md/x"]
    with ContentRepo(content) as repo:
        for name in names:
            shown = subprocess.run(["git", "cat-file", "blob", f"HEAD:{name}"], cwd=content, capture_output=True)
            assert repo.at_head(name) == (shown.stdout if shown.returncode == 0 else None), name
        assert repo.at_head("verweis.md") == b"ordner/tief.md" and repo.at_head("leer.md") == b""
    unborn = tmp_path / "unborn"
    git("init", "-q", str(unborn), cwd=tmp_path)
    with ContentRepo(unborn) as repo:
        assert repo.at_head("README.md") is None


def test_adapter_status_is_one_git_status_and_agrees_with_git_per_path(newsroom):
    from edtool.publish.repo import ContentRepo

    content = newsroom.content
    for name in ("alt.md", "bleibt.md", "ändern.md"):
        (content / name).write_text(f"{name}\n", encoding="utf-8")
    git("add", ".", cwd=content)
    git("commit", "-q", "-m", "Dateien", cwd=content)
    git("mv", "alt.md", "umbenannt.md", cwd=content)  # staged rename: both names count
    (content / "ändern.md").write_text("geändert\n", encoding="utf-8")  # a non-ASCII name, changed
    (content / "neu" / "tief").mkdir(parents=True)
    (content / "neu" / "tief" / "a b.md").write_text("x\n", encoding="utf-8")  # untracked, in a folder
    (content / "vorgemerkt.md").write_text("x\n", encoding="utf-8")
    git("add", "vorgemerkt.md", cwd=content)
    names = ["alt.md", "umbenannt.md", "bleibt.md", "ändern.md", "neu", "neu/tief", "neu/tief/a b.md",
             "vorgemerkt.md", "README.md", "fehlt.md", "articles"]
    with ContentRepo(content) as repo:
        expected = {name: git("status", "--porcelain", "--untracked-files=all", "--", name, cwd=content) != ""
                    for name in names}
        assert {name: repo.is_dirty(name) for name in names} == expected
        assert [name for name in names if expected[name]] == ["alt.md", "umbenannt.md", "ändern.md", "neu",
                                                              "neu/tief", "neu/tief/a b.md", "vorgemerkt.md"]
        (content / "bleibt.md").write_text("jetzt anders\n", encoding="utf-8")
        assert not repo.is_dirty("bleibt.md")  # the status of this run, asked once
        repo.forget_status()
        assert repo.is_dirty("bleibt.md")
        git("commit", "-q", "-m", "bleibt", "--", "bleibt.md", cwd=content)
        repo.committed(["bleibt.md"])  # what a commit of ours tells the adapter
        assert not repo.is_dirty("bleibt.md") and repo.is_dirty("ändern.md")


def test_temp_files_a_killed_write_left_in_the_content_repository_are_removed(newsroom):
    stale = newsroom.content / "articles" / ".alt.md.edtool-deadbeef.tmp"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"halb geschrieben")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = newsroom.content / ".neu.md.edtool-cafe0123.tmp"  # a write in progress: kept
    fresh.write_bytes(b"x")
    path = newsroom.approved_draft()
    assert newsroom.publish(str(path), *EDITOR).returncode == 0
    assert not stale.exists() and fresh.exists()


def test_submit_on_a_symlinked_draft_keeps_the_link(newsroom):
    from edtool.styleguide import StyleGuide
    from edtool.workflow import submit

    target = newsroom.write_draft("echt.md")
    path = newsroom.drafts / "kuka.md"
    path.symlink_to(target.name)
    submit(path, StyleGuide.load(newsroom.desk / "styleguide.yaml"))
    assert path.is_symlink() and "status: review" in target.read_text(encoding="utf-8")
