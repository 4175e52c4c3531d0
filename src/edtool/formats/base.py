"""What every formatter gets (a Report) and gives (text): data in, text out.

A formatter never decides the exit status and never filters; the run has done that. Suppressed
findings (baseline, ignore file) stay in the report with their reason, so a machine format can show
them as suppressed and the human formats can count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from edtool.diagnostics import Diagnostic, Severity
from edtool.engine import FileResult


def suppression(d: Diagnostic) -> str | None:
    """Why a finding is suppressed by the check itself (ignore file), or None.
    Read with getattr: the marker may be a flag or a reason text."""
    value = getattr(d, "suppressed", None)
    if not value:
        return None
    return value if isinstance(value, str) else "ignore"


@dataclass
class Entry:
    diagnostic: Diagnostic
    suppressed: str | None = None  # reason ("baseline", "ignore", ...) or None: reported


@dataclass
class Report:
    """The outcome of one run, as formatters read it."""

    results: list[FileResult]
    guide: object | None = None  # StyleGuide, for rule descriptions and its version
    baselined: dict[str, list[Diagnostic]] = field(default_factory=dict)  # path -> accepted findings
    base: Path = field(default_factory=Path.cwd)  # where relative paths start
    baseline: str = ""  # the baseline file as given, for the record of what it suppressed

    def entries(self, result: FileResult) -> list[Entry]:
        """Every finding of a file in text order, reported and suppressed ones."""
        items = [Entry(d, suppression(d)) for d in result.diagnostics]
        items.extend(Entry(d, suppression(d) or "ignore") for d in getattr(result, "suppressed", ()))
        accepted = self.baselined.get(result.path)
        if accepted:
            items.extend(Entry(d, "baseline") for d in accepted)
        items.sort(key=lambda e: e.diagnostic.sort_key())
        return items

    def reported(self) -> Iterator[tuple[FileResult, Diagnostic]]:
        for result in self.results:
            for d in result.diagnostics:
                if not suppression(d):
                    yield result, d

    def summary(self) -> dict[str, int]:
        counts = {"files": len(self.results), "error": 0, "warning": 0, "info": 0}
        for _, d in self.reported():
            counts[d.severity.value] += 1
        return counts

    def suppressed_count(self) -> int:
        own = sum(1 for r in self.results for d in r.diagnostics if suppression(d))
        own += sum(len(getattr(r, "suppressed", ())) for r in self.results)
        return own + sum(len(v) for v in self.baselined.values())


class Formatter:
    """Base class: `render(report)` returns the whole output; `write` sends it to a stream."""

    name = ""

    def render(self, report: Report) -> str:
        raise NotImplementedError

    def write(self, report: Report, out: IO[str]) -> None:
        out.write(self.render(report))


FAIL_ON = ("error", "warning", "info", "never")


def exit_status(report: Report, fail_on: str = "error") -> int:
    """1 when a reported finding is at or above `fail_on`, else 0 (`never`: always 0)."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(d.severity.rank >= threshold for _, d in report.reported()) else 0
