"""The desk configuration: styleguide.yaml found, loaded and validated once, paths resolved.

Every command loads the desk through `load_desk`: each section and key is checked (an unknown key is an
error naming the closest known one, located at its line and column), the rules, the metadata schema
and the grammar settings are compiled once (kept for the run), and the desk's folders are resolved
against the folder of styleguide.yaml, so every command finds the same drafts from any subfolder.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edtool.styleguide import ENV_VAR, StyleGuide, StyleGuideError, find_styleguide

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

FALLBACK_AGENCY = "IT BOLTWISE"
DEFAULT_DRAFTS = "drafts"

# The keys each section knows; a dict value lists the keys of a nested mapping. None: free-form.
SECTION_KEYS: dict[str, Any] = {
    "metadata": {"schema": None},
    "dateline": {"agencies": None, "default_agency": None},
    "new": {"directory": None, "front_matter": None, "body": None, "template_file": None},
    "publish": {"content_repo": None, "path": None, "remote": None, "branch": None, "timezone": None,
                "ninjs_version": None, "ninjs_uri_base": None, "ninjs": {"uri_base": None},
                "revisions": {"correction": {"review": None, "note": None},
                              "update": {"review": None, "note": None}}},
    "grammar": {"enabled": None, "server_url": None, "required": None, "language": None,
                "idle_minutes": None, "timeout": None, "disabled_rules": None, "disabled_categories": None,
                "foreign_languages": None, "severity": None, "max_suggestions": None},
    "vocabulary": {"accept": None, "reject": None, "learned": None},
    "workflow": {"commit": None},
}
_TYPES: dict[tuple[str, ...], tuple[type, ...]] = {
    ("dateline", "agencies"): (list,), ("dateline", "default_agency"): (str,),
    ("new", "directory"): (str,), ("new", "front_matter"): (dict,), ("new", "body"): (str,),
    ("new", "template_file"): (str,),
    ("publish", "content_repo"): (str,), ("publish", "path"): (str,), ("publish", "remote"): (str,),
    ("publish", "branch"): (str,), ("publish", "timezone"): (str,), ("publish", "ninjs_version"): (str, int, float),
    ("publish", "revisions"): (dict,), ("publish", "ninjs"): (dict,),
    ("workflow", "commit"): (bool,),
}
_TYPE_NAMES = {list: "eine Liste", str: "ein Text", dict: "eine Zuordnung (schlüssel: wert)",
               bool: "true oder false"}


def find(explicit: str | Path | None = None, start: Path | None = None) -> Path:
    """--styleguide (after or before the command), then EDTOOL_STYLEGUIDE, then upwards from `start`."""
    return find_styleguide(str(explicit) if explicit else None, start)


def load_desk(explicit: str | Path | None = None, required: bool = True) -> StyleGuide:
    """The desk, validated as a whole. Without a style guide anywhere and `required` False: defaults."""
    return load_desk_run(explicit, required).guide


def load_desk_run(explicit: str | Path | None = None, required: bool = True) -> CheckRun:
    """`load_desk` as a check run: what validating compiled (rules, schema, grammar settings) is
    what the checks then use, not compiled a second time."""
    from edtool.checkrun import CheckRun

    try:
        path = find(explicit)
    except StyleGuideError as exc:
        searched = not explicit and not os.environ.get(ENV_VAR)
        if not required and searched and exc.line == 0:
            return CheckRun(StyleGuide.from_text("{}"))
        raise
    return validate(StyleGuide.load(path))


def _closest(key: str, known) -> str:
    close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1, cutoff=0.6)
    return f" Meinten Sie „{close[0]}“?" if close else f" (bekannt: {', '.join(sorted(str(k) for k in known))})"


def _check_keys(guide: StyleGuide, value: Any, known: dict[str, Any], keys: tuple[str, ...]) -> None:
    if not isinstance(value, dict):
        if keys[1:]:  # sections' own types are checked by StyleGuide
            raise guide.error(f"„{'.'.join(keys)}“ muss eine Zuordnung (schlüssel: wert) sein", *keys)
        return
    for key, item in value.items():
        if key not in known:
            raise guide.error(f"unbekannter Schlüssel „{key}“ in „{'.'.join(keys)}“.{_closest(key, known)}",
                              *keys, key)
        types = _TYPES.get((*keys, key))
        if types and item is not None and not isinstance(item, types):
            raise guide.error(f"„{'.'.join((*keys, key))}“ muss {_TYPE_NAMES.get(types[0], types[0].__name__)} sein",
                              *keys, key)
        if isinstance(known[key], dict) and item is not None:
            _check_keys(guide, item, known[key], (*keys, key))


def validate(guide: StyleGuide) -> CheckRun:
    """Every section and key, then what the checks compile from it; the check run holding that."""
    for section, known in SECTION_KEYS.items():
        if section in guide.data:
            _check_keys(guide, guide.data[section], known, (section,))
    agencies = guide.get("dateline", "agencies")
    default = guide.get("dateline", "default_agency")
    if agencies and default is not None and str(default) not in [str(a) for a in agencies]:
        raise guide.error(f"„dateline.default_agency“ „{default}“ steht nicht in „dateline.agencies“",
                          "dateline", "default_agency")
    authors = guide.data.get("authors") or []
    for index, person in enumerate(authors):
        if not isinstance(person, dict) or not str(person.get("name") or "").strip():
            raise guide.error(f"Eintrag Nr. {index + 1} in „authors“ braucht einen Namen (name: …)", "authors", index)
    from edtool.checkrun import CheckRun

    run = CheckRun(guide)
    _ = run.style, run.schema, run.grammar_settings  # compiled now: a broken section is an error here
    return run


# -- what commands read from the desk ----------------------------------------------------------------
def root(guide: StyleGuide) -> Path:
    """The desk's folder: where styleguide.yaml lies (the current folder when there is none)."""
    return guide.folder if guide.data or Path(guide.path).is_file() else Path.cwd()


CONTENT_ENV = "EDTOOL_CONTENT_REPO"


def content_repo_path(guide: StyleGuide, content_repo: str | Path | None = None) -> Path | None:
    """--content-repo, else EDTOOL_CONTENT_REPO, else publish.content_repo relative to styleguide.yaml;
    None when none is configured."""
    chosen = content_repo or os.environ.get(CONTENT_ENV) or guide.section("publish").get("content_repo")
    if not chosen:
        return None
    folder = Path(str(chosen)).expanduser()
    if not folder.is_absolute() and not content_repo and not os.environ.get(CONTENT_ENV):
        folder = guide.folder / folder
    return folder


def drafts_dir(guide: StyleGuide) -> Path:
    """`new.directory` (default drafts) against the desk's folder; shown relative to the current
    folder when it lies below it."""
    folder = Path(str(guide.section("new").get("directory") or DEFAULT_DRAFTS))
    if not folder.is_absolute():
        folder = root(guide) / folder
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder


def default_agency(guide: StyleGuide) -> str:
    """The one agency fallback: dateline.default_agency, else the first of dateline.agencies."""
    config = guide.section("dateline")
    agencies = config.get("agencies") or [FALLBACK_AGENCY]
    return str(config.get("default_agency") or agencies[0])


def author_names(guide: StyleGuide) -> list[str]:
    return [str(p.get("name")).strip() for p in guide.data.get("authors") or [] if isinstance(p, dict)]
