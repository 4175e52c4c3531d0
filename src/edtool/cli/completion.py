"""`edtool completion bash|zsh|fish`: the shell's completion script.

The script asks edtool itself for completions (`_EDTOOL_COMPLETE=complete_bash edtool` with COMP_WORDS and
COMP_CWORD, typer's protocol); edtool.cli.main registers the shells only when that variable is set.
"""

from __future__ import annotations

from enum import Enum

import typer

COMPLETE_VAR = "_EDTOOL_COMPLETE"


def enable() -> None:
    """Register typer's completion classes for bash, zsh and fish (and PowerShell)."""
    from typer.completion import completion_init

    completion_init()


def script(shell: str, command) -> str:
    """The completion script typer writes for `shell`, for the command tree `command`."""
    from typer.completion import shell_completion

    enable()
    return shell_completion.get_completion_class(shell)(command, {}, "edtool", COMPLETE_VAR).source()


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def completion(
    ctx: typer.Context,
    shell: Shell = typer.Argument(..., help="Die Shell: bash, zsh oder fish."),
) -> None:
    """Das Skript für die Vervollständigung der Befehle und Optionen in der Shell ausgeben.

    Einmal einrichten, danach eine neue Shell öffnen; „edtool ch“ und Tab ergänzt dann zu „edtool check“.

    bash: edtool completion bash > ~/.local/share/bash-completion/completions/edtool

    zsh: edtool completion zsh > ~/.zfunc/_edtool (in ~/.zshrc vor compinit: fpath+=~/.zfunc)

    fish: edtool completion fish > ~/.config/fish/completions/edtool.fish

    Exit-Status: 0, 2 bei einer unbekannten Shell."""
    typer.echo(script(shell.value, ctx.find_root().command))


def register(app: typer.Typer) -> None:
    app.command("completion")(completion)
