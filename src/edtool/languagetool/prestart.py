"""Start the local LanguageTool server in the background when a writer begins work.

`edtool new` and `edtool hooks install` call `prestart(guide)`: when grammar is on, no shared server
is configured, LanguageTool is installed and no server of this cache folder runs or starts, it spawns
a detached `python -m edtool.languagetool.prestart IDLE_MINUTES WARMUP_JSON` that runs the usual
start (under the server lock, so a check that comes early waits for it instead of starting a second
one). It never blocks and never fails the command: every problem means "no pre-start".

It runs only for a person at a terminal (stdin and stderr are terminals), not in scripts, CI or
tests; EDTOOL_PRESTART=1 forces it, EDTOOL_PRESTART=0 switches it off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PRESTART_ENV = "EDTOOL_PRESTART"


def wanted() -> bool:
    forced = os.environ.get(PRESTART_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    try:
        return sys.stdin.isatty() and sys.stderr.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):
        return False


def prestart(guide=None, start: Path | None = None) -> str:
    """What happened: started, running, starting, disabled, remote, not-installed, off or failed."""
    try:
        return _prestart(guide, start)
    except Exception:  # noqa: BLE001 - a pre-start must never fail the writer's command
        return "failed"


def _prestart(guide, start: Path | None) -> str:
    if not wanted():
        return "off"
    from edtool.checks.grammar_settings import load_settings, warmup_params
    from edtool.languagetool import URL_ENV, cache_dir
    from edtool.languagetool.install import is_installed
    from edtool.languagetool.server import read_record, verify

    if guide is None:
        from edtool.styleguide import StyleGuide, StyleGuideError, find_styleguide

        try:
            guide = StyleGuide.load(find_styleguide(None, start))
        except StyleGuideError:
            guide = StyleGuide.from_text("{}")
    settings = load_settings(guide)
    if not settings.enabled:
        return "disabled"
    if os.environ.get(URL_ENV) or settings.server_url:
        return "remote"
    if not is_installed():
        return "not-installed"
    record = read_record()
    if record is not None and verify(record).ours:
        return record.state  # "running" or "starting": nothing to do
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])  # works from a source checkout as well
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cache_dir().mkdir(parents=True, exist_ok=True)
    subprocess.Popen([sys.executable, "-m", "edtool.languagetool.prestart", str(settings.idle_minutes),
                      json.dumps(warmup_params(settings))], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True, env=env, cwd=str(cache_dir()))
    return "started"


def main(argv: list[str]) -> int:
    from edtool.languagetool import LanguageToolError
    from edtool.languagetool.server import ensure_running

    try:
        ensure_running(float(argv[0]), warmup=json.loads(argv[1]))
    except (LanguageToolError, OSError, ValueError):
        return 1  # the next check reports it, with its usual message
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
