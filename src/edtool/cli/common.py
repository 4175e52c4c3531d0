"""Helpers shared by commands: loading the style guide and turning library errors into exit 2."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from edtool.styleguide import ENV_VAR, StyleGuide, StyleGuideError, find_styleguide

STYLEGUIDE_OPTION = typer.Option(None, "--styleguide", help="Path to styleguide.yaml (default: search upwards; or EDTOOL_STYLEGUIDE).")


def fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def load_guide(explicit: Optional[Path], required: bool = True) -> StyleGuide:
    try:
        return StyleGuide.load(find_styleguide(str(explicit) if explicit else None))
    except StyleGuideError as exc:
        searched = explicit is None and not os.environ.get(ENV_VAR)
        if not required and searched and exc.line == 0:  # none found: `edtool new` works with defaults
            return StyleGuide.from_text("{}")
        fail(str(exc))
        raise  # unreachable
