"""Is the process behind a pid the server (or watchdog) this cache folder started? Answered from /proc.

A pid alone proves nothing: pids are recycled, and a record file can be copied or edited. A process
counts as ours only when all of these hold:
  1. same boot (/proc/sys/kernel/random/boot_id) and same start time (field 22 of /proc/<pid>/stat)
     as recorded: a recycled pid has a later start time;
  2. its environment (/proc/<pid>/environ, readable only by its own user) carries the record's random
     token and the real path of this cache folder: a server of another folder, a copied record or an
     unrelated process fails here, whatever its command line says;
  3. its command line names the expected program (the LanguageTool class, or the watchdog module).
For using a server (not for stopping it) `owns_port` adds: the pid holds the socket listening on the
recorded port, so the HTTP answer on that port comes from this very process.
Signals go through a pidfd opened before the check, so a process that exits and whose pid is reused
between check and signal is never hit. Without /proc (macOS, BSD) the start time and the command
line come from `ps`, and the token is checked on the command line (see _check_with_ps).
"""

from __future__ import annotations

import os
import select
import signal
import time
from dataclasses import dataclass
from pathlib import Path

TOKEN_ENV = "EDTOOL_SERVER_TOKEN"
FOLDER_ENV = "EDTOOL_SERVER_FOLDER"

HAVE_PROC = Path("/proc/self/stat").exists()

OURS = "ours"
GONE = "gone"  # no such process, a zombie, or the pid now belongs to a later process
FOREIGN = "foreign"  # a live process that is not ours (or cannot be shown to be)


@dataclass(frozen=True)
class Identity:
    pid: int
    start_ticks: int
    boot_id: str
    token: str
    folder: str  # real path of the cache folder


@dataclass(frozen=True)
class Verdict:
    state: str  # OURS, GONE or FOREIGN
    reason: str = ""  # German, for a message

    @property
    def ours(self) -> bool:
        return self.state == OURS


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()  # fields 3.. (the name may hold spaces and parentheses)


def start_ticks(pid: int) -> int | None:
    """Start time of the process: clock ticks since boot (field 22 of /proc/<pid>/stat); without
    /proc, seconds since the epoch from `ps -o lstart=`."""
    if not HAVE_PROC:
        started = _ps(pid, "lstart")
        try:
            if not started:
                return None
            return int(time.mktime(time.strptime(" ".join(started.split()), "%a %b %d %H:%M:%S %Y")))
        except ValueError:
            return None
    fields = _stat_fields(pid)
    try:
        return int(fields[19]) if fields else None
    except (IndexError, ValueError):
        return None


def _ps(pid: int, field: str) -> str | None:
    import subprocess

    try:
        done = subprocess.run(["ps", "-ww", "-o", f"{field}=", "-p", str(pid)], capture_output=True, text=True,
                              timeout=10, env=dict(os.environ, LC_ALL="C"))
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def token_argument(token: str) -> str:
    """The token on the command line too: only for systems without /proc (see _check_with_ps)."""
    return f"-Dedtool.token={token}"


def _check_with_ps(identity: Identity, marker: str) -> Verdict:
    """Without /proc (macOS, BSD): start time and command line from `ps`. Weaker than the environment
    check (a command line is visible to everyone), but a reused pid, another folder's server and an
    unrelated process still fail."""
    ticks = start_ticks(identity.pid)
    if ticks is None:
        return Verdict(GONE, "Prozess läuft nicht mehr")
    if ticks != identity.start_ticks:
        return Verdict(GONE, "die PID gehört inzwischen einem anderen Prozess")
    command = _ps(identity.pid, "command") or ""
    words = command.split()
    if not identity.token or token_argument(identity.token) not in words:
        return Verdict(FOREIGN, "Prozess trägt nicht die Kennung aus dem Eintrag")
    if not any(os.path.realpath(os.path.dirname(w)) == identity.folder or os.path.realpath(w) == identity.folder
               for w in words if os.sep in w):
        return Verdict(FOREIGN, "Prozess gehört zu einem anderen Cache-Ordner")
    if marker not in command:
        return Verdict(FOREIGN, "Prozess ist kein LanguageTool-Server von edtool")
    return Verdict(OURS)


