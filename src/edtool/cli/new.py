"""`edtool new`: scaffold a draft from the desk's template."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, load_guide


def new(
    title: Optional[str] = typer.Argument(None, help="Überschrift des Artikels."),
    author: Optional[str] = typer.Option(None, "--author", help="Autor(in) (Standard: git config user.name)."),
    dateline: Optional[str] = typer.Option(None, "--dateline", help='Orte der Ortsmarke, z. B. "HOUSTON / LONDON".'),
    category: Optional[str] = typer.Option(None, "--category", help="Kategorie, z. B. Raumfahrt."),
    tags: Optional[str] = typer.Option(None, "--tags", help="Schlagwörter, mit Komma getrennt."),
    directory: Optional[Path] = typer.Option(None, "--dir", help="Ordner für den Entwurf (Standard: new.directory der "
                                                                 "Redaktion)."),
    slug: Optional[str] = typer.Option(None, "--slug", help="Slug und Dateiname statt des aus dem Titel gebildeten, z. B. kuka-roboter-2."),
    force: bool = typer.Option(False, "--force", help="Einen vorhandenen Entwurf überschreiben."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Einen neuen Entwurf aus der Vorlage der Redaktion anlegen und seinen Pfad ausgeben."""
    from edtool.checks.dateline import normalise_places
    from edtool.newdraft import NewDraft, allowed_categories, create_draft, git_user_name

    interactive = sys.stdin.isatty()
    guide = load_guide(styleguide, required=False)
    if not title and interactive:
        title = typer.prompt("Titel")
    if not author:
        author = git_user_name()
    if not author and interactive:
        author = typer.prompt("Autor")
    if dateline is None and interactive:
        dateline = typer.prompt("Ortsmarke, z. B. HOUSTON / LONDON (leer lassen: Platzhalter ORT)", default="")
    if category is None and interactive:
        allowed = allowed_categories(guide)
        category = typer.prompt(f"Kategorie ({', '.join(allowed)})" if allowed else "Kategorie", default="")
    if tags is None and interactive:
        tags = typer.prompt("Schlagwörter, mit Komma getrennt", default="")
    from edtool.messages import msg

    if not author:
        fail(msg("new.no-author"))
    from edtool.desk import author_names

    names = author_names(guide)
    if names and author.strip().casefold() not in {n.casefold() for n in names}:
        typer.echo(msg("metadata.unknown-author", author=author.strip(), hint=""), err=True)
    draft = NewDraft(
        title=title or "",
        author=author or "",
        dateline=normalise_places(dateline or ""),
        category=category or "",
        tags=[t.strip() for t in (tags or "").split(",") if t.strip()],
        given_slug=slug or "",
    )
    try:
        path = create_draft(draft, guide, directory, force)
    except OSError as exc:
        fail(f"{exc.filename}: {exc.strerror}")
        return
    typer.echo(str(path))
    from edtool.languagetool.prestart import prestart

    prestart(guide)  # the writer starts work: warm LanguageTool up in the background (never blocks)


def register(app: typer.Typer) -> None:
    app.command("new")(new)
