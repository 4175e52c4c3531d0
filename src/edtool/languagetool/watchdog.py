"""Stops the local LanguageTool server after a period without activity.

    python -m edtool.languagetool.watchdog CACHE_DIR SERVER_PID IDLE_SECONDS

Activity is the newest modification time of server.activity (touched by every edtool run that
uses the server) and server.log (LanguageTool logs each request). Exits when the server is gone.
Light on imports (standard library and the server module): it sleeps next to the server as long as that runs.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from edtool.languagetool.server import pid_alive, terminate


def _last_activity(folder: Path) -> float:
    times = []
    for name in ("server.activity", "server.log"):
        try:
            times.append((folder / name).stat().st_mtime)
        except OSError:
            pass
    return max(times, default=time.time())


def _stop(folder: Path, pid: int) -> None:
    terminate(pid)
    state = folder / "server.json"
    try:
        if json.loads(state.read_text(encoding="utf-8")).get("pid") == pid:
            state.unlink()
    except (OSError, ValueError):
        pass


def main(argv: list[str]) -> int:
    folder, pid, idle = Path(argv[0]), int(argv[1]), float(argv[2])
    poll = max(0.5, min(30.0, idle / 4))
    while pid_alive(pid):
        if time.time() - _last_activity(folder) >= idle:
            _stop(folder, pid)
            return 0
        time.sleep(poll)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
