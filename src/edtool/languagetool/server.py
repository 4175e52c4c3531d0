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
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from edtool.fsutil import atomic_write
from edtool.languagetool import LanguageToolError, cache_dir, install_dir, lib_dir, pinned_version
from edtool.languagetool import process as proc
from edtool.messages import msg
from edtool.notices import notify, progress

STATE = "server.json"
LOCK = "server.lock"
LOG = "server.log"
ACTIVITY = "server.activity"
PROPERTIES = "server.properties"
MAIN_CLASS = "org.languagetool.server.HTTPServer"
WATCHDOG_MODULE = "edtool.languagetool.watchdog"
PROGRESS_KEY = "server-start"
EXPECTED_START_SECONDS = 25.0  # start plus warm-up on 2 cores; the progress line says it
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
    state: str = "running"  # "starting" from the launch until the warm-up is done
    token: str = ""  # random, also in the server's environment (process.py)
    start_ticks: int | None = None  # the server's start time, /proc/<pid>/stat field 22
    boot_id: str = ""
    watchdog_start_ticks: int | None = None


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


def _remove_record(token: str | None = None) -> None:
    """Remove the record; with `token` only if it still describes that server."""
    current = read_record()
    if current is None or token is None or current.token == token:
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


def server_identity(record: ServerRecord) -> proc.Identity | None:
    """What the recorded server must prove; the folder is this cache folder, never the record's word."""
    if not record.token or record.start_ticks is None:
        return None
    return proc.Identity(record.pid, record.start_ticks, record.boot_id, record.token,
                            proc.folder_id(cache_dir()))


def watchdog_identity(record: ServerRecord) -> proc.Identity | None:
    if not record.watchdog_pid or record.watchdog_start_ticks is None or not record.token:
        return None
    return proc.Identity(record.watchdog_pid, record.watchdog_start_ticks, record.boot_id, record.token,
                            proc.folder_id(cache_dir()))


def verify(record: ServerRecord) -> proc.Verdict:
    """Whether the recorded pid is the server this cache folder started (see proc.py)."""
    identity = server_identity(record)
    if identity is None:
        if not pid_alive(record.pid):
            return proc.Verdict(proc.GONE, "Prozess läuft nicht mehr")
        return proc.Verdict(proc.FOREIGN, "Eintrag ohne Kennung, von einer älteren edtool-Version")
    return proc.check(identity, MAIN_CLASS)


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
    """The recorded server is ours, done starting, holds the recorded port, and answers there as
    LanguageTool of the recorded version."""
    if record.state != "running" or not verify(record).ours or not proc.owns_port(record.pid, record.port):
        return False
    info = server_info(record.url)
    return bool(info) and info["software"].get("version") == record.version


def _lock(timeout: float = STARTUP_TIMEOUT * 2):
    from filelock import FileLock

    cache_dir().mkdir(parents=True, exist_ok=True)
    return FileLock(str(state_path(LOCK)), timeout=timeout)


@contextmanager
def _locked(waiting_notice: str | None = None):
    """The server lock; says so (once) when another run holds it, instead of a silent wait."""
    from filelock import Timeout

    lock = _lock()
    began = time.monotonic()
    try:
        lock.acquire(timeout=0.2)
    except Timeout:
        if waiting_notice:
            notify(waiting_notice)
        while True:
            try:
                lock.acquire(timeout=1.0)
                break
            except Timeout:
                waited = time.monotonic() - began
                if waited > STARTUP_TIMEOUT * 2:
                    raise LanguageToolError(msg("grammar.start-failed", detail="Sperre belegt",
                                                log=state_path(LOCK)), "start-failed") from None
                if waiting_notice:
                    progress(PROGRESS_KEY, msg("server.progress-waiting", seconds=f"{waited:.0f}"))
        if waiting_notice:
            progress(PROGRESS_KEY, msg("server.progress-waited", seconds=f"{time.monotonic() - began:.0f}"), done=True)
    try:
        yield
    finally:
        lock.release()


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
    with _locked(msg("server.waiting-lock")):
        record = read_record()  # another run may have started it while we waited
        if record and healthy(record):
            touch_activity()
            return record
        if record:
            _discard(record)
        return _start(idle_minutes, startup_timeout, warmup)


