"""Front matter against the JSON Schema in styleguide.yaml (`metadata.schema`), in words a writer reads."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.draft import Draft
from edtool.messages import msg
from edtool.styleguide import StyleGuide

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

PATTERN_HINTS = {  # known patterns get a human hint instead of the regex
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": "Erlaubt sind Kleinbuchstaben a–z, Ziffern 0–9 und einzelne Bindestriche.",
}


RULE_IDS = {  # jsonschema-rs error kind -> stable rule id suffix
    "Required": "required", "Type": "type", "MinLength": "length", "MaxLength": "length",
    "MinItems": "items", "MaxItems": "items", "UniqueItems": "items", "Enum": "enum", "Constant": "enum",
    "Pattern": "pattern", "Format": "format", "AnyOf": "format", "OneOfNotValid": "format",
}


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return True if not isinstance(value, str) else False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value and " " not in value:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def compile_schema(guide: StyleGuide):
    """The desk's schema, meta-validated and compiled (once per run: CheckRun.schema). jsonschema-rs:
    a compiled validator that imports in a third of the time of the pure-Python one; `edtool check`
    pays it on every pre-commit run."""
    import jsonschema_rs

    schema = guide.get("metadata", "schema", default={}) or {}
    if not isinstance(schema, dict):
        raise guide.error("„metadata.schema“ muss ein JSON-Schema-Objekt sein", "metadata", "schema")
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        keys = ("metadata", "schema", *exc.instance_path)
        raise guide.error(f"ungültiges JSON Schema: {exc.message}", *keys) from None
    validator = jsonschema_rs.Draft202012Validator(
        schema, validate_formats=True, formats={"date": _is_date, "date-time": _is_datetime})
    return validator, schema


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return msg("metadata.type.boolean")
    if isinstance(value, str):
        return msg("metadata.type.string")
    if isinstance(value, (list, tuple)):
        return msg("metadata.type.array")
    if isinstance(value, dict):
        return msg("metadata.type.object")
    if isinstance(value, int):
        return msg("metadata.type.integer")
    if isinstance(value, float):
        return msg("metadata.type.number")
    return msg("metadata.type.null")


def _expected_names(types: list[str]) -> str:
    return " oder ".join(msg(f"metadata.type.{name}") for name in types)


def _subschema(schema: dict, error) -> dict:
    node: Any = schema
    for part in list(error.schema_path)[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, dict) else {}


def _kind(error) -> str:
    return type(error.kind).__name__


def _explain(error, field: str, schema: dict) -> tuple[str, str]:
    """(rule id, German message) for one schema error."""
    kind = _kind(error)
    if kind in ("AnyOf", "OneOfNotValid"):
        branches = [errors for errors in error.kind.context if errors]
        if branches and not all(_kind(e) == "Format" for errors in branches for e in errors):
            # the branch of the value's own type explains best ("" for a string: too short)
            chosen = next((errs for errs in branches if all(_kind(e) != "Type" for e in errs)), branches[0])
            return _explain(chosen[0], field, schema)
    return "metadata." + RULE_IDS.get(kind, "invalid"), _message(error, field, schema)


def _message(error, field: str, schema: dict) -> str:
    kind, value, detail = _kind(error), error.instance, error.kind
    hint = _subschema(schema, error).get("description", "")
    if kind == "Required":
        return msg("metadata.required", field=detail.property)
    if kind == "Type":
        return msg("metadata.type", field=field, expected=_expected_names(list(detail.types)), found=_type_name(value))
    if kind in ("MinLength", "MaxLength"):
        key = "metadata.min-length" if kind == "MinLength" else "metadata.max-length"
        return msg(key, field=field, actual=len(value), limit=detail.limit)
    if kind in ("MinItems", "MaxItems"):
        key = "metadata.min-items" if kind == "MinItems" else "metadata.max-items"
        return msg(key, field=field, actual=len(value), limit=detail.limit)
    if kind == "Enum":
        return msg("metadata.enum", field=field, value=value, allowed=", ".join(map(str, detail.options)))
    if kind == "Constant":
        return msg("metadata.enum", field=field, value=value, allowed=str(detail.expected_value))
    if kind == "Pattern":
        hint = hint or PATTERN_HINTS.get(detail.pattern, "")
        return msg("metadata.pattern", field=field, value=value, hint=hint).strip()
    if kind == "Format":
        return msg("metadata.format", field=field, value=value, format=msg(f"metadata.format.{detail.format}"),
                   hint=hint).strip()
    if kind in ("AnyOf", "OneOfNotValid"):
        return msg("metadata.format", field=field, value=value, format=msg("metadata.format.edtool-date"),
                   hint=hint).strip()
    if kind == "UniqueItems":
        return msg("metadata.unique", field=field)
    return msg("metadata.invalid", field=field, detail=error.message)


def check_metadata(draft: Draft, run: CheckRun) -> list[Diagnostic]:
    validator, schema = run.schema
    found: list[Diagnostic] = []

    def add(key: str | None, severity: Severity, rule: str, message: str, suggestions=()) -> None:
        pos = draft.fields.get(key) if key else None
        if pos is None:
            start, end = draft.fm_start, draft.fm_start + 3
        else:
            start, end = pos.key_start, pos.value_end if pos.value_end > pos.key_start else pos.key_end
        found.append(Diagnostic.span(draft, start, end, rule, Category.METADATA, severity, message, suggestions))

    for error in validator.iter_errors(draft.front_matter):
        path = list(error.instance_path)
        key = str(path[0]) if path else None
        kind = _kind(error)
        if kind == "AdditionalProperties":
            continue  # reported below with a suggestion
        field = ".".join(str(p) for p in path)
        if kind == "Required":
            key = None
        rule, message = _explain(error, field, schema)
        add(key, Severity.ERROR, rule, message)

    known = list((schema.get("properties") or {}).keys())
    if known:
        for key in draft.front_matter:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            if close:
                add(key, Severity.WARNING, "metadata.unknown-key",
                    msg("metadata.unknown-key", field=key, suggestion=close[0]), close)
            else:
                add(key, Severity.WARNING, "metadata.unknown-key", msg("metadata.unknown-key-plain", field=key))
    _check_authors(draft, run.guide, add)
    _check_slug(draft, run, add)
    found.sort(key=Diagnostic.sort_key)
    return found


def _check_authors(draft: Draft, guide: StyleGuide, add) -> None:
    """An author missing from the desk's `authors:` list (when it has one): a warning now, not a refusal
    at publish time."""
    from edtool.desk import author_names

    names = author_names(guide)
    value = draft.front_matter.get("author")
    given = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    known = {name.casefold() for name in names}
    for author in (str(a).strip() for a in given):
        if names and author and author.casefold() not in known:
            close = difflib.get_close_matches(author, names, n=1, cutoff=0.6)
            hint = msg("metadata.unknown-author-hint", name=close[0]) if close else ""
            add("author", Severity.WARNING, "metadata.unknown-author", msg("metadata.unknown-author", author=author,
                hint=hint), close)




def _check_slug(draft: Draft, run: CheckRun, add) -> None:
    """A slug another draft or a published article already has (edtool.checks.metadata_slug)."""
    from edtool.checks.metadata_slug import PUBLISHED, find_taken, free_variant
    from edtool.errors import EdtoolError

    status = str(draft.front_matter.get("status") or "draft").strip()
    try:
        taken = find_taken(run, draft, content=status not in PUBLISHED)
    except EdtoolError as exc:
        if not run.slug_unchecked_reported:  # once per run, not once per draft
            run.slug_unchecked_reported = True
            add("slug", Severity.INFO, "metadata.slug-unchecked", msg("metadata.slug-unchecked", reason=exc.message))
        return
    if taken is None or (status in PUBLISHED and not taken.owned):
        return  # a published draft keeps its slug; the other draft is told
    free = free_variant(run, taken.slug, draft.path)
    if taken.draft is not None:
        message = msg("metadata.slug-taken-draft", slug=taken.slug, other=taken.draft, free=free)
    else:
        message = msg("metadata.slug-taken-published", slug=taken.slug, target=taken.target, owner=taken.owner,
                      free=free)
    # taken for good: an error (publish refuses it); two drafts not yet published: a warning until one moves
    severity = Severity.ERROR if taken.owned and status not in PUBLISHED else Severity.WARNING
    add("slug", severity, "metadata.slug-taken", message, (free,))
