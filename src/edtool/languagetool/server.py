"""The local LanguageTool server: started once, recorded, reused by every later edtool run.

State in edtool's cache folder:
  server.json      pid, port, url, version, start time, idle minutes, watchdog pid
  server.lock      held while a server is checked or started: two runs at once start one server
  server.log       the server's output; its modification time counts as activity
  server.activity  touched by every edtool run that uses the server
A watchdog process (watchdog.py) stops the server after `idle_minutes` without activity.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from edtool.fsutil import atomic_write
from edtool.languagetool import LanguageToolError, cache_dir, install_dir, lib_dir, pinned_version
from edtool.messages import msg
from edtool.notices import notify

STATE = "server.json"
LOCK = "server.lock"
LOG = "server.log"
ACTIVITY = "server.activity"
PROPERTIES = "server.properties"
MAIN_CLASS = "org.languagetool.server.HTTPServer"
DEFAULT_IDLE_MINUTES = 30.0
STARTUP_TIMEOUT = 180.0  # start plus the first German check (loads dictionaries): ~25 s on 2 cores
HEALTH_TIMEOUT = 3.0
# Touches the speller (with suggestions), agreement, case and confusion rules, so their lazy
# resources load and the JIT compiles the hot paths before the lock is released.
WARMUP_TEXT = (
    "Ich glaube, das der Servr heute den neuen Auto gekauft hat. Die Kinder spielt im Garten. "
    "Am Montag, dem 3. März, tagte der Ausschuss in Berlin; die Beschlüsse wurden veröffentlicht.\n\n"
    "Die Europäische Union verschärft die Berichtspflichten für große Rechenzentren. Betreiber müssen "
    "künftig jedes Jahr angeben, wie viel Strom und Wasser ihre Anlagen verbrauchen. Der Branchenverband "
    "begrüßte das Ziel, kritisierte aber den Aufwand: Gerade kleinere Betreiber müssten zusätzliche "
    "Messtechnik installieren. Laut einer Studie der Universität Wien könnte sich der Verbrauch bis 2030 "
    "verdoppeln, wie die Autoren am Dienstag mitteilten.\n\n"
    "Der Roboter schweißt Bauteile, die er zuvor noch nie gesehen hat. Die Ingenieure des Unternehmens "
    "haben das System mit tausenden Beispielen trainiert; es erkennt Nähte selbstständig und passt "
    "Geschwindigkeit und Temperatur an. Im Herbst soll die Serienfertigung beginnen.")
WARMUP_ROUNDS = 3  # the JIT needs a few passes; stops early once a pass is quick

# Server properties (--config); keys verified against LanguageTool 6.8, which rejects unknown keys.
SERVER_PROPERTIES = {
    "pipelineCaching": "true",  # keep rule pipelines between requests
    "pipelineExpireTimeInSeconds": "86400",
    "maxPipelinePoolSize": "20",
    "maxCheckTimeMillis": "120000",
    "maxTextLength": "200000",
    "cacheSize": "0",  # edtool caches per paragraph itself
}


@dataclass
class ServerRecord:
    pid: int
    port: int
    url: str
    version: str
    started: str
    idle_minutes: float
    watchdog_pid: int | None = None


# -- small helpers -------------------------------------------------------------------------------
def state_path(name: str) -> Path:
    return cache_dir() / name


def read_record() -> ServerRecord | None:
    try:
        data = json.loads(state_path(STATE).read_text(encoding="utf-8"))
        return ServerRecord(**{k: data[k] for k in ServerRecord.__dataclass_fields__ if k in data})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write_record(record: ServerRecord) -> None:
    atomic_write(state_path(STATE), (json.dumps(asdict(record), indent=2) + "\n").encode("utf-8"), sync=False)


def _remove_record(pid: int | None = None) -> None:
    current = read_record()
    if current is None or pid is None or current.pid == pid:
        try:
            state_path(STATE).unlink()
        except FileNotFoundError:
            pass


def pid_alive(pid: int | None) -> bool:
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _cmdline(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None  # no /proc: cannot tell


def is_languagetool(pid: int) -> bool:
    line = _cmdline(pid)
    return line is None or MAIN_CLASS in line


def touch_activity() -> None:
    try:
        state_path(ACTIVITY).touch()
    except OSError:
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_info(url: str, timeout: float = HEALTH_TIMEOUT) -> dict | None:
    """GET /v2/info: {'software': {'version': ...}} from a LanguageTool server, else None."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v2/info", timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    software = data.get("software") if isinstance(data, dict) else None
    if not isinstance(software, dict) or software.get("name") != "LanguageTool":
        return None
    return data


