"""Text for people: grouped by file, colour only on a terminal."""

from __future__ import annotations

from typing import IO, Iterator

from edtool.diagnostics import Severity
from edtool.formats.base import Formatter, Report
from edtool.messages import msg, quoted

LENGTH_LINES = 20  # up to this many drafts, one length line each; more: one total
COLOURS = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TextFormatter(Formatter):
    name = "text"

    def __init__(self, colour: bool | None = None):
        self.colour = colour

    def lines(self, report: Report) -> Iterator[tuple[str, str | None]]:
        """(text, style) pairs; style is a rich style name or None."""
        for result in report.results:
            shown = [e.diagnostic for e in report.entries(result) if not e.suppressed]
            if not shown:
                continue
            yield result.path, "bold underline"
            for d in shown:
                label = msg(f"severity.{d.severity.value}")
                yield f"{result.path}:{d.line}:{d.column}: {label} [{d.rule}] {d.message}", COLOURS[d.severity]
                if d.suggestions:
                    suggested = ", ".join(quoted(s) for s in d.suggestions[:5])
                    fixable = " (mit --fix korrigierbar)" if d.fixable else ""
                    yield f"    {msg('report.suggestion')}: {suggested}{fixable}", "green"
            yield "", None
        yield from self.lengths(report)
        counts = report.summary()
        if counts["error"] or counts["warning"] or counts["info"]:
            yield msg("report.summary", **counts), "bold"
        else:
            yield msg("report.clean", files=counts["files"]), "bold green"
        suppressed = report.suppressed_count()
        if suppressed:
            yield msg("report.suppressed", count=suppressed), None

    def lengths(self, report: Report) -> Iterator[tuple[str, str | None]]:
        """Each draft's words and reading time (the body as readers see it); one total line for many drafts."""
        from edtool.workflow import body_length

        drafts = [r for r in report.results if getattr(r, "draft", None) is not None]
        if len(drafts) > LENGTH_LINES:
            words = sum(body_length(r.draft)["words"] or 0 for r in drafts)
            yield msg("report.length-total", drafts=len(drafts), words=words), None
            return
        for result in drafts:
            length = body_length(result.draft)
            if length["words"]:
                yield msg("report.length", path=result.path, words=length["words"],
                          minutes=length["reading_minutes"]), None
            else:
                yield msg("report.length-empty", path=result.path), None

    def render(self, report: Report) -> str:
        return "".join(text + "\n" for text, _ in self.lines(report))

    def write(self, report: Report, out: IO[str]) -> None:
        colour = self.colour if self.colour is not None else out.isatty()
        if not colour:
            out.write(self.render(report))
            return
        from rich.console import Console

        console = Console(file=out, highlight=False, soft_wrap=True)
        for text, style in self.lines(report):
            console.print(text, style=style, markup=False)
