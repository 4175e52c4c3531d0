"""Editorial workflow: draft -> review -> approved -> published, kept in the draft's front matter.

Every transition is a surgical edit: only the front matter lines of the keys it owns change, the
rest of the file (body, comments, key order, CRLF, BOM) stays byte for byte. Each edit is verified
by parsing the result again before it is written atomically.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from edtool.draft import BOM, Draft, DraftError
from edtool.errors import EdtoolError
from edtool.fsutil import atomic_write
from edtool.messages import msg
from edtool.styleguide import StyleGuide

STATES = ("draft", "review", "approved", "published", "withdrawn")
# Fields that submit/approve/reject/publish/unpublish/withdraw write themselves: not part of what is reviewed.
WORKFLOW_FIELDS = ("status", "submitted_at", "approved_by", "approved_at", "approved_digest", "rejected_by",
                   "rejected_at", "rejected_reason", "published_at", "updated_at", "commit", "unpublished_by",
                   "unpublished_at", "unpublished_reason", "version", "withdrawn_by", "withdrawn_at",
                   "withdrawn_reason")
DEFAULT_TIMEZONE = "Europe/Berlin"
Clock = Callable[[], datetime]  # an aware "now"; tests inject a fixed one
# Checks run before approve/publish and on the board: everything but LanguageTool, so a decision
# never depends on whether the grammar server happens to run (grammar findings are advice).
GATE_SKIP = frozenset({"grammar", "spelling"})
GATE_SKIP_RULES = frozenset({"metadata.slug-taken"})


class WorkflowError(EdtoolError):
    """A transition or edit that is refused; the message is for the writer or editor."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def desk_zone(guide: StyleGuide | None):
    """The desk's time zone: `publish.timezone` in styleguide.yaml, Europe/Berlin by default."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = str((guide.section("publish") if guide is not None else {}).get("timezone") or DEFAULT_TIMEZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise WorkflowError(msg("workflow.bad-timezone", zone=name)) from None


def desk_now(guide: StyleGuide | None = None, now: Clock | None = None) -> datetime:
    """Now (or the injected clock's now) in the desk's time zone, to the second."""
    moment = now() if now is not None else datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(desk_zone(guide)).replace(microsecond=0)


def now_iso(guide: StyleGuide | None = None, now: Clock | None = None) -> str:
    """Now with offset, to the second, in the desk's time zone (e.g. 2025-07-31T14:30:00+02:00)."""
    return desk_now(guide, now).isoformat()


def scheduled(draft: Draft, key: str) -> datetime | None:
    """`publish_at` or `embargo` as an aware datetime (None when absent); a value that is no date-time or
    has no time zone is refused: which zone was meant would be a guess."""
    value = draft.front_matter.get(key)
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00")) if ("T" in text or " " in text) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise WorkflowError(msg("workflow.bad-time", path=draft.path, key=key, value=text))
    if parsed.tzinfo is None:
        raise WorkflowError(msg("workflow.time-without-zone", path=draft.path, key=key, value=text))
    return parsed


def check_schedule(draft: Draft, moment: datetime) -> None:
    """At approval: publish_at and embargo lie in the future, and the schedule does not end the embargo early."""
    publish_at, embargo = scheduled(draft, "publish_at"), scheduled(draft, "embargo")
    for key, value in (("publish_at", publish_at), ("embargo", embargo)):
        if value is not None and value <= moment:
            raise WorkflowError(msg("workflow.time-past", path=draft.path, key=key, value=draft.front_matter[key],
                                    now=moment.isoformat()))
    if publish_at is not None and embargo is not None and publish_at < embargo:
        raise WorkflowError(msg("workflow.schedule-conflict", path=draft.path,
                                publish_at=draft.front_matter["publish_at"], embargo=draft.front_matter["embargo"]))


def render_scalar(value: Any) -> str:
    """A YAML scalar for one line of front matter: plain when it reads back as the same text."""
    text = str(value)
    if text and "\n" not in text and " #" not in text and not text.startswith(("'", '"')):
        try:
            if Draft.from_text(f"---\nk: {text}\n---\n").front_matter == {"k": text}:
                return text
        except DraftError:
            pass
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


def authors_of(front_matter: dict) -> list[str]:
    value = front_matter.get("author")
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


# Default-ignorable characters outside category Cf (they render as nothing).
_IGNORABLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"
                       + "".join(map(chr, range(0x180B, 0x1810))) + "".join(map(chr, range(0xFE00, 0xFE10)))
                       + "".join(map(chr, range(0xE0100, 0xE01F0))))