def folder_id(folder: Path) -> str:
    return os.path.realpath(folder)



def child_env(token: str, folder: Path) -> dict:
    return dict(os.environ, **{TOKEN_ENV: token, FOLDER_ENV: folder_id(folder)})


def _environ(pid: int) -> dict[str, str] | None:
    raw = Path(f"/proc/{pid}/environ").read_bytes()  # PermissionError for another user's process
    out = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep:
            out[key.decode(errors="replace")] = value.decode(errors="replace")
    return out


def check(identity: Identity, marker: str) -> Verdict:
    """Whether identity.pid is still the process we started; `marker` must occur in its command line."""
    if not HAVE_PROC:
        return _check_with_ps(identity, marker)
    fields = _stat_fields(identity.pid)
    if fields is None or fields[0] in ("Z", "X"):
        return Verdict(GONE, "Prozess läuft nicht mehr")
    if identity.boot_id and identity.boot_id != boot_id():
        return Verdict(GONE, "Eintrag stammt aus einer früheren Sitzung des Rechners")
    try:
        ticks = int(fields[19])
    except (IndexError, ValueError):
        return Verdict(FOREIGN, "Startzeit nicht lesbar")
    if ticks != identity.start_ticks:
        return Verdict(GONE, "die PID gehört inzwischen einem anderen Prozess")
    try:
        env = _environ(identity.pid)
        cmdline = Path(f"/proc/{identity.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except PermissionError:
        return Verdict(FOREIGN, "Prozess eines anderen Benutzers")
    except OSError:
        return Verdict(GONE, "Prozess läuft nicht mehr")
    if not identity.token or env.get(TOKEN_ENV) != identity.token:
        return Verdict(FOREIGN, "Prozess trägt nicht die Kennung aus dem Eintrag")
    if env.get(FOLDER_ENV) != identity.folder:
        return Verdict(FOREIGN, "Prozess gehört zu einem anderen Cache-Ordner")
    if marker not in cmdline:
        return Verdict(FOREIGN, "Prozess ist kein LanguageTool-Server von edtool")
    return Verdict(OURS)


def _listening_inodes(pid: int, port: int) -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def owns_port(pid: int, port: int) -> bool:
    """The process holds the socket that listens on `port` (its own file descriptor, by inode)."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(pid, port)}
    if not wanted:
        return False
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(f"/proc/{pid}/fd/{name}") in wanted:
                return True
        except OSError:
            continue
    return False


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except ProcessLookupError:
        raise
    except (AttributeError, OSError):
        return None  # old kernel: signal by pid right after the check


def _send(pid: int, fd: int | None, sig: int) -> None:
    if fd is not None:
        signal.pidfd_send_signal(fd, sig)
    else:
        os.kill(pid, sig)


def _wait_exit(pid: int, fd: int | None, timeout: float) -> bool:
    if fd is not None:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(max(0, int(timeout * 1000))))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _exited(pid):
            return True
        time.sleep(0.1)
    return False


def _exited(pid: int) -> bool:
    if HAVE_PROC:
        fields = _stat_fields(pid)
        return fields is None or fields[0] in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def terminate(identity: Identity, marker: str, grace: float = 10.0) -> Verdict:
    """SIGTERM, then SIGKILL after `grace` seconds, only if the process verifies as ours.
    Returns the verdict taken before signalling (OURS means it was signalled and has exited)."""
    try:
        fd = _pidfd(identity.pid)
    except ProcessLookupError:
        return Verdict(GONE, "Prozess läuft nicht mehr")
    try:
        verdict = check(identity, marker)
        if not verdict.ours:
            return verdict
        try:
            _send(identity.pid, fd, signal.SIGTERM)
            if not _wait_exit(identity.pid, fd, grace):
                if fd is None and not check(identity, marker).ours:
                    return verdict  # without a pidfd: the pid may have been reused meanwhile
                _send(identity.pid, fd, signal.SIGKILL)
                _wait_exit(identity.pid, fd, 5.0)
        except ProcessLookupError:
            pass
        return verdict
    finally:
        if fd is not None:
            os.close(fd)
