"""`edtool baseline write FILE`: accept today's findings, so that `check --baseline FILE` reports new ones."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, load_guide

baseline_app = typer.Typer(help="Die heutigen Befunde als bekannt festhalten (für check "
                                "--baseline).", no_args_is_help=True)


@baseline_app.command("write")
def write(
    file: Path = typer.Argument(..., help="Zu schreibende Baseline-Datei (JSON; ins Repository der Redaktion "
                                          "committen)."),
    paths: Optional[List[Path]] = typer.Argument(None, help="Entwurfsdateien oder Ordner (Standard: der "
                                                            "Entwürfe-Ordner der Redaktion)."),
    only: Optional[str] = typer.Option(None, "--only", help="Nur Befunde dieser Kategorien festhalten (mit Komma "
                                                            "getrennt)."),
    skip: Optional[str] = typer.Option(None, "--skip", help="Diese Kategorien auslassen (mit Komma getrennt)."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Die Entwürfe prüfen und jeden heutigen Befund in DATEI schreiben (ersetzt sie)."""
    from edtool import baseline
    from edtool.desk import drafts_dir
    from edtool.engine import CheckOptions, parse_categories, run_checks
    from edtool.messages import msg
    from edtool.notices import listen

    guide = load_guide(styleguide)
    listen(lambda text: typer.echo(text, err=True))
    options = CheckOptions(parse_categories(only), parse_categories(skip) or set())
    results = run_checks([str(p) for p in paths] if paths else [str(drafts_dir(guide))], guide, options)
    count = baseline.write(file, results, Path.cwd())
    files = len({r.path for r in results if r.diagnostics})
    typer.echo(msg("baseline.written", path=file, count=count, files=files), err=True)
