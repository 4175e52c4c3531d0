"""The plan of one publication, worked out without touching anything.

Given the draft and the facts read from the content repository (what is at the target, who owns it),
`plan_publish` and `plan_unpublish` decide what happens: the action, the article's bytes, the commit
message and what the draft will record. They read no files, run no git and print nothing, so every
rule can be tested with plain values.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from edtool.draft import Draft, DraftError
from edtool.messages import msg
from edtool.publish.errors import PublishError
from edtool.workflow import Person, edit_front_matter, one_line

DEFAULT_PATTERN = "articles/{year}/{month}/{slug}.md"
# Fields that belong to the draft's workflow, not to the published article.
DRAFT_ONLY = ("commit", "approved_digest", "submitted_at", "rejected_by", "rejected_at", "rejected_reason",
              "unpublished_by", "unpublished_at", "unpublished_reason")
RETRACTION = ("unpublished_by", "unpublished_at", "unpublished_reason")


# -- commit messages -------------------------------------------------------------------------------------
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


# -- ownership ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlugOwner:
    """Who owns an article in the content repository: the draft named in the commit that created it."""

    target: str
    draft: str | None  # None: the file was not created by edtool
    commit: str

    @classmethod
    def from_creation(cls, target: str, sha: str, message: str) -> "SlugOwner":
        return cls(target, trailers(message).get("Draft") or None, sha or "?")

    def describe(self) -> str:
        if self.draft:
            return msg("publish.owner-draft", draft=self.draft, commit=self.commit[:10])
        return msg("publish.owner-manual", commit=self.commit[:10])

    def refusal(self, path: str | Path, slug: Any, ref: str | None = None) -> str:
        if ref is not None and self.draft == ref:
            return msg("publish.slug-moved", path=path, target=self.target, commit=self.commit[:10])
        return msg("publish.slug-taken", path=path, slug=one_line(slug), target=self.target, owner=self.describe())


# -- paths -------------------------------------------------------------------------------------------------
def target_for(pattern: str, draft: Draft) -> str:
    """The article's path from the pattern; refuses a bad date or slug and any path that leaves the
    repository by its shape (absolute, `..`, `.git`). Links on the way are the adapter's to see."""
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
    if "{slug}" not in pattern:
        raise PublishError(msg("publish.bad-pattern", pattern=pattern, reason="{slug} fehlt"), fatal=True)
    try:
        target = pattern.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise PublishError(msg("publish.bad-pattern", pattern=pattern, reason=str(exc)), fatal=True) from None
    check_shape(draft.path, target)
    return target


def check_shape(draft_path: str, target: str) -> None:
    """Refuse a target that is absolute, climbs with '..', enters .git, or names a folder."""
    if (not target or "\\" in target or os.path.isabs(target) or re.match(r"^[A-Za-z]:", target)
            or any(part in ("..", ".", ".git") for part in PurePosixPath(target).parts) or target.endswith("/")):
        raise PublishError(msg("publish.path-escape", path=draft_path, target=target))


def slug_regex(pattern: str, slug: str) -> str:
    """A regex for every path the pattern gives this slug (any date, any category)."""
    parts = re.split(r"(\{[^}]*\})", pattern)
    return "".join(re.escape(slug) if part == "{slug}" else "[^/]+" if part.startswith("{") else re.escape(part)
                   for part in parts)


# -- the plan ----------------------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class Facts:
    """What the content repository says about one target."""

    old: bytes | None  # the article at HEAD
    dirty: bool  # uncommitted changes at the target
    owner: SlugOwner | None  # who owns the slug, if not this draft (or this draft at another path)


def render(draft: Draft, fields: dict[str, str]) -> bytes:
    """The published article: the draft with status published, its dates, and no workflow-only fields."""
    remove = [key for key in (*DRAFT_ONLY, "updated_at") if key not in fields]
    return edit_front_matter(draft, {"status": "published", **fields}, remove=remove)


