"""Entry point and the one error boundary: exit 0 clean, 1 findings, 2 could not run, 130 interrupted."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from edtool import __version__
from edtool.cli.german import localise
from edtool.errors import EdtoolError

localise()


class _ErrorBoundary(TyperGroup):
    """The one place an EdtoolError becomes its located German message and its class's exit status
    (for the console script and for CliRunner alike)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EdtoolError as exc:
            if ctx.params.get("debug"):
                raise
            typer.echo(str(exc), err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=_ErrorBoundary,
    name="edtool",
    help="Werkzeug für die Redaktion: Entwürfe anlegen, prüfen, freigeben und veröffentlichen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"edtool {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Version zeigen und beenden."),
    debug: bool = typer.Option(False, "--debug", help="Bei internen Fehlern den Traceback zeigen."),
    styleguide: Optional[Path] = typer.Option(None, "--styleguide",
                                              help="Pfad zur styleguide.yaml für jeden Befehl (sonst "
                                                   "EDTOOL_STYLEGUIDE, sonst aufwärts gesucht)."),
) -> None:
    """edtool: drafts, house style, grammar and publishing for the news desk."""
    from edtool.cli.common import GLOBAL_STYLEGUIDE  # not edtool.desk: `--help` needs no YAML

    GLOBAL_STYLEGUIDE[0] = str(styleguide) if styleguide else None  # a command's own --styleguide wins


def _register() -> None:
    """Every command, explicitly (each module imports only typer at the top; a broken import fails loudly)."""
    from edtool.cli import baseline, check, completion, ignore, lsp, new, review, server, style, vocabulary, workflow

    check.register(app)
    new.register(app)
    app.add_typer(server.server_app, name="server")
    app.add_typer(vocabulary.vocabulary_app, name="vocabulary")
    style.register(app)
    workflow.register(app)
    lsp.register(app)
    app.add_typer(baseline.baseline_app, name="baseline")
    app.add_typer(ignore.ignore_app, name="ignore")
    review.register(app)
    completion.register(app)
    if completion.COMPLETE_VAR in os.environ:  # the shell asks for completions (edtool completion SHELL)
        completion.enable()


_register()


def run(argv: list[str] | None = None) -> None:
    """Console script: run the app and map every outcome to an exit status."""
    from edtool.messages import msg

    args = sys.argv[1:] if argv is None else argv
    try:
        code = app(args=args, prog_name="edtool", standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = 130
    except Exception as exc:  # the one place a crash becomes a message
        if isinstance(exc, typer._click.exceptions.UsageError):  # the parser's own, said in German
            from edtool.cli import german

            german.show(exc)
            code = 2
        elif callable(getattr(exc, "show", None)) and hasattr(exc, "exit_code"):  # another parser exception
            exc.show()
            code = exc.exit_code
        elif "--debug" in args:
            raise
        else:
            typer.echo(msg("cli.internal", error=f"{type(exc).__name__}: {exc}"), err=True)
            code = 2
    if code == 130:  # typer itself turns Ctrl-C into 130; say so
        typer.echo(msg("cli.interrupted"), err=True)
    sys.exit(code if isinstance(code, int) else 0)
