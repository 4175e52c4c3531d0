"""Front matter against the JSON Schema in styleguide.yaml (`metadata.schema`), in words a writer reads."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import Any

from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.draft import Draft
from edtool.messages import msg
from edtool.styleguide import StyleGuide, StyleGuideError

PATTERN_HINTS = {  # known patterns get a human hint instead of the regex
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": "Erlaubt sind Kleinbuchstaben a–z, Ziffern 0–9 und einzelne Bindestriche.",
}


RULE_IDS = {
    "required": "required", "type": "type", "minLength": "length", "maxLength": "length",
    "minItems": "items", "maxItems": "items", "enum": "enum", "const": "enum", "pattern": "pattern",
    "format": "format", "anyOf": "format", "oneOf": "format", "uniqueItems": "items",
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
    def build():
        from jsonschema import Draft202012Validator, FormatChecker
        from jsonschema.exceptions import SchemaError

        schema = guide.get("metadata", "schema", default={}) or {}
        if not isinstance(schema, dict):
            raise guide.error("„metadata.schema“ muss ein JSON-Schema-Objekt sein", "metadata", "schema")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            keys = ("metadata", "schema", *exc.path)
            raise guide.error(f"ungültiges JSON Schema: {exc.message}", *keys) from None
        checker = FormatChecker(formats=())
        checker.checks("date")(_is_date)
        checker.checks("date-time")(_is_datetime)
        return Draft202012Validator(schema, format_checker=checker), schema

    return guide.memo("metadata.schema", build)


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


def _expected_names(expected: str | list[str]) -> str:
    names = [expected] if isinstance(expected, str) else expected
    return " oder ".join(msg(f"metadata.type.{name}") for name in names)


def _formats_of(schema: dict) -> list[str]:
    return [sub["format"] for sub in schema.get("anyOf", []) + schema.get("oneOf", []) if "format" in sub]


def _message(error, field: str) -> str:
    kind, value, rule = error.validator, error.instance, error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(rule)
        return msg("metadata.required", field=missing)
    if kind == "type":
        return msg("metadata.type", field=field, expected=_expected_names(rule), found=_type_name(value))
    if kind in ("minLength", "maxLength"):
        key = "metadata.min-length" if kind == "minLength" else "metadata.max-length"
        return msg(key, field=field, actual=len(value), limit=rule)
    if kind in ("minItems", "maxItems"):
        key = "metadata.min-items" if kind == "minItems" else "metadata.max-items"
        return msg(key, field=field, actual=len(value), limit=rule)
    if kind == "enum":
        return msg("metadata.enum", field=field, value=value, allowed=", ".join(map(str, rule)))
    if kind == "const":
        return msg("metadata.enum", field=field, value=value, allowed=str(rule))
    if kind == "pattern":
        hint = error.schema.get("description") or PATTERN_HINTS.get(rule, "")
        return msg("metadata.pattern", field=field, value=value, hint=hint).strip()
    if kind == "format":
        return msg("metadata.format", field=field, value=value, format=msg(f"metadata.format.{rule}"),
                   hint=error.schema.get("description", "")).strip()
    if kind in ("anyOf", "oneOf") and _formats_of(error.schema):
        return msg("metadata.format", field=field, value=value, format=msg("metadata.format.edtool-date"),
                   hint=error.schema.get("description", "")).strip()
    if kind in ("anyOf", "oneOf") and error.context:
        best = min(error.context, key=lambda e: len(e.schema_path))
        return _message(best, field)
    if kind == "uniqueItems":
        return msg("metadata.unique", field=field)
    return msg("metadata.invalid", field=field, detail=error.message)


def check_metadata(draft: Draft, guide: StyleGuide) -> list[Diagnostic]:
    validator, schema = compile_schema(guide)
    found: list[Diagnostic] = []

    def add(key: str | None, severity: Severity, rule: str, message: str, suggestions=()) -> None:
        pos = draft.fields.get(key) if key else None
        if pos is None:
            start, end = draft.fm_start, draft.fm_start + 3
        else:
            start, end = pos.key_start, pos.value_end if pos.value_end > pos.key_start else pos.key_end
        line, column = draft.position(start)
        end_line, end_column = draft.position(end)
        found.append(Diagnostic(draft.path, line, column, end_line, end_column, rule, Category.METADATA,
                                severity, message, tuple(suggestions)))

    for error in validator.iter_errors(draft.front_matter):
        key = str(error.path[0]) if error.path else None
        if error.validator == "additionalProperties":
            continue  # reported below with a suggestion
        field = ".".join(str(p) for p in error.path) or (key or "")
        rule = "metadata." + RULE_IDS.get(error.validator, "invalid")
        add(key, Severity.ERROR, rule, _message(error, field))

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
    found.sort(key=Diagnostic.sort_key)
    return found


__all__ = ["check_metadata", "compile_schema", "StyleGuideError"]