def _discard(record: ServerRecord) -> proc.Verdict:
    """Forget a record that is not a healthy server; stop its processes only if they verify as ours.
    Call under the lock (a record seen there in state "starting" is left over from an interrupted start)."""
    verdict = verify(record)
    if verdict.ours:
        if record.state == "starting":
            notify(msg("server.stale-start", pid=record.pid))
        verdict = proc.terminate(server_identity(record), MAIN_CLASS)
    if verdict.ours:  # otherwise the watchdog leaves by itself once its own server is gone
        _stop_watchdog(record)
    _remove_record()
    return verdict


def _stop_watchdog(record: ServerRecord) -> None:
    identity = watchdog_identity(record)
    if identity is not None:
        proc.terminate(identity, WATCHDOG_MODULE, grace=2)


def _server_command(java: str, port: int, token: str) -> list[str]:
    return [java, proc.token_argument(token), "-cp", str(lib_dir() / "*"), MAIN_CLASS, "--port", str(port),
            "--config", str(state_path(PROPERTIES))]


def _log_tail(lines: int = 5) -> str:
    try:
        text = state_path(LOG).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    useful = [line for line in text.splitlines() if line.strip() and "WARNING" not in line and "****" not in line]
    return " | ".join(useful[-lines:])


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _launch(java: str, idle_minutes: float) -> tuple[subprocess.Popen, ServerRecord]:
    """Start the JVM and record it at once (state "starting") with its watchdog, before any waiting:
    an interrupted or killed start never leaves a server nobody knows about."""
    port = free_port()
    token = secrets.token_hex(16)
    try:
        with open(state_path(LOG), "wb") as log:
            server = subprocess.Popen(_server_command(java, port, token), stdin=subprocess.DEVNULL, stdout=log,
                                      stderr=subprocess.STDOUT, cwd=str(install_dir()),
                                      start_new_session=True, env=proc.child_env(token, cache_dir()))
    except OSError as exc:
        raise LanguageToolError(msg("grammar.start-failed", detail=str(exc), log=state_path(LOG)),
                                "start-failed") from None
    record = ServerRecord(pid=server.pid, port=port, url=f"http://127.0.0.1:{port}", version=pinned_version(),
                          started=_now(), idle_minutes=idle_minutes, state="starting", token=token,
                          start_ticks=proc.start_ticks(server.pid), boot_id=proc.boot_id())
    try:
        touch_activity()
        _start_watchdog(record)
        _write_record(record)
    except BaseException:
        _abandon(server, record, announce=True)
        raise
    return server, record


def _abandon(server: subprocess.Popen, record: ServerRecord, announce: bool = False) -> None:
    """Stop a server we launched (our unreaped child: its pid cannot be reused) and forget it.
    Runs with Ctrl-C ignored, so a second Ctrl-C cannot leave the JVM behind. `announce`: say so
    (an interrupted start), which also ends a live progress line."""
    import threading

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)
        _stop_watchdog(record)
        _remove_record(record.token)
        if announce:
            progress(PROGRESS_KEY, msg("server.progress-abandoned", pid=server.pid), done=True)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


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
    began = time.monotonic()
    deadline = began + startup_timeout
    for attempt in range(3):  # a port taken between choosing and binding: try another
        server, record = _launch(java.path, idle_minutes)
        try:
            info = _await_answer(server, record, deadline, began)
        except BaseException as exc:
            _abandon(server, record, announce=not isinstance(exc, LanguageToolError))
            raise
        if info is not None:
            break
        tail = _log_tail()
        _abandon(server, record)
        if "Address already in use" in tail and attempt < 2:
            continue
        raise LanguageToolError(msg("grammar.start-failed", detail=f"Exit-Status {server.returncode}: {tail}",
                                    log=state_path(LOG)), "start-failed")
    try:  # the first German check loads the dictionaries; pay it here, under the lock
        progress(PROGRESS_KEY, msg("server.progress-warmup", seconds=f"{time.monotonic() - began:.0f}"))
        for _ in range(WARMUP_ROUNDS):
            round_began = time.monotonic()
            try:
                _post_check(record.url, warmup or {"language": "de-DE"}, WARMUP_TEXT,
                            max(5.0, deadline - time.monotonic()))
            except OSError:
                if server.poll() is not None or not server_info(record.url):
                    raise
                break  # a slow machine: LanguageTool gave up on the warm-up text but is up; the first check pays
            if time.monotonic() - round_began < 0.5:
                break
        record.version = str(info["software"].get("version", version))
        record.state = "running"
        touch_activity()
        _write_record(record)
    except OSError as exc:
        _abandon(server, record)
        raise LanguageToolError(msg("grammar.start-failed", detail=f"Aufwärmen: {exc}", log=state_path(LOG)),
                                "start-failed") from None
    except BaseException:
        _abandon(server, record, announce=True)
        raise
    progress(PROGRESS_KEY, msg("server.progress-ready", seconds=f"{time.monotonic() - began:.0f}"), done=True)
    return record


