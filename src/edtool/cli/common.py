"""Helpers shared by commands: loading the style guide and turning library errors into exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from edtool.styleguide import StyleGuide, StyleGuideError, find_styleguide

STYLEGUIDE_OPTION = typer.Option(None, "--styleguide", help="Path to styleguide.yaml (default: search upwards; or EDTOOL_STYLEGUIDE).")


def fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def load_guide(explicit: Optional[Path], required: bool = True) -> StyleGuide:
    try:
        return StyleGuide.load(find_styleguide(str(explicit) if explicit else None))
    except StyleGuideError as exc:
        if not required and explicit is None and not Path(exc.path).exists():
            return StyleGuide.from_text("{}")
        fail(str(exc))
        raise  # unreachable
