"""`edtool server install|start|stop|status`: the local LanguageTool server by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer

from edtool.cli.common import STYLEGUIDE_OPTION, fail, format_option, load_guide

server_app = typer.Typer(help="Den lokalen LanguageTool-Server verwalten (Grammatik und Rechtschreibung).",
                         no_args_is_help=True)

FORMAT_OPTION = format_option()


def _settings(styleguide: Optional[Path]):
    from edtool.checks.grammar_settings import load_settings
    from edtool.styleguide import StyleGuideError

    guide = load_guide(styleguide, required=False)
    try:
        return load_settings(guide)
    except StyleGuideError as exc:
        fail(str(exc))


def _remote_url(settings) -> str | None:
    from edtool.languagetool import URL_ENV

    url = os.environ.get(URL_ENV) or settings.server_url
    return url.rstrip("/") if url else None


def _echo(data: dict, fmt: str, text: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(text)


@server_app.command("install")
def install_command(force: bool = typer.Option(False, "--force", help="Erneut installieren, auch wenn LanguageTool schon installiert ist."),
                    fmt: str = FORMAT_OPTION, styleguide: Optional[Path] = STYLEGUIDE_OPTION) -> None:
    """LanguageTool aus Maven Central in den Cache-Ordner von edtool installieren (einmal; braucht Java 17+ und mvn)."""
    from edtool.cli.progress import attach
    from edtool.languagetool import LanguageToolError, lib_dir
    from edtool.languagetool.install import install
    from edtool.messages import msg

    load_guide(styleguide, required=False)  # a broken desk is reported first, as by every command
    attach()
    try:
        marker = install(force=force)
    except LanguageToolError as exc:
        fail(exc.message)
        return
    key = "server.install-done" if marker["changed"] else "server.installed"
    _echo(dict(marker, path=str(lib_dir())), fmt,
          msg(key, version=marker["version"], path=lib_dir(), jars=marker["jars"], seconds=marker.get("seconds", 0)))


@server_app.command("start")
def start_command(styleguide: Optional[Path] = STYLEGUIDE_OPTION, fmt: str = FORMAT_OPTION,
                  idle_minutes: Optional[float] = typer.Option(
                      None, "--idle-minutes", help="Nach so vielen Minuten ohne Nutzung beenden (Vorgabe: grammar.idle_minutes, 30; 0 = nie). Gilt auch für einen schon laufenden Server.")) -> None:
    """Den lokalen LanguageTool-Server starten (oder den laufenden melden)."""
    import math

    from edtool.cli.progress import attach
    from edtool.languagetool import LanguageToolError
    from edtool.languagetool.server import start, status
    from edtool.messages import msg

    if idle_minutes is not None and (not math.isfinite(idle_minutes) or idle_minutes < 0):
        fail(msg("server.idle-negative", value=f"{idle_minutes:g}"))
    settings = _settings(styleguide)
    remote = _remote_url(settings)
    if remote:
        _echo({"url": remote, "remote": True}, fmt, msg("server.remote", url=remote))
        return
    attach()
    try:
        from edtool.checks.grammar_settings import warmup_params

        record, started = start(settings.idle_minutes if idle_minutes is None else idle_minutes,
                                warmup=warmup_params(settings), apply_idle=idle_minutes is not None)
    except LanguageToolError as exc:
        fail(exc.message)
        return
    key = "server.started" if started else "server.already"
    text = msg(key, version=record.version, url=record.url, pid=record.pid)
    if not started and idle_minutes is not None:
        text += " " + (msg("server.idle-applied", idle=f"{record.idle_minutes:g}") if record.idle_minutes
                       else msg("server.idle-never"))
    _echo(status(), fmt, text)


@server_app.command("stop")
def stop_command(fmt: str = FORMAT_OPTION, styleguide: Optional[Path] = STYLEGUIDE_OPTION) -> None:
    """Den lokalen LanguageTool-Server beenden (nur den, den dieser Cache-Ordner gestartet hat)."""
    from edtool.cli.progress import attach
    from edtool.languagetool.server import STATE, state_path, stop
    from edtool.messages import msg

    load_guide(styleguide, required=False)  # a broken desk is reported first, as by every command
    attach()  # says so when it has to wait for a start under way
    result = stop()
    if result.stopped:
        text = msg("server.stopped", pid=result.pid)
    elif result.pid is None:
        text = msg("server.not-running")
    elif result.state == "foreign":
        text = msg("server.not-ours", record=state_path(STATE), pid=result.pid, reason=result.reason)
    else:
        text = msg("server.gone", pid=result.pid, reason=result.reason)
    _echo({"stopped": result.stopped, "pid": result.pid, "verdict": result.state or None,
           "reason": result.reason or None}, fmt, text)


@server_app.command("status")
def status_command(styleguide: Optional[Path] = STYLEGUIDE_OPTION, fmt: str = FORMAT_OPTION) -> None:
    """Zeigen, ob ein LanguageTool-Server läuft, wo und in welcher Version."""
    from edtool.languagetool.server import server_info, status
    from edtool.messages import msg

    settings = _settings(styleguide)
    remote = _remote_url(settings)
    if remote:
        info = server_info(remote, timeout=settings.timeout)
        data = {"url": remote, "pid": None, "version": info["software"].get("version") if info else None,
                "running": info is not None, "remote": True}
        _echo(data, fmt, msg("server.remote", url=remote) + ("" if info else " (antwortet nicht)"))
        raise typer.Exit(0 if info else 1)
    data = status()
    if data["running"]:
        text = msg("server.already", version=data["version"], url=data["url"], pid=data["pid"])
    elif data["starting"]:
        text = msg("server.starting-now", pid=data["pid"])
    elif not data["installed"]:
        from edtool.languagetool import pinned_version

        text = msg("grammar.not-installed", version=pinned_version())
    else:
        text = msg("server.not-running")
    _echo(data, fmt, text)
    raise typer.Exit(0 if data["running"] else 1)
