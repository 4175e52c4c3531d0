"""Publishing into the content repository: the one module that imports git (GitPython).

One article is one transaction: journal -> write -> commit -> record in the draft -> drop journal.
The journal (in the content repository's git dir) names the intended state, so a run killed between
steps is completed or rolled back by the next run. A lock file serialises concurrent runs. Pushing
is a separate step: a rejected push keeps the local commits and is never forced.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

import git
from filelock import FileLock, Timeout

from edtool.draft import Draft, DraftError
from edtool.fsutil import atomic_write
from edtool.messages import msg
from edtool.styleguide import StyleGuide
from edtool.workflow import (Person, WorkflowError, authors_of, check_approval, check_four_eyes, count_findings,
                             desk_people, digest, edit_front_matter, find_person, load_draft, now_iso, one_line,
                             parse_datetime, signed, status_of, write_if_unchanged)

DEFAULT_PATTERN = "articles/{year}/{month}/{slug}.md"
CONTENT_ENV = "EDTOOL_CONTENT_REPO"
JOURNAL_NAME = "edtool-publish.json"
LOCK_NAME = "edtool-publish.lock"
LOCK_TIMEOUT_ENV = "EDTOOL_LOCK_TIMEOUT"
# Test hooks: end the process right after a step (write|git-commit|commit|draft), or pause after the write.
CRASH_ENV = "EDTOOL_TEST_CRASH_AFTER"
DELAY_ENV = "EDTOOL_TEST_DELAY_AFTER_WRITE"
# Git's own lock files; one left by a killed git blocks every later command. Without /proc, a lock
# counts as stale only when it is this old.
STALE_LOCK_AGE = 600.0
# Fields that belong to the draft's workflow, not to the published article.
DRAFT_ONLY = ("commit", "approved_digest", "submitted_at", "rejected_by", "rejected_at", "rejected_reason",
              "unpublished_by", "unpublished_at", "unpublished_reason")


class PublishError(Exception):
    """Refused or failed; `fatal` stops the whole run (exit 2), otherwise only this draft (exit 1)."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.message, self.fatal = message, fatal


def _test_hook(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:
        os._exit(86)
    if step == "write" and os.environ.get(DELAY_ENV):
        time.sleep(float(os.environ[DELAY_ENV]))


def authors_table(guide: StyleGuide) -> list[Person]:
    try:
        return desk_people(guide)
    except ValueError as exc:
        raise PublishError(str(exc), fatal=True) from None


def trailers(message: str) -> dict[str, str]:
    """The trailers of a commit message: `Key: value` lines of its last paragraph (the last one wins)."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    found: dict[str, str] = {}
    if len(paragraphs) < 2:
        return found
    for line in paragraphs[-1].splitlines():
        key, sep, value = line.partition(": ")
        if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", key):
            found[key] = value.strip()
    return found


def commit_message(subject: str, fields: list[tuple[str, Any]]) -> str:
    """A subject line and trailers, each value on one sanitised line (no forged trailers, no escapes)."""
    lines = [one_line(subject) or "-", ""]
    lines += [f"{key}: {one_line(value) or '-'}" for key, value in fields]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SlugOwner:
    """Who owns an article in the content repository: the draft named in the commit that created it."""

    target: str
    draft: str | None  # None: the file was not created by edtool
    commit: str

    def describe(self) -> str:
        if self.draft:
            return msg("publish.owner-draft", draft=self.draft, commit=self.commit[:10])
        return msg("publish.owner-manual", commit=self.commit[:10])

    def refusal(self, path: str | Path, slug: Any, ref: str | None = None) -> str:
        if ref is not None and self.draft == ref:
            return msg("publish.slug-moved", path=path, target=self.target, commit=self.commit[:10])
        return msg("publish.slug-taken", path=path, slug=one_line(slug), target=self.target, owner=self.describe())


def content_repo_configured(guide: StyleGuide, content_repo: str | Path | None = None) -> bool:
    return bool(content_repo or os.environ.get(CONTENT_ENV) or guide.section("publish").get("content_repo"))


def slug_owner(guide: StyleGuide, draft_path: str | Path, draft: Draft | None = None,
               content_repo: str | Path | None = None) -> SlugOwner | None:
    """The owner of the draft's slug in the content repository when that is not this draft (None when the
    slug is free or the draft's own, or when date or slug are unusable: the metadata check reports those).
    Raises PublishError when the content repository cannot be read."""
    path = Path(draft_path)
    if draft is None:
        draft, _ = load_draft(path)
    publisher = Publisher(guide, content_repo)
    try:
        try:
            target = publisher.target_for(draft)
        except PublishError as exc:
            if exc.fatal:
                raise
            return None
        ref = publisher.draft_ref(path)
        owner = publisher.taken_by(draft, target, ref)
        return None if owner is None or owner.draft == ref else owner
    finally:
        publisher.close()


def _git_processes(root: Path, git_dir: Path) -> tuple[list[int], bool]:
    """Pids of git processes working in the repository (not this process's own cat-file helpers), and
    whether some git process could not be inspected. Empty and True when /proc is not there."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return [], True
    me, found, unclear = os.getpid(), [], False
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text(errors="replace")
        except OSError:
            continue
        name = os.path.basename(argv[0].decode(errors="replace")) if argv and argv[0] else ""
        if name != "git" and not name.startswith("git-"):
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1]) if ")" in stat else -1
        if parent == me and b"cat-file" in argv:
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            unclear = True  # another user's git: where it works is not visible
            continue
        if cwd.is_relative_to(root) or cwd.is_relative_to(git_dir):
            found.append(int(entry.name))
    return found, unclear