def _post_check(url: str, params: dict, text: str, timeout: float) -> None:
    body = urllib.parse.urlencode(dict(params, text=text)).encode()
    with urllib.request.urlopen(url.rstrip("/") + "/v2/check", data=body, timeout=timeout) as response:
        response.read()


def healthy(record: ServerRecord) -> bool:
    """The recorded process lives and the port answers as LanguageTool of the recorded version."""
    if not pid_alive(record.pid):
        return False
    info = server_info(record.url)
    return bool(info) and info["software"].get("version") == record.version


def terminate(pid: int, grace: float = 10.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _lock(timeout: float = STARTUP_TIMEOUT * 2):
    from filelock import FileLock

    cache_dir().mkdir(parents=True, exist_ok=True)
    return FileLock(str(state_path(LOCK)), timeout=timeout)


# -- lifecycle -----------------------------------------------------------------------------------
def ensure_running(idle_minutes: float = DEFAULT_IDLE_MINUTES, startup_timeout: float = STARTUP_TIMEOUT,
                   warmup: dict | None = None) -> ServerRecord:
    """A healthy local server: the recorded one, or a new one started under the lock.

    `warmup`: the /v2/check parameters the caller will send (language, disabledRules, ...); the
    warm-up request uses them, so LanguageTool builds and caches exactly that rule pipeline.
    """
    record = read_record()
    if record and healthy(record):
        touch_activity()
        return record
    from filelock import Timeout

    try:
        with _lock():
            record = read_record()  # another run may have started it while we waited
            if record and healthy(record):
                touch_activity()
                return record
            if record:
                _discard(record)
            return _start(idle_minutes, startup_timeout, warmup)
    except Timeout:
        raise LanguageToolError(msg("grammar.start-failed", detail="Sperre belegt", log=state_path(LOCK)),
                                "start-failed") from None


def _discard(record: ServerRecord) -> None:
    """Forget a stale record; stop its process if it is a LanguageTool that no longer answers."""
    if pid_alive(record.pid) and is_languagetool(record.pid):
        terminate(record.pid)
    if record.watchdog_pid and pid_alive(record.watchdog_pid):
        line = _cmdline(record.watchdog_pid)
        if line and "edtool.languagetool.watchdog" in line:
            terminate(record.watchdog_pid, grace=2)
    _remove_record()


def _server_command(java: str, port: int) -> list[str]:
    return [java, "-cp", str(lib_dir() / "*"), MAIN_CLASS, "--port", str(port),
            "--config", str(state_path(PROPERTIES))]


def _log_tail(lines: int = 5) -> str:
    try:
        text = state_path(LOG).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    useful = [line for line in text.splitlines() if line.strip() and "WARNING" not in line and "****" not in line]
    return " | ".join(useful[-lines:])


def _start(idle_minutes: float, startup_timeout: float, warmup: dict | None = None) -> ServerRecord:
    from edtool.languagetool.install import find_java, installed_marker

    version = pinned_version()
    marker = installed_marker(version)
    if marker is None:
        raise LanguageToolError(msg("grammar.not-installed", version=version), "not-installed")
    java = find_java()
    notify(msg("grammar.starting", idle=f"{idle_minutes:g}"))
    cache_dir().mkdir(parents=True, exist_ok=True)
    state_path(PROPERTIES).write_text("".join(f"{k}={v}\n" for k, v in SERVER_PROPERTIES.items()), encoding="utf-8")
    deadline = time.monotonic() + startup_timeout
    for attempt in range(3):  # a port taken between choosing and binding: try another
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        try:
            with open(state_path(LOG), "wb") as log:
                process = subprocess.Popen(_server_command(java.path, port), stdin=subprocess.DEVNULL, stdout=log,
                                           stderr=subprocess.STDOUT, cwd=str(install_dir(version)),
                                           start_new_session=True)
        except OSError as exc:
            raise LanguageToolError(msg("grammar.start-failed", detail=str(exc), log=state_path(LOG)),
                                    "start-failed") from None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            info = server_info(url, timeout=2)
            if info:
                break
            time.sleep(0.2)
        else:
            terminate(process.pid)
            raise LanguageToolError(msg("grammar.start-failed", detail=f"nach {startup_timeout:.0f} s keine Antwort",
                                        log=state_path(LOG)), "start-failed")
        if process.poll() is None:
            break
        tail = _log_tail()
        if "Address already in use" in tail and attempt < 2:
            continue
        raise LanguageToolError(msg("grammar.start-failed", detail=f"Exit-Status {process.returncode}: {tail}",
                                    log=state_path(LOG)), "start-failed")
    try:  # the first German check loads the dictionaries; pay it here, under the lock
        for _ in range(WARMUP_ROUNDS):
            began = time.monotonic()
            _post_check(url, warmup or {"language": "de-DE"}, WARMUP_TEXT, max(5.0, deadline - time.monotonic()))
            if time.monotonic() - began < 0.5:
                break
    except OSError as exc:
        terminate(process.pid)
        raise LanguageToolError(msg("grammar.start-failed", detail=f"Aufwärmen: {exc}", log=state_path(LOG)),
                                "start-failed") from None
    record = ServerRecord(pid=process.pid, port=port, url=url, version=str(info["software"].get("version", version)),
                          started=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), idle_minutes=idle_minutes)
    touch_activity()
    record.watchdog_pid = _start_watchdog(record)
    _write_record(record)
    return record


