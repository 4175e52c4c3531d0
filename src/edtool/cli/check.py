"""`edtool check`: run the checks over drafts and report."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, load_guide


def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Draft files or folders (default: drafts/)."),
    only: Optional[str] = typer.Option(None, "--only", help="Comma-separated categories to report: file, metadata, dateline, style, grammar, spelling."),
    skip: Optional[str] = typer.Option(None, "--skip", help="Comma-separated categories to leave out."),
    fmt: str = typer.Option("text", "--format", help="Output format: text or json."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
    require_grammar: bool = typer.Option(False, "--require-grammar", help="Exit 2 when LanguageTool cannot be reached."),
    fix: bool = typer.Option(False, "--fix", help="Apply every fixable style and dateline finding, then report what is left."),
    diff: bool = typer.Option(False, "--diff", help="Print the changes --fix would make as a unified diff; write nothing (exit 1 if any)."),
) -> None:
    """Check drafts: metadata, dateline, house style and grammar."""
    from edtool.engine import CheckOptions, RunError, parse_categories, run_checks, worst_exit_code
    from edtool.notices import listen
    from edtool.report import REPORTERS, report
    from edtool.styleguide import StyleGuideError

    if fmt not in REPORTERS:
        fail(f"Unknown format '{fmt}'. Use one of: {', '.join(REPORTERS)}.")
    guide = load_guide(styleguide)
    listen(lambda text: typer.echo(text, err=True))
    try:
        options = CheckOptions(parse_categories(only), parse_categories(skip) or set(), require_grammar)
        targets = [str(p) for p in paths] if paths else ["drafts"]
        if fix or diff:
            from edtool.cli.style import run_fix

            if run_fix(targets, guide, options, write=not diff):
                return
        results = run_checks(targets, guide, options)
    except (RunError, StyleGuideError) as exc:
        fail(str(exc))
        return
    report(results, fmt)
    raise typer.Exit(worst_exit_code(results))


def register(app: typer.Typer) -> None:
    app.command("check")(check)
