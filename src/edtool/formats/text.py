"""Text for people: grouped by file, colour only on a terminal."""

from __future__ import annotations

from typing import IO, Iterator

from edtool.diagnostics import Severity
from edtool.formats.base import Formatter, Report
from edtool.messages import msg, quoted

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
        counts = report.summary()
        if counts["error"] or counts["warning"] or counts["info"]:
            yield msg("report.summary", **counts), "bold"
        else:
            yield msg("report.clean", files=counts["files"]), "bold green"
        suppressed = report.suppressed_count()
        if suppressed:
            yield msg("report.suppressed", count=suppressed), None

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