def one_line(value: Any) -> str:
    """A single line for commit subjects, trailers and messages: control characters and line or
    paragraph separators become spaces, invisible format characters (zero-width, bidi) go, runs of
    whitespace collapse."""
    out = []
    for char in str(value):
        kind = unicodedata.category(char)
        if kind == "Cf" or char in _IGNORABLE:
            continue
        out.append(" " if kind in ("Cc", "Zl", "Zp") else char)
    return " ".join("".join(out).split())


def name_key(name: Any) -> str:
    """What makes two spellings of a name the same person: NFKC, no invisible characters, case-folded."""
    text = unicodedata.normalize("NFKC", one_line(unicodedata.normalize("NFKC", str(name))))
    return unicodedata.normalize("NFKC", text.casefold())


def same_person(a: str, b: str) -> bool:
    return bool(name_key(a)) and name_key(a) == name_key(b)


@dataclass
class Person:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def desk_people(guide: StyleGuide) -> list[Person]:
    """The style guide's `authors:` list; raises ValueError (a located message) on a broken entry."""
    people = []
    for index, entry in enumerate(guide.data.get("authors") or []):
        if not isinstance(entry, dict) or not one_line(entry.get("name") or "") or not entry.get("email"):
            raise ValueError(str(guide.error("jeder Eintrag unter „authors“ braucht name und email",
                                             "authors", index)))
        people.append(Person(one_line(entry["name"]), one_line(entry["email"])))
    return people


def find_person(people: list[Person], name: str) -> Person | None:
    return next((p for p in people if same_person(p.name, name)), None)


def git_identity(folder: str | Path | None = None) -> Person | None:
    """git's committer identity (user.name and user.email) in `folder`, without GitPython; None when unset."""
    import re
    import subprocess

    try:
        out = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=folder, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"^(.*?) <(.*)> \d+ [+-]\d{4}$", out.stdout.strip()) if out.returncode == 0 else None
    if not match or not one_line(match.group(1)) or not one_line(match.group(2)):
        return None
    return Person(one_line(match.group(1)), one_line(match.group(2)))


def editor_person(people: list[Person], name: str | None, identity: Person | None) -> Person:
    """Who acts as editor (approves, commits). With the desk's `authors:` list: a person on it, named by
    --editor or else git's identity when it is one of them (by e-mail or name; name and e-mail are then the
    list's). Without the list: git's identity, and --editor only when it names that identity. Never one
    person's name with another's e-mail."""
    name = one_line(name or "")
    known = ", ".join(p.name for p in people)
    if people:
        if name:
            person = find_person(people, name)
            if person is None:
                raise WorkflowError(msg("workflow.unknown-editor", editor=name, known=known))
            return person
        if identity is None:
            raise WorkflowError(msg("workflow.no-editor-identity", known=known))
        by_email = next((p for p in people if p.email.casefold() == identity.email.casefold()), None)
        by_name = find_person(people, identity.name)
        if (by_email is None and by_name is None) or (by_email and by_name and by_email != by_name):
            raise WorkflowError(msg("workflow.identity-unlisted", identity=identity, known=known))
        return by_email or by_name  # type: ignore[return-value]
    if identity is not None and (not name or same_person(name, identity.name)):
        return identity
    if name:
        raise WorkflowError(msg("workflow.editor-without-email", editor=name, identity=identity or "–"))
    raise WorkflowError(msg("publish.no-identity"))


# -- surgical front matter edits ------------------------------------------------------------------
def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _entry_end(text: str, value_end: int) -> int:
    """End of a key's entry: after the newline of the line where its value ends."""
    if value_end > 0 and text[value_end - 1] == "\n":
        return value_end  # block values end at the start of the next line
    nl = text.find("\n", value_end)
    return len(text) if nl == -1 else nl + 1


def _eol(draft: Draft, raw_at: int) -> str:
    return "\r\n" if draft.raw[max(0, raw_at - 2):raw_at] == "\r\n" else "\n"


