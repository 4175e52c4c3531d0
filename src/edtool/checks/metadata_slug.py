"""A slug that is already taken: by another draft in the drafts folder, or by an article in the content
repository (only when one is configured; git is imported only then).

`edtool check` reports it at the `slug:` field (metadata.slug-taken); `edtool new` refuses it. The drafts
folder is indexed once per run by a quick look at each file's `slug:` line; a hit is confirmed by parsing
that file. In the content repository only drafts not yet published are looked up (a published draft
owns its article: publish checked that), and only when a tracked path mentions the slug at all.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from edtool.draft import Draft, DraftError
from edtool.fsutil import read_regular

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

_SLUG_LINE = re.compile(rb"^slug[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.M)
_HEAD = 16384  # the front matter lies in the first bytes of a draft
PUBLISHED = ("published", "withdrawn")


@dataclass(frozen=True)
class Taken:
    """Who has the slug: another draft (`draft`) or an article in the content repository (`target`)."""

    slug: str
    draft: str | None = None
    target: str | None = None
    owner: str = ""  # how the article came there (publish.owner-draft / -manual)
    draft_status: str = ""  # the other draft's status

    @property
    def owned(self) -> bool:
        """The slug is someone else's for good: a published article, or a published or withdrawn draft."""
        return self.target is not None or self.draft_status in PUBLISHED


def _quick_slug(data: bytes) -> str | None:
    if not data.startswith((b"---", b"\xef\xbb\xbf---")):
        return None
    match = _SLUG_LINE.search(data, 0, _HEAD)
    if not match:
        return None
    value = match.group(1).decode("utf-8", "replace")
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        value = value[1:end] if end > 0 else value[1:]
    else:
        value = value.split(" #", 1)[0]
    return value.strip() or None


def _stamp(folders: list[str]) -> tuple:
    """Changes when a draft is added, removed or replaced (atomic writes rename): the folders' mtimes."""
    stamp = []
    for folder in folders:
        try:
            stamp.append(os.stat(folder).st_mtime_ns)
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def _drafts_index(run: CheckRun, folder: Path | None = None) -> dict[str, list[Path]]:
    """slug -> drafts (resolved paths) in the drafts folder (or `folder`) whose `slug:` line says so; kept
    for the run while the folders are unchanged."""
    folder = folder or run.drafts_dir
    cached = run.drafts_indexes.setdefault(str(folder), {})
    if "index" in cached and _stamp(cached["folders"]) == cached["stamp"]:
        return cached["index"]
    index: dict[str, list[Path]] = {}
    folders: list[str] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folders.append(current)
        for name in sorted(files):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = Path(current, name)
            try:
                slug = _quick_slug(read_regular(path, _HEAD))
            except OSError:  # unreadable, or no regular file (a FIFO is never opened for a blocking read)
                continue
            if slug:
                index.setdefault(slug, []).append(path.resolve())
    if not folders:
        folders = [str(folder)]
    cached.update(index=index, folders=folders, stamp=_stamp(folders))
    return index


def _resolved(path: str | Path) -> Path | None:
    try:
        return Path(path).resolve()
    except OSError:
        return None


def other_draft(run: CheckRun, slug: str, own: str | Path | None,
                folder: Path | None = None) -> tuple[Path, str] | None:
    """Another draft in the drafts folder (or `folder`) whose front matter has this slug, and its status;
    a published (or withdrawn) one first: it owns the slug."""
    candidates = _drafts_index(run, folder).get(slug, [])
    own_path = _resolved(own) if own is not None and candidates else None
    found: list[tuple[Path, str]] = []
    for path in candidates:
        if path == own_path:
            continue
        try:
            front = Draft.load(path).front_matter
        except DraftError:
            continue
        if str(front.get("slug") or "").strip() == slug:
            found.append((_shown(path), str(front.get("status") or "draft").strip()))
    found.sort(key=lambda item: item[1] not in PUBLISHED)
    return found[0] if found else None


def _shown(path: Path) -> Path:
    """Relative to the current folder when below it (as a writer typed it)."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _tracked_text(folder: Path, run: CheckRun) -> str | None:
    """Every tracked path of the content repository, one per line (None when git cannot list them);
    kept for the run while git's index file is unchanged."""
    try:
        stamp = os.stat(folder / ".git" / "index").st_mtime_ns
    except OSError:
        stamp = None
    cached = run.content_tracked
    if (str(folder), stamp) in cached:
        return cached[(str(folder), stamp)]
    try:
        out = subprocess.run(["git", "-C", str(folder), "ls-files", "-z"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = "\n" + out.stdout.decode("utf-8", "replace").replace("\0", "\n") if out.returncode == 0 else None
    cached.clear()
    cached[(str(folder), stamp)] = text
    return text


def published_owner(run: CheckRun, draft: Draft, path: str | Path) -> Taken | None:
    """The article in the content repository that has the draft's slug, when that is not the draft's own.
    None without a configured repository. Raises EdtoolError when the repository cannot be read."""
    from edtool.desk import content_repo_path

    folder = content_repo_path(run.guide)
    slug = str(draft.front_matter.get("slug") or "").strip()
    if folder is None or not slug:
        return None
    tracked = _tracked_text(folder, run)
    if tracked is not None and slug not in tracked:
        return None  # no tracked path mentions the slug: nothing to ask git about
    from edtool.publish import slug_owner

    owner = slug_owner(run.guide, path, draft)
    if owner is None:
        return None
    return Taken(slug, target=owner.target, owner=owner.describe())


def find_taken(run: CheckRun, draft: Draft, path: str | Path | None = None,
               content: bool = True, folder: Path | None = None) -> Taken | None:
    """The first owner of the draft's slug other than the draft itself: a draft, then a published article."""
    slug = draft.front_matter.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        return None
    slug = slug.strip()
    own = path if path is not None else draft.path
    other = other_draft(run, slug, own, folder)
    if other is not None:
        from edtool.fsutil import display_path

        return Taken(slug, draft=display_path(other[0]), draft_status=other[1])
    if content:
        return published_owner(run, draft, own)
    return None


def free_variant(run: CheckRun, slug: str, own: str | Path | None = None,
                 extra: Callable[[str], bool] | None = None, folder: Path | None = None) -> str:
    """`slug-2`, `slug-3`, … : the first that no draft and no tracked path of the content repository uses."""
    from edtool.desk import content_repo_path

    index = _drafts_index(run, folder)
    content = content_repo_path(run.guide)
    tracked = _tracked_text(content, run) if content is not None else None
    own_path = _resolved(own) if own is not None else None
    base = re.sub(r"-\d+$", "", slug) or slug
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if any(p != own_path for p in index.get(candidate, [])):
            continue
        if tracked is not None and re.search(rf"(^|/){re.escape(candidate)}(\.|/|$)", tracked, re.M):
            continue
        if extra is not None and extra(candidate):
            continue
        return candidate
    return f"{base}-neu"
