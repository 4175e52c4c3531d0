"""reviewdog's Diagnostic Format as JSON lines (`reviewdog -f=rdjsonl`).

reviewdog counts columns in UTF-8 bytes (its Position message says so), edtool in characters: every
column is converted here, from the draft's own line text. End positions are exclusive in both.
Suggestions are ranges with their replacement text: a fixable finding's fix, or LanguageTool's
replacements where the flagged span is exactly the text as written (no markup inside).
"""

from __future__ import annotations

import json

from edtool.diagnostics import Diagnostic, Severity
from edtool.formats.base import Formatter, Report

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}
SOURCE = {"name": "edtool"}


def byte_column(draft, line: int, column: int) -> int:
    """1-based UTF-8 byte column of a 1-based character column."""
    if draft is None or not 1 <= line <= draft.line_count:
        return column
    text = draft.line_text(line)
    head = text[: column - 1]
    return len(head.encode("utf-8", "surrogatepass")) + 1 + max(0, column - 1 - len(text))


def position(draft, line: int, column: int) -> dict:
    return {"line": line, "column": byte_column(draft, line, column)}


def _range(draft, line: int, column: int, end_line: int, end_column: int) -> dict:
    return {"start": position(draft, line, column), "end": position(draft, end_line, end_column)}


def suggestions(d: Diagnostic, draft) -> list[dict]:
    if draft is None:
        return []
    if d.fix is not None:
        (line, column), (end_line, end_column) = draft.position(d.fix.start), draft.position(d.fix.end)
        return [{"range": _range(draft, line, column, end_line, end_column), "text": d.fix.replacement}]
    if not d.suggestions or not d.source:
        return []
    try:
        as_written = draft.text[draft.offset(d.line, d.column):draft.offset(d.end_line, d.end_column)]
    except IndexError:
        return []
    if as_written != d.source:
        return []
    span = _range(draft, d.line, d.column, d.end_line, d.end_column)
    return [{"range": span, "text": s} for s in d.suggestions]


def diagnostic(path: str, d: Diagnostic, draft) -> dict:
    item = {
        "message": d.message,
        "location": {"path": path, "range": _range(draft, d.line, d.column, d.end_line, d.end_column)},
        "severity": SEVERITIES[d.severity],
        "source": SOURCE,
        "code": {"value": d.rule},
    }
    found = suggestions(d, draft)
    if found:
        item["suggestions"] = found
    return item


class RdjsonlFormatter(Formatter):
    name = "rdjsonl"

    def render(self, report: Report) -> str:
        return "".join(json.dumps(diagnostic(r.path, d, r.draft), ensure_ascii=False) + "\n"
                       for r, d in report.reported())