@dataclass
class Plan:
    """What one draft would do in the content repository."""

    draft_path: Path
    draft: Draft
    before: bytes
    action: str  # publish | update | unchanged | unpublish
    target: str
    content: bytes | None = None
    old: bytes | None = None
    message: str = ""
    author: Person | None = None
    committer: Person | None = None
    draft_updates: dict[str, str] = field(default_factory=dict)
    draft_remove: tuple[str, ...] = ()


class Publisher:
    def __init__(self, guide: StyleGuide, content_repo: str | Path | None = None, editor: str | None = None,
                 dry_run: bool = False, echo: Callable[[str], None] = print,
                 warn: Callable[[str], None] | None = None):
        self.guide, self.dry_run, self.echo = guide, dry_run, echo
        self.warn = warn or echo
        settings = guide.section("publish")
        chosen = content_repo or os.environ.get(CONTENT_ENV) or settings.get("content_repo")
        if not chosen:
            raise PublishError(msg("publish.no-content-repo"), fatal=True)
        folder = Path(str(chosen)).expanduser()
        if not folder.is_absolute() and not content_repo and not os.environ.get(CONTENT_ENV):
            folder = guide.folder / folder  # relative to styleguide.yaml
        try:
            self.repo = git.Repo(folder, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise PublishError(msg("publish.not-a-repo", path=folder), fatal=True) from None
        if self.repo.bare or not self.repo.working_tree_dir:
            raise PublishError(msg("publish.not-a-repo", path=folder), fatal=True)
        self.root = Path(self.repo.working_tree_dir).resolve()
        if self.repo.head.is_detached:
            raise PublishError(msg("publish.detached", path=self.root), fatal=True)
        self.branch = str(settings.get("branch") or self.repo.active_branch.name)
        self.remote = str(settings.get("remote") or "origin")
        self.pattern = str(settings.get("path") or DEFAULT_PATTERN)
        self.people = authors_table(guide)
        self.editor_name = one_line(editor or "") or None
        self.git_dir = Path(self.repo.git_dir)
        self.journal_path = self.git_dir / JOURNAL_NAME
        self.pushed_needed = False

    def close(self) -> None:
        """End GitPython's helper processes."""
        self.repo.close()

    # -- identities -------------------------------------------------------------------------------
    def _git_identity(self) -> Person | None:
        try:
            ident = self.repo.git.var("GIT_COMMITTER_IDENT")
        except git.GitCommandError:
            return None
        match = re.match(r"^(.*?) <(.*)> \d+ [+-]\d{4}$", ident.strip())
        return Person(one_line(match.group(1)), one_line(match.group(2))) if match and match.group(2) else None

    def committer(self) -> Person:
        ident = self._git_identity()
        if self.editor_name:
            person = find_person(self.people, self.editor_name)
            if person:
                return person
            if ident:
                return Person(self.editor_name, ident.email)
        elif ident and ident.name:
            return ident
        raise PublishError(msg("publish.no-identity"), fatal=True)

    def authors(self, draft: Draft) -> list[Person]:
        names = authors_of(draft.front_matter)
        found = []
        for name in names or [""]:
            person = find_person(self.people, name)
            if person is None:
                known = ", ".join(p.name for p in self.people) or "–"
                raise PublishError(msg("publish.unknown-author", path=draft.path, author=name, guide=self.guide.path,
                                       known=known))
            found.append(person)
        return found

    # -- paths ------------------------------------------------------------------------------------
    def draft_ref(self, path: Path) -> str:
        """How the draft is named in trailers: relative to the desk (styleguide.yaml's folder)."""
        full = path.resolve()
        try:
            return one_line(full.relative_to(self.guide.folder).as_posix())
        except ValueError:
            return one_line(full.name)

    def target_for(self, draft: Draft) -> str:
        fm = draft.front_matter
        date = str(fm.get("date") or "")
        if not re.match(r"^\d{4}-\d{2}-\d{2}", date):
            raise PublishError(msg("publish.bad-date", path=draft.path))
        slug = fm.get("slug")
        if not isinstance(slug, str) or not slug.strip():
            raise PublishError(msg("publish.bad-slug", path=draft.path, slug=slug))
        from edtool.newdraft import slugify_title

        values = {"year": date[:4], "month": date[5:7], "day": date[8:10], "slug": slug.strip(),
                  "category": slugify_title(str(fm.get("category") or ""))}
        if "{slug}" not in self.pattern:
            raise PublishError(msg("publish.bad-pattern", pattern=self.pattern, reason="{slug} fehlt"), fatal=True)
        try:
            target = self.pattern.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise PublishError(msg("publish.bad-pattern", pattern=self.pattern, reason=str(exc)), fatal=True) from None
        self.check_inside(draft.path, target)
        return target

    def check_inside(self, draft_path: str, target: str) -> Path:
        """The target's absolute path; refuses absolute paths, '..', .git, and links on the way."""
        escape = PublishError(msg("publish.path-escape", path=draft_path, target=target))
        if not target or "\\" in target or os.path.isabs(target) or re.match(r"^[A-Za-z]:", target):
            raise escape
        parts = PurePosixPath(target).parts
        if any(part in ("..", ".", ".git") for part in parts) or target.endswith("/"):
            raise escape
        current = self.root
        for part in parts:
            current = current / part
            if current.is_symlink():
                raise escape
        resolved = (self.root / target).resolve()
        if not resolved.is_relative_to(self.root):
            raise escape
        return self.root / target

    # -- repository queries -------------------------------------------------------------------------
    def head(self) -> str | None:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None  # unborn branch

    def at_head(self, target: str) -> bytes | None:
        if self.head() is None:
            return None
        try:
            return self.repo.git.cat_file("blob", f"HEAD:{target}", stdout_as_string=False,
                                          strip_newline_in_stdout=False)
        except git.GitCommandError:
            return None

    def is_dirty(self, target: str) -> bool:
        out = self.repo.git.status("--porcelain", "--untracked-files=all", "--", target)
        return bool(out.strip())

    def history(self, target: str) -> list[tuple[str, str]]:
        """(commit, message) of the commits that touched `target`, newest first."""
        if self.head() is None:
            return []
        out = self.repo.git.log("--format=%H%x00%B%x1e", "--", target)
        entries = []
        for chunk in out.split("\x1e"):
            chunk = chunk.strip("\n")
            if "\x00" in chunk:
                sha, body = chunk.split("\x00", 1)
                entries.append((sha.strip(), body))
        return entries

    def owner_of(self, target: str) -> SlugOwner | None:
        """The draft recorded in the commit that created the article now at `target` (its Draft trailer).
        Derived from history by path, so it survives a rebase and cannot be copied with a front matter field."""
        if self.at_head(target) is None:
            return None
        out = self.repo.git.log("-1", "--diff-filter=A", "--format=%H%x00%B", "--", target)
        sha, _, body = out.partition("\x00")
        return SlugOwner(target, trailers(body).get("Draft") or None, sha.strip() or "?")

    def taken_by(self, draft: Draft, target: str, ref: str) -> SlugOwner | None:
        """The owner of the slug when it is not the draft `ref`: at the target, or at the same slug elsewhere."""
        owner = self.owner_of(target)
        if owner is not None:
            return owner if owner.draft != ref else None
        other = self.same_slug_elsewhere(draft, target)
        return self.owner_of(other) if other else None

    def same_slug_elsewhere(self, draft: Draft, target: str) -> str | None:
        """Another tracked file the pattern would give this slug (e.g. the same slug in another month)."""
        slug = str(draft.front_matter.get("slug")).strip()
        parts = re.split(r"(\{[^}]*\})", self.pattern)
        regex = "".join(re.escape(slug) if part == "{slug}" else "[^/]+" if part.startswith("{") else re.escape(part)
                        for part in parts)
        if self.head() is None:
            return None
        for name in self.repo.git.ls_files("-z").split("\0"):
            if name and name != target and re.fullmatch(regex, name):
                return name
        return None

    # -- planning ---------------------------------------------------------------------------------
    def plan(self, path: Path) -> Plan:
        draft, before = load_draft(path)
        status = status_of(draft)
        if status not in ("approved", "published"):
            raise PublishError(msg("publish.not-approved", path=path, status=status))
        if status == "approved":
            check_approval(draft)  # only the text that was approved
            approver = check_four_eyes(draft, one_line(draft.front_matter.get("approved_by") or ""), self.guide)
        else:
            approver = one_line(draft.front_matter.get("approved_by") or "") or "-"
        errors, _, _ = count_findings(path, self.guide)
        if errors:
            raise PublishError(msg("publish.has-errors", path=path, count=errors))
        embargo = draft.front_matter.get("embargo")
        if embargo not in (None, ""):
            moment = parse_datetime(embargo)
            if moment is None:
                raise PublishError(msg("publish.bad-embargo", path=path, value=embargo))
            if moment > parse_datetime(now_iso()):
                raise PublishError(msg("publish.embargo", path=path, embargo=embargo))
        authors = self.authors(draft)
        target = self.target_for(draft)
        if self.is_dirty(target):
            raise PublishError(msg("publish.dirty", path=path, target=target))
        ref = self.draft_ref(path)
        slug = draft.front_matter.get("slug")
        old = self.at_head(target)
        plan = Plan(path, draft, before, "publish", target, old=old, author=authors[0])
        title = one_line(draft.front_matter.get("title") or slug)
        owner = self.taken_by(draft, target, ref)
        if owner is not None:
            raise PublishError(owner.refusal(path, slug, ref))
        if old is not None:
            try:
                published = Draft.from_bytes(old, target).front_matter
            except DraftError:
                published = {}
            kept = {"published_at": str(published.get("published_at") or now_iso())}
            if published.get("updated_at"):
                kept["updated_at"] = str(published["updated_at"])
            if self.render(draft, kept) == old:
                plan.action, plan.content = "unchanged", old
                plan.draft_updates = {"status": "published", **kept}
                return plan
            if status == "published":
                raise PublishError(msg("publish.changed-since", path=path))
            plan.action = "update"
            fields = {"published_at": kept["published_at"], "updated_at": now_iso()}
            subject = f"Update: {title}"
        else:
            if status == "published":
                raise PublishError(msg("unpublish.missing", path=path, target=target))
            fields = {"published_at": now_iso()}
            subject = f"Publish: {title}"
        plan.content = self.render(draft, fields)
        plan.committer = self.committer()
        fields_ = [("Slug", slug), ("Approved-by", approver), ("Draft", ref)]
        fields_ += [("Co-authored-by", person) for person in authors[1:]]
        plan.message = commit_message(subject, fields_)
        plan.draft_updates = {"status": "published", **fields}
        plan.draft_remove = ("unpublished_by", "unpublished_at", "unpublished_reason")  # a retraction is over
        return plan

    def render(self, draft: Draft, fields: dict[str, str]) -> bytes:
        remove = [key for key in (*DRAFT_ONLY, "updated_at") if key not in fields]
        return edit_front_matter(draft, {"status": "published", **fields}, remove=remove)

    # -- transaction ------------------------------------------------------------------------------
    def _write_journal(self, data: dict) -> None:
        atomic_write(self.journal_path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))

    def _commit(self, plan: Plan) -> str:
        env = {"GIT_COMMITTER_NAME": plan.committer.name, "GIT_COMMITTER_EMAIL": plan.committer.email,
               "GIT_AUTHOR_NAME": plan.author.name, "GIT_AUTHOR_EMAIL": plan.author.email}
        if plan.content is None:
            self.repo.git.rm("-q", "--", plan.target)
        else:
            self.repo.git.add("--", plan.target)
        self.repo.git.commit("-q", "--cleanup=strip", "-m", plan.message, "--", plan.target, env=env)
        return self.repo.head.commit.hexsha

    def execute(self, plan: Plan) -> str:
        """Write, commit and record one plan; on a failure before the commit, roll back."""
        journal = {
            "version": 1, "op": plan.action, "draft": str(plan.draft_path.resolve()), "target": plan.target,
            "old_sha": digest(plan.old) if plan.old is not None else None,
            "new_sha": digest(plan.content) if plan.content is not None else None,
            "head": self.head(), "message": plan.message, "draft_updates": plan.draft_updates,
            "draft_remove": list(plan.draft_remove), "commit": None,
        }
        self._write_journal(journal)
        target_path = self.root / plan.target
        try:
            if plan.content is None:
                pass  # unpublish: git rm removes the file in the commit step
            else:
                atomic_write(target_path, plan.content)
            _test_hook("write")
            sha = self._commit(plan)
            _test_hook("git-commit")  # committed, journal not yet told
        except BaseException as exc:
            sha = self._committed(journal)
            if sha is None:
                self._rollback(journal)
                self.journal_path.unlink(missing_ok=True)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise  # a commit that exists stays journaled: the next run records it
            if sha is None:
                detail = exc.stderr.strip() if isinstance(exc, git.GitCommandError) and exc.stderr else str(exc)
                raise PublishError(msg("publish.failed", path=plan.draft_path, error=detail)) from None
        journal["commit"] = sha
        self._write_journal(journal)
        _test_hook("commit")
        self.pushed_needed = True
        try:
            self._record(plan.draft_path, plan.draft_updates, plan.draft_remove, sha, plan.before)
        except (WorkflowError, OSError) as exc:
            error = exc.message if isinstance(exc, WorkflowError) else str(exc)
            self.warn(msg("publish.draft-update-failed", path=plan.draft_path, commit=sha[:10], error=error))
            return sha  # the journal stays; the next run records it
        _test_hook("draft")
        self.journal_path.unlink(missing_ok=True)
        return sha

    def _record(self, path: Path, updates: dict, remove: Iterable[str], sha: str, before: bytes | None) -> None:
        draft, current = load_draft(path)
        if before is not None and current != before:
            raise WorkflowError(msg("workflow.changed-on-disk", path=path))
        if draft.front_matter.get("commit") == sha and all(draft.front_matter.get(k) == v for k, v in updates.items()):
            return
        write_if_unchanged(path, current, edit_front_matter(draft, {**updates, "commit": sha}, remove=remove))

    def _rollback(self, journal: dict) -> bool:
        """Put the target back as it is at HEAD; False if someone else changed it meanwhile."""
        target = journal["target"]
        path = self.root / target
        current = digest(path.read_bytes()) if path.is_file() else None
        if current not in (journal["new_sha"], journal["old_sha"]):
            return False
        if self.head() is not None:
            self.repo.git.reset("-q", "--", target)
        else:
            self.repo.git.rm("-q", "--cached", "--ignore-unmatch", "--", target)
        old = self.at_head(target)
        if old is None:
            path.unlink(missing_ok=True)
        elif current != journal["old_sha"]:
            atomic_write(path, old)
        return True

    def recover(self) -> None:
        """Finish or undo a transaction that a killed run left behind."""
        if not self.journal_path.exists():
            return
        try:
            journal = json.loads(self.journal_path.read_text(encoding="utf-8"))
            name = journal["draft"]
        except (OSError, ValueError, KeyError):
            self.journal_path.unlink(missing_ok=True)
            return
        sha = journal.get("commit") or self._committed(journal)
        if sha:
            try:
                self._record(Path(name), journal.get("draft_updates", {}), journal.get("draft_remove", []), sha, None)
            except (WorkflowError, OSError) as exc:
                error = exc.message if isinstance(exc, WorkflowError) else str(exc)
                raise PublishError(msg("publish.draft-update-failed", path=name, commit=sha[:10], error=error),
                                   fatal=True) from None
            self.journal_path.unlink(missing_ok=True)
            self.pushed_needed = True
            self.echo(msg("publish.recovered-done", draft=name, commit=sha[:10]))
            return
        if not self._rollback(journal):
            raise PublishError(msg("publish.recover-conflict", draft=name, target=journal["target"],
                                   journal=self.journal_path), fatal=True)
        self.journal_path.unlink(missing_ok=True)
        self.echo(msg("publish.recovered-rolled-back", draft=name))

    def _committed(self, journal: dict) -> str | None:
        """The journal's commit, if it was made: a commit since the journal's HEAD with its message."""
        if self.head() is None or self.head() == journal.get("head"):
            return None
        since = f"{journal['head']}..HEAD" if journal.get("head") else "HEAD"
        for commit in self.repo.iter_commits(since, paths=journal["target"], max_count=100):
            if commit.message.strip() == journal["message"].strip():
                return commit.hexsha
        return None

    # -- push -------------------------------------------------------------------------------------
    def ahead(self) -> bool:
        try:
            out = self.repo.git.rev_list("--count", f"{self.remote}/{self.branch}..HEAD")
            return int(out.strip() or 0) > 0
        except git.GitCommandError:
            return self.head() is not None  # no remote-tracking branch yet

    def push(self) -> bool:
        if self.remote not in [r.name for r in self.repo.remotes]:
            self.warn(msg("publish.no-remote", remote=self.remote))
            return False
        try:
            self.repo.git.push("--porcelain", self.remote, f"HEAD:refs/heads/{self.branch}")
        except git.GitCommandError as exc:
            text = f"{exc.stdout or ''}\n{exc.stderr or ''}"
            if re.search(r"rejected|non-fast-forward|fetch first", text):
                self.warn(msg("publish.push-rejected", remote=self.remote, branch=self.branch))
            else:
                self.warn(msg("publish.push-failed", remote=self.remote, branch=self.branch,
                              error=(exc.stderr or str(exc)).strip()))
            return False
        self.echo(msg("publish.pushed", remote=self.remote, branch=self.branch))
        return True

    # -- commands ---------------------------------------------------------------------------------
    def lock(self) -> FileLock:
        return FileLock(str(self.git_dir / LOCK_NAME))

    def git_locks(self) -> list[Path]:
        """Git's lock files in the content repository that a killed git would leave behind."""
        names = [self.git_dir / "index.lock", self.git_dir / "HEAD.lock",
                 self.git_dir / "refs" / "heads" / f"{self.branch}.lock", *self.git_dir.glob("next-index-*.lock")]
        return [path for path in names if path.is_file()]

    def clear_stale_locks(self) -> None:
        """Remove git lock files that no git process holds (a kill during `git commit`); refuse when one might."""
        locks = self.git_locks()
        if not locks:
            return
        seen = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in locks}
        pids, unclear = _git_processes(self.root, self.git_dir)
        shown = ", ".join(str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)
                          for path in locks)
        if pids:
            raise PublishError(msg("publish.git-busy", path=self.root, pids=", ".join(map(str, pids)), lock=shown),
                               fatal=True)
        if unclear and any(time.time() - path.stat().st_mtime < STALE_LOCK_AGE for path in locks):
            raise PublishError(msg("publish.lock-unclear", lock=shown), fatal=True)
        for path in locks:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if (stat.st_ino, stat.st_mtime_ns) != seen[path]:  # taken again meanwhile: not ours to remove
                raise PublishError(msg("publish.git-busy", path=self.root, pids="?", lock=shown), fatal=True)
            path.unlink(missing_ok=True)
        self.echo(msg("publish.stale-lock-removed", lock=shown))

    def _locked(self, work: Callable[[], int]) -> int:
        if self.dry_run:
            if self.journal_path.exists():
                self.warn(msg("publish.pending", draft=self.journal_path))
            return work()
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV) or 300)
        try:
            with self.lock().acquire(timeout=timeout):
                self.clear_stale_locks()
                self.recover()
                return work()
        except Timeout:
            raise PublishError(msg("publish.locked", path=self.root, seconds=int(timeout)), fatal=True) from None

    def publish(self, paths: list[Path], push: bool = False) -> int:
        return self._locked(lambda: self._publish(paths, push))

    def _publish(self, paths: list[Path], push: bool) -> int:
        code = 0
        for path in paths:
            try:
                plan = self.plan(path)
                code = max(code, self._apply(plan))
            except (PublishError, WorkflowError) as exc:
                if isinstance(exc, PublishError) and exc.fatal:
                    raise
                self.warn(exc.message)
                code = 1
        if push and not self.dry_run and (self.pushed_needed or self.ahead()):
            if not self.push():
                code = 1
        return code

    def _apply(self, plan: Plan) -> int:
        if self.dry_run:
            self._show(plan)
            return 0
        if plan.action == "unchanged":
            status = plan.draft.front_matter.get("status")
            history = self.history(plan.target)
            recorded = plan.draft.front_matter.get("commit")
            known = (isinstance(recorded, str) and len(recorded) >= 7
                     and any(sha.startswith(recorded) for sha, _ in history))
            if (status != "published" or not known) and history:
                self._record(plan.draft_path, plan.draft_updates, (), history[0][0], plan.before)
                if status == "published" and recorded:
                    self.echo(msg("publish.commit-refreshed", path=plan.draft_path, commit=history[0][0][:10]))
            self.echo(msg("publish.unchanged", path=plan.draft_path, target=plan.target))
            return 0
        sha = self.execute(plan)
        key = {"publish": "publish.published", "update": "publish.updated", "unpublish": "unpublish.done"}[plan.action]
        self.echo(msg(key, path=plan.draft_path, target=plan.target, commit=sha[:10]))
        return 0

    def _show(self, plan: Plan) -> None:
        import difflib

        action = {"publish": "new", "update": "update", "unpublish": "unpublish"}.get(plan.action)
        if action is None:
            self.echo(msg("publish.unchanged", path=plan.draft_path, target=plan.target))
            return
        self.echo(msg("publish.dry-run", path=plan.draft_path, target=plan.target,
                      action=msg(f"publish.dry-run.{action}")))
        self.echo(f"Author: {plan.author}\nCommitter: {plan.committer}\n\n{plan.message}")
        old = (plan.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (plan.content or b"").decode("utf-8", "replace").splitlines(keepends=True)
        diff = difflib.unified_diff(old, new, f"a/{plan.target}" if plan.old is not None else "/dev/null",
                                    f"b/{plan.target}" if plan.content is not None else "/dev/null")
        self.echo("".join(line if line.endswith("\n") else line + "\n" for line in diff).rstrip("\n"))

    def unpublish(self, path: Path, editor: str, reason: str, push: bool = False) -> int:
        return self._locked(lambda: self._unpublish(path, editor, reason, push))

    def _unpublish(self, path: Path, editor: str, reason: str, push: bool) -> int:
        editor, reason = signed(editor, reason, need_reason=True)
        draft, before = load_draft(path)
        status = status_of(draft)
        if status != "published":
            raise PublishError(msg("unpublish.not-published", path=path, status=status))
        ref = self.draft_ref(path)
        target = self._published_target(draft, ref)
        if self.is_dirty(target):
            raise PublishError(msg("publish.dirty", path=path, target=target))
        old = self.at_head(target)
        if old is None:
            raise PublishError(msg("unpublish.missing", path=path, target=target))
        owner = self.owner_of(target)
        if owner is not None and owner.draft != ref:
            raise PublishError(owner.refusal(path, draft.front_matter.get("slug"), ref))
        committer = self.committer()
        title = one_line(draft.front_matter.get("title") or "")
        plan = Plan(path, draft, before, "unpublish", target, content=None, old=old, author=committer,
                    committer=committer)
        plan.message = commit_message(f"Unpublish: {title}", [
            ("Slug", draft.front_matter.get("slug")), ("Unpublished-by", committer.name), ("Reason", reason),
            ("Draft", ref)])
        plan.draft_updates = {"status": "draft", "unpublished_by": committer.name, "unpublished_at": now_iso(),
                              "unpublished_reason": reason}
        plan.draft_remove = ("published_at", "updated_at", "approved_by", "approved_at", "approved_digest")
        code = self._apply(plan)
        if push and not self.dry_run and not self.push():
            code = 1
        return code

    def _published_target(self, draft: Draft, ref: str) -> str:
        """Where the pattern puts the draft if it owns that article; else the newest article it owns
        according to history (its Draft trailer), whatever the `commit:` field says."""
        try:
            target = self.target_for(draft)
        except PublishError:
            target = None
        if target is not None and (owner := self.owner_of(target)) is not None and owner.draft == ref:
            return target
        for name in self.published_by(ref):
            owner = self.owner_of(name)
            if owner is not None and owner.draft == ref:
                self.check_inside(draft.path, name)
                return name
        if target is None:
            return self.target_for(draft)  # raises the draft's own problem
        return target

    def published_by(self, ref: str) -> list[str]:
        """Paths touched by commits whose Draft trailer names `ref`, newest first."""
        if self.head() is None:
            return []
        out = self.repo.git.log("-F", f"--grep=Draft: {ref}", "--format=%x1e%H%x00%B%x1f", "--name-only")
        names: list[str] = []
        for chunk in out.split("\x1e"):
            body, _, files = chunk.partition("\x1f")
            if trailers(body.partition("\x00")[2]).get("Draft") != ref:
                continue
            names += [name for name in files.splitlines() if name.strip() and name not in names]
        return names


def drafts_to_publish(paths: Iterable[Path], all_approved: bool) -> list[Path]:
    """Files as given; with --all, every approved draft under the given files and folders."""
    from edtool.engine import collect_paths

    files, missing = collect_paths(paths)
    if missing:
        raise PublishError(missing[0].diagnostics[0].message, fatal=True)
    if not all_approved:
        return files
    chosen = []
    for path in files:
        try:
            draft = Draft.load(path)
        except DraftError:
            continue
        if draft.front_matter.get("status") == "approved":
            chosen.append(path)
    return chosen