def _await_answer(server: subprocess.Popen, record: ServerRecord, deadline: float, began: float) -> dict | None:
    """/v2/info of the new server, or None when the JVM exited; LanguageToolError after the deadline."""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return None
        info = server_info(record.url, timeout=2)
        if info:
            return info
        progress(PROGRESS_KEY, msg("server.progress-start", seconds=f"{time.monotonic() - began:.0f}",
                                   expected=f"{EXPECTED_START_SECONDS:.0f}"))
        time.sleep(0.2)
    raise LanguageToolError(msg("grammar.start-failed", detail=f"nach {deadline - began:.0f} s keine Antwort",
                                log=state_path(LOG)), "start-failed")


def _start_watchdog(record: ServerRecord) -> None:
    """The watchdog gets the server's pid and start time; token and folder come in its environment."""
    record.watchdog_pid = record.watchdog_start_ticks = None
    if record.idle_minutes <= 0:
        return  # 0: never stop by itself
    command = [sys.executable, "-m", WATCHDOG_MODULE, str(cache_dir()), str(record.pid),
               str(record.idle_minutes * 60), str(record.start_ticks), proc.token_argument(record.token)]
    env = proc.child_env(record.token, cache_dir())
    src = str(Path(__file__).resolve().parents[2])  # works from a source checkout as well
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    watchdog = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    record.watchdog_pid = watchdog.pid
    record.watchdog_start_ticks = proc.start_ticks(watchdog.pid)


def start(idle_minutes: float = DEFAULT_IDLE_MINUTES, warmup: dict | None = None,
          apply_idle: bool = False) -> tuple[ServerRecord, bool]:
    """(record, started_now). With `apply_idle`, a server that already runs takes `idle_minutes` too."""
    before = read_record()
    record = ensure_running(idle_minutes, warmup=warmup)
    started = before is None or before.token != record.token
    if apply_idle and not started and record.idle_minutes != idle_minutes:
        record = set_idle(idle_minutes)
    return record, started


def set_idle(idle_minutes: float) -> ServerRecord:
    """Give the running server a new idle time: its watchdog is replaced by one with the new value
    (none for 0). Raises LanguageToolError when no server of ours runs."""
    if not idle_minutes >= 0:
        raise ValueError(idle_minutes)
    with _locked(msg("server.waiting-lock")):
        record = read_record()
        if record is None or not healthy(record):
            raise LanguageToolError(msg("server.not-running"), "not-running")
        _stop_watchdog(record)
        record.idle_minutes = idle_minutes
        touch_activity()  # the new idle time counts from now
        _start_watchdog(record)
        _write_record(record)
        return record


@dataclass
class StopResult:
    pid: int | None  # the recorded server pid, if there was a record
    stopped: bool  # it verified as ours and has been stopped
    reason: str = ""  # German: why nothing was stopped
    state: str = ""  # process.OURS, GONE or FOREIGN


def stop() -> StopResult:
    """Stop the recorded local server if, and only if, it verifies as ours; the record goes either way."""
    with _locked(msg("server.waiting-lock")):
        record = read_record()
        if record is None:
            return StopResult(None, False)
        verdict = _discard(record)
        return StopResult(record.pid, verdict.ours, verdict.reason, verdict.state)


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
        "state": record.state if record else None,
        "starting": bool(record and record.state == "starting" and verify(record).ours),
        "started": record.started if record else None,
        "idle_minutes": record.idle_minutes if record else None,
        "installed": marker is not None,
        "install_dir": str(install_dir()),
        "remote": False,
    }
    times = [state_path(n).stat().st_mtime for n in (ACTIVITY, LOG) if state_path(n).exists()]
    result["last_activity"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(max(times))) if times else None
    return result
