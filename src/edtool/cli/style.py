"""House style commands: `edtool rules`, `edtool styleguide test`, and the --fix/--diff runner."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, format_option, load_guide

styleguide_app = typer.Typer(help="An der styleguide.yaml arbeiten: die Regeln an ihren Beispielen testen.",
                             no_args_is_help=True)


def _compiled(guide):
    from edtool.checks.style import build_rules

    return build_rules(guide)


def rules(
    fmt: str = format_option(),
    styleguide: Optional[Path] = STYLEGUIDE_OPTION,
) -> None:
    """Die Hausstil-Regeln mit Art, Stufe und Meldung auflisten."""
    style = _compiled(load_guide(styleguide))
    rows = [{"id": r.id, "kind": r.KIND, "level": r.severity.value, "levels": r.levels(), "enabled": r.enabled,
             "fixable": r.fixable, "scopes": sorted(r.scopes), "message": r.message, "link": r.link}
            for r in style.rules]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max((len(r["id"]) for r in rows), default=10)
    for row in rows:
        state = "" if row["enabled"] else " (aus)"
        fixable = ", fix" if row["fixable"] else ""
        typer.echo(f"{row['id']:<{width}}  {row['kind']:<12} {row['levels'] + fixable}{state}\n"
                   f"{'':<{width}}  {row['message']}")


@styleguide_app.command("test")
def test_examples(styleguide: Optional[Path] = STYLEGUIDE_OPTION) -> None:
    """Die Beispiele jeder Regel prüfen (flag: muss gemeldet werden, accept: darf nicht);
    Exit-Status 1 bei einem Fehlschlag."""
    from edtool.checks.style.examples import run_examples
    from edtool.messages import msg

    style = _compiled(load_guide(styleguide))
    count, examples, failures = run_examples(style)
    for failure in failures:
        key = "style.example-missed" if failure.expected == "flag" else "style.example-flagged"
        typer.echo(msg(key, rule=failure.rule, text=failure.text, message=failure.message))
    if failures:
        typer.echo(msg("style.examples-failed", failed=len({f.rule for f in failures}), rules=count))
        raise typer.Exit(1)
    typer.echo(msg("style.examples-ok", rules=count, examples=examples))


def run_fix(targets: list[str], guide, options, write: bool, checkrun=None) -> bool:
    """--fix (write=True): fix, say how many files changed, return False so the check runs on.
    --diff (write=False): print each change in its words and exit 0 (nothing to change) or 1."""
    from edtool.fix import fix_paths
    from edtool.messages import msg

    results = fix_paths(targets, guide, options, write=write, checkrun=checkrun)
    for result in results:
        if result.internal:
            typer.echo(msg("fix.internal", path=result.path, reason=result.internal), err=True)
    changed = [r for r in results if r.changed]
    if not write:
        from edtool.cli.progress import live_output

        color = live_output(sys.stdout) and "NO_COLOR" not in os.environ
        for result in changed:
            typer.echo("\n".join(result.word_diff(color=color)))
        raise typer.Exit(1 if changed else 0)
    for result in changed:
        if result.error:
            typer.echo(msg("style.fix-write-failed", path=result.path, reason=result.error), err=True)
    written = [r for r in changed if not r.error]
    for result in written:
        for line, column, rule, before, after in result.changes:
            typer.echo(msg("style.fixed-one", path=result.path, line=line, column=column, rule=rule,
                           before=before, after=after), err=True)
    typer.echo(msg("style.fixed", count=len(written)) if written else msg("style.fixed-none"), err=True)
    return False


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
    app.add_typer(styleguide_app, name="styleguide")
