"""Publishing, orchestrated: resolve the desk's settings and people, gather the facts for each draft,
plan (pure), run the transaction under the repository's lock, push. Speaks through `notify`
(level, text); the CLI decides where that goes. Never prints."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from edtool.desk import CONTENT_ENV, content_repo_path  # noqa: F401 (CONTENT_ENV re-exported)
from edtool.draft import Draft
from edtool.fsutil import remove_stale_temps
from edtool.messages import msg
from edtool.publish.errors import PublishError
from edtool.publish.plan import (
    DEFAULT_PATTERN,
    Facts,
    Plan,
    Rules,
    SlugOwner,
    commit_to_record,
    is_sidecar,
    ninjs_path,
    plan_publish,
    plan_unpublish,
    plan_withdraw,
    slug_regex,
    target_for,
    trailers,
    withdrawal_path,
)
from edtool.publish.repo import ContentRepo
from edtool.publish.transaction import Notify, Transaction, record_in_draft
from edtool.styleguide import StyleGuide
from edtool.workflow import (
    Clock,
    Person,
    WorkflowError,
    authors_of,
    check_approval,
    check_four_eyes,
    count_findings,
    desk_now,
    desk_people,
    editor_person,
    find_person,
    load_draft,
    one_line,
    scheduled,
    signed,
    status_of,
)

LOCK_NAME = "edtool-publish.lock"
LOCK_TIMEOUT_ENV = "EDTOOL_LOCK_TIMEOUT"


def authors_table(guide: StyleGuide) -> list[Person]:
    try:
        return desk_people(guide)
    except ValueError as exc:
        raise PublishError(str(exc), fatal=True) from None


def content_repo_configured(guide: StyleGuide, content_repo: str | Path | None = None) -> bool:
    return content_repo_path(guide, content_repo) is not None


def content_folder(guide: StyleGuide, content_repo: str | Path | None) -> Path:
    folder = content_repo_path(guide, content_repo)
    if folder is None:
        raise PublishError(msg("publish.no-content-repo"), fatal=True)
    return folder


class Publisher:
    def __init__(self, guide: StyleGuide, content_repo: str | Path | None = None, editor: str | None = None,
                 dry_run: bool = False, notify: Notify | None = None,
                 on_step: Callable[[str], None] | None = None, now: Clock | None = None):
        self.guide, self.dry_run, self.clock = guide, dry_run, now
        self.notices: list[tuple[str, str]] = []
        self.notify: Notify = notify or (lambda level, text: self.notices.append((level, text)))
        settings = guide.section("publish")
        self.repo = ContentRepo(content_folder(guide, content_repo))
        try:  # a refused configuration leaves no git helper process behind
            self.root, self.git_dir = self.repo.root, self.repo.git_dir
            self.branch = str(settings.get("branch") or self.repo.active_branch)
            self.remote = str(settings.get("remote") or "origin")
            self.pattern = str(settings.get("path") or DEFAULT_PATTERN)
            self.people = authors_table(guide)
            self.rules = Rules.from_settings(settings)
            self.ninjs_version = str(settings.get("ninjs_version") or "3.1")
            self.uri_base = settings.get("ninjs_uri_base") or (settings.get("ninjs") or {}).get("uri_base")
            from edtool.ninjs import VERSIONS

            if self.ninjs_version not in VERSIONS:
                allowed = ", ".join(VERSIONS)
                message = msg("publish.bad-ninjs-version", version=self.ninjs_version, allowed=allowed)
                raise PublishError(message, fatal=True)
            self.editor_name = one_line(editor or "") or None
            self.transaction = Transaction(self.repo, self.notify, on_step)
        except BaseException:
            self.repo.close()
            raise

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _info(self, text: str) -> None:
        self.notify("info", text)

    def _warn(self, text: str) -> None:
        self.notify("warning", text)

    # -- identities -------------------------------------------------------------------------------
    def committer(self) -> Person:
        """An editor from the desk's people; git's identity only when it is one of them (editor_person)."""
        try:
            return editor_person(self.people, self.editor_name, self.repo.identity())
        except WorkflowError as exc:
            raise PublishError(exc.message, fatal=True) from None

    def authors(self, draft: Draft) -> list[Person]:
        found = []
        for name in authors_of(draft.front_matter) or [""]:
            person = find_person(self.people, name)
            if person is None:
                known = ", ".join(p.name for p in self.people) or "–"
                raise PublishError(msg("publish.unknown-author", path=draft.path, author=name, guide=self.guide.path,
                                       known=known))
            found.append(person)
        return found

    # -- paths and ownership ----------------------------------------------------------------------
    def draft_ref(self, path: Path) -> str:
        """How the draft is named in trailers: relative to the desk (styleguide.yaml's folder)."""
        full = path.resolve()
        try:
            return one_line(full.relative_to(self.guide.folder).as_posix())
        except ValueError:
            return one_line(full.name)

    def check_inside(self, draft_path: str, target: str) -> Path:
        """The target's absolute path; refuses absolute paths, '..', .git, and links on the way."""
        from edtool.publish.plan import check_shape

        check_shape(draft_path, target)
        if self.repo.link_on_the_way(target):
            raise PublishError(msg("publish.path-escape", path=draft_path, target=target))
        return self.root / target

    def target_for(self, draft: Draft) -> str:
        target = target_for(self.pattern, draft)
        self.check_inside(draft.path, target)
        return target

    def owner_of(self, target: str) -> SlugOwner | None:
        """The draft recorded in the commit that created the article now at `target` (its Draft trailer).
        Derived from history by path, so it survives a rebase and cannot be copied with a front matter field."""
        if self.repo.at_head(target) is not None:
            return SlugOwner.from_creation(target, *self.repo.creation(target))
        record = withdrawal_path(target)  # a withdrawn article's slug stays its own
        if target.endswith(".md") and self.repo.at_head(record) is not None:
            return SlugOwner.from_creation(target, *self.repo.creation(record))
        return None

    def same_slug_elsewhere(self, draft: Draft, target: str) -> str | None:
        """Another tracked file the pattern would give this slug (e.g. the same slug in another month)."""
        regex = slug_regex(self.pattern, str(draft.front_matter.get("slug")).strip())
        return next((name for name in self.repo.tracked() if name != target and re.fullmatch(regex, name)), None)

    def taken_by(self, draft: Draft, target: str, ref: str) -> SlugOwner | None:
        """The owner of the slug when it is not the draft `ref`: at the target, or at the same slug elsewhere
        (then possibly the draft itself under an older date)."""
        owner = self.owner_of(target)
        if owner is not None:
            return owner if owner.draft != ref else None
        other = self.same_slug_elsewhere(draft, target)
        return self.owner_of(other) if other else None

    def published_by(self, ref: str) -> list[str]:
        """Articles touched by commits whose Draft trailer names `ref`, newest first (not their ninjs items
        or withdrawal records)."""
        names: list[str] = []
        for _, body, files in self.repo.commits_mentioning(f"Draft: {ref}"):
            if trailers(body).get("Draft") == ref:
                names += [name for name in files if name not in names and not is_sidecar(name)]
        return names

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
        now = self.now()
        try:
            embargo, publish_at = scheduled(draft, "embargo"), scheduled(draft, "publish_at")
        except WorkflowError as exc:
            error = exc.message.removeprefix(f"{path}: ")
            raise PublishError(msg("publish.bad-time", path=path, error=error)) from None
        if embargo is not None and embargo > now:
            raise PublishError(msg("publish.embargo", path=path, embargo=draft.front_matter["embargo"]))
        if publish_at is not None and publish_at > now:
            raise PublishError(msg("publish.scheduled", path=path, publish_at=draft.front_matter["publish_at"]))
        authors = self.authors(draft)
        target = self.target_for(draft)
        ref = self.draft_ref(path)
        dirty = self.repo.is_dirty(target) or self.repo.is_dirty(ninjs_path(target))
        old = self.repo.at_head(target)
        versions = len(self.repo.history(ninjs_path(target))) if old is None else 0
        facts = Facts(old, dirty, None if dirty else self.taken_by(draft, target, ref), versions)
        plan = plan_publish(path, draft, before, target=target, ref=ref, facts=facts, authors=authors,
                            approver=approver, now=now.isoformat(), rules=self.rules)
        if plan.action != "unchanged":
            plan.committer = self.committer()
            self._add_ninjs(plan, "usable", now.isoformat())
        return plan

    def now(self):
        return desk_now(self.guide, self.clock)

    def _add_ninjs(self, plan: Plan, pubstatus: str, created: str, ednote: str | None = None) -> None:
        """The ninjs item of the article, in the same commit, next to it."""
        from edtool.draft import Draft, DraftError
        from edtool.ninjs import NinjsError, article_uri, dumps, to_ninjs

        source = plan.content if plan.content is not None else plan.old
        try:
            article = Draft.from_bytes(source or b"", plan.target)
            front = article.front_matter
            item = to_ninjs(article, uri=article_uri(str(front.get("slug") or ""), self.uri_base),
                            version=plan.version, version_created=created, pubstatus=pubstatus,
                            ninjs_version=self.ninjs_version, first_created=str(front.get("published_at") or created),
                            ednote=ednote)
        except (NinjsError, DraftError) as exc:
            raise PublishError(msg("publish.ninjs-failed", path=plan.draft_path, error=exc.message)) from None
        name = ninjs_path(plan.target)
        plan.extra.append((name, dumps(item).encode("utf-8"), self.repo.at_head(name)))

    # -- running ----------------------------------------------------------------------------------
    def _locked(self, work: Callable[[], int]) -> int:
        self.repo.forget_status()  # one `git status` per run, taken when the first plan needs it
        if self.dry_run:
            if self.transaction.pending():
                self._warn(msg("publish.pending", draft=self.transaction.journal_path))
            return work()
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV) or 300)
        try:
            with FileLock(str(self.git_dir / LOCK_NAME)).acquire(timeout=timeout):
                self.transaction.clear_stale_locks(self.branch)
                self.transaction.recover()
                remove_stale_temps(self.root, recursive=True)  # what a killed write left behind
                return work()
        except Timeout:
            raise PublishError(msg("publish.locked", path=self.root, seconds=int(timeout)), fatal=True) from None

    def publish(self, paths: list[Path], push: bool = False) -> int:
        """Publish each draft; 0 when all went well, 1 when one was refused or the push failed."""
        return self._locked(lambda: self._publish(paths, push))

    def _publish(self, paths: list[Path], push: bool) -> int:
        code = 0
        for path in paths:
            try:
                code = max(code, self._apply(self.plan(path)))
            except (PublishError, WorkflowError) as exc:
                if isinstance(exc, PublishError) and exc.fatal:
                    raise
                self._warn(exc.message)
                code = 1
        if push and not self.dry_run and (self.transaction.committed or self.repo.ahead(self.remote, self.branch)):
            if not self.push():
                code = 1
        return code

    def _apply(self, plan: Plan) -> int:
        if self.dry_run:
            self._show(plan)
            return 0
        if plan.action == "unchanged":
            sha, refreshed = commit_to_record(plan.draft, [sha for sha, _ in self.repo.history(plan.target)])
            if sha is not None:
                self.repo.touched(plan.draft_path)
                record_in_draft(plan.draft_path, plan.draft_updates, (), sha, plan.before)
                if refreshed:
                    self._info(msg("publish.commit-refreshed", path=plan.draft_path, commit=sha[:10]))
            self._info(msg("publish.unchanged", path=plan.draft_path, target=plan.target))
            return 0
        sha = self.transaction.execute(plan)
        key = {"publish": "publish.published", "update": "publish.updated", "correct": "publish.corrected",
               "unpublish": "unpublish.done", "withdraw": "withdraw.done"}[plan.action]
        self._info(msg(key, path=plan.draft_path, target=plan.target, commit=sha[:10], version=plan.version,
                       record=withdrawal_path(plan.target)))
        return 0

    def _show(self, plan: Plan) -> None:
        import difflib

        action = {"publish": "new", "update": "update", "correct": "update", "unpublish": "unpublish",
                  "withdraw": "unpublish"}.get(plan.action)
        if action is None:
            self._info(msg("publish.unchanged", path=plan.draft_path, target=plan.target))
            return
        self._info(msg("publish.dry-run", path=plan.draft_path, target=plan.target,
                       action=msg(f"publish.dry-run.{action}")))
        self._info(f"Author: {plan.author}\nCommitter: {plan.committer}\n\n{plan.message}")
        old = (plan.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (plan.content or b"").decode("utf-8", "replace").splitlines(keepends=True)
        diff = difflib.unified_diff(old, new, f"a/{plan.target}" if plan.old is not None else "/dev/null",
                                    f"b/{plan.target}" if plan.content is not None else "/dev/null")
        self._info("".join(line if line.endswith("\n") else line + "\n" for line in diff).rstrip("\n"))
        for name, new_bytes, _old_bytes in plan.extra:
            self._info(f"{'+' if new_bytes is not None else '-'} {name}")

    def push(self) -> bool:
        if not self.repo.has_remote(self.remote):
            self._warn(msg("publish.no-remote", remote=self.remote))
            return False
        result = self.repo.push(self.remote, self.branch)
        if result.ok:
            self._info(msg("publish.pushed", remote=self.remote, branch=self.branch))
        elif result.rejected:
            self._warn(msg("publish.push-rejected", remote=self.remote, branch=self.branch))
        else:
            self._warn(msg("publish.push-failed", remote=self.remote, branch=self.branch, error=result.detail))
        return result.ok

    def unpublish(self, path: Path, editor: str, reason: str, push: bool = False) -> int:
        return self._locked(lambda: self._retract(path, editor, reason, push, withdraw=False))

    def withdraw(self, path: Path, editor: str, reason: str, push: bool = False) -> int:
        """Withdraw (legal): the article goes, a withdrawal record and the canceled ninjs item stay."""
        return self._locked(lambda: self._retract(path, editor, reason, push, withdraw=True))

    def _retract(self, path: Path, editor: str, reason: str, push: bool, withdraw: bool) -> int:
        editor, reason = signed(editor, reason, need_reason=True)
        draft, before = load_draft(path)
        status = status_of(draft)
        if status != "published":
            raise PublishError(msg("withdraw.not-published" if withdraw else "unpublish.not-published", path=path,
                                   status=status))
        ref = self.draft_ref(path)
        target = self._published_target(draft, ref)
        names = [target, ninjs_path(target)] + ([withdrawal_path(target)] if withdraw else [])
        dirty = any(self.repo.is_dirty(name) for name in names)
        old = self.repo.at_head(target)
        owner = None if dirty or old is None else self.owner_of(target)
        facts = Facts(old, dirty, owner if owner is not None and owner.draft != ref else None)
        now = self.now().isoformat()
        plan_of = plan_withdraw if withdraw else plan_unpublish
        plan = plan_of(path, draft, before, target=target, ref=ref, facts=facts, committer=self.committer,
                       reason=reason, now=now)
        if withdraw:
            plan.extra = [(name, new, self.repo.at_head(name)) for name, new, _ in plan.extra]
            self._add_ninjs(plan, "canceled", now, ednote=msg("withdraw.ednote", reason=reason))
        elif self.repo.at_head(ninjs_path(target)) is not None:  # a takedown takes the ninjs item along
            plan.extra.append((ninjs_path(target), None, self.repo.at_head(ninjs_path(target))))
        code = self._apply(plan)
        if push and not self.dry_run and not self.push():
            code = 1
        return code

    # -- the schedule -----------------------------------------------------------------------------
    def due(self, paths: list[Path]) -> list[Path]:
        """Approved drafts with a `publish_at` or `embargo` whose time has come (all of them). A draft
        whose times cannot be read is named and skipped."""
        now, found = self.now(), []
        for path in paths:
            try:
                draft, _ = load_draft(path)
                if status_of(draft) != "approved":
                    continue
                times = [t for t in (scheduled(draft, "publish_at"), scheduled(draft, "embargo")) if t is not None]
            except WorkflowError as exc:
                self._warn(exc.message)
                continue
            if times and all(t <= now for t in times):
                found.append(path)
        return found
