"""Baseline: the findings a desk accepts today, so that CI reports only new ones.

A finding is identified by (path, rule, the flagged text, a little context, occurrence index): no
line or column, so an edit elsewhere in the file does not bring an accepted finding back, while an
edit next to it does (the writer touched that place; the finding is theirs again). The context is
up to 40 characters of the line on each side of the finding. The occurrence index counts findings
with the same path, rule, text and context in text order.

The file is JSON, sorted, one finding per entry, meant to be reviewed in a pull request.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from edtool.diagnostics import Diagnostic
from edtool.draft import Draft
from edtool.engine import FileResult
from edtool.errors import EdtoolError
from edtool.messages import msg

FORMAT_VERSION = 1
CONTEXT_CHARS = 40  # characters of the line on each side of the finding
SKIP_RULES = {"file.service"}  # a run's notice (LanguageTool down), not a finding about the text

Key = tuple[str, str, str, str, int]


class BaselineError(EdtoolError):
    """The baseline file cannot be read (exit status 2)."""


def flagged_text(draft: Draft | None, d: Diagnostic) -> str:
    if d.source:
        return d.source
    if draft is None:
        return ""
    try:
        return draft.text[draft.offset(d.line, d.column):draft.offset(d.end_line, d.end_column)]
    except IndexError:
        return ""


def context(draft: Draft | None, d: Diagnostic, cache: dict | None = None) -> str:
    """A little of the finding's line around it (CONTEXT_CHARS each side), whitespace collapsed."""
    if draft is None or not 1 <= d.line <= draft.line_count:
        return ""
    cache = {} if cache is None else cache
    if d.line not in cache:
        cache[d.line] = draft.line_text(d.line)
    line = cache[d.line]
    at = min(max(d.column - 1, 0), len(line))
    end = d.end_column - 1 if d.end_line == d.line else len(line)
    return " ".join(line[max(0, at - CONTEXT_CHARS):max(at, end) + CONTEXT_CHARS].split())


def finding_keys(result: FileResult, path: str) -> list[tuple[Diagnostic, Key]]:
    """Each finding of a file with its key, in text order (occurrence index included)."""
    seen: dict[tuple[str, str, str, str], int] = {}
    out = []
    lines: dict = {}
    for d in result.diagnostics:
        base = (path, d.rule, flagged_text(result.draft, d), context(result.draft, d, lines))
        index = seen.get(base, 0)
        seen[base] = index + 1
        out.append((d, (*base, index)))
    return out


def fingerprint(key: Key) -> str:
    """A stable hash of a finding's key (SARIF partialFingerprints)."""
    return hashlib.sha256("\x1f".join(map(str, key)).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def relative(path: str, base: Path, folder: Path) -> str:
    """A result's path (relative to `base`) as seen from `folder`, with forward slashes."""
    full = os.path.realpath(os.path.join(base, path))
    try:
        return Path(os.path.relpath(full, os.path.realpath(folder))).as_posix()
    except ValueError:  # another drive
        return Path(full).as_posix()


@dataclass
class Baseline:
    path: Path
    keys: set[Key]

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BaselineError(msg("baseline.missing", path=path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(msg("baseline.invalid", path=path, line=1, column=1, problem=exc)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BaselineError(msg("baseline.invalid", path=path, line=exc.lineno, column=exc.colno,
                                    problem=exc.msg)) from None
        findings = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(findings, list) or data.get("version") != FORMAT_VERSION:
            raise BaselineError(msg("baseline.invalid", path=path, line=1, column=1,
                                    problem=f"erwartet {{\"version\": {FORMAT_VERSION}, \"findings\": [...]}}"))
        keys = set()
        for n, item in enumerate(findings):
            try:
                key = (item["path"], item["rule"], item["text"], item["context"], item["occurrence"])
                if not all(isinstance(v, str) for v in key[:4]) or not isinstance(key[4], int):
                    raise TypeError
            except (KeyError, TypeError):
                line = _entry_line(text, n)
                raise BaselineError(msg("baseline.invalid", path=path, line=line, column=1,
                                        problem=f"Eintrag {n + 1} braucht path, rule, text, context (Text) "
                                                "und occurrence (Zahl)")) from None
            keys.add(key)
        return cls(path, keys)

    def split(self, results: list[FileResult], base: Path) -> dict[str, list[Diagnostic]]:
        """Take the accepted findings out of `results`; return them by result path."""
        accepted: dict[str, list[Diagnostic]] = {}
        folder = self.path.parent
        for result in results:
            if not result.diagnostics:
                continue
            keep = []
            for d, key in finding_keys(result, relative(result.path, base, folder)):
                if key in self.keys and d.rule not in SKIP_RULES:
                    accepted.setdefault(result.path, []).append(d)
                else:
                    keep.append(d)
            result.diagnostics = keep
        return accepted


def _entry_line(text: str, index: int) -> int:
    """Rough line of the index-th entry (entries are written one per line)."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("{\"path\"")]
    return lines[index] if index < len(lines) else 1


def build(results: list[FileResult], base: Path, folder: Path) -> list[dict]:
    entries = []
    for result in results:
        for d, key in finding_keys(result, relative(result.path, base, folder)):
            if d.rule in SKIP_RULES or getattr(d, "suppressed", None):
                continue
            entries.append(dict(zip(("path", "rule", "text", "context", "occurrence"), key)))
    entries.sort(key=lambda e: (e["path"], e["rule"], e["text"], e["context"], e["occurrence"]))
    return entries


def render(entries: list[dict]) -> str:
    """One entry per line: a pull request's diff shows what was accepted."""
    rows = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in entries)
    body = f"[\n{rows}\n  ]" if entries else "[]"
    return f'{{\n  "version": {FORMAT_VERSION},\n  "findings": {body}\n}}\n'


def write(path: str | Path, results: list[FileResult], base: Path) -> int:
    """Write the baseline for `results` (paths relative to `base`); returns the number of entries."""
    from edtool.fsutil import atomic_write

    path = Path(path)
    entries = build(results, base, path.resolve().parent)
    try:
        atomic_write(path, render(entries).encode("utf-8"))
    except OSError as exc:
        raise BaselineError(msg("baseline.write-failed", path=path, reason=exc.strerror or exc)) from None
    return len(entries)
