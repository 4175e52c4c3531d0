"""`edtool preview`, `edtool review` and `edtool diff`: look at a draft rather than read terminal lines."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, load_guide

CONTENT_REPO_HELP = ("Inhalts-Repository mit der veröffentlichten Fassung "
                     "(sonst EDTOOL_CONTENT_REPO oder publish.content_repo).")
HTML_HELP = "Die Seite in diese Datei schreiben (ohne --open wird sie dann nicht geöffnet)."
OPEN_HELP = "Die Seite im Browser öffnen (Standard, wenn --html fehlt)."
AGAINST_HELP = "Vergleichen mit einer Datei oder einer Git-Revision des Entwurfs (z. B. HEAD~1)."


def _load(path: Path):
    from edtool.draft import Draft, DraftError

    try:
        return Draft.load(path)
    except DraftError as exc:
        fail(exc.located(path))


def _write_page(html: str, target: Optional[Path], draft, kind: str, open_it: bool) -> None:
    from edtool.fsutil import atomic_write

    if target is None:
        name = str(draft.front_matter.get("slug") or Path(draft.path).stem)
        slug = "".join(c for c in name if c.isalnum() or c == "-")
        target = Path(tempfile.gettempdir()) / f"edtool-{kind}-{slug or 'entwurf'}.html"
    try:
        atomic_write(target, html.encode("utf-8"))
    except OSError as exc:
        fail(f"{target} lässt sich nicht schreiben: {exc.strerror or exc}")
    typer.echo(f"{'Vorschau' if kind == 'vorschau' else 'Prüfansicht'} geschrieben: {target}")
    if open_it:
        import webbrowser

        if not webbrowser.open(target.resolve().as_uri()):
            typer.echo(f"Kein Browser gefunden; bitte die Datei selbst öffnen: {target}", err=True)


def preview(
    draft_path: Path = typer.Argument(..., metavar="ENTWURF", help="Die Entwurfsdatei."),
    html_file: Optional[Path] = typer.Option(None, "--html", metavar="DATEI", help=HTML_HELP),
    open_it: bool = typer.Option(False, "--open", help=OPEN_HELP),
) -> None:
    """Den Artikel so zeigen, wie Leser ihn sehen: eine HTML-Seite ohne externe Ressourcen.

    Beispiel: edtool preview drafts/mein-artikel.md
    Exit-Status: 0 geschrieben, 2 nicht möglich (Datei fehlt, Front Matter kaputt)."""
    from edtool.render import RenderError, page

    draft = _load(draft_path)
    try:
        html = page(draft)
    except RenderError as exc:
        fail(exc.located(draft_path))
    _write_page(html, html_file, draft, "vorschau", open_it or html_file is None)


def _baseline(guide, path: Path, draft, against: Optional[str], content_repo: Optional[Path], required: bool):
    """What to compare with: --against, else the published version if a content repository is set."""
    from edtool.review import ReviewError, against_baseline, approved_baseline, published_baseline

    if against:
        return against_baseline(path, against)
    approved = approved_baseline(guide, path)  # the last approval is never older than the last publication
    if approved is not None:
        return approved
    from edtool.desk import content_repo_path

    if content_repo_path(guide, content_repo) is None:
        if required:
            raise ReviewError("Kein Vergleich möglich: Es ist kein Inhalts-Repository eingerichtet "
                              "(--content-repo, EDTOOL_CONTENT_REPO oder publish.content_repo in styleguide.yaml). "
                              "Mit --against DATEI oder --against REVISION vergleichen.")
        return None
    found = published_baseline(guide, path, draft, content_repo)
    if found is None and required:
        raise ReviewError(f"{path}: Der Artikel ist im Inhalts-Repository nicht veröffentlicht; "
                          "mit --against DATEI oder --against REVISION vergleichen.")
    return found


def review(
    draft_path: Path = typer.Argument(..., metavar="ENTWURF", help="Die Entwurfsdatei."),
    html_file: Optional[Path] = typer.Option(None, "--html", metavar="DATEI", help=HTML_HELP),
    open_it: bool = typer.Option(False, "--open", help=OPEN_HELP),
    against: Optional[str] = typer.Option(
        None, "--against", metavar="DATEI|REVISION",
        help=AGAINST_HELP + " Ohne Angabe: die veröffentlichte Fassung, falls es eine gibt."),
    only: Optional[str] = typer.Option(
        None, "--only",
        help="Nur diese Kategorien prüfen (durch Komma getrennt): file, metadata, dateline, style, grammar, spelling."),
    skip: Optional[str] = typer.Option(None, "--skip", help="Diese Kategorien auslassen (durch Komma getrennt)."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help=CONTENT_REPO_HELP),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Eine Prüfansicht schreiben: der Artikel mit jedem Befund von edtool check an seiner Stelle markiert,
    Meldung und Vorschlag beim Darüberfahren und daneben, die Befunde nach Schwere, dazu die Änderungen
    Wort für Wort gegenüber der veröffentlichten Fassung oder --against.

    Beispiel: edtool review drafts/mein-artikel.md --html pruefung.html
    Exit-Status: 0 geschrieben (auch mit Befunden), 2 nicht möglich."""
    from edtool.engine import CheckOptions, RunError, parse_categories, run_checks
    from edtool.notices import listen
    from edtool.render import RenderError
    from edtool.review import ReviewError, review_page
    from edtool.styleguide import StyleGuideError

    guide = load_guide(styleguide)
    draft = _load(draft_path)
    listen(lambda text: typer.echo(text, err=True))
    try:
        options = CheckOptions(parse_categories(only), parse_categories(skip) or set())
        result = run_checks([str(draft_path)], guide, options)[0]
    except (RunError, StyleGuideError) as exc:
        fail(str(exc))
        return
    if result.draft is not None:
        draft = result.draft
    try:
        baseline = _baseline(guide, draft_path, draft, against, content_repo, required=bool(against))
    except ReviewError as exc:
        if against:
            fail(exc.message)
        typer.echo(f"Hinweis: {exc.message} Die Seite zeigt keine Änderungen.", err=True)
        baseline = None
    try:
        page = review_page(draft, result.diagnostics,
                           baseline=(baseline.label, baseline.reader_text()) if baseline else None)
    except RenderError as exc:
        fail(exc.located(draft_path))
        return
    _write_page(page.html, html_file, draft, "pruefung", open_it or html_file is None)


