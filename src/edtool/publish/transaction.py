"""One publication as a transaction: journal -> write -> commit -> record in the draft -> drop journal.

The journal (in the content repository's git dir) names the intended state, so a run killed between
steps is completed or rolled back by the next run (`recover`). Git lock files that a killed git left
behind are removed first when no git process holds them (`clear_stale_locks`). Steps are announced to
an optional `on_step` callback (write, git-commit, commit, draft): tests end or pause the process there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, Iterable

from edtool.fsutil import atomic_write
from edtool.messages import msg
from edtool.publish.errors import PublishError
from edtool.publish.plan import Plan
from edtool.publish.repo import ContentRepo, GitFailure
from edtool.workflow import WorkflowError, digest, edit_front_matter, load_draft, write_if_unchanged

JOURNAL_NAME = "edtool-publish.json"
# Without /proc, a git lock counts as stale only when it is this old (seconds).
STALE_LOCK_AGE = 600.0

Notify = Callable[[str, str], None]  # (level "info" | "warning", text)


def record_in_draft(path: Path, updates: dict, remove: Iterable[str], sha: str, before: bytes | None) -> None:
    """Write the publication's fields and commit into the draft, unless someone changed it meanwhile."""
    draft, current = load_draft(path)
    if before is not None and current != before:
        raise WorkflowError(msg("workflow.changed-on-disk", path=path))
    remove = list(remove)
    fields = dict(updates) if "commit" in remove else {**updates, "commit": sha}  # a takedown leaves no commit
    front = draft.front_matter
    if all(front.get(k) == v for k, v in fields.items()) and not any(k in front for k in remove if k not in fields):
        return
    write_if_unchanged(path, current, edit_front_matter(draft, fields, remove=remove))


class Transaction:
    def __init__(self, repo: ContentRepo, notify: Notify, on_step: Callable[[str], None] | None = None):
        self.repo, self.notify = repo, notify
        self.on_step = on_step or (lambda step: None)
        self.journal_path = repo.git_dir / JOURNAL_NAME
        self.committed = False  # a commit was made or recovered: there is something to push

    def pending(self) -> bool:
        return self.journal_path.exists()

    def _write_journal(self, data: dict) -> None:
        atomic_write(self.journal_path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))

    def execute(self, plan: Plan) -> str:
        """Write, commit and record one plan; on a failure before the commit, roll back."""
        files = plan.files()
        journal = {
            "version": 2, "op": plan.action, "draft": str(plan.draft_path.resolve()), "target": plan.target,
            "files": [{"path": name, "old_sha": digest(old) if old is not None else None,
                       "new_sha": digest(new) if new is not None else None} for name, new, old in files],
            "head": self.repo.head(), "message": plan.message, "draft_updates": plan.draft_updates,
            "draft_remove": list(plan.draft_remove), "commit": None,
        }
        self._write_journal(journal)
        try:
            for name, new, _ in files:
                if new is not None:  # a removal happens in the commit step (git rm)
                    atomic_write(self.repo.root / name, new)
            self.on_step("write")
            sha = self.repo.commit_paths([(name, new is None) for name, new, _ in files], plan.message,
                                         plan.author, plan.committer)
            self.on_step("git-commit")  # committed, journal not yet told
        except BaseException as exc:
            self.repo.forget_status()  # whatever was written or put back: ask git again
            sha = self._committed(journal)
            if sha is None:
                self._rollback(journal)
                self.journal_path.unlink(missing_ok=True)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise  # a commit that exists stays journaled: the next run records it
            if sha is None:
                detail = exc.detail if isinstance(exc, GitFailure) else str(exc)
                raise PublishError(msg("publish.failed", path=plan.draft_path, error=detail)) from None
        self.repo.committed([name for name, _, _ in files])
        journal["commit"] = sha
        self._write_journal(journal)
        self.on_step("commit")
        self.committed = True
        self.repo.touched(plan.draft_path)  # the draft may lie in the content repository
        try:
            record_in_draft(plan.draft_path, plan.draft_updates, plan.draft_remove, sha, plan.before)
        except (WorkflowError, OSError) as exc:
            error = exc.message if isinstance(exc, WorkflowError) else str(exc)
            self.notify("warning", msg("publish.draft-update-failed", path=plan.draft_path, commit=sha[:10],
                                       error=error))
            return sha  # the journal stays; the next run records it
        self.on_step("draft")
        self.journal_path.unlink(missing_ok=True)
        return sha

    @staticmethod
    def _files(journal: dict) -> list[dict]:
        if "files" in journal:
            return journal["files"]
        return [{"path": journal["target"], "old_sha": journal["old_sha"], "new_sha": journal["new_sha"]}]  # v1

    def _rollback(self, journal: dict) -> bool:
        """Put every file back as it is at HEAD; False (nothing touched) if someone else changed one meanwhile."""
        entries = []
        for entry in self._files(journal):
            path = self.repo.root / entry["path"]
            current = digest(path.read_bytes()) if path.is_file() else None
            if current not in (entry["new_sha"], entry["old_sha"]):
                return False
            entries.append((entry, path, current))
        for entry, path, current in entries:
            self.repo.unstage(entry["path"])
            old = self.repo.at_head(entry["path"])
            if old is None:
                path.unlink(missing_ok=True)
            elif current != entry["old_sha"]:
                atomic_write(path, old)
        return True

    def _committed(self, journal: dict) -> str | None:
        """The journal's commit, if it was made: a commit since the journal's HEAD with its message."""
        return self.repo.commit_since(journal.get("head"), journal["target"], journal["message"])

    def recover(self) -> None:
        """Finish or undo a transaction that a killed run left behind, and say which."""
        if not self.pending():
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
                record_in_draft(Path(name), journal.get("draft_updates", {}), journal.get("draft_remove", []), sha,
                                None)
            except (WorkflowError, OSError) as exc:
                error = exc.message if isinstance(exc, WorkflowError) else str(exc)
                raise PublishError(msg("publish.draft-update-failed", path=name, commit=sha[:10], error=error),
                                   fatal=True) from None
            self.journal_path.unlink(missing_ok=True)
            self.committed = True
            self.notify("info", msg("publish.recovered-done", draft=name, commit=sha[:10]))
            return
        if not self._rollback(journal):
            raise PublishError(msg("publish.recover-conflict", draft=name, target=journal["target"],
                                   journal=self.journal_path), fatal=True)
        self.journal_path.unlink(missing_ok=True)
        self.notify("info", msg("publish.recovered-rolled-back", draft=name))

    def clear_stale_locks(self, branch: str) -> None:
        """Remove git lock files that no git process holds (a kill during `git commit`); refuse when one might."""
        locks = self.repo.lock_files(branch)
        if not locks:
            return
        root = self.repo.root
        seen = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in locks}
        pids, unclear = self.repo.git_processes()
        shown = ", ".join(str(path.relative_to(root)) if path.is_relative_to(root) else str(path) for path in locks)
        if pids:
            raise PublishError(msg("publish.git-busy", path=root, pids=", ".join(map(str, pids)), lock=shown),
                               fatal=True)
        if unclear and any(time.time() - path.stat().st_mtime < STALE_LOCK_AGE for path in locks):
            raise PublishError(msg("publish.lock-unclear", lock=shown), fatal=True)
        for path in locks:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if (stat.st_ino, stat.st_mtime_ns) != seen[path]:  # taken again meanwhile: not ours to remove
                raise PublishError(msg("publish.git-busy", path=root, pids="?", lock=shown), fatal=True)
            path.unlink(missing_ok=True)
        self.notify("info", msg("publish.stale-lock-removed", lock=shown))
