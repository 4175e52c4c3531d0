"""GitHub Actions workflow commands: one annotation per finding, within GitHub's limits.

GitHub shows at most 10 annotations of each level per step (and 50 per job). Past that, the rest
are counted in one summary annotation; with GITHUB_STEP_SUMMARY set, every finding also goes into
the job summary as a Markdown table. Columns count characters (code points), as in every format.
"""

from __future__ import annotations

import os
from typing import IO

from edtool.diagnostics import Diagnostic, Severity
from edtool.formats.base import Formatter, Report
from edtool.messages import msg

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
PER_LEVEL = 10  # per step and level
PER_JOB = 50


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(path: str, d: Diagnostic) -> str:
    return command(LEVELS[d.severity], d.message, file=path, line=d.line, col=d.column,
                   endLine=d.end_line, endColumn=d.end_column, title=f"edtool [{d.rule}]")


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def job_summary(report: Report) -> str:
    counts = report.summary()
    lines = [f"### {msg('format.github.summary-title', **counts)}", ""]
    rows = [(r.path, d) for r, d in report.reported()]
    if rows:
        lines += [msg("format.github.summary-head"), "|---|---:|---:|---|---|---|"]
        for path, d in rows:
            cells = (path, d.line, d.column, msg(f"severity.{d.severity.value}"), f"`{d.rule}`", d.message)
            lines.append("| " + " | ".join(_cell(v) for v in cells) + " |")
    return "\n".join(lines) + "\n\n"


class GithubFormatter(Formatter):
    name = "github"

    def __init__(self, summary_file: str | None = None, per_level: int = PER_LEVEL, per_job: int = PER_JOB):
        self.summary_file = summary_file if summary_file is not None else os.environ.get("GITHUB_STEP_SUMMARY")
        self.per_level, self.per_job = per_level, per_job

    def render(self, report: Report) -> str:
        findings = list(report.reported())
        by_level: dict[str, int] = {}
        for _, d in findings:
            by_level[LEVELS[d.severity]] = by_level.get(LEVELS[d.severity], 0) + 1
        over = [LEVELS[s] for s in Severity if by_level.get(LEVELS[s], 0) > self.per_level]
        over_job = len(findings) > self.per_job
        # the summary annotation takes one place of the most severe level that overflows
        summary_level = over[0] if over else next((LEVELS[s] for s in Severity if LEVELS[s] in by_level), "notice")
        budget = {level: self.per_level - (level == summary_level and bool(over or over_job)) for level in by_level}
        total = self.per_job - bool(over or over_job)
        out, hidden = [], 0
        for result, d in findings:
            level = LEVELS[d.severity]
            if budget[level] > 0 and total > 0:
                budget[level] -= 1
                total -= 1
                out.append(annotation(result.path, d))
            else:
                hidden += 1
        if hidden:
            where = msg("format.github.overflow-summary" if self.summary_file else "format.github.overflow-log")
            out.append(command(summary_level, msg("format.github.overflow", count=hidden, limit=self.per_level,
                                                  where=where), title="edtool"))
        counts = report.summary()
        out.append(msg("report.summary", **counts) if findings else msg("report.clean", files=counts["files"]))
        return "".join(line + "\n" for line in out)

    def write(self, report: Report, out: IO[str]) -> None:
        out.write(self.render(report))
        if self.summary_file:
            try:
                with open(self.summary_file, "a", encoding="utf-8") as handle:
                    handle.write(job_summary(report))
            except OSError as exc:
                out.write(command("warning", msg("format.github.summary-failed", path=self.summary_file,
                                                 reason=exc.strerror or exc), title="edtool") + "\n")
