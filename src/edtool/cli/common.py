"""Helpers shared by commands: the --styleguide option, loading the desk, a German message and exit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

STYLEGUIDE_OPTION = typer.Option(None, "--styleguide", help="Pfad zur styleguide.yaml (sonst EDTOOL_STYLEGUIDE, sonst "
                                                            "aufwärts gesucht).")


def choice(key: str, names: tuple[str, ...]):
    """An option callback accepting one of `names`; anything else is exit 2 with the choices in German."""

    def check(value: Optional[str]) -> Optional[str]:
        if value is not None and value not in names:
            from edtool.messages import msg

            fail(msg(key, value=value, allowed=", ".join(names)))
        return value

    return check


def format_option(names: tuple[str, ...] = ("text", "json"), default: str = "text"):
    """The one --format option: a choice among `names` (exit 2 with the German list otherwise)."""
    return typer.Option(default, "--format", callback=choice("cli.bad-format", names),
                        help=f"Ausgabeformat: {', '.join(names)}.")


def fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


GLOBAL_STYLEGUIDE: list[str | None] = [None]  # `edtool --styleguide PATH COMMAND`, set by the app callback


def load_guide(explicit: Optional[Path], required: bool = True):
    """The desk (edtool.desk.load_desk); its errors reach the one boundary in edtool.cli.main.
    A command's own --styleguide wins over the one given before the command."""
    from edtool.desk import load_desk

    return load_desk(explicit or GLOBAL_STYLEGUIDE[0], required)


def load_run(explicit: Optional[Path]):
    """`load_guide` as a check run (edtool.desk.load_desk_run): what validating compiled, kept."""
    from edtool.desk import load_desk_run

    return load_desk_run(explicit or GLOBAL_STYLEGUIDE[0])
