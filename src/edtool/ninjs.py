"""An article as a ninjs item (IPTC's News in JSON), the format agencies and their customers exchange.

ninjs 3.1 by default (camelCase properties), 2.2 on request (lowercase). The item's uri is stable per
article (a base from the style guide plus the slug, never a file path); a correction is a new
`version` of the same uri, a withdrawal the same uri with `pubStatus: canceled`. The official schemas
ship in edtool/schemas/ninjs (CC BY 4.0, IPTC) and `validate` checks an item against them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from edtool.draft import Draft
from edtool.errors import EdtoolError
from edtool.render import RenderError, corrections_of, render, word_count

VERSIONS = ("3.1", "2.2")
DEFAULT_VERSION = "3.1"
DEFAULT_URI_BASE = "urn:edtool:article:"
PUBSTATUS = ("usable", "withheld", "canceled")
SCHEMA_URIS = {"3.1": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
               "2.2": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"}
# 3.x name -> 2.2 name, for every property this module writes
_V2_NAMES = {"versionCreated": "versioncreated", "firstCreated": "firstcreated", "embargoedUntil": "embargoed",
             "pubStatus": "pubstatus", "edNote": "ednote", "contentType": "contenttype",
             "charCount": "charcount", "wordCount": "wordcount", "copyrightHolder": "copyrightholder",
             "copyrightNotice": "copyrightnotice"}
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$")


class NinjsError(EdtoolError):
    """The draft cannot become a ninjs item as written (a German message)."""


def article_uri(slug: str, base: str | None = None) -> str:
    """The item's uri: `base` + slug (base from the style guide's `publish.ninjs.uri_base`)."""
    slug = str(slug or "").strip()
    if not slug:
        raise NinjsError("Für das ninjs-Objekt fehlt der Slug (Feld „slug“).")
    return (base or DEFAULT_URI_BASE) + quote(slug, safe="-._~")


def timestamp(value: datetime | str) -> str:
    """An RFC 3339 date-time with its offset; a naive datetime is refused (its zone would be a guess)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise NinjsError("Zeitangabe ohne Zeitzone; bitte mit Zeitzone angeben (z. B. +02:00).")
        return value.isoformat(timespec="seconds")
    text = str(value).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", text):
        raise NinjsError(f"„{text}“ ist eine Zeitangabe ohne Zeitzone; bitte mit Zeitzone angeben "
                         "(z. B. 2025-08-12T06:00:00+02:00).")
    if not _DATE_TIME.match(text):
        raise NinjsError(f"„{text}“ ist keine Zeitangabe mit Zeitzone (Beispiel: 2025-08-12T06:00:00+02:00).")
    try:
        datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise NinjsError(f"„{text}“ ist keine gültige Zeitangabe (Beispiel: 2025-08-12T06:00:00+02:00).") from None
    return text


def byline(names: list[str]) -> str:
    """„Anna Schreiber, Jonas Weber und Lea Roth“."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " und " + names[-1]


def _authors(draft: Draft) -> list[str]:
    value = draft.front_matter.get("author")
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _tags(draft: Draft) -> list[str]:
    value = draft.front_matter.get("tags")
    values = value if isinstance(value, list) else [] if value is None else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def to_ninjs(draft: Draft, *, uri: str, version: int | str, version_created: datetime | str,
             pubstatus: str = "usable", ninjs_version: str = DEFAULT_VERSION,
             first_created: datetime | str | None = None, ednote: str | None = None,
             language: str | None = None, copyright_holder: str | None = None) -> dict[str, Any]:
    """The article as a ninjs item.

    `ednote` is added to the correction notes (e.g. the reason of a withdrawal). A canceled item
    carries no bodies: a withdrawn text is not sent again."""
    if ninjs_version not in VERSIONS:
        raise NinjsError(f"ninjs-Version „{ninjs_version}“ wird nicht unterstützt; möglich: {', '.join(VERSIONS)}.")
    if pubstatus not in PUBSTATUS:
        raise NinjsError(f"Status „{pubstatus}“ gibt es in ninjs nicht; möglich: {', '.join(PUBSTATUS)}.")
    fm = draft.front_matter
    try:
        article = render(draft)
    except RenderError as exc:
        raise NinjsError(exc.located(draft.path)) from None
    item: dict[str, Any] = {
        "uri": uri,
        "type": "text",
        "version": str(version),
        "versionCreated": timestamp(version_created),
    }
    if first_created is not None:
        item["firstCreated"] = timestamp(first_created)
    if fm.get("embargo"):
        item["embargoedUntil"] = timestamp(str(fm["embargo"]))
    item["pubStatus"] = pubstatus
    notes = [f"{c.label}: {c.note}" for c in corrections_of(draft)]
    if ednote:
        notes.append(ednote.strip())
    if notes:
        item["edNote"] = "\n".join(notes)
    item["language"] = str(language or fm.get("language") or "de")
    if fm.get("slug"):
        item["slugline"] = str(fm["slug"]).strip()
    if copyright_holder:
        item["copyrightHolder"] = copyright_holder
    if article.title:
        item["headlines"] = [{"role": "main", "value": article.title}]
    if article.teaser and pubstatus != "canceled":
        item["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": article.teaser}]
    if pubstatus != "canceled":
        item["bodies"] = [
            {"role": "main", "contentType": "text/plain", "charCount": len(article.text),
             "wordCount": word_count(article.text), "value": article.text},
            {"role": "richtext", "contentType": "text/html", "value": article.html},
        ]
    by = byline(_authors(draft))
    if by:
        item["by"] = by
    if fm.get("dateline") and isinstance(fm["dateline"], str):
        item["located"] = fm["dateline"].strip()
    subjects = []
    if fm.get("category"):
        subjects.append({"name": str(fm["category"]), "rel": "category"})
    subjects += [{"name": tag, "rel": "tag"} for tag in _tags(draft)]
    if subjects:
        item["subjects"] = subjects
    item["standard"] = {"name": "ninjs", "version": ninjs_version, "schema": SCHEMA_URIS[ninjs_version]}
    return item if ninjs_version == "3.1" else _to_v2(item)


def _to_v2(value: Any) -> Any:
    if isinstance(value, dict):
        return {_V2_NAMES.get(k, k): _to_v2(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_v2(v) for v in value]
    return value


def dumps(item: dict[str, Any]) -> str:
    """The item as written into the content repository: UTF-8 JSON, keys in order, one trailing newline."""
    return json.dumps(item, ensure_ascii=False, indent=2) + "\n"


# -- the official schemas ---------------------------------------------------------------------------

def schema(version: str = DEFAULT_VERSION) -> dict[str, Any]:
    if version not in VERSIONS:
        raise NinjsError(f"ninjs-Version „{version}“ wird nicht unterstützt; möglich: {', '.join(VERSIONS)}.")
    text = resources.files("edtool").joinpath(f"schemas/ninjs/ninjs-schema_{version}.json").read_text("utf-8")
    return json.loads(text)


def _retrieve(uri: str) -> dict[str, Any]:
    # the schemas point at GeoJSON's schema for places' geometry, which edtool never writes; nothing is fetched
    return {"type": "object"}


@lru_cache(maxsize=None)
def _validator(version: str):
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(version), validate_formats=True, retriever=_retrieve)


def validate(item: dict[str, Any], version: str = DEFAULT_VERSION) -> list[str]:
    """Every way the item breaks the official schema (empty when it is valid)."""
    return [f"{'/'.join(str(p) for p in error.instance_path) or '(Objekt)'}: {error.message}"
            for error in _validator(version).iter_errors(item)]
