"""Reporters for a list of FileResults: a thin layer over edtool.formats (kept for callers that
report plain results; formats and their options live there)."""

from __future__ import annotations

import sys
from typing import IO, Callable

from edtool.engine import FileResult
from edtool.formats import FORMAT_NAMES, formatter
from edtool.formats.base import Report
from edtool.formats.text import COLOURS  # noqa: F401  (re-exported)


def summary(results: list[FileResult]) -> dict[str, int]:
    return Report(results).summary()


def to_json(results: list[FileResult]) -> dict:
    from edtool.formats.json_format import to_json as build

    return build(Report(results))


def report_json(results: list[FileResult], out: IO[str]) -> None:
    formatter("json").write(Report(results), out)


def report_text(results: list[FileResult], out: IO[str], colour: bool | None = None) -> None:
    formatter("text", colour=colour).write(Report(results), out)


def _by_name(name: str) -> Callable[[list[FileResult], IO[str]], None]:
    return lambda results, out: formatter(name).write(Report(results), out)


REPORTERS: dict[str, Callable[[list[FileResult], IO[str]], None]] = {name: _by_name(name) for name in FORMAT_NAMES}


def report(results: list[FileResult], fmt: str = "text", out: IO[str] | None = None) -> None:
    REPORTERS[fmt](results, out or sys.stdout)
