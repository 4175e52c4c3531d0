"""JSON: the stable contract for tools. Every checked file is listed, a clean one with an empty list.
A suppressed finding (baseline, ignore file, inline switch) is listed with `"suppressed": {"by", "kind"}`
(and "reason" when one was given) and not counted."""

from __future__ import annotations

import json

from edtool.formats.base import Formatter, Report


def cause(entry, report: Report) -> dict:
    """Why a finding is suppressed: {"by": where, "kind": "baseline" | "ignore" | "switch", "reason": ...}."""
    d = entry.diagnostic
    if entry.suppressed == "baseline":
        return {"by": report.baseline or "baseline", "kind": "baseline"}
    found = {"by": getattr(d, "by", "") or entry.suppressed, "kind": getattr(d, "kind", "") or "ignore"}
    if getattr(d, "reason", ""):
        found["reason"] = d.reason
    return found


def to_json(report: Report) -> dict:
    files = []
    for result in report.results:
        items = []
        for entry in report.entries(result):
            item = entry.diagnostic.to_dict()
            if entry.suppressed and "suppressed" not in item:
                item["suppressed"] = cause(entry, report)
            items.append(item)
        files.append({"path": result.path, "diagnostics": items})
    summary = report.summary()
    suppressed = report.suppressed_count()
    if suppressed:
        summary["suppressed"] = suppressed
    return {"files": files, "summary": summary}


class JsonFormatter(Formatter):
    name = "json"

    def render(self, report: Report) -> str:
        return json.dumps(to_json(report), ensure_ascii=False) + "\n"  # one line: indent forces the slow encoder
