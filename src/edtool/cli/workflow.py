"""Workflow commands: submit, approve, reject, status, publish, unpublish, hooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, format_option, load_guide

EDITOR_HELP = "Name of the editor (or EDTOOL_EDITOR)."
hooks_app = typer.Typer(help="Git-pre-commit-Hook, der die vorgemerkten Entwürfe prüft.", no_args_is_help=True)


def _drafts_dir(guide) -> Path:
    from edtool.desk import drafts_dir

    return drafts_dir(guide)


def _say(level: str, text: str) -> None:
    """Where the library's notices go: warnings to stderr, the rest to stdout."""
    typer.echo(text, err=level == "warning")


def _transition(paths: List[Path], action) -> None:
    from edtool.workflow import WorkflowError

    code = 0
    for path in paths:
        try:
            outcome = action(path)
        except WorkflowError as exc:
            typer.echo(exc.message, err=True)
            code = 1
            continue
        typer.echo(outcome.message)
        for note in outcome.notes:
            typer.echo(note, err=True)
    raise typer.Exit(code)


def submit(
    paths: List[Path] = typer.Argument(..., help="Draft files."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Content repository to check the slug against (or EDTOOL_CONTENT_REPO, or publish.content_repo)."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Entwürfe zur Prüfung einreichen (draft → review). Abgelehnt, wenn ein anderer Artikel den Slug schon hat."""
    from edtool.workflow import submit as do_submit

    guide = load_guide(styleguide)
    _transition(paths, lambda p: do_submit(p, guide, content_repo))


def approve(
    paths: List[Path] = typer.Argument(..., help="Draft files."),
    editor: Optional[str] = typer.Option(None, "--editor", envvar="EDTOOL_EDITOR", help="Redakteur(in) aus der Liste „authors:“ in styleguide.yaml (oder EDTOOL_EDITOR); ohne Angabe die Git-Identität, wenn sie dort steht."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Entwürfe freigeben (review → approved). Abgelehnt, solange die Prüfung Fehler findet, oder für die eigene Autorin."""
    from edtool.desk import root
    from edtool.workflow import WorkflowError, editor_person, git_identity, people_of
    from edtool.workflow import approve as do_approve

    guide = load_guide(styleguide)
    if not editor:
        try:
            editor = editor_person(people_of(guide), None, git_identity(root(guide))).name
        except WorkflowError as exc:
            fail(exc.message, 1)
    _transition(paths, lambda p: do_approve(p, editor, guide))


def reject(
    paths: List[Path] = typer.Argument(..., help="Draft files."),
    editor: str = typer.Option(..., "--editor", envvar="EDTOOL_EDITOR", help=EDITOR_HELP),
    reason: str = typer.Option(..., "--reason", help="Why the draft goes back to its author."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Entwürfe mit Begründung an die Autoren zurückgeben (review/approved → draft)."""
    from edtool.workflow import reject as do_reject

    guide = load_guide(styleguide)
    _transition(paths, lambda p: do_reject(p, editor, reason, guide))


def status(
    paths: Optional[List[Path]] = typer.Argument(None, help="Draft files or folders (default: the drafts folder)."),
    fmt: str = format_option(),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Übersicht aller Entwürfe: Status, Titel, Autor, Datum, Freigabe und Zahl der Befunde."""
    from edtool.messages import msg
    from edtool.workflow import board

    guide = load_guide(styleguide)
    rows = board(paths or [_drafts_dir(guide)], guide)
    if fmt == "json":
        typer.echo(json.dumps({"drafts": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(msg("status.empty"))
        return
    columns = ["status", "title", "note", "author", "date", "approved_by", "errors", "warnings", "path"]
    if not any(row["note"] for row in rows):
        columns.remove("note")
    headers = [msg(f"status.col.{c}") for c in columns]
    at = {c: i for i, c in enumerate(columns)}
    cells_of = [[str(row[c]) for c in columns] for row in rows]
    for cells in cells_of:
        cells[at["date"]], cells[at["path"]] = cells[at["date"]][:10], Path(cells[at["path"]]).name  # full in json
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        console = Console()
        longest = [max(len(headers[i]), *(len(cells[i]) for cells in cells_of)) for i in range(len(columns))]
        caps = {"author": 16, "approved_by": 14, "path": 24, "note": 24}
        widths = {c: min(longest[i], caps.get(c, longest[i])) for i, c in enumerate(columns)}
        shown = list(columns)
        for optional in ("path", "warnings", "date", "approved_by", "author"):  # a narrow terminal drops these first
            room = console.width - sum(widths[c] + 3 for c in shown if c != "title") - 4
            if room >= 20:
                break
            shown.remove(optional)
        room = console.width - sum(widths[c] + 3 for c in shown if c != "title") - 4
        widths["title"] = max(12, min(widths["title"], room))
        table = Table(show_lines=False)
        for column in shown:
            justify = "right" if column in ("errors", "warnings") else "left"
            table.add_column(headers[at[column]], no_wrap=True, overflow="ellipsis", justify=justify,
                             width=widths[column])
        styles = {"draft": "dim", "review": "yellow", "approved": "green", "published": "blue", "withdrawn": "red"}
        for row, cells in zip(rows, cells_of):
            if row["errors"]:
                cells[at["errors"]] = f"[bold red]{row['errors']}[/]"
            table.add_row(*(cells[at[c]] for c in shown), style=styles.get(row["status"]))
        console.print(table)
    else:
        widths = [max(len(h), *(len(r[i]) for r in cells_of)) for i, h in enumerate(headers)]
        widths[at["title"]] = min(widths[at["title"]], 60)
        if "note" in at:
            widths[at["note"]] = min(widths[at["note"]], 40)
        for line in [headers, *cells_of]:
            cells = [cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…" for i, cell in enumerate(line)]
            typer.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip())
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    typer.echo(msg("status.summary", total=len(rows), counts=", ".join(f"{k} {v}" for k, v in counts.items())))


def _resolve_draft(given: Path, guide) -> Path:
    """A draft's file, or the draft in the drafts folder whose slug (or file name) is `given`; else a German
    message and exit 1."""
    from edtool.messages import msg

    if given.is_file():
        return given
    if given.suffix != ".md" and "/" not in str(given):
        from edtool.draft import Draft, DraftError

        folder = _drafts_dir(guide)
        for candidate in sorted(folder.glob("**/*.md")) if folder.is_dir() else []:
            try:
                slug = Draft.load(candidate).front_matter.get("slug")
            except DraftError:
                continue
            if str(slug).strip() == str(given) or candidate.stem == str(given):
                return candidate
    fail(msg("draft.missing", path=given), 1)
    raise AssertionError  # fail exits


def correct(
    draft: Path = typer.Argument(..., help="Entwurf des veröffentlichten Artikels (Datei oder Slug)."),
    note: str = typer.Option("", "--note", help="Hinweis für die Leser, z. B. „In einer früheren Fassung hieß es …“; Pflicht."),
    update: bool = typer.Option(False, "--update", help="Eine Aktualisierung statt einer Korrektur (Hinweis für Commit und ninjs, nicht am Artikelende)."),
    editor: Optional[str] = typer.Option(None, "--editor", envvar="EDTOOL_EDITOR", help="Redakteur(in); gibt frei und veröffentlicht sofort, wenn publish.revisions keine Prüfung verlangt."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Inhalts-Repository (oder EDTOOL_CONTENT_REPO, oder publish.content_repo)."),
    push: bool = typer.Option(False, "--push", help="Danach zum Remote übertragen (nur beim sofortigen Veröffentlichen)."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Korrektur oder Aktualisierung eines veröffentlichten Artikels vormerken.

    Schreibt den Hinweis in den Entwurf (corrections: bzw. update_note:) und reicht ihn zur Prüfung ein;
    edtool approve und edtool publish machen daraus einen Commit „Correct:“ bzw. „Update:“ mit neuer
    Fassungsnummer und ninjs-Objekt. Beispiel:

      edtool correct drafts/kuka.md --note "In einer früheren Fassung hieß es, der Roboter koste 40 000 Euro."

    Exit-Status: 0 vorgemerkt (oder veröffentlicht), 1 abgelehnt, 2 Veröffentlichung nicht möglich."""
    from edtool.publish import Publisher
    from edtool.publish.plan import Rules
    from edtool.workflow import approve as do_approve
    from edtool.workflow import correct as do_correct

    guide = load_guide(styleguide)
    path = _resolve_draft(draft, guide)
    outcome = do_correct(path, note, guide, update=update)
    rules = Rules.from_settings(guide.section("publish"))
    review = rules.update_review if update else rules.correction_review
    if review or not editor:
        typer.echo(outcome.message)
        raise typer.Exit(0)
    # the desk lets an editor correct without a second review: approve and publish at once
    typer.echo(do_approve(path, editor, guide).message)
    with Publisher(guide, content_repo, editor, notify=_say) as publisher:
        code = publisher.publish([path], push)
    raise typer.Exit(code)


def withdraw(
    draft: Path = typer.Argument(..., help="Entwurf des veröffentlichten Artikels (Datei oder Slug)."),
    reason: str = typer.Option("", "--reason", help="Grund des Rückzugs (steht im Vermerk, im Commit und im ninjs-Objekt); Pflicht."),
    editor: str = typer.Option("", "--editor", envvar="EDTOOL_EDITOR", help="Wer zurückzieht; Pflicht."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Inhalts-Repository (oder EDTOOL_CONTENT_REPO, oder publish.content_repo)."),
    push: bool = typer.Option(False, "--push", help="Danach zum Remote übertragen."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Nur zeigen, was geschähe; nichts ändern."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Einen Artikel rechtlich zurückziehen (withdraw), mit Vermerk.

    Der Artikel verschwindet aus den veröffentlichten Inhalten; neben seinem Pfad bleibt ein Vermerk
    (…withdrawn.json: Grund, wer, wann, welche Fassung) und das ninjs-Objekt mit pubStatus canceled.
    Der Entwurf steht danach auf „withdrawn“. Anders als edtool unpublish (einfach offline nehmen,
    der Entwurf geht zurück auf „draft“). Beispiel:

      edtool withdraw drafts/kuka.md --reason "Einstweilige Verfügung vom 14.08.2025" --editor "Katrin Vogel"

    Exit-Status: 0 zurückgezogen, 1 abgelehnt, 2 Inhalts-Repository nicht nutzbar."""
    from edtool.publish import Publisher
    from edtool.workflow import signed

    guide = load_guide(styleguide)
    path = _resolve_draft(draft, guide)
    signed(editor, reason, need_reason=True)  # refused before the content repository is even opened
    with Publisher(guide, content_repo, editor, dry_run, notify=_say) as publisher:
        code = publisher.withdraw(path, editor, reason, push)
    raise typer.Exit(code)


def publish(
    paths: Optional[List[Path]] = typer.Argument(None, help="Approved drafts (or folders, with --all)."),
    all_: bool = typer.Option(False, "--all", help="Publish every approved draft (in PATHs or the drafts folder)."),
    due: bool = typer.Option(False, "--due", help="Alle freigegebenen Entwürfe veröffentlichen, deren publish_at (und Sperrfrist) erreicht ist – für cron oder einen CI-Zeitplan."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Content repository (or EDTOOL_CONTENT_REPO, or publish.content_repo)."),
    editor: Optional[str] = typer.Option(None, "--editor", envvar="EDTOOL_EDITOR", help="Committer (default: git's configured identity)."),
    push: bool = typer.Option(False, "--push", help="Push to the configured remote and branch afterwards."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be written and committed; change nothing."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Freigegebene Entwürfe ins Inhalts-Repository veröffentlichen (ein Commit pro Artikel).

    Nur mit --push: die noch ausstehenden Commits übertragen."""
    from edtool.messages import msg
    from edtool.publish import Publisher, drafts_to_publish

    guide = load_guide(styleguide)
    if not paths and not all_ and not push and not due:
        fail(msg("publish.no-paths"))
    files = drafts_to_publish(paths or [_drafts_dir(guide)], all_ or due) if paths or all_ or due else []
    with Publisher(guide, content_repo, editor, dry_run, notify=_say) as publisher:
        if due:
            files = publisher.due(files)
        if not files:
            if due:
                typer.echo(msg("publish.none-due"))
            elif paths or all_:
                typer.echo(msg("publish.nothing"))
            code = publisher.publish([], push) if push else 0
        else:
            code = publisher.publish(files, push)
    raise typer.Exit(code)


def unpublish(
    path: Path = typer.Argument(..., help="The published article's draft."),
    editor: str = typer.Option(..., "--editor", envvar="EDTOOL_EDITOR", help=EDITOR_HELP),
    reason: str = typer.Option(..., "--reason", help="Why the article is retracted (kept in the commit)."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Content repository (or EDTOOL_CONTENT_REPO, or publish.content_repo)."),
    push: bool = typer.Option(False, "--push", help="Push to the configured remote and branch afterwards."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be committed; change nothing."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Einen veröffentlichten Artikel mit eigenem Commit offline nehmen; der Entwurf geht zurück auf draft."""
    from edtool.publish import Publisher

    guide = load_guide(styleguide)
    with Publisher(guide, content_repo, editor, dry_run, notify=_say) as publisher:
        code = publisher.unpublish(path, editor, reason, push)
    raise typer.Exit(code)


@hooks_app.command("install")
def hooks_install(
    force: bool = typer.Option(False, "--force", help="Replace a hook that edtool did not write (kept as a backup)."),
    full: bool = typer.Option(False, "--full", help="Include grammar and spelling (needs the LanguageTool server)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE", help="Let the hook leave out the findings accepted in FILE."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """.git/hooks/pre-commit installieren: prüft vor jedem Commit die vorgemerkten Entwürfe."""
    from edtool.hooks import HookError, install
    from edtool.messages import msg

    load_guide(styleguide, required=False)  # a broken desk is reported now, not at the first commit

    try:
        hook = install(Path.cwd(), force=force, full=full, baseline=baseline)
    except HookError as exc:
        fail(str(exc), 1)
        return
    typer.echo(msg("hooks.installed", hook=hook))


from edtool.cli.check import hooks_run  # noqa: E402  (options and output shared with `edtool check`)

hooks_app.command("run")(hooks_run)


def register(app: typer.Typer) -> None:
    app.command("submit")(submit)
    app.command("approve")(approve)
    app.command("reject")(reject)
    app.command("status")(status)
    app.command("publish")(publish)
    app.command("unpublish")(unpublish)
    app.command("correct")(correct)
    app.command("withdraw")(withdraw)
    app.add_typer(hooks_app, name="hooks")

