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
from edtool.workflow import WORKFLOW_FIELDS, Person, approval_digest, edit_front_matter, one_line

DEFAULT_PATTERN = "articles/{year}/{month}/{slug}.md"
# What the published article keeps of the workflow: readers and downstream systems need these.
PUBLIC_FIELDS = ("status", "published_at", "updated_at", "version")
# Fields that belong to the draft's workflow (or its schedule), not to the published article.
DRAFT_ONLY = tuple(key for key in WORKFLOW_FIELDS if key not in PUBLIC_FIELDS) + ("publish_at",)
RETRACTION = ("unpublished_by", "unpublished_at", "unpublished_reason")
# Inline switches for the checks (<!-- edtool-disable… -->) are for the desk, never for readers.
_SWITCH = re.compile(r"<!--\s*edtool-(?:disable-next-line|disable|enable)\b.*?-->", re.S)
_SWITCH_LINE = re.compile(r"^[ \t]*<!--\s*edtool-(?:disable-next-line|disable|enable)\b[^\n]*?-->[ \t]*\r?\n", re.M)


@dataclass(frozen=True)
class Rules:
    """The desk's rules for changes to a published article (`publish.revisions` in styleguide.yaml)."""

    update_note: bool = True  # an update needs a note (`update_note:`); a correction always has one
    correction_review: bool = True  # `edtool correct` sends the correction through approval
    update_review: bool = True

    @classmethod
    def from_settings(cls, settings: dict) -> "Rules":
        revisions = settings.get("revisions") or {}
        correction, update = revisions.get("correction") or {}, revisions.get("update") or {}
        return cls(update_note=str(update.get("note", "required")) != "optional",
                   correction_review=bool(correction.get("review", True)),
                   update_review=bool(update.get("review", True)))


def ninjs_path(target: str) -> str:
    """The ninjs item lies next to the article: articles/…/slug.md -> articles/…/slug.ninjs.json."""
    return (target[:-3] if target.endswith(".md") else target) + ".ninjs.json"


def is_sidecar(name: str) -> bool:
    """A file edtool writes next to an article (its ninjs item, a withdrawal record), not an article."""
    return name.endswith((".ninjs.json", ".withdrawn.json"))


def withdrawal_path(target: str) -> str:
    """The withdrawal record lies where the article was: articles/…/slug.withdrawn.json."""
    return (target[:-3] if target.endswith(".md") else target) + ".withdrawn.json"


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
    """What one draft would do in the content repository: the article at `target` and, in the same
    commit, the files in `extra` (path, new bytes or None to remove, bytes at HEAD)."""

    draft_path: Path
    draft: Draft
    before: bytes
    action: str  # publish | update | correct | unchanged | unpublish | withdraw
    target: str
    content: bytes | None = None
    old: bytes | None = None
    message: str = ""
    author: Person | None = None
    committer: Person | None = None
    draft_updates: dict[str, Any] = field(default_factory=dict)
    draft_remove: tuple[str, ...] = ()
    extra: list[tuple[str, bytes | None, bytes | None]] = field(default_factory=list)
    version: int = 1
    note: str = ""

    def files(self) -> list[tuple[str, bytes | None, bytes | None]]:
        """Every file the commit touches: (path, new bytes or None, bytes at HEAD)."""
        return [(self.target, self.content, self.old), *self.extra]


@dataclass(frozen=True)
class Facts:
    """What the content repository says about one target."""

    old: bytes | None  # the article at HEAD
    dirty: bool  # uncommitted changes at the target
    owner: SlugOwner | None  # who owns the slug, if not this draft (or this draft at another path)
    versions: int = 0  # commits that touched the article's ninjs item before (a re-publication continues)


def strip_switches(data: bytes, path: str = "") -> bytes:
    """The article without the checks' inline switches: a line that holds only a switch goes, a switch
    inside a line is cut out. Front matter and everything else stay as written."""
    article = Draft.from_bytes(data, path)
    at = article.raw_offset(article.body_start)
    raw = article.raw
    body = _SWITCH.sub("", _SWITCH_LINE.sub("", raw[at:]))
    if body == raw[at:]:
        return data
    return (("\ufeff" if article.bom else "") + raw[:at] + body).encode("utf-8")


def render(draft: Draft, fields: dict[str, Any]) -> bytes:
    """The published article: the draft with status published, its dates and version, no workflow-only
    field, no schedule, no inline switch."""
    remove = [key for key in (*DRAFT_ONLY, "updated_at", "version") if key not in fields]
    return strip_switches(edit_front_matter(draft, {"status": "published", **fields}, remove=remove), draft.path)


def same_article(a: bytes, b: bytes) -> bool:
    """Whether two published versions say the same to readers: equal apart from workflow fields."""
    try:
        return approval_digest(Draft.from_bytes(a)) == approval_digest(Draft.from_bytes(b))
    except DraftError:
        return a == b