def diff(
    draft_path: Path = typer.Argument(..., metavar="ENTWURF", help="Die Entwurfsdatei."),
    against: Optional[str] = typer.Option(
        None, "--against", metavar="DATEI|REVISION",
        help=AGAINST_HELP + " Ohne Angabe: die zuletzt freigegebene, sonst die veröffentlichte Fassung."),
    source: bool = typer.Option(False, "--source",
                                help="Den Markdown-Quelltext samt Front Matter vergleichen statt des Lesetexts."),
    full: bool = typer.Option(False, "--full", help="Den ganzen Text zeigen, nicht nur die geänderten Absätze."),
    color: Optional[bool] = typer.Option(None, "--color/--no-color",
                                         help="Farbe (Standard: nur im Terminal und ohne NO_COLOR)."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help=CONTENT_REPO_HELP),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Zeigen, was sich geändert hat, Wort für Wort (Komposita, Zahlen und Satzzeichen als Einheiten):
    gegenüber der zuletzt freigegebenen Fassung, sonst der veröffentlichten im Inhalts-Repository,
    oder --against DATEI|REVISION.
    Ohne Farbe steht Gestrichenes in [-…-], Neues in {+…+}.

    Beispiel: edtool diff drafts/mein-artikel.md --against HEAD
    Exit-Status: 0 keine Änderungen, 1 Änderungen, 2 Vergleich nicht möglich."""
    from edtool.render import RenderError
    from edtool.review import ReviewError, reader_text
    from edtool.worddiff import changed, counts, format_diff
    from edtool.worddiff import diff as word_diff

    guide = load_guide(styleguide, required=against is None)
    draft = _load(draft_path)
    try:
        baseline = _baseline(guide, draft_path, draft, against, content_repo, required=True)
        if source:
            old, new = baseline.source, draft.text
        else:
            if baseline.draft is None:
                raise ReviewError(f"Die Vergleichsfassung ({baseline.label}) ist kein Entwurf mit Front Matter; "
                                  "mit --source den Quelltext vergleichen.")
            old, new = baseline.reader_text(), reader_text(draft)
    except ReviewError as exc:
        fail(exc.message)
        return
    except RenderError as exc:
        fail(exc.located(draft_path))
        return
    changes = word_diff(old, new)
    use_color = color if color is not None else (sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    typer.echo(f"Vergleich mit {baseline.label}:")
    if not changed(changes):
        typer.echo("Keine Änderungen.")
        raise typer.Exit(0)
    typer.echo(format_diff(changes, color=use_color, context=None if full else 0), color=use_color)
    removed, added = counts(changes)
    typer.echo(f"{removed} {'Wort' if removed == 1 else 'Wörter'} entfernt, "
               f"{added} {'Wort' if added == 1 else 'Wörter'} hinzugefügt.")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("preview")(preview)
    app.command("review")(review)
    app.command("diff")(diff)