def edit_front_matter(draft: Draft, updates: dict[str, Any] | None = None,
                      remove: Iterable[str] = ()) -> bytes:
    """The file's new bytes with `updates` set and `remove` deleted; everything else untouched."""
    updates = dict(updates or {})
    remove = [key for key in remove if key in draft.fields and key not in updates]
    text = draft.text
    edits: list[tuple[int, int, str]] = []  # (raw start, raw end, replacement)
    fence_line = draft.position(max(draft.body_start - 1, 0))[0]
    fence_start = draft.offset(fence_line, 1)
    insert_at = draft.raw_offset(fence_start)
    eol = _eol(draft, insert_at)
    inserted = []
    for key, value in updates.items():
        pos = draft.fields.get(key)
        line = _render_entry(key, value, eol)
        if pos is None:
            inserted.append(line + eol)
            continue
        start = _line_start(text, pos.key_start)
        if text[start:pos.key_start].strip():
            raise WorkflowError(msg("workflow.unsafe-edit", path=draft.path, reason=key))
        current = draft.front_matter.get(key)
        one_line = "\n" not in text[pos.key_start:pos.value_end]
        if (one_line and pos.value_end > pos.value_start and not isinstance(current, (dict, list))
                and not isinstance(value, list)):
            edits.append((draft.raw_offset(pos.value_start), draft.raw_offset(pos.value_end), _render_value(value)))
        else:
            end = _entry_end(text, pos.value_end)
            edits.append((draft.raw_offset(start), draft.raw_offset(end), line + _eol(draft, draft.raw_offset(end))))
    for key in remove:
        pos = draft.fields[key]
        start = _line_start(text, pos.key_start)
        if text[start:pos.key_start].strip():
            raise WorkflowError(msg("workflow.unsafe-edit", path=draft.path, reason=key))
        edits.append((draft.raw_offset(start), draft.raw_offset(_entry_end(text, pos.value_end)), ""))
    if inserted:
        edits.append((insert_at, insert_at, "".join(inserted)))
    raw = draft.raw
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        raw = raw[:start] + replacement + raw[end:]
    _verify(draft, raw, updates, remove)
    return ((BOM if draft.bom else "") + raw).encode("utf-8")


