"""Helpers shared by commands: the --styleguide option, loading the desk, a German message and exit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

STYLEGUIDE_OPTION = typer.Option(None, "--styleguide", help="Path to styleguide.yaml (default: search upwards; or EDTOOL_STYLEGUIDE).")


def fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def load_guide(explicit: Optional[Path], required: bool = True):
    """The desk (edtool.desk.load_desk); its errors reach the one boundary in edtool.cli.main."""
    from edtool.desk import load_desk

    return load_desk(explicit, required)
