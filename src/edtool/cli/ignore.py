"""`edtool ignore add FILE:LINE:COLUMN RULE --reason "…"`: record a false alarm in ignore.yaml."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, load_guide

ignore_app = typer.Typer(help="Geprüfte Ausnahmen (ignore.yaml neben styleguide.yaml).", no_args_is_help=True)
_LOCATION = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<column>\d+))?$")


@ignore_app.command("add")
def add(
    location: str = typer.Argument(..., help="Stelle der Meldung: DATEI:ZEILE:SPALTE (wie in der Ausgabe von check)."),
    rule: str = typer.Argument(..., help="Kennung der Regel, z. B. style.abbreviations.introduce."),
    reason: str = typer.Option("", "--reason", help="Warum die Meldung hier nicht zutrifft (Pflicht)."),
    who: Optional[str] = typer.Option(None, "--who", help="Wer die Ausnahme verantwortet (Standard: git config "
                                                          "user.name)."),
    everywhere: bool = typer.Option(False, "--everywhere", help="Für diesen Text in allen Entwürfen, nicht nur in "
                                                                "diesem Satz."),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Eine Meldung als nicht zutreffend in ignore.yaml eintragen (check, Hook und CI lesen sie)."""
    from edtool.draft import Draft, DraftError
    from edtool.engine import CheckOptions, check_sources
    from edtool.fsutil import display_path
    from edtool.ignore import FILE_NAME, append_entry, new_entry
    from edtool.messages import msg
    from edtool.newdraft import git_user_name

    guide = load_guide(styleguide)  # a broken desk first, as in every command
    if not reason.strip():
        fail(msg("ignore.no-reason"))
    match = _LOCATION.match(location)
    if not match:
        fail(msg("ignore.bad-location", location=location))
    path, line = Path(match.group("path")), int(match.group("line"))
    column = int(match.group("column")) if match.group("column") else None
    try:
        draft = Draft.load(path)
    except DraftError as exc:
        fail(msg("ignore.no-draft", path=path, problem=exc.message))
    except OSError as exc:
        fail(msg("ignore.no-draft", path=path, problem=exc.strerror or exc))
    language_tool = rule.split(".")[0] in ("grammar", "spelling") or rule.isupper()
    options = CheckOptions(skip=set() if language_tool else {"grammar", "spelling"})
    results = check_sources([(display_path(path), lambda: draft)], guide, options)
    found = [d for d in results[0].diagnostics if d.rule == rule and d.line == line and
             (column is None or d.column == column or
              (d.end_line == d.line and d.column <= column < d.end_column))]
    if not found:
        fail(msg("ignore.no-finding", location=location, rule=rule))
    target = Path(guide.path).parent / FILE_NAME
    try:
        file = None if everywhere else Path(path).resolve().relative_to(target.resolve().parent).as_posix()
    except ValueError:
        file = Path(path).resolve().as_posix()
    entry = new_entry(draft, found[0], file, reason.strip(), (who or git_user_name() or "").strip() or "unbekannt")
    if everywhere and "text" in entry:
        entry.pop("sentence", None)
    try:
        at = append_entry(target, entry)
    except OSError as exc:
        fail(msg("ignore.no-draft", path=target, problem=exc.strerror or exc))
        return
    shown = os.path.relpath(target) if str(target.resolve()).startswith(str(Path.cwd().resolve())) else target
    typer.echo(msg("ignore.added", path=shown, line=at, rule=rule, reason=reason.strip()), err=True)
