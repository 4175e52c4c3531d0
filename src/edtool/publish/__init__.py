"""Publishing approved drafts into the content repository, in four parts a reader can take one at a time:

- `repo`: the content repository adapter (the only module that imports git);
- `plan`: what one publication does, decided from the draft and the repository's facts (pure);
- `transaction`: journal, write, commit, record, and recovery after a crash;
- `run`: the orchestration (`Publisher`): settings, people, lock, publish, unpublish, push.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from edtool.draft import Draft, DraftError
from edtool.publish.errors import PublishError
from edtool.publish.plan import Plan, SlugOwner, commit_message, trailers
from edtool.publish.run import CONTENT_ENV, Publisher, content_repo_configured
from edtool.workflow import load_draft

__all__ = ["CONTENT_ENV", "Plan", "PublishError", "Publisher", "SlugOwner", "commit_message",
           "content_repo_configured", "drafts_to_publish", "slug_owner", "trailers"]


def slug_owner(guide, draft_path: str | Path, draft: Draft | None = None,
               content_repo: str | Path | None = None) -> SlugOwner | None:
    """The owner of the draft's slug in the content repository when that is not this draft (None when the
    slug is free or the draft's own, or when date or slug are unusable: the metadata check reports those).
    Raises PublishError when the content repository cannot be read."""
    path = Path(draft_path)
    if draft is None:
        draft, _ = load_draft(path)
    with Publisher(guide, content_repo) as publisher:
        try:
            target = publisher.target_for(draft)
        except PublishError as exc:
            if exc.fatal:
                raise
            return None
        ref = publisher.draft_ref(path)
        owner = publisher.taken_by(draft, target, ref)
        return None if owner is None or owner.draft == ref else owner


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
