"""Workflow commands: submit, approve, reject, status, publish, unpublish, hooks."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, format_option, load_guide

EDITOR_HELP = "Redakteur(in) aus der Liste „authors:“ in styleguide.yaml (oder EDTOOL_EDITOR)."
hooks_app = typer.Typer(help="Git-pre-commit-Hook, der die vorgemerkten Entwürfe prüft.", no_args_is_help=True)


def _drafts_dir(guide) -> Path:
    from edtool.desk import drafts_dir

    return drafts_dir(guide)


def _say(level: str, text: str) -> None:
    """Where the library's notices go: warnings to stderr, the rest to stdout."""
    typer.echo(text, err=level == "warning")


COMMIT_HELP = ("Die Statusänderung im Git-Repository der Redaktion committen (nur die Entwurfsdatei, eigener "
               "Commit je Entwurf); Standard: workflow.commit in styleguide.yaml.")


def _desk_commit(guide, flag: Optional[bool], paths, command: str):
    """A DeskCommit when the status change is to be committed (refused before anything changes), else None."""
    from edtool.workflow import DeskCommit, WorkflowError, commit_wanted

    if not commit_wanted(guide, flag if isinstance(flag, bool) else None):
        return None
    try:
        return DeskCommit([p for p in paths if Path(p).is_file()], command)
    except WorkflowError as exc:
        fail(exc.message, exc.exit_code)


def _commit_changed(committer, paths) -> int:
    """Commit each changed draft; 0, or 2 when a commit failed (the status change stays)."""
    from edtool.messages import msg
    from edtool.workflow import WorkflowError

    code = 0
    for path in paths if committer is not None else []:
        if Path(path) not in committer.files:
            continue
        try:
            sha = committer.commit(path)
        except WorkflowError as exc:
            typer.echo(exc.message + "\n" + msg("workflow.commit-left", path=path), err=True)
            code = 2
            continue
        if sha:
            typer.echo(msg("workflow.commit-done", path=path, commit=sha))
    return code


def _transition(paths: List[Path], action, committer=None) -> None:
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
        code = max(code, _commit_changed(committer, [path]))
    raise typer.Exit(code)


