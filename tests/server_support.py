"""Shared by the LanguageTool process tests: finding and waiting for server processes, the record a start
writes, the real install linked into a test's cache folder, and a command on a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import link_languagetool

MAIN_CLASS = "org.languagetool.server.HTTPServer"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_gone(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pid)


def server_pids(cache: Path) -> list[int]:
    """Live JVMs whose command line names `cache` (LanguageTool servers of that folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if MAIN_CLASS in line and f"{cache}/server.properties" in line and "java" in line and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def installed(lt_install):
    return lt_install


link_install = link_languagetool


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def wait_for_starting_record(cache: Path, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = read_json(cache / "server.json")
        if data and data.get("state") == "starting":
            return data
        time.sleep(0.05)
    raise AssertionError("no record in state 'starting'")


LIVE = re.compile(r"\r([^\r\n]*)\x1b\[K")


class Terminal:
    """A command on a real pseudo-terminal (its controlling terminal, so ^C is a real Ctrl-C)."""

    def __init__(self, args: list[str], env: dict, cwd: Path):
        import fcntl
        import struct
        import termios

        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))

        def controlling_terminal():  # and Ctrl-C at its default, as a shell starts a foreground job
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        self.process = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd,
                                        preexec_fn=controlling_terminal, close_fds=True)
        os.close(follower)
        self.leader = leader
        self.buffer = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.leader, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.buffer += chunk

    @property
    def text(self) -> str:
        return self.buffer.decode("utf-8", errors="replace")

    def wait_for(self, pattern: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not re.search(pattern, self.text) and time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        assert re.search(pattern, self.text), self.text[-2000:]

    def finish(self, seconds: float = 600) -> int:
        code = self.process.wait(timeout=seconds)
        self.reader.join(5)
        os.close(self.leader)
        return code
