"""`edtool check`: run the checks over drafts and report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from edtool.cli import common
from edtool.cli.common import STYLEGUIDE_OPTION, choice, fail, load_guide, load_run
from edtool.formats import FORMAT_NAMES

FAIL_ON_NAMES = ("error", "warning", "info", "never")


def format_option(default: str = "text"):
    return common.format_option(FORMAT_NAMES, default)


FAIL_ON_OPTION = typer.Option("error", "--fail-on", callback=choice("cli.bad-fail-on", FAIL_ON_NAMES),
                              help="Ab welcher Stufe der Exit-Status 1 ist: error, warning, info oder never.")
CHANGED_SINCE_OPTION = typer.Option(None, "--changed-since", metavar="REF",
                                    help="Nur Befunde auf Zeilen melden, die sich gegenüber dieser Git-Revision "
                                         "geändert haben (z. B. origin/main).")
def _jobs(value: Optional[str]) -> Optional[str]:
    if value is not None and (not value.isdigit() or int(value) < 1):
        from edtool.messages import msg

        fail(msg("cli.bad-jobs", value=value))
    return value


JOBS_OPTION = typer.Option(None, "--jobs", "-j", metavar="N", callback=_jobs,
                           help="So viele Prozesse prüfen gleichzeitig (Standard: einer je Prozessorkern, "
                                "bei wenigen Entwürfen nur einer).")
BASELINE_OPTION = typer.Option(None, "--baseline", metavar="FILE",
                               help="Die in dieser Datei festgehaltenen Befunde nicht melden (edtool baseline write).")


def finish(results, guide, fmt: str, fail_on: str, changed=None, baseline: Optional[Path] = None,
           base: Optional[Path] = None) -> int:
    """Filter (changed lines, baseline), print in the chosen format, return the exit status."""
    from edtool.formats import formatter
    from edtool.formats.base import Report, exit_status

    base = base or Path.cwd()
    if changed is not None:
        from edtool.changes import keep_changed

        for result in results:
            keep_changed(result, changed(result))
    accepted = {}
    if baseline is not None:
        from edtool.baseline import Baseline  # hashing only when a baseline is given

        accepted = Baseline.load(baseline).split(results, base)
    report = Report(results, guide, accepted, base, str(baseline) if baseline is not None else "")
    formatter(fmt).write(report, sys.stdout)
    sys.stdout.flush()
    return exit_status(report, fail_on)


def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Entwurfsdateien oder Ordner (Standard: der "
                                                            "Entwürfe-Ordner der Redaktion)."),
    only: Optional[str] = typer.Option(None, "--only", help="Nur diese Kategorien melden (mit Komma getrennt): file, "
                                                            "metadata, dateline, style, grammar, spelling."),
    skip: Optional[str] = typer.Option(None, "--skip", help="Diese Kategorien auslassen (mit Komma getrennt)."),
    fmt: str = format_option(),
    fail_on: str = FAIL_ON_OPTION,
    changed_since: Optional[str] = CHANGED_SINCE_OPTION,
    baseline: Optional[Path] = BASELINE_OPTION,
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
    require_grammar: bool = typer.Option(False, "--require-grammar", help="Exit-Status 2, wenn LanguageTool nicht "
                                                                          "erreichbar ist."),
    fix: bool = typer.Option(False, "--fix", help="Jeden korrigierbaren Hausstil- und Ortsmarken-Befund anwenden, "
                                                  "dann den Rest melden."),
    diff: bool = typer.Option(False, "--diff", help="Die Änderungen von --fix Wort für Wort mit etwas Umgebung "
                                                    "zeigen; nichts schreiben (Exit-Status 1, wenn es welche gibt)."),
    jobs: Optional[str] = JOBS_OPTION,
) -> None:
    """Entwürfe prüfen: Metadaten, Ortsmarke, Hausstil, Grammatik und Rechtschreibung."""
    from edtool.cli.progress import attach
    from edtool.desk import drafts_dir
    from edtool.engine import CheckOptions, parse_categories, run_checks

    run = load_run(styleguide)  # validated and compiled once, for --fix and the check after it
    guide = run.guide
    attach()  # notices and progress (a server start) on stderr
    if baseline is not None and not baseline.is_file():
        from edtool.messages import msg

        fail(msg("baseline.missing", path=baseline))
    options = CheckOptions(parse_categories(only), parse_categories(skip) or set(), require_grammar)
    targets = [str(p) for p in paths] if paths else [str(drafts_dir(guide))]
    changed = None
    if changed_since is not None:
        targets, changed = _changed_targets(targets, changed_since)
    if fix or diff:
        from edtool.cli.style import run_fix

        if run_fix(targets, guide, options, write=not diff, checkrun=run):
            return
    results = run_checks(targets, guide, options, int(jobs) if jobs else None, run)
    raise typer.Exit(finish(results, guide, fmt, fail_on, changed, baseline))


def _changed_targets(targets: list[str], ref: str):
    """The files among `targets` that differ from `ref` (others are not checked at all), and a
    function giving a result's changed lines."""
    from edtool.changes import ChangedLines
    from edtool.engine import collect_paths

    lines = ChangedLines(ref)
    for target in targets:
        folder = Path(target) if Path(target).is_dir() else Path(target).parent
        lines.check_folder(folder if folder.exists() else Path.cwd())
    files, missing = collect_paths(targets)
    wanted = [str(p) for p in files if lines.has_changes(p)]
    keep = wanted + [r.path for r in missing]
    return keep, lambda result: lines.lines(result.path) if Path(result.path).exists() else None


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def hooks_run(
    skip: Optional[str] = typer.Option(None, "--skip", help="Diese Kategorien auslassen (mit Komma getrennt)."),
    fmt: str = format_option(),
    fail_on: str = FAIL_ON_OPTION,
    changed_since: Optional[str] = CHANGED_SINCE_OPTION,
    baseline: Optional[Path] = BASELINE_OPTION,
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Die vorgemerkten (staged) Entwürfe prüfen – das ruft der installierte Hook auf."""
    from edtool.cli.progress import attach
    from edtool.engine import CheckOptions, parse_categories
    from edtool.hooks import check_staged, repo_root
    from edtool.messages import msg

    guide = load_guide(styleguide)
    attach()  # a LanguageTool start during a commit is not a silent wait
    if baseline is not None and not baseline.is_file():
        fail(msg("baseline.missing", path=baseline))
    root = repo_root(Path.cwd())
    changed = None
    if changed_since is not None:
        from edtool.changes import ChangedLines

        lines = ChangedLines(changed_since, staged=True)
        lines.check_folder(root)
        changed = lambda result: lines.lines(root / result.path)  # noqa: E731
    results = check_staged(guide, CheckOptions(skip=parse_categories(skip) or set()), Path.cwd())
    if not results:
        raise typer.Exit(0)
    code = finish(results, guide, fmt, fail_on, changed, baseline, root)
    if code:
        typer.echo(msg("hooks.blocked"), err=True)
    raise typer.Exit(code)
