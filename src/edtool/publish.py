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
from edtool.workflow import (WorkflowError, authors_of, count_findings, digest, edit_front_matter, load_draft,
                             now_iso, parse_datetime, same_person, signed, status_of, write_if_unchanged)

DEFAULT_PATTERN = "articles/{year}/{month}/{slug}.md"
CONTENT_ENV = "EDTOOL_CONTENT_REPO"
JOURNAL_NAME = "edtool-publish.json"
LOCK_NAME = "edtool-publish.lock"
LOCK_TIMEOUT_ENV = "EDTOOL_LOCK_TIMEOUT"
# Test hooks: end the process right after a step (write|git-commit|commit|draft), or pause after the write.
CRASH_ENV = "EDTOOL_TEST_CRASH_AFTER"
DELAY_ENV = "EDTOOL_TEST_DELAY_AFTER_WRITE"
# Fields that belong to the draft's workflow, not to the published article.
DRAFT_ONLY = ("commit", "submitted_at", "rejected_by", "rejected_at", "rejected_reason",
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


@dataclass
class Person:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def authors_table(guide: StyleGuide) -> list[Person]:
    people = []
    for index, entry in enumerate(guide.data.get("authors") or []):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("email"):
            raise PublishError(str(guide.error("jeder Eintrag unter „authors“ braucht name und email",
                                               "authors", index)), fatal=True)
        people.append(Person(" ".join(str(entry["name"]).split()), str(entry["email"]).strip()))
    return people


def find_person(people: list[Person], name: str) -> Person | None:
    return next((p for p in people if same_person(p.name, name)), None)


def _trailer(message: str, key: str) -> str | None:
    found = re.findall(rf"^{re.escape(key)}: (.+)$", message, flags=re.MULTILINE)
    return found[-1].strip() if found else None


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
        self.editor_name = " ".join((editor or "").split()) or None
        self.git_dir = Path(self.repo.git_dir)
        self.journal_path = self.git_dir / JOURNAL_NAME
        self.pushed_needed = False

    # -- identities -------------------------------------------------------------------------------
    def _git_identity(self) -> Person | None:
        try:
            ident = self.repo.git.var("GIT_COMMITTER_IDENT")
        except git.GitCommandError:
            return None
        match = re.match(r"^(.*?) <(.*)> \d+ [+-]\d{4}$", ident.strip())
        return Person(match.group(1), match.group(2)) if match and match.group(2) else None

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
            return full.relative_to(self.guide.folder).as_posix()
        except ValueError:
            return full.name

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

    def owned(self, target: str, draft_ref: str, draft_commit: Any) -> bool:
        history = self.history(target)
        if not history:
            return False
        if (isinstance(draft_commit, str) and len(draft_commit) >= 7
                and any(sha.startswith(draft_commit) for sha, _ in history)):
            return True
        return _trailer(history[0][1], "Draft") == draft_ref

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
        title = " ".join(str(draft.front_matter.get("title") or slug).split())
        if old is not None:
            if not self.owned(target, ref, draft.front_matter.get("commit")):
                raise PublishError(msg("publish.slug-taken", path=path, slug=slug, target=target))
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
            other = self.same_slug_elsewhere(draft, target)
            if other:
                raise PublishError(msg("publish.slug-taken", path=path, slug=slug, target=other))
            if status == "published":
                raise PublishError(msg("unpublish.missing", path=path, target=target))
            fields = {"published_at": now_iso()}
            subject = f"Publish: {title}"
        plan.content = self.render(draft, fields)
        plan.committer = self.committer()
        trailers = [f"Slug: {slug}", f"Approved-by: {draft.front_matter.get('approved_by') or '-'}", f"Draft: {ref}"]
        trailers += [f"Co-authored-by: {person}" for person in authors[1:]]
        plan.message = subject + "\n\n" + "\n".join(trailers) + "\n"
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

    def _locked(self, work: Callable[[], int]) -> int:
        if self.dry_run:
            if self.journal_path.exists():
                self.warn(msg("publish.pending", draft=self.journal_path))
            return work()
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV) or 300)
        try:
            with self.lock().acquire(timeout=timeout):
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
            if (status != "published" or plan.draft.front_matter.get("commit") is None) and history:
                self._record(plan.draft_path, plan.draft_updates, (), history[0][0], plan.before)
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
        target = self._published_target(draft)
        if self.is_dirty(target):
            raise PublishError(msg("publish.dirty", path=path, target=target))
        old = self.at_head(target)
        if old is None:
            raise PublishError(msg("unpublish.missing", path=path, target=target))
        ref = self.draft_ref(path)
        if not self.owned(target, ref, draft.front_matter.get("commit")):
            raise PublishError(msg("publish.slug-taken", path=path, slug=draft.front_matter.get("slug"), target=target))
        committer = self.committer()
        title = " ".join(str(draft.front_matter.get("title") or "").split())
        plan = Plan(path, draft, before, "unpublish", target, content=None, old=old, author=committer,
                    committer=committer)
        plan.message = (f"Unpublish: {title}\n\nSlug: {draft.front_matter.get('slug')}\n"
                        f"Unpublished-by: {committer.name}\nReason: {reason}\nDraft: {ref}\n")
        plan.draft_updates = {"status": "draft", "unpublished_by": committer.name, "unpublished_at": now_iso(),
                              "unpublished_reason": reason}
        plan.draft_remove = ("published_at", "updated_at", "approved_by", "approved_at")
        code = self._apply(plan)
        if push and not self.dry_run and not self.push():
            code = 1
        return code

    def _published_target(self, draft: Draft) -> str:
        """Where the draft's last commit put it; else where the pattern says."""
        sha = draft.front_matter.get("commit")
        if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{7,64}", sha):
            try:
                names = self.repo.git.show("--format=", "--name-only", sha).split()
            except git.GitCommandError:
                names = []
            if len(names) == 1:
                self.check_inside(draft.path, names[0])
                return names[0]
        return self.target_for(draft)


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
