"""SARIF 2.1.0 (OASIS): one run, every rule described once, results with fixes and fingerprints.

Columns count Unicode code points (`columnKind: unicodeCodePoints`), as edtool does everywhere: an
emoji is one column, a combining accent is one too. Artifact URIs are relative to the folder the
check ran in (`SRCROOT`), which in CI is the repository root, as GitHub code scanning expects.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from edtool import __version__
from edtool.baseline import finding_keys, fingerprint
from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.engine import FileResult
from edtool.fix import FIX_CATEGORIES
from edtool.formats.base import Formatter, Report
from edtool.messages import msg

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
LT_RULE_URL = "https://community.languagetool.org/rule/show/{id}?lang=de"
SRCROOT = "SRCROOT"
FINGERPRINT = "edtoolFinding/v1"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _house_rules(guide) -> list[dict]:
    if guide is None:
        return []
    from edtool.checks.style import build_rules

    described = []
    for rule in build_rules(guide).rules:
        if not rule.enabled:
            continue
        short = _PLACEHOLDER.sub("…", rule.message)
        full = msg("format.rule.style", kind=rule.KIND, message=short)
        help_text = "\n".join(t for t in (full, rule.description, rule.link) if t)
        entry = {
            "id": rule.id,
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "help": {"text": help_text},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"category": "style", "kind": rule.KIND, "fixable": bool(rule.fixable),
                           "tags": ["style", rule.KIND]},
        }
        if rule.link:
            entry["helpUri"] = rule.link
        described.append(entry)
    return described


def _seen_rule(d: Diagnostic) -> dict:
    """A rule described from its first finding: built-in checks and LanguageTool's rules."""
    category = d.category.value
    native = d.rule.split(".", 1)[1] if "." in d.rule else d.rule
    text = msg(f"format.rule.{category}", id=native) if category != "style" else d.rule
    entry = {
        "id": d.rule,
        "shortDescription": {"text": text},
        "help": {"text": text},
        "defaultConfiguration": {"level": LEVELS[d.severity]},
        "properties": {"category": category, "tags": [category]},
    }
    if d.category in (Category.GRAMMAR, Category.SPELLING):
        entry["helpUri"] = LT_RULE_URL.format(id=quote(native, safe=""))
    return entry


def _artifact(path: str, base: Path) -> dict:
    pure = Path(path)
    if not pure.is_absolute():
        return {"uri": quote(pure.as_posix()), "uriBaseId": SRCROOT}
    try:
        return {"uri": quote(pure.relative_to(base).as_posix()), "uriBaseId": SRCROOT}
    except ValueError:
        return {"uri": pure.as_uri()}


def _region(d: Diagnostic) -> dict:
    region = {"startLine": d.line, "startColumn": d.column}
    if (d.end_line, d.end_column) > (d.line, d.column):
        region.update(endLine=d.end_line, endColumn=d.end_column)
    return region


def _fixes(d: Diagnostic, draft, location: dict) -> list[dict]:
    if d.fix is None or draft is None or d.category not in FIX_CATEGORIES:
        return []
    start_line, start_column = draft.position(d.fix.start)
    end_line, end_column = draft.position(d.fix.end)
    deleted = {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}
    return [{
        "description": {"text": msg("format.fix", replacement=d.fix.replacement)},
        "artifactChanges": [{
            "artifactLocation": location,
            "replacements": [{"deletedRegion": deleted, "insertedContent": {"text": d.fix.replacement}}],
        }],
    }]


def _suppression(d: Diagnostic, reason: str, report: Report) -> dict:
    """A switch in the draft is `inSource`; the ignore file and the baseline are `external`."""
    if reason == "baseline":
        return {"kind": "external", "status": "accepted",
                "justification": f"baseline: {report.baseline}" if report.baseline else "baseline"}
    kind = "inSource" if getattr(d, "kind", "") == "switch" else "external"
    return {"kind": kind, "status": "accepted", "justification": reason}


def to_sarif(report: Report) -> dict:
    rules = _house_rules(report.guide)
    index = {r["id"]: n for n, r in enumerate(rules)}
    results = []
    base = Path(os.path.abspath(report.base))
    baseline_used = bool(report.baselined)
    for result in report.results:
        entries = report.entries(result)
        if not entries:
            continue
        location = _artifact(result.path, base)
        suppressed_by = {id(e.diagnostic): e.suppressed for e in entries}
        every = FileResult(result.path, [e.diagnostic for e in entries], result.draft)
        for d, key in finding_keys(every, result.path):
            if d.rule not in index:
                index[d.rule] = len(rules)
                rules.append(_seen_rule(d))
            item = {
                "ruleId": d.rule,
                "ruleIndex": index[d.rule],
                "level": LEVELS[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {"artifactLocation": location, "region": _region(d)}}],
                "partialFingerprints": {FINGERPRINT: fingerprint(key)},
                "properties": {"category": d.category.value},
            }
            if d.suggestions:
                item["properties"]["suggestions"] = list(d.suggestions)
            fixes = _fixes(d, result.draft, location)
            if fixes:
                item["fixes"] = fixes
            reason = suppressed_by[id(d)]
            if reason:
                item["suppressions"] = [_suppression(d, reason, report)]
            if baseline_used:
                item["baselineState"] = "unchanged" if reason == "baseline" else "new"
            results.append(item)
    run = {
        "tool": {"driver": {"name": "edtool", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": base.as_uri().rstrip("/") + "/"}},
        "results": results,
    }
    guide = report.guide
    if guide is not None:
        run["properties"] = {"styleguide": {"path": _artifact(str(guide.path), base)["uri"],
                                            "version": guide.get("version")}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifFormatter(Formatter):
    name = "sarif"

    def render(self, report: Report) -> str:
        return json.dumps(to_sarif(report), ensure_ascii=False) + "\n"  # one line: the C encoder, 7x faster