def submit(
    paths: List[Path] = typer.Argument(..., help="Entwurfsdateien."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Inhalts-Repository, gegen das der Slug geprüft wird (oder EDTOOL_CONTENT_REPO, oder publish.content_repo)."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Entwürfe zur Prüfung einreichen (draft → review). Abgelehnt, wenn ein anderer Artikel den Slug schon hat."""
    from edtool.workflow import submit as do_submit

    guide = load_guide(styleguide)
    committer = _desk_commit(guide, commit, paths, "submit")
    _transition(paths, lambda p: do_submit(p, guide, content_repo), committer)


def approve(
    paths: List[Path] = typer.Argument(..., help="Entwurfsdateien."),
    editor: Optional[str] = typer.Option(None, "--editor", envvar="EDTOOL_EDITOR", help="Redakteur(in) aus der Liste „authors:“ in styleguide.yaml (oder EDTOOL_EDITOR); ohne Angabe die Git-Identität, wenn sie dort steht."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
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
    committer = _desk_commit(guide, commit, paths, "approve")
    _transition(paths, lambda p: do_approve(p, editor, guide), committer)


def reject(
    paths: List[Path] = typer.Argument(..., help="Entwurfsdateien."),
    editor: str = typer.Option(..., "--editor", envvar="EDTOOL_EDITOR", help=EDITOR_HELP),
    reason: str = typer.Option(..., "--reason", help="Warum der Entwurf an die Autoren zurückgeht; Pflicht."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Entwürfe mit Begründung an die Autoren zurückgeben (review/approved → draft)."""
    from edtool.workflow import reject as do_reject

    guide = load_guide(styleguide)
    committer = _desk_commit(guide, commit, paths, "reject")
    _transition(paths, lambda p: do_reject(p, editor, reason, guide), committer)


class State(str, Enum):
    draft = "draft"
    review = "review"
    approved = "approved"
    published = "published"
    withdrawn = "withdrawn"
    sent_back = "sent-back"


def status(
    paths: Optional[List[Path]] = typer.Argument(None, help="Entwürfe oder Ordner (Standard: der Entwurfsordner)."),
    mine: bool = typer.Option(False, "--mine", help="Nur meine Entwürfe: die der Git-Identität (user.name, user.email), abgeglichen mit der Liste „authors:“."),
    state: Optional[State] = typer.Option(None, "--state", help="Nur Entwürfe in diesem Status: draft, review, approved, published, withdrawn, oder sent-back (zurückgeschickt, mit Grund)."),
    fmt: str = format_option(),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Übersicht der Entwürfe: Status, Datum, Titel, Befunde; darunter Autor, Länge, Freigabe, Datei und Hinweise
    (z. B. der Grund einer Zurückweisung).

    Beispiel: edtool status --mine --state review

    Exit-Status: 0 (auch ohne Entwürfe), 2 Redaktion nicht lesbar oder eigene Identität unbekannt (--mine)."""
    from edtool.messages import msg
    from edtool.workflow import WorkflowError, board, current_writer, filter_board

    guide = load_guide(styleguide)
    writer = None
    state = state.value if isinstance(state, State) else None  # called as a function: typer's defaults are objects
    if mine is True:
        try:
            writer = current_writer(guide)
        except WorkflowError as exc:
            fail(exc.message)
    rows = filter_board(board(paths or [_drafts_dir(guide)], guide), writer, state)
    if fmt == "json":
        typer.echo(json.dumps({"drafts": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(msg("status.empty"))
        return
    import shutil

    width = max(40, shutil.get_terminal_size((80, 24)).columns)
    lines = board_lines(rows, width)
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console(width=width, highlight=False, soft_wrap=True)
        styles = {"draft": "dim", "review": "yellow", "approved": "green", "published": "blue", "withdrawn": "red"}
        for text, state_of_line in lines:
            console.print(text, style=styles.get(state_of_line or ""), markup=False)
    else:
        for text, _ in lines:
            typer.echo(text)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    typer.echo(msg("status.summary", total=len(rows), counts=", ".join(f"{k} {v}" for k, v in counts.items())))


def shorten_titles(titles: List[str], width: int) -> List[str]:
    """Each title within `width` characters; different titles never shown as the same text (where a cut
    would make them equal, the part where they differ is shown after the „…“)."""
    def cut(title: str, end: int | None = None) -> str:
        if len(title) <= width:
            return title
        if end is None:
            return title[: width - 1] + "…"
        tail = min(end, width - 2 - min(8, width // 3))  # keep a head of up to 8 characters
        head = width - 1 - tail
        return title[:head] + "…" + title[end - tail: end]

    shown = [cut(t) for t in titles]
    for _ in range(len(titles) + 1):
        seen: dict[str, list[int]] = {}
        for index, text in enumerate(shown):
            seen.setdefault(text, []).append(index)
        clashes = [group for group in seen.values() if len({titles[i] for i in group}) > 1]
        if not clashes:
            break
        for group in clashes:
            for i in group:
                others = [titles[j] for j in group if titles[j] != titles[i]]
                differ = max(next((k for k, (a, b) in enumerate(zip(titles[i], o)) if a != b), min(len(o), len(titles[i])))
                             for o in others)
                shown[i] = cut(titles[i], min(len(titles[i]), differ + 1))
    return shown


def board_lines(rows: List[dict], width: int = 80) -> List[tuple]:
    """The board as text lines of at most `width` characters: per draft a main line (status, date, title,
    errors, warnings), a line with author, length, approval and file, and one for a note (why it was sent
    back, what is planned …). (text, status) pairs; status for colour."""
    from edtool.messages import msg

    def fit(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    heads = {c: msg(f"status.col.{c}") for c in ("status", "date", "title", "errors", "warnings")}
    w_status = max(len(heads["status"]), *(len(r["status"]) for r in rows))
    w_errors, w_warnings = len(heads["errors"]), len(heads["warnings"])
    for row in rows:
        w_errors, w_warnings = max(w_errors, len(str(row["errors"]))), max(w_warnings, len(str(row["warnings"])))
    fixed = w_status + 10 + w_errors + w_warnings + 4 * 2
    w_title = max(10, min(width - fixed, max(len(heads["title"]), *(len(r["title"]) for r in rows))))
    titles = shorten_titles([r["title"] for r in rows], w_title)
    indent = " " * (w_status + 2)

    def main(status: str, date: str, title: str, errors: str, warnings: str) -> str:
        return fit(f"{status:<{w_status}}  {date:<10}  {title:<{w_title}}  {errors:>{w_errors}}  "
                   f"{warnings:>{w_warnings}}".rstrip())

    lines = [(main(heads["status"], heads["date"], heads["title"], heads["errors"], heads["warnings"]), None),
             (fit(indent + msg("status.detail-head")), None)]
    for row, title in zip(rows, titles):
        lines.append((main(row["status"], row["date"][:10], title, str(row["errors"]), str(row["warnings"])),
                      row["status"]))
        details = [row["author"] or "–"]
        if row.get("words") is not None:
            details.append(msg("status.length", words=row["words"], minutes=row["reading_minutes"]))
        if row["approved_by"]:
            details.append(msg("status.approved-by", editor=row["approved_by"]))
        details.append(Path(row["path"]).name)
        lines.append((fit(indent + " · ".join(details)), None))
        if row.get("note"):
            lines.append((fit(indent + "↳ " + row["note"]), None))
    return lines


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
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
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
    committer = _desk_commit(guide, commit, [path], "correct")
    outcome = do_correct(path, note, guide, update=update)
    rules = Rules.from_settings(guide.section("publish"))
    review = rules.update_review if update else rules.correction_review
    if review or not editor:
        typer.echo(outcome.message)
        raise typer.Exit(_commit_changed(committer, [path]))
    # the desk lets an editor correct without a second review: approve and publish at once
    typer.echo(do_approve(path, editor, guide).message)
    with Publisher(guide, content_repo, editor, notify=_say) as publisher:
        code = publisher.publish([path], push)
    raise typer.Exit(max(code, _commit_changed(committer, [path])))


def withdraw(
    draft: Path = typer.Argument(..., help="Entwurf des veröffentlichten Artikels (Datei oder Slug)."),
    reason: str = typer.Option("", "--reason", help="Grund des Rückzugs (steht im Vermerk, im Commit und im ninjs-Objekt); Pflicht."),
    editor: str = typer.Option("", "--editor", envvar="EDTOOL_EDITOR", help="Wer zurückzieht; Pflicht."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Inhalts-Repository (oder EDTOOL_CONTENT_REPO, oder publish.content_repo)."),
    push: bool = typer.Option(False, "--push", help="Danach zum Remote übertragen."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Nur zeigen, was geschähe; nichts ändern."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
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
    committer = None if dry_run else _desk_commit(guide, commit, [path], "withdraw")
    with Publisher(guide, content_repo, editor, dry_run, notify=_say) as publisher:
        code = publisher.withdraw(path, editor, reason, push)
    raise typer.Exit(max(code, _commit_changed(committer, [path])))


def publish(
    paths: Optional[List[Path]] = typer.Argument(None, help="Freigegebene Entwürfe (oder Ordner, mit --all)."),
    all_: bool = typer.Option(False, "--all", help="Alle freigegebenen Entwürfe veröffentlichen (in den angegebenen Pfaden oder im Entwurfsordner)."),
    due: bool = typer.Option(False, "--due", help="Alle freigegebenen Entwürfe veröffentlichen, deren publish_at (und Sperrfrist) erreicht ist – für cron oder einen CI-Zeitplan."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Inhalts-Repository (oder EDTOOL_CONTENT_REPO, oder publish.content_repo)."),
    editor: Optional[str] = typer.Option(None, "--editor", envvar="EDTOOL_EDITOR", help="Wer veröffentlicht (Committer): eine Person aus „authors:“ (oder EDTOOL_EDITOR); ohne Angabe die Git-Identität, wenn sie dort steht."),
    push: bool = typer.Option(False, "--push", help="Danach zum eingestellten Remote und Branch übertragen."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Nur zeigen, was geschrieben und committet würde; nichts ändern."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
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
    committer = None if dry_run else _desk_commit(guide, commit, files, "publish")
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
    raise typer.Exit(max(code, _commit_changed(committer, files)))


def unpublish(
    path: Path = typer.Argument(..., help="Entwurf des veröffentlichten Artikels."),
    editor: str = typer.Option(..., "--editor", envvar="EDTOOL_EDITOR", help=EDITOR_HELP),
    reason: str = typer.Option(..., "--reason", help="Warum der Artikel offline geht (steht im Commit); Pflicht."),
    content_repo: Optional[Path] = typer.Option(None, "--content-repo", help="Inhalts-Repository (oder EDTOOL_CONTENT_REPO, oder publish.content_repo)."),
    push: bool = typer.Option(False, "--push", help="Danach zum eingestellten Remote und Branch übertragen."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Nur zeigen, was committet würde; nichts ändern."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Einen veröffentlichten Artikel mit eigenem Commit offline nehmen; der Entwurf geht zurück auf draft."""
    from edtool.publish import Publisher

    guide = load_guide(styleguide)
    committer = None if dry_run else _desk_commit(guide, commit, [path], "unpublish")
    with Publisher(guide, content_repo, editor, dry_run, notify=_say) as publisher:
        code = publisher.unpublish(path, editor, reason, push)
    raise typer.Exit(max(code, _commit_changed(committer, [path])))


@hooks_app.command("install")
def hooks_install(
    force: bool = typer.Option(False, "--force", help="Einen Hook ersetzen, der nicht von edtool stammt (er wird als Sicherung aufbewahrt)."),
    full: bool = typer.Option(False, "--full", help="Auch Grammatik und Rechtschreibung prüfen (braucht den LanguageTool-Server)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE", help="Die in FILE akzeptierten Befunde lässt der Hook aus."),
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

