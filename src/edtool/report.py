"""Reporters: text for people (colour only on a terminal), JSON as a stable contract for tools."""

from __future__ import annotations

import json
import sys
from typing import IO, Callable

from edtool.diagnostics import Severity
from edtool.engine import FileResult
from edtool.messages import msg

COLOURS = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def summary(results: list[FileResult]) -> dict[str, int]:
    counts = {"files": len(results), "error": 0, "warning": 0, "info": 0}
    for result in results:
        for diagnostic in result.diagnostics:
            counts[diagnostic.severity.value] += 1
    return counts


def to_json(results: list[FileResult]) -> dict:
    return {
        "files": [{"path": r.path, "diagnostics": [d.to_dict() for d in r.diagnostics]} for r in results],
        "summary": summary(results),
    }


def report_json(results: list[FileResult], out: IO[str]) -> None:
    json.dump(to_json(results), out, ensure_ascii=False, indent=2)
    out.write("\n")


def _text_lines(results: list[FileResult]):
    """(text, style) pairs; style is a rich style name or None."""
    for result in results:
        if not result.diagnostics:
            continue
        yield result.path, "bold underline"
        for d in result.diagnostics:
            label = msg(f"severity.{d.severity.value}")
            yield f"{result.path}:{d.line}:{d.column}: {label} [{d.rule}] {d.message}", COLOURS[d.severity]
            if d.suggestions:
                shown = ", ".join(f"„{s}“" for s in d.suggestions[:5])
                fixable = " (mit --fix korrigierbar)" if d.fixable else ""
                yield f"    {msg('report.suggestion')}: {shown}{fixable}", "green"
        yield "", None
    counts = summary(results)
    if counts["error"] or counts["warning"] or counts["info"]:
        yield msg("report.summary", **counts), "bold"
    else:
        yield msg("report.clean", files=counts["files"]), "bold green"


def report_text(results: list[FileResult], out: IO[str], colour: bool | None = None) -> None:
    if colour is None:
        colour = out.isatty()
    if colour:
        from rich.console import Console

        console = Console(file=out, highlight=False, soft_wrap=True)
        for text, style in _text_lines(results):
            console.print(text, style=style, markup=False)
    else:
        for text, _ in _text_lines(results):
            out.write(text + "\n")


REPORTERS: dict[str, Callable[[list[FileResult], IO[str]], None]] = {
    "text": report_text,
    "json": report_json,
}


def report(results: list[FileResult], fmt: str = "text", out: IO[str] | None = None) -> None:
    REPORTERS[fmt](results, out or sys.stdout)
