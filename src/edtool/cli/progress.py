"""Where the library's notices and progress go: stderr, so that stdout (JSON, paths) stays clean.

On a terminal a step's progress is one live line, rewritten in place (at most ten times a second) and
ended by its last word. Elsewhere (a pipe, a log file, CI) progress becomes plain lines: the first
update of a step, then one every PLAIN_INTERVAL seconds, then its last word; no carriage returns, no
escape sequences. EDTOOL_PROGRESS=plain or =live overrides the choice; CI=... or TERM=dumb mean plain.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

PLAIN_INTERVAL = 10.0
LIVE_INTERVAL = 0.1


def live_output(stream: TextIO) -> bool:
    forced = os.environ.get("EDTOOL_PROGRESS", "").lower()
    if forced in ("plain", "live"):
        return forced == "live"
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Renderer:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = live_output(self.stream) if live is None else live
        self._open: str | None = None  # key of the live line on screen
        self._last: dict[str, float] = {}

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def _close_line(self) -> None:
        if self._open is not None:
            self._write("\n")
            self._open = None

    def notice(self, text: str) -> None:
        self._close_line()
        self._write(text + "\n")

    def progress(self, key: str, text: str, done: bool) -> None:
        now = time.monotonic()
        last = self._last.get(key)
        if self.live:
            if not done and last is not None and now - last < LIVE_INTERVAL:
                return
            if self._open not in (None, key):
                self._close_line()
            self._write("\r" + text + "\x1b[K")
            self._open = key
            if done:
                self._close_line()
        else:
            if not done and last is not None and now - last < PLAIN_INTERVAL:
                return
            self._write(text + "\n")
        if done:
            self._last.pop(key, None)
        else:
            self._last[key] = now


_attached: Renderer | None = None


def attach(stream: TextIO | None = None) -> Renderer:
    """Send the library's notices and progress to stderr for the rest of this command (replacing the
    renderer of an earlier command in the same process)."""
    global _attached
    from edtool.notices import forget, listen, listen_progress

    if _attached is not None:
        forget(_attached.notice)
        forget(_attached.progress)
    _attached = Renderer(stream)
    listen(_attached.notice)
    listen_progress(_attached.progress)
    return _attached