def _start_watchdog(record: ServerRecord) -> int | None:
    if record.idle_minutes <= 0:
        return None  # 0: never stop by itself
    command = [sys.executable, "-m", "edtool.languagetool.watchdog", str(cache_dir()), str(record.pid),
               str(record.idle_minutes * 60)]
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])  # works from a source checkout as well
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    return process.pid


def start(idle_minutes: float = DEFAULT_IDLE_MINUTES, warmup: dict | None = None) -> tuple[ServerRecord, bool]:
    """(record, started_now)."""
    before = read_record()
    record = ensure_running(idle_minutes, warmup=warmup)
    return record, before is None or before.pid != record.pid


def stop() -> int | None:
    """Stop the recorded local server; returns its pid, or None when none was running."""
    with _lock():
        record = read_record()
        if record is None:
            return None
        running = pid_alive(record.pid) and is_languagetool(record.pid)
        _discard(record)
        return record.pid if running else None


def status() -> dict:
    record = read_record()
    from edtool.languagetool.install import installed_marker

    marker = installed_marker()
    result = {
        "url": record.url if record else None,
        "pid": record.pid if record else None,
        "port": record.port if record else None,
        "version": record.version if record else pinned_version(),
        "running": bool(record and healthy(record)),
        "started": record.started if record else None,
        "idle_minutes": record.idle_minutes if record else None,
        "installed": marker is not None,
        "install_dir": str(install_dir()),
        "remote": False,
    }
    times = [state_path(n).stat().st_mtime for n in (ACTIVITY, LOG) if state_path(n).exists()]
    result["last_activity"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(max(times))) if times else None
    return result