def plan_publish(path: Path, draft: Draft, before: bytes, *, target: str, ref: str, facts: Facts,
                 authors: list[Person], approver: str, now: str) -> Plan:
    """Publish, update, or nothing to do; refused for a dirty target, a slug owned by another draft, a
    published draft that changed since (it needs a new review), or one whose article is gone."""
    status = draft.front_matter.get("status")
    if facts.dirty:
        raise PublishError(msg("publish.dirty", path=path, target=target))
    slug = draft.front_matter.get("slug")
    if facts.owner is not None:
        raise PublishError(facts.owner.refusal(path, slug, ref))
    plan = Plan(path, draft, before, "publish", target, old=facts.old, author=authors[0])
    title = one_line(draft.front_matter.get("title") or slug)
    if facts.old is not None:
        try:
            published = Draft.from_bytes(facts.old, target).front_matter
        except DraftError:
            published = {}
        kept = {"published_at": str(published.get("published_at") or now)}
        if published.get("updated_at"):
            kept["updated_at"] = str(published["updated_at"])
        if render(draft, kept) == facts.old:
            plan.action, plan.content = "unchanged", facts.old
            plan.draft_updates = {"status": "published", **kept}
            return plan
        if status == "published":
            raise PublishError(msg("publish.changed-since", path=path))
        plan.action = "update"
        fields = {"published_at": kept["published_at"], "updated_at": now}
        subject = f"Update: {title}"
    else:
        if status == "published":
            raise PublishError(msg("unpublish.missing", path=path, target=target))
        fields = {"published_at": now}
        subject = f"Publish: {title}"
    plan.content = render(draft, fields)
    trailer_fields = [("Slug", slug), ("Approved-by", approver), ("Draft", ref)]
    trailer_fields += [("Co-authored-by", person) for person in authors[1:]]
    plan.message = commit_message(subject, trailer_fields)
    plan.draft_updates = {"status": "published", **fields}
    plan.draft_remove = RETRACTION  # a retraction is over
    return plan


def plan_unpublish(path: Path, draft: Draft, before: bytes, *, target: str, ref: str, facts: Facts,
                   committer: Callable[[], Person], reason: str, now: str) -> Plan:
    """Retract: remove the article with its own commit; the draft goes back to draft. `committer` is
    asked only once the retraction is allowed."""
    if facts.dirty:
        raise PublishError(msg("publish.dirty", path=path, target=target))
    if facts.old is None:
        raise PublishError(msg("unpublish.missing", path=path, target=target))
    if facts.owner is not None:
        raise PublishError(facts.owner.refusal(path, draft.front_matter.get("slug"), ref))
    committer = committer()
    title = one_line(draft.front_matter.get("title") or "")
    plan = Plan(path, draft, before, "unpublish", target, content=None, old=facts.old, author=committer,
                committer=committer)
    plan.message = commit_message(f"Unpublish: {title}", [
        ("Slug", draft.front_matter.get("slug")), ("Unpublished-by", committer.name), ("Reason", reason),
        ("Draft", ref)])
    plan.draft_updates = {"status": "draft", "unpublished_by": committer.name, "unpublished_at": now,
                          "unpublished_reason": reason}
    plan.draft_remove = ("published_at", "updated_at", "approved_by", "approved_at", "approved_digest")
    return plan


def commit_to_record(draft: Draft, history: list[str]) -> tuple[str | None, bool]:
    """For an unchanged article: the commit the draft should record (None: nothing to record) and
    whether that replaces a `commit:` that history no longer has (after a rebase)."""
    if not history:
        return None, False
    status, recorded = draft.front_matter.get("status"), draft.front_matter.get("commit")
    known = isinstance(recorded, str) and len(recorded) >= 7 and any(sha.startswith(recorded) for sha in history)
    if status == "published" and known:
        return None, False
    return history[0], status == "published" and bool(recorded)