def _version(front_matter: dict) -> int:
    value = front_matter.get("version")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def classify(path: Path, published: Draft, draft: Draft, rules: Rules) -> tuple[str, str]:
    """("correct" | "update", note) for a changed published article; refused without the note the desk's
    rules require, or when a published correction note was removed or changed."""
    from edtool.render import RenderError, corrections_of

    try:
        before, after = corrections_of(published), corrections_of(draft)
    except RenderError as exc:
        raise PublishError(exc.located(path)) from None
    if after[:len(before)] != before:
        raise PublishError(msg("publish.corrections-kept", path=path))
    if len(after) > len(before):
        return "correct", " / ".join(c.note for c in after[len(before):])
    note = one_line(draft.front_matter.get("update_note") or "")
    if note and note != one_line(published.front_matter.get("update_note") or ""):
        return "update", note
    if rules.update_note:
        raise PublishError(msg("publish.needs-note", path=path))
    return "update", ""


def plan_publish(path: Path, draft: Draft, before: bytes, *, target: str, ref: str, facts: Facts,
                 authors: list[Person], approver: str, now: str, rules: Rules = Rules()) -> Plan:
    """Publish, correct, update, or nothing to do (a change only to workflow fields); refused for a dirty
    target, a slug owned by another draft, a published draft that changed since (it needs a new review),
    a changed article without the note the desk requires, or one whose article is gone."""
    status = draft.front_matter.get("status")
    if facts.dirty:
        raise PublishError(msg("publish.dirty", path=path, target=target))
    slug = draft.front_matter.get("slug")
    if facts.owner is not None:
        raise PublishError(facts.owner.refusal(path, slug, ref))
    plan = Plan(path, draft, before, "publish", target, old=facts.old, author=authors[0])
    title = one_line(draft.front_matter.get("title") or slug)
    extra: list[tuple[str, Any]] = []
    if facts.old is not None:
        try:
            published_draft = Draft.from_bytes(facts.old, target)
        except DraftError:
            published_draft = Draft.from_text("---\n---\n", target)
        published = published_draft.front_matter
        kept: dict[str, Any] = {"published_at": str(published.get("published_at") or now)}
        if published.get("updated_at"):
            kept["updated_at"] = str(published["updated_at"])
        if "version" in published:
            kept["version"] = _version(published)
        if same_article(render(draft, kept), facts.old):
            plan.action, plan.content = "unchanged", facts.old
            plan.version = _version(published)
            plan.draft_updates = {"status": "published", **kept}
            return plan
        if status == "published":
            raise PublishError(msg("publish.changed-since", path=path))
        plan.action, plan.note = classify(path, published_draft, draft, rules)
        plan.version = _version(published) + 1
        fields = {"published_at": kept["published_at"], "updated_at": now, "version": plan.version}
        subject = f"{'Correct' if plan.action == 'correct' else 'Update'}: {title}"
        extra = [("Version", plan.version), ("Note", plan.note)] if plan.note else [("Version", plan.version)]
    else:
        if status == "published":
            raise PublishError(msg("unpublish.missing", path=path, target=target))
        plan.version = facts.versions + 1  # after a takedown the item's version goes on, never back
        fields = {"published_at": now, "version": plan.version}
        subject = f"Publish: {title}"
    plan.content = render(draft, fields)
    trailer_fields = [("Slug", slug), ("Approved-by", approver), *extra, ("Draft", ref)]
    trailer_fields += [("Co-authored-by", person) for person in authors[1:]]
    plan.message = commit_message(subject, trailer_fields)
    plan.draft_updates = {"status": "published", **fields}
    plan.draft_remove = (*RETRACTION, "submitted_at")  # a retraction is over; so is the submission
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
    plan.draft_remove = ("published_at", "updated_at", "approved_by", "approved_at", "approved_digest", "commit",
                         "submitted_at", "version")
    return plan


def plan_withdraw(path: Path, draft: Draft, before: bytes, *, target: str, ref: str, facts: Facts,
                  committer: Callable[[], Person], reason: str, now: str) -> Plan:
    """Withdraw (legal): remove the article with its own commit and leave a withdrawal record next to
    where it was (what, why, who, when); the draft becomes `withdrawn`. The ninjs item is added by the
    caller (it needs the desk's ninjs settings)."""
    import json

    plan = plan_unpublish(path, draft, before, target=target, ref=ref, facts=facts, committer=committer,
                          reason=reason, now=now)
    title = one_line(draft.front_matter.get("title") or "")
    plan.action = "withdraw"
    try:
        published = Draft.from_bytes(facts.old or b"", target).front_matter
    except DraftError:
        published = {}
    plan.version = _version(published) + 1
    record = {"slug": one_line(draft.front_matter.get("slug") or ""), "title": title, "path": target,
              "published_at": str(published.get("published_at") or ""), "version": plan.version,
              "withdrawn_at": now, "withdrawn_by": plan.committer.name, "reason": reason, "draft": ref}
    plan.extra.append((withdrawal_path(target), (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode(),
                       None))
    plan.message = commit_message(f"Withdraw: {title}", [
        ("Slug", draft.front_matter.get("slug")), ("Withdrawn-by", plan.committer.name), ("Reason", reason),
        ("Version", plan.version), ("Draft", ref)])
    plan.draft_updates = {"status": "withdrawn", "withdrawn_by": plan.committer.name, "withdrawn_at": now,
                          "withdrawn_reason": reason, "version": plan.version}
    plan.draft_remove = ("approved_by", "approved_at", "approved_digest", "submitted_at", *RETRACTION)
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
