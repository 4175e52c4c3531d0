"""`edtool new`: a draft scaffolded from the desk's template in styleguide.yaml (`new:` section)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from edtool.errors import EdtoolError
from edtool.fsutil import atomic_write
from edtool.messages import msg
from edtool.styleguide import StyleGuide

GERMAN_REPLACEMENTS = [["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ä", "ae"], ["ö", "oe"], ["ü", "ue"],
                       ["ß", "ss"], ["ẞ", "SS"]]

DEFAULT_FRONT_MATTER: dict[str, Any] = {
    "title": "{title}", "slug": "{slug}", "author": "{author}", "date": "{date}", "dateline": "{dateline}",
    "category": "{category}", "tags": "{tags}", "teaser": "", "status": "draft", "language": "de-DE",
}
DEFAULT_BODY = "{dateline} ({agency}) – \n"


class _FrontMatterDumper(yaml.SafeDumper):
    """Block mappings, but short lists inline: `tags: [ISS, NASA]` as writers type them."""


_FrontMatterDumper.add_representer(
    list, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True))


class NewDraftError(EdtoolError):
    pass


def slugify_title(title: str) -> str:
    from slugify import slugify

    return slugify(title, replacements=GERMAN_REPLACEMENTS, lowercase=True, max_length=80, word_boundary=True)


def git_user_name(cwd: Path | None = None) -> str | None:
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, cwd=cwd, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    name = out.stdout.strip()
    return name or None


@dataclass
class NewDraft:
    title: str
    author: str
    dateline: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    agency: str = ""
    day: date = field(default_factory=date.today)
    given_slug: str = ""  # --slug: instead of the one from the title

    @property
    def slug(self) -> str:
        return self.given_slug.strip() or slugify_title(self.title)


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.strip() in ("{tags}",):
            return list(values["tags"])
        try:
            return value.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise NewDraftError(msg("new.bad-template", reason=f"Platzhalter {exc} unbekannt")) from None
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def render(new: NewDraft, guide: StyleGuide) -> str:
    config = guide.section("new")
    front = config.get("front_matter", DEFAULT_FRONT_MATTER)
    body = config.get("body", DEFAULT_BODY)
    if "template_file" in config:
        template_path = guide.folder / str(config["template_file"])
        try:
            template = yaml.safe_load(template_path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise NewDraftError(msg("new.bad-template", reason=f"{template_path}: {exc}")) from None
        front, body = template.get("front_matter", front), template.get("body", body)
    if not isinstance(front, dict) or not isinstance(body, str):
        raise NewDraftError(msg("new.bad-template", reason="front_matter muss eine Feldgruppe, body ein Text sein"))
    values = {
        "title": new.title, "slug": new.slug, "author": new.author, "date": new.day.isoformat(),
        "dateline": new.dateline, "category": new.category, "tags": new.tags, "agency": new.agency,
        "year": f"{new.day.year:04d}", "month": f"{new.day.month:02d}", "day": f"{new.day.day:02d}",
    }
    filled = _fill(front, values)
    yaml_text = yaml.dump(filled, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=1000)
    from edtool.checks.dateline import PLACEHOLDER

    # no dateline yet: the body gets a placeholder the dateline check flags (the front matter stays empty)
    return f"---\n{yaml_text}---\n\n{_fill(body, {**values, 'dateline': new.dateline or PLACEHOLDER})}"


def default_agency(guide: StyleGuide) -> str:
    from edtool.desk import default_agency as desk_agency

    return desk_agency(guide)


def allowed_categories(guide: StyleGuide | None) -> list[str]:
    """The categories the desk's metadata schema allows (empty when it names none)."""
    if guide is None:
        return []
    schema = guide.get("metadata", "schema", default={}) or {}
    category = (schema.get("properties") or {}).get("category") if isinstance(schema, dict) else None
    values = category.get("enum") if isinstance(category, dict) else None
    return [str(v) for v in values] if isinstance(values, list) else []


def create_draft(new: NewDraft, guide: StyleGuide, directory: Path | None = None, force: bool = False) -> Path:
    if not new.title.strip():
        raise NewDraftError(msg("new.empty-title"))
    if new.given_slug.strip() and slugify_title(new.given_slug) != new.given_slug.strip():
        example = slugify_title(new.given_slug) or "mein-artikel"
        raise NewDraftError(msg("new.bad-slug", slug=new.given_slug, example=example))
    if not new.slug:
        raise NewDraftError(msg("new.empty-slug", title=new.title))
    allowed = allowed_categories(guide)
    if new.category and allowed and new.category not in allowed:
        raise NewDraftError(msg("new.bad-category", category=new.category, allowed=", ".join(allowed)))
    if not new.author.strip():
        raise NewDraftError(msg("new.no-author"))
    if not new.agency:
        new.agency = default_agency(guide)
    from edtool.desk import drafts_dir

    folder = directory or drafts_dir(guide)
    path = folder / f"{new.slug}.md"
    text = render(new, guide)
    _refuse_taken_slug(new, guide, path, text)
    try:
        atomic_write(path, text.encode("utf-8"), overwrite=force)
    except FileExistsError:
        raise NewDraftError(msg("new.exists", path=path)) from None
    return path


def _refuse_taken_slug(new: NewDraft, guide: StyleGuide, path: Path, text: str) -> None:
    """Refuse a slug another draft or a published article has (the content repository only when one is
    configured), naming the other file and a free variant."""
    from edtool.checkrun import CheckRun
    from edtool.checks.metadata_slug import Taken, find_taken, free_variant
    from edtool.draft import Draft, DraftError

    try:
        draft = Draft.from_text(text, str(path))
    except DraftError:
        return  # the desk's template is broken; edtool check reports it in the new draft
    if str(draft.front_matter.get("slug") or "").strip() != new.slug:
        draft = Draft.from_text(f"---\nslug: {new.slug}\ndate: {new.day.isoformat()}\n"
                                f"category: {json_text(new.category)}\n---\n", str(path))
    run = CheckRun(guide)
    try:
        taken: Taken | None = find_taken(run, draft, path, folder=path.parent)
    except EdtoolError:  # the repository is unreadable: the drafts still count
        taken = find_taken(run, draft, path, content=False, folder=path.parent)
    if taken is None:
        return
    free = free_variant(run, new.slug, path, extra=lambda s: (path.parent / f"{s}.md").exists(),
                        folder=path.parent)
    if taken.draft is not None:
        raise NewDraftError(msg("new.slug-taken-draft", slug=new.slug, other=taken.draft, free=free))
    raise NewDraftError(msg("new.slug-taken-published", slug=new.slug, target=taken.target, owner=taken.owner,
                            free=free))


def json_text(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
