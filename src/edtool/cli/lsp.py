"""`edtool lsp`: the language server for editors (LSP over stdin/stdout)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail


def lsp(
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
    stdio: bool = typer.Option(True, "--stdio", hidden=True, help="LSP über stdin/stdout (der einzige Weg; angenommen "
                                                                  "für Editoren, die es übergeben)."),
) -> None:
    """Sprachserver für Editoren: Befunde beim Schreiben, Schnellkorrekturen
    (LSP über stdin/stdout; Einrichtung: docs/lsp.md)."""
    from edtool.messages import msg

    try:
        from edtool.lsp.server import serve
    except ImportError as exc:
        fail(msg("lsp.no-pygls", error=exc))
        return
    raise typer.Exit(serve(str(styleguide) if styleguide else None))


def register(app: typer.Typer) -> None:
    app.command("lsp")(lsp)