def _render_value(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return render_scalar(value)


def _render_entry(key: str, value: Any, eol: str) -> str:
    """`key: value`; a list of mappings (corrections) in block style, one `- ` item per entry."""
    if not isinstance(value, list):
        return f"{key}: {_render_value(value)}"
    lines = [f"{key}:"]
    for item in value:
        pairs = list(item.items()) if isinstance(item, dict) else [(None, item)]
        for index, (name, part) in enumerate(pairs):
            lead = "  - " if index == 0 else "    "
            lines.append(f"{lead}{name}: {_render_value(part)}" if name is not None else f"{lead}{_render_value(part)}")
    return eol.join(lines)


def _plain(value: Any) -> Any:
    """What a written value reads back as."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _verify(draft: Draft, raw: str, updates: dict[str, Any], remove: list[str]) -> None:
    expected = {k: v for k, v in draft.front_matter.items() if k not in remove}
    expected.update({k: _plain(v) for k, v in updates.items()})
    try:
        result = Draft.from_text(raw, draft.path)
    except DraftError as exc:
        raise WorkflowError(msg("workflow.unsafe-edit", path=draft.path, reason=exc.message)) from None
    if result.front_matter != expected or result.body != draft.body:
        raise WorkflowError(msg("workflow.unsafe-edit", path=draft.path, reason="Prüfung nach dem Ändern"))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def approval_digest(draft: Draft) -> str:
    """Digest of the article as a reviewer sees it: the body and every front matter line except the
    workflow fields (comments and quoting included); line endings and a BOM do not count."""
    present = [key for key in WORKFLOW_FIELDS if key in draft.fields]
    data = edit_front_matter(draft, remove=present).decode("utf-8")
    canonical = data.removeprefix(BOM).replace("\r\n", "\n")
    return "sha256:" + digest(canonical.encode("utf-8"))


def _approval_holds(draft: Draft) -> bool:
    try:
        check_approval(draft)
    except WorkflowError:
        return False
    return True


def check_approval(draft: Draft) -> None:
    """Refuse an approved draft whose text is not the text that was approved."""
    recorded = draft.front_matter.get("approved_digest")
    if not isinstance(recorded, str) or not recorded.strip():
        raise WorkflowError(msg("workflow.approval-unbound", path=draft.path))
    if recorded.strip() != approval_digest(draft):
        raise WorkflowError(msg("workflow.approval-stale", path=draft.path))


def write_if_unchanged(path: str | Path, before: bytes, after: bytes) -> None:
    """Atomically replace `path` by `after`, unless someone changed it since we read `before`."""
    try:
        current = Path(path).read_bytes()
    except OSError:
        current = None
    if current != before:
        raise WorkflowError(msg("workflow.changed-on-disk", path=path))
    atomic_write(path, after, follow_symlinks=True)  # a symlinked draft stays a link, as with --fix


def load_draft(path: str | Path) -> tuple[Draft, bytes]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise WorkflowError(f"{path}: " + msg("file.unreadable", reason=exc.strerror or str(exc))) from None
    try:
        return Draft.from_bytes(data, str(path)), data
    except DraftError as exc:
        raise WorkflowError(exc.located(path)) from None


def status_of(draft: Draft) -> str:
    status = draft.front_matter.get("status", "draft")
    status = str(status).strip() if status is not None else "draft"
    if status not in STATES:
        raise WorkflowError(msg("workflow.unknown-status", path=draft.path, status=status, allowed=", ".join(STATES)))
    return status


def _require(draft: Draft, command: str, allowed: tuple[str, ...]) -> str:
    status = status_of(draft)
    if status not in allowed:
        if status == "published":
            raise WorkflowError(msg("workflow.illegal-published", path=draft.path))
        raise WorkflowError(msg("workflow.illegal", path=draft.path, command=command, status=status,
                                allowed=" oder ".join(f"„{s}“" for s in allowed)))
    return status


def count_findings(path: str | Path, guide: StyleGuide) -> tuple[int, int, list]:
    """(errors, warnings, error diagnostics) of the gate checks for one draft."""
    from edtool.diagnostics import Severity
    from edtool.engine import CheckOptions, run_checks

    results = run_checks([str(path)], guide, CheckOptions(skip=set(GATE_SKIP)))
    # the slug is decided by the content repository (submit, publish), not by the drafts folder's early warning
    diagnostics = [d for r in results for d in r.diagnostics if d.rule not in GATE_SKIP_RULES]
    errors = [d for d in diagnostics if d.severity == Severity.ERROR]
    return len(errors), sum(1 for d in diagnostics if d.severity == Severity.WARNING), errors


@dataclass
class Outcome:
    path: str
    old: str
    new: str
    message: str
    notes: list[str] = field(default_factory=list)


STALE_AT_SUBMIT = ("rejected_by", "rejected_at", "rejected_reason", "unpublished_by", "unpublished_at",
                   "unpublished_reason")


def submit(path: str | Path, guide: StyleGuide, content_repo: str | Path | None = None,
           now: Clock | None = None) -> Outcome:
    """draft (or a published article being corrected) -> review; refused when another article owns the slug.
    A rejection or retraction is over once the draft is submitted again: its fields go."""
    draft, before = load_draft(path)
    remove: tuple[str, ...] = STALE_AT_SUBMIT
    if status_of(draft) == "approved" and not _approval_holds(draft):
        remove += ("approved_by", "approved_at", "approved_digest")  # changed after approval: review again
        old = "approved"
    else:
        old = _require(draft, "submit", ("draft", "published"))
    notes = _check_slug(draft, Path(path), guide, content_repo)
    after = edit_front_matter(draft, {"status": "review", "submitted_at": now_iso(guide, now)}, remove=remove)
    write_if_unchanged(path, before, after)
    outcome = Outcome(str(path), old, "review", msg("workflow.submitted", path=path, old=old), notes)
    errors, warnings, _ = count_findings(path, guide)
    if errors or warnings:
        outcome.notes.append(msg("workflow.findings-hint", path=path, errors=errors, warnings=warnings))
    return outcome


def signed(editor: str | None, reason: str | None = None, *, need_reason: bool = False) -> tuple[str, str]:
    """Editor and reason with their whitespace collapsed; an empty one is refused."""
    editor, reason = one_line(editor or ""), one_line(reason or "")
    if not editor:
        raise WorkflowError(msg("workflow.no-editor"))
    if need_reason and not reason:
        raise WorkflowError(msg("workflow.no-reason"))
    return editor, reason


def _check_slug(draft: Draft, path: Path, guide: StyleGuide, content_repo: str | Path | None) -> list[str]:
    """Refuse a slug another article owns in the content repository (when one is configured)."""
    from edtool.desk import content_repo_path

    if content_repo_path(guide, content_repo) is None:
        return []
    from edtool.publish import PublishError, slug_owner  # git only when there is a repository to ask

    try:
        owner = slug_owner(guide, path, draft, content_repo)
    except PublishError as exc:
        return [msg("workflow.slug-unchecked", path=path, reason=exc.message)]
    if owner is not None:
        raise WorkflowError(owner.refusal(path, draft.front_matter.get("slug")))
    return []


def people_of(guide: StyleGuide) -> list[Person]:
    try:
        return desk_people(guide)
    except ValueError as exc:
        raise WorkflowError(str(exc)) from None


def check_four_eyes(draft: Draft, approver: str, guide: StyleGuide) -> str:
    """The approver's name as the desk writes it; refused when the approver is an author (or, with an
    `authors:` list, when the approver or an author is not on it)."""
    people = people_of(guide)
    authors = authors_of(draft.front_matter)
    if not people:
        if not name_key(approver) or any(same_person(approver, author) for author in authors):
            raise WorkflowError(msg("workflow.four-eyes", path=draft.path, editor=approver))
        return approver
    known = ", ".join(p.name for p in people)
    person = find_person(people, approver)
    if person is None:
        raise WorkflowError(msg("workflow.unknown-approver", path=draft.path, editor=approver, guide=guide.path,
                                known=known))
    for author in authors or [""]:
        match = find_person(people, author)
        if match is None:
            raise WorkflowError(msg("publish.unknown-author", path=draft.path, author=author, guide=guide.path,
                                    known=known))
        if same_person(match.name, person.name) or match.email.casefold() == person.email.casefold():
            raise WorkflowError(msg("workflow.four-eyes", path=draft.path, editor=person.name))
    return person.name


def approve(path: str | Path, editor: str, guide: StyleGuide, now: Clock | None = None) -> Outcome:
    """review -> approved, by a known editor who is not an author, only when the checks find no error and
    `publish_at` / `embargo` lie ahead with a time zone. The approval records a digest of the approved
    text; publish refuses any other text."""
    editor, _ = signed(editor)
    draft, before = load_draft(path)
    old = _require(draft, "approve", ("review",))
    editor = check_four_eyes(draft, editor, guide)
    moment = desk_now(guide, now)
    check_schedule(draft, moment)
    errors, _, found = count_findings(path, guide)
    if errors:
        lines = [msg("workflow.has-errors", path=path, count=errors)]
        lines += [f"  {d.line}:{d.column}: [{d.rule}] {d.message}" for d in found[:5]]
        raise WorkflowError("\n".join(lines))
    after = edit_front_matter(draft, {"status": "approved", "approved_by": editor, "approved_at": moment.isoformat(),
                                      "approved_digest": approval_digest(draft)},
                              remove=("rejected_by", "rejected_at", "rejected_reason"))
    snapshot = approved_snapshot_path(guide, path)
    try:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(snapshot, after)  # first: without it, no approval (edtool diff compares with it)
    except OSError as exc:
        raise WorkflowError(msg("workflow.snapshot-failed", path=snapshot, error=exc.strerror or exc)) from None
    write_if_unchanged(path, before, after)
    return Outcome(str(path), old, "approved", msg("workflow.approved", path=path, editor=editor))


APPROVED_FOLDER = Path(".edtool") / "approved"


def approved_snapshot_path(guide: StyleGuide, path: str | Path) -> Path:
    """Where the text of a draft's last approval is kept: beside styleguide.yaml, by the draft's file name."""
    return guide.folder / APPROVED_FOLDER / Path(path).name


def reject(path: str | Path, editor: str, reason: str, guide: StyleGuide | None = None,
           now: Clock | None = None) -> Outcome:
    """review or approved -> draft, with who and why (the submission is over)."""
    editor, reason = signed(editor, reason, need_reason=True)
    draft, before = load_draft(path)
    old = _require(draft, "reject", ("review", "approved"))
    after = edit_front_matter(
        draft, {"status": "draft", "rejected_by": editor, "rejected_at": now_iso(guide, now),
                "rejected_reason": reason},
        remove=("approved_by", "approved_at", "approved_digest", "submitted_at"))
    write_if_unchanged(path, before, after)
    return Outcome(str(path), old, "draft", msg("workflow.rejected", path=path, editor=editor, old=old, reason=reason))


def correct(path: str | Path, note: str, guide: StyleGuide, *, update: bool = False,
            now: Clock | None = None) -> Outcome:
    """Record a reader-facing correction note (`corrections:`, rendered at the article's end) or, with
    `update`, an update note (`update_note:`, for the commit and the ninjs item) in a published article's
    draft, and submit it for review. Publishing then makes a `Correct:` or `Update:` commit."""
    note = one_line(note or "")
    if not note:
        raise WorkflowError(msg("correct.no-note"))
    draft, before = load_draft(path)
    status = status_of(draft)
    if status not in ("published", "review", "approved") or not draft.front_matter.get("published_at"):
        raise WorkflowError(msg("correct.not-published", path=path, status=status))
    if update:
        updates: dict[str, Any] = {"update_note": note}
    else:
        from edtool.render import RenderError, corrections_of

        try:
            corrections_of(draft)  # a broken field is refused with its position, never overwritten
        except RenderError as exc:
            raise WorkflowError(exc.located(path)) from None
        entries = list(draft.front_matter.get("corrections") or [])
        updates = {"corrections": [*entries, {"date": desk_now(guide, now).date().isoformat(), "note": note}]}
    updates.update({"status": "review", "submitted_at": now_iso(guide, now)})
    after = edit_front_matter(draft, updates, remove=(*STALE_AT_SUBMIT, "approved_by", "approved_at",
                                                      "approved_digest"))
    write_if_unchanged(path, before, after)
    kind = msg("correct.kind.update" if update else "correct.kind.correction")
    return Outcome(str(path), status, "review", msg("correct.recorded", path=path, kind=kind, old=status))


# -- status board -----------------------------------------------------------------------------------
def board(paths: Iterable[str | Path], guide: StyleGuide, now: Clock | None = None) -> list[dict[str, Any]]:
    """One row per draft, sorted by status (draft, review, approved, published, withdrawn, others), then
    date. Besides the counts: what happened after publication and what is planned (`note`)."""
    from edtool.diagnostics import Severity
    from edtool.engine import CheckOptions, run_checks

    moment = desk_now(guide, now)
    rows = []
    for result in run_checks([str(p) for p in paths], guide, CheckOptions(skip=set(GATE_SKIP))):
        fm = result.draft.front_matter if result.draft is not None else {}
        status = fm.get("status", "draft" if result.draft is not None else "?")
        row = {
            "path": result.path,
            "title": str(fm.get("title") or ""),
            "author": ", ".join(authors_of(fm)),
            "authors": authors_of(fm),
            "status": str(status),
            "date": str(fm.get("date") or ""),
            "approved_by": str(fm.get("approved_by") or ""),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "published_at": str(fm.get("published_at") or "") or None,
            "commit": str(fm.get("commit") or "") or None,
            **body_length(result.draft),
        }
        row.update(_after_publication(result.draft, moment) if result.draft is not None else {"note": ""})
        rows.append(row)
    order = {state: i for i, state in enumerate(STATES)}
    rows.sort(key=lambda r: (order.get(r["status"], len(STATES)), r["date"], r["title"], r["path"]))
    return rows


def current_writer(guide: StyleGuide) -> str:
    """Who `--mine` means: git's identity in the desk, as the desk's `authors:` list names that person
    (the identity's own name when the desk has no list)."""
    from edtool.desk import root

    people = people_of(guide)
    identity = git_identity(root(guide))
    try:
        return editor_person(people, None, identity).name
    except WorkflowError:
        raise WorkflowError(msg("status.mine-unknown", identity=identity or "–",
                                known=", ".join(p.name for p in people) or "–")) from None


def filter_board(rows: list[dict[str, Any]], writer: str | None = None, state: str | None = None) -> list[dict]:
    """The rows of `writer` (an author of the draft) and in `state` (a status, or sent-back: rejected)."""
    if writer is not None:
        rows = [r for r in rows if any(same_person(a, writer) for a in r["authors"])]
    if state == "sent-back":
        rows = [r for r in rows if r.get("sent_back")]
    elif state is not None:
        rows = [r for r in rows if r["status"] == state]
    return rows


def body_length(draft: Draft | None) -> dict[str, int | None]:
    """Words of the body as readers see it (no markup, no comments) and the reading time in minutes."""
    if draft is None:
        return {"words": None, "reading_minutes": None}
    from edtool.render import body_text, reading_minutes, word_count

    words = word_count(body_text(draft.body))
    return {"words": words, "reading_minutes": reading_minutes(words)}


def _short_time(moment: datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%d.%m. %H:%M")


def _after_publication(draft: Draft, moment: datetime) -> dict[str, Any]:
    """The board's view of a draft's life: schedule, corrections, withdrawal, sent back, changed."""
    fm = draft.front_matter
    status = str(fm.get("status") or "draft")
    version = fm.get("version") if isinstance(fm.get("version"), int) else None
    try:
        corrections = len(fm.get("corrections") or []) if isinstance(fm.get("corrections"), list) else 0
    except TypeError:
        corrections = 0
    times: dict[str, datetime | None] = {}
    for key in ("publish_at", "embargo"):
        try:
            times[key] = scheduled(draft, key)
        except WorkflowError:
            times[key] = None
    due_later = status == "approved" and times["publish_at"] and times["publish_at"] > moment
    scheduled_for = times["publish_at"] if due_later else None
    published = bool(fm.get("published_at")) and status != "withdrawn"
    changed = published and (status != "published" or not _approval_holds(draft))
    info = {
        "version": version, "corrections": corrections, "update_note": str(fm.get("update_note") or "") or None,
        "publish_at": str(fm.get("publish_at") or "") or None, "embargo": str(fm.get("embargo") or "") or None,
        "scheduled": scheduled_for is not None,
        "sent_back": status == "draft" and bool(fm.get("rejected_reason")),
        "rejected_by": str(fm.get("rejected_by") or "") or None,
        "rejected_reason": str(fm.get("rejected_reason") or "") or None,
        "changed_since_publication": changed,
        "withdrawn": status == "withdrawn",
        "withdrawn_reason": str(fm.get("withdrawn_reason") or "") or None,
        "unpublished_reason": str(fm.get("unpublished_reason") or "") or None,
    }
    zone = moment.tzinfo
    if info["withdrawn"]:
        note = msg("status.note.withdrawn", reason=info["withdrawn_reason"] or "–")
    elif info["sent_back"]:
        note = msg("status.note.sent-back", reason=info["rejected_reason"])
    elif status == "draft" and info["unpublished_reason"]:
        note = msg("status.note.unpublished", reason=info["unpublished_reason"])
    elif changed:
        note = msg("status.note.changed")
    elif scheduled_for is not None:
        note = msg("status.note.scheduled", when=_short_time(scheduled_for, zone))
    elif status == "approved" and times["embargo"] and times["embargo"] > moment:
        note = msg("status.note.embargo", when=_short_time(times["embargo"], zone))
    elif status == "published" and corrections:
        note = msg("status.note.corrected", version=version or corrections + 1)
    elif status == "published" and version and version > 1:
        note = msg("status.note.updated", version=version)
    else:
        note = ""
    info["note"] = note
    return info


# -- committing a status change in the desk repository ---------------------------------------------------
class CommitRefused(WorkflowError):
    """--commit cannot be honoured; refused before anything changes."""

    exit_code = 2


def commit_wanted(guide: StyleGuide, flag: bool | None) -> bool:
    """--commit / --no-commit, else the style guide's `workflow: {commit: true}`."""
    return flag if flag is not None else guide.section("workflow").get("commit") is True


def _git(args: list[str], cwd: Path):
    import subprocess

    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return subprocess.CompletedProcess(args, 127, "", str(exc))


class DeskCommit:
    """Commits exactly the draft files a workflow command changed, one commit per draft, in the desk's
    repository. Refused (before the command changes anything) outside a git repository and for a draft
    with changes of its own that are not committed: the commit must hold the status change and nothing
    else. Other staged files stay staged and out of the commit; the pre-commit hook is skipped because
    the commit changes no text the hook has not checked."""

    def __init__(self, paths: Iterable[str | Path], command: str):
        self.command = command
        self.files: dict[Path, tuple[Path, str, bytes]] = {}  # draft -> (repository, path in it, bytes before)
        for path in paths:
            self.files[Path(path)] = self._prepare(Path(path))

    @staticmethod
    def _prepare(path: Path) -> tuple[Path, str, bytes]:
        folder = path.resolve().parent
        top = _git(["rev-parse", "--show-toplevel"], folder)
        if top.returncode != 0 or not top.stdout.strip():
            raise CommitRefused(msg("workflow.commit-no-repo", path=path))
        root = Path(top.stdout.strip())
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        state = _git(["status", "--porcelain=v1", "--untracked-files=all", "--", rel], root)
        if state.returncode != 0:
            raise CommitRefused(msg("workflow.commit-failed", path=path, error=one_line(state.stderr)))
        if state.stdout.startswith("??"):
            raise CommitRefused(msg("workflow.commit-untracked", path=path))
        if state.stdout.strip():
            raise CommitRefused(msg("workflow.commit-dirty", path=path))
        return root, rel, path.read_bytes()

    def commit(self, path: str | Path) -> str | None:
        """Commit the draft if the command changed it; the new commit's short hash (None: unchanged)."""
        root, rel, before = self.files[Path(path)]
        after = Path(path).read_bytes()
        if after == before:
            return None
        message = self.message(Draft.from_bytes(before, rel), Draft.from_bytes(after, rel), rel)
        done = _git(["commit", "--quiet", "--no-verify", "--only", "-m", message, "--", rel], root)
        if done.returncode != 0:
            raise CommitRefused(msg("workflow.commit-failed", path=path, error=one_line(done.stderr or done.stdout)))
        return _git(["rev-parse", "--short", "HEAD"], root).stdout.strip()

    def message(self, before: Draft, after: Draft, rel: str) -> str:
        """`Freigegeben: Titel`, then what changed: the path with old → new status and who, why, where."""
        fm = after.front_matter
        old = str(before.front_matter.get("status") or "draft").strip()
        new = str(fm.get("status") or "draft").strip()
        title = one_line(fm.get("title") or rel)
        lines = [msg("workflow.commit-body", path=rel, old=old, new=new)]
        if new == "approved" and fm.get("approved_by"):
            lines.append(msg("workflow.commit-by", who=one_line(fm["approved_by"])))
        if new == "draft" and fm.get("rejected_reason"):
            lines.append(msg("workflow.commit-reason", who=one_line(fm.get("rejected_by") or "–"),
                             reason=one_line(fm["rejected_reason"])))
        if new == "draft" and fm.get("unpublished_reason"):
            lines.append(msg("workflow.commit-reason", who=one_line(fm.get("unpublished_by") or "–"),
                             reason=one_line(fm["unpublished_reason"])))
        if new == "withdrawn" and fm.get("withdrawn_reason"):
            lines.append(msg("workflow.commit-reason", who=one_line(fm.get("withdrawn_by") or "–"),
                             reason=one_line(fm["withdrawn_reason"])))
        if new == "published" and fm.get("commit"):
            lines.append(msg("workflow.commit-content", commit=one_line(fm["commit"])))
        if self.command == "correct":
            note = fm.get("update_note") if fm.get("update_note") != before.front_matter.get("update_note") else None
            corrections = fm.get("corrections") if isinstance(fm.get("corrections"), list) else []
            if note is None and corrections and isinstance(corrections[-1], dict):
                note = corrections[-1].get("note")
            if note:
                lines.append(msg("workflow.commit-note", note=one_line(note)))
        subject = self.command
        if self.command == "correct" and fm.get("update_note") != before.front_matter.get("update_note"):
            subject = "update"
        return msg(f"workflow.commit-subject.{subject}", title=title) + "\n\n" + "\n".join(lines) + "\n"
