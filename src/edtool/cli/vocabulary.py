"""`edtool vocabulary learn`: the words of the published articles into the desk's reviewed word list."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, load_guide

vocabulary_app = typer.Typer(help="Das Vokabular der Redaktion: Wörter und Namen, die die Rechtschreibprüfung annimmt.",
                             no_args_is_help=True)


@vocabulary_app.command("learn")
def learn_command(
    content_repo: Optional[Path] = typer.Option(None, "--content-repo",
                                                help="Inhalts-Repository (oder EDTOOL_CONTENT_REPO, "
                                                     "oder publish.content_repo)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Die Wörter zeigen, die hinzukämen; nichts schreiben."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Namen und Begriffe der veröffentlichten Artikel, die LanguageTool nicht kennt, in die Wortliste der
    styleguide.yaml (vocabulary.learned) aufnehmen. Die Liste danach durchsehen und committen."""
    from edtool.languagetool import LanguageToolError
    from edtool.lexicon import learn
    from edtool.messages import msg

    guide = load_guide(styleguide)
    try:
        result = learn(guide, content_repo, write=not dry_run)
    except LanguageToolError as exc:
        fail(msg("grammar.unchecked", reason=exc.message))
        return
    for word in result.new:
        typer.echo(word)
    typer.echo(msg("vocabulary.learned", new=len(result.new), articles=result.articles, path=result.path,
                   total=result.total), err=True)
