"""Runs the checks over drafts: one Draft parsed once per file, handed to every check.

A check is `check(draft, run) -> list[Diagnostic]`; it never prints. `run` is the CheckRun: the
style guide and what is compiled from it, one per call here unless the caller passes its own. Which
checks exist is the table CHECKS below (module and function, imported only when selected, so a
check without grammar never imports LanguageTool's client).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from edtool.checkrun import CheckRun
from edtool.diagnostics import CATEGORY_NAMES, Category, Diagnostic, Severity
from edtool.draft import Draft, DraftError
from edtool.errors import EdtoolError
from edtool.messages import msg
from edtool.notices import notify
from edtool.styleguide import StyleGuide
from edtool.switches import apply_switches  # inline <!-- edtool-disable --> switches

# check name -> (module, function, categories it reports)
CHECKS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "metadata": ("edtool.checks.metadata", "check_metadata", ("metadata",)),
    "dateline": ("edtool.checks.dateline", "check_dateline", ("dateline",)),
    "style": ("edtool.checks.style", "check_style", ("style",)),
    "grammar": ("edtool.checks.grammar", "check_grammar", ("grammar", "spelling")),
}


class RunError(EdtoolError):
    """The run cannot go on at all (exit status 2)."""


class ServiceUnavailable(Exception):
    """A check's service (LanguageTool) is missing; reported once per run, or fatal if required."""

    def __init__(self, message: str, required: bool = False):
        super().__init__(message)
        self.message, self.required = message, required


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    draft: Draft | None = None
    suppressed: list[Diagnostic] = field(default_factory=list)  # by a switch or ignore.yaml, with the cause

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


@dataclass
class CheckOptions:
    only: set[str] | None = None
    skip: set[str] = field(default_factory=set)
    require_grammar: bool = False

    def wants(self, category: str) -> bool:
        if category in self.skip:
            return False
        return self.only is None or category in self.only


def parse_categories(value: str | None) -> set[str] | None:
    if not value:
        return None
    names = {part.strip() for part in value.split(",") if part.strip()}
    for name in names:
        if name not in CATEGORY_NAMES:
            raise RunError(msg("cli.bad-category", name=name, allowed=", ".join(CATEGORY_NAMES)))
    return names


def collect_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Markdown files under the given files and folders, in a stable order; missing ones, dangling
    links and FIFOs named *.md as results (a finding each, never skipped, never opened). Reads only:
    what a killed write left behind goes with the next write into that folder (fsutil.atomic_write)."""
    from edtool.fsutil import display_path

    files: list[Path] = []
    missing: list[FileResult] = []

    def finding(path: Path, rule: str, message: str) -> None:
        missing.append(FileResult(display_path(path), [_file_diagnostic(display_path(path), rule, message)]))

    def odd(path: Path) -> bool:
        """A finding for a path that is no regular file; False for a regular file."""
        if path.is_symlink() and not path.exists():
            try:
                target = display_path(os.readlink(path))
            except OSError:
                target = "?"
            finding(path, "file.dangling-link", msg("file.dangling-link", target=target))
            return True
        if path.exists() and not path.is_file() and not path.is_dir():
            finding(path, "file.not-regular", msg("file.not-regular"))
            return True
        return False

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for candidate in sorted(path.rglob("*.md")):
                if candidate.is_file():
                    found.append(candidate)
                elif not candidate.is_dir():
                    odd(candidate)
            if not found:
                notify(msg("file.no-drafts", path=display_path(path)))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif not odd(path):
            finding(path, "file.not-found", msg("file.not-found", path=display_path(path)))
    seen: set[Path] = set()
    unique = []
    for path in files:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, missing


def _file_diagnostic(path: str, rule: str, message: str, line: int = 1, column: int = 1,
                     severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(path, line, column, line, column, rule, Category.FILE, severity, message)


def load_check(name: str) -> Callable[[Draft, CheckRun], list[Diagnostic]]:
    module, function, _ = CHECKS[name]
    return getattr(importlib.import_module(module), function)


def selected_checks(options: CheckOptions) -> list[str]:
    return [name for name, (_, _, cats) in CHECKS.items() if any(options.wants(c) for c in cats)]


def _run_of(guide: StyleGuide, run: CheckRun | None) -> CheckRun:
    if run is None:
        return CheckRun(guide)
    if run.guide is not guide:
        raise ValueError("the run belongs to another style guide")
    return run


def check_draft(draft: Draft, run: CheckRun, checks: dict[str, Callable], options: CheckOptions,
                unavailable: list[ServiceUnavailable], suppressed: list[Diagnostic] | None = None) -> list[Diagnostic]:
    """The draft's findings; those an inline switch or ignore.yaml takes out go to `suppressed`."""
    from edtool.ignore import apply_ignore

    found: list[Diagnostic] = []
    for name, check in checks.items():
        try:
            found.extend(d for d in check(draft, run) if options.wants(d.category.value))
        except ServiceUnavailable as exc:
            if exc.required or options.require_grammar:
                raise RunError(exc.message) from None
            unavailable.append(exc)
            checks[name] = lambda *_: []  # reported once per run, not once per draft
    found = apply_switches(draft, run, found, warn=options.wants("style"), suppressed=suppressed)
    return apply_ignore(draft, run, found, suppressed)


