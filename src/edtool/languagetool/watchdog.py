"""Stops the local LanguageTool server after a period without activity.

    python -m edtool.languagetool.watchdog CACHE_DIR SERVER_PID IDLE_SECONDS SERVER_START_TICKS -Dedtool.token=…

The server's token and cache folder come in the environment (process.TOKEN_ENV, FOLDER_ENV), as
they did for the server itself; the last argument only lets edtool recognise the watchdog on systems
without /proc. The watchdog signals the server only when it still verifies as that
server (process.check: start time, token, folder), checked again right before the signal; it exits
as soon as the pid is gone or no longer verifies. Activity is the newest modification time of
server.activity (touched by every edtool run that uses the server) and server.log (LanguageTool
logs each request). It acts only while it holds the server lock, so it never stops a server that a
run is starting or checking with right then. Light on imports: it sleeps next to the server.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from edtool.languagetool import process as proc

MAIN_CLASS = "org.languagetool.server.HTTPServer"


_BEGAN = time.time()


def _last_activity(folder: Path) -> float:
    times = [_BEGAN]
    for name in ("server.activity", "server.log"):
        try:
            times.append((folder / name).stat().st_mtime)
        except OSError:
            pass
    return max(times)


def _forget(folder: Path, token: str) -> None:
    state = folder / "server.json"
    try:
        if json.loads(state.read_text(encoding="utf-8")).get("token") == token:
            state.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def _stop_if_idle(folder: Path, identity: proc.Identity, idle: float) -> bool:
    """True when the watchdog is done (server stopped, or not ours any more)."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(folder / "server.lock"), timeout=0):
            if time.time() - _last_activity(folder) < idle:
                return False  # a run used it while we waited for the lock
            proc.terminate(identity, MAIN_CLASS)  # checks again, through a pidfd
            _forget(folder, identity.token)
            return True
    except Timeout:
        return False  # a run holds the lock: it is starting or using the server


def main(argv: list[str]) -> int:
    folder, pid, idle, ticks = Path(argv[0]), int(argv[1]), float(argv[2]), int(argv[3])
    identity = proc.Identity(pid, ticks, proc.boot_id(), os.environ.get(proc.TOKEN_ENV, ""),
                             os.environ.get(proc.FOLDER_ENV, ""))
    poll = max(0.5, min(30.0, idle / 4))
    while proc.check(identity, MAIN_CLASS).ours:
        if time.time() - _last_activity(folder) >= idle and _stop_if_idle(folder, identity, idle):
            return 0
        time.sleep(poll)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