def check_one(path: str, load: Callable[[], Draft], run: CheckRun, checks: dict[str, Callable],
              options: CheckOptions, unavailable: list[ServiceUnavailable]) -> FileResult:
    """One draft's result: its findings, or a `file` finding when it does not load."""
    result = FileResult(path)
    try:
        draft = load()
    except DraftError as exc:
        if options.wants("file"):
            result.diagnostics.append(_file_diagnostic(path, exc.rule, exc.message, exc.line, exc.column))
        return result
    result.draft = draft
    result.diagnostics = check_draft(draft, run, checks, options, unavailable, result.suppressed)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def check_sources(sources: Iterable[tuple[str, Callable[[], Draft]]], guide: StyleGuide,
                  options: CheckOptions | None = None, jobs: int | None = 1,
                  run: CheckRun | None = None) -> list[FileResult]:
    """Run the selected checks over drafts from anywhere (files, git's index): (path, loader) pairs.

    A draft that does not load is a `file` finding; a missing service is one warning per run.
    `jobs`: worker processes (None: automatic, see parallel.py); the results are the same and in
    the same order whatever it is. `run`: the CheckRun to use (a new one when None)."""
    run = _run_of(guide, run)
    options = options or CheckOptions()
    names = selected_checks(options)
    sources = list(sources)
    unavailable: list[ServiceUnavailable] = []
    workers = 1 if jobs == 1 else _jobs_for(jobs, len(sources))
    checks = {name: load_check(name) for name in names}
    grammar = "grammar" in names and len(sources) > 1
    try:
        if grammar:
            from edtool.checks.grammar import prefetch

            # every draft's uncached paragraphs to LanguageTool, requests overlapping; with one process
            # in the background while the checks run (never while forking workers)
            prefetch(sources, run, wait=workers > 1)
        if workers > 1:
            from edtool.parallel import check_in_workers

            # the first draft here: what every worker would build on its first draft (the parser, the
            # drafts' slug index, a service found missing) is then built once and inherited
            results = [check_one(*sources[0], run, checks, options, unavailable)]
            results += check_in_workers(sources[1:], run, options, checks, workers, unavailable)
        else:
            results = [check_one(path, load, run, checks, options, unavailable) for path, load in sources]
    finally:
        if grammar:
            from edtool.checks.grammar import stop_prefetch

            stop_prefetch(run)  # nothing left when the run went through; on Ctrl-C, what was not sent
    if unavailable and results:
        first = next((r for r in results if r.draft is not None), results[0])
        first.diagnostics.insert(0, _file_diagnostic(first.path, "file.service", unavailable[0].message,
                                                     severity=Severity.WARNING))
        first.diagnostics.sort(key=Diagnostic.sort_key)
    return results


PARALLEL_FROM = 40  # drafts: below this, starting worker processes costs more than they save


def _jobs_for(jobs: int | None, count: int) -> int:
    """Worker processes for `count` drafts: `jobs` if given, else one per core from PARALLEL_FROM
    drafts on; never more than there are drafts."""
    if jobs is None:
        jobs = (os.cpu_count() or 1) if count >= PARALLEL_FROM else 1
    return max(1, min(jobs, count))


def run_checks(paths: Iterable[str | Path], guide: StyleGuide, options: CheckOptions | None = None,
               jobs: int | None = 1, run: CheckRun | None = None) -> list[FileResult]:
    from edtool.fsutil import display_path

    files, missing = collect_paths(paths)
    return missing + check_sources(((display_path(path), partial(Draft.load, path)) for path in files),
                                   guide, options, jobs, run)


def worst_exit_code(results: list[FileResult], fail_on: Severity = Severity.ERROR) -> int:
    for result in results:
        if any(d.severity.rank >= fail_on.rank for d in result.diagnostics):
            return 1
    return 0
