"""edtool touches only the LanguageTool server its own cache folder started (real processes, real signals).

A process counts as ours when its start time, the random token in its environment and its cache folder
match the record (languagetool/process.py). Impostors here are real processes: Python programs that
look like a LanguageTool server from the outside (class name and our folder in the command line, a
LanguageTool answer on /v2/info), and a real LanguageTool server of another cache folder.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import edtool_executable
from server_support import (  # noqa: F401 (installed is a fixture)
    LIVE,
    MAIN_CLASS,
    Terminal,
    alive,
    installed,
    link_install,
    read_json,
    server_pids,
    wait_for_starting_record,
    wait_gone,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")


# Looks like LanguageTool from outside: the class name and a --config in the command line, and
# /v2/info answering as LanguageTool 6.8 on --port. With IMPOSTOR_EXEC set, it replaces itself by
# `sleep` after that many seconds: same pid and start time, but another program.
IMPOSTOR = r"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        body = json.dumps({"software": {"name": "LanguageTool", "version": "6.8"}}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
port = int(sys.argv[sys.argv.index("--port") + 1])
server = ThreadingHTTPServer(("127.0.0.1", port), H)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("ready", flush=True)
delay = os.environ.get("IMPOSTOR_EXEC")
if delay:
    time.sleep(float(delay))
    os.execve("/bin/sleep", ["sleep", "300"], {})
time.sleep(300)
"""


def cli(*args: str, cache: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EDTOOL_LANGUAGETOOL_URL"}
    env["EDTOOL_CACHE_DIR"] = str(cache)
    return subprocess.run([*edtool_executable(), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=str(cache))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("EDTOOL_LANGUAGETOOL_URL", raising=False)
    return folder


@pytest.fixture
def impostors():
    """Start LanguageTool-like processes; all are killed afterwards."""
    started: list[subprocess.Popen] = []

    def start(config_folder: Path, env: dict | None = None, args: tuple = ()) -> tuple[subprocess.Popen, int]:
        from edtool.languagetool.server import free_port

        port = free_port()
        full = {k: v for k, v in os.environ.items() if not k.startswith("EDTOOL_SERVER_")}
        full.update(env or {})
        process = subprocess.Popen([sys.executable, "-c", IMPOSTOR, *args, MAIN_CLASS, "--port", str(port), "--config",
                                    f"{config_folder}/server.properties"], env=full, stdout=subprocess.PIPE,
                                   text=True)
        started.append(process)
        assert process.stdout.readline().strip() == "ready"
        return process, port

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def record_for(real_pid: int, port: int, real_token: str, idle: float = 30, **fields):
    """A record of process `real_pid` as edtool writes it; `fields` overrides any of its values."""
    from edtool.languagetool import process as proc
    from edtool.languagetool.server import ServerRecord

    pid = real_pid
    values = dict(pid=pid, port=port, url=f"http://127.0.0.1:{port}", version="6.8", started="2026-01-01T00:00:00Z",
                  idle_minutes=idle, token=real_token, start_ticks=proc.start_ticks(pid), boot_id=proc.boot_id())
    values.update(fields)
    return ServerRecord(**values)


def write_record(cache: Path, record) -> None:
    (cache / "server.json").write_text(json.dumps(asdict(record)), encoding="utf-8")


def ours_env(token: str, cache: Path) -> dict:
    from edtool.languagetool import process as proc

    return {proc.TOKEN_ENV: token, proc.FOLDER_ENV: os.path.realpath(cache)}


# -- impostors: a record that points at a process we did not start -----------------------------
def test_lookalike_named_in_our_record_survives_stop(cache, impostors):
    """Command line, port and /v2/info all say "LanguageTool of this folder"; the token is missing."""
    fake, port = impostors(cache)
    write_record(cache, record_for(fake.pid, port, "a" * 32))
    result = cli("server", "stop", "--format", "json", cache=cache)
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["stopped"] is False and data["verdict"] == "foreign"
    assert data["reason"] == "Prozess trägt nicht die Kennung aus dem Eintrag"
    time.sleep(0.3)
    assert fake.poll() is None and not (cache / "server.json").exists()


def test_server_of_another_folder_survives_even_with_its_own_token(cache, tmp_path, impostors):
    """Another folder's server, its full record copied into ours (token and start time included)."""
    other = tmp_path / "other-desk"
    other.mkdir()
    fake, port = impostors(other, ours_env("b" * 32, other))
    write_record(cache, record_for(fake.pid, port, "b" * 32))
    result = cli("server", "stop", cache=cache)
    assert result.returncode == 0
    assert "nicht der Server dieses Cache-Ordners (Prozess gehört zu einem anderen Cache-Ordner)" in result.stdout
    assert "nicht angetastet" in result.stdout
    time.sleep(0.3)
    assert fake.poll() is None


def test_recycled_pid_is_not_signalled(cache, impostors):
    """Everything matches except the start time: the pid now belongs to a later process."""
    fake, port = impostors(cache, ours_env("c" * 32, cache))
    from edtool.languagetool import process as proc

    write_record(cache, record_for(fake.pid, port, "c" * 32, start_ticks=proc.start_ticks(fake.pid) - 1))
    result = cli("server", "stop", cache=cache)
    assert result.returncode == 0 and "läuft nicht mehr (die PID gehört inzwischen einem anderen Prozess)" in result.stdout
    time.sleep(0.3)
    assert fake.poll() is None


def test_record_from_an_earlier_boot_is_not_signalled(cache, impostors):
    fake, port = impostors(cache, ours_env("d" * 32, cache))
    write_record(cache, record_for(fake.pid, port, "d" * 32, boot_id="00000000-0000-0000-0000-000000000000"))
    from edtool.languagetool.server import stop

    result = stop()
    assert (result.stopped, result.state) == (False, "gone")
    time.sleep(0.3)
    assert fake.poll() is None


def test_process_that_verifies_is_stopped_and_the_record_goes(cache, impostors):
    """The positive case: a process started with our token and folder is ours and is stopped."""
    fake, port = impostors(cache, ours_env("e" * 32, cache))
    write_record(cache, record_for(fake.pid, port, "e" * 32))
    result = cli("server", "stop", cache=cache)
    assert result.returncode == 0 and f"(PID {fake.pid}) beendet" in result.stdout
    assert fake.wait(10) == -signal.SIGTERM and not (cache / "server.json").exists()


def test_unverifiable_record_never_reused(cache, impostors):
    """A healthy-looking foreign server in our record is not used for checks (it is not healthy())."""
    from edtool.languagetool.server import healthy

    fake, port = impostors(cache)
    assert not healthy(record_for(fake.pid, port, "f" * 32, state="running"))
    mine, mine_port = impostors(cache, ours_env("f" * 32, cache))
    assert healthy(record_for(mine.pid, mine_port, "f" * 32))
    assert not healthy(record_for(mine.pid, port, "f" * 32))  # answers there, but does not hold that port
    assert not healthy(record_for(mine.pid, mine_port, "f" * 32, state="starting"))


FIELDS = ("pid", "start_ticks", "boot_id", "token")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changed=st.sets(st.sampled_from(FIELDS)), folder=st.sampled_from(["same", "other"]), seed=st.integers(1, 10**6))
def test_only_the_exact_identity_verifies(cache, tmp_path, ours_and_neighbour, changed, folder, seed):
    """Property: a record verifies as ours iff pid, start time, boot, token and folder all match;
    any other record (a field changed to a value another real process has, or made up) does not."""
    from edtool.languagetool.server import verify

    mine, neighbour, token = ours_and_neighbour
    from edtool.languagetool import process as proc

    swaps = {"pid": neighbour.pid, "start_ticks": proc.start_ticks(neighbour.pid) + seed,
             "boot_id": f"{seed:08d}-0000-0000-0000-000000000000", "token": f"{seed:032x}"}
    record = record_for(mine.pid, 1, token, **{name: swaps[name] for name in changed})
    if folder == "other":
        os.environ["EDTOOL_CACHE_DIR"] = str(tmp_path)
    try:
        verdict = verify(record)
    finally:
        os.environ["EDTOOL_CACHE_DIR"] = str(cache)
    assert verdict.ours == (not changed and folder == "same"), (changed, folder, verdict)
    assert mine.poll() is None and neighbour.poll() is None


@pytest.fixture
def ours_and_neighbour(cache, impostors):
    token = "9" * 32
    mine, _ = impostors(cache, ours_env(token, cache))
    neighbour, _ = impostors(cache, ours_env("8" * 32, cache))  # same folder, another token
    return mine, neighbour, token


def test_without_proc_start_time_and_command_line_from_ps_decide(cache, tmp_path, impostors, monkeypatch):
    """The path for systems without /proc (macOS, BSD), forced here: `ps` gives start time and command line."""
    from edtool.languagetool import process as proc
    from edtool.languagetool.server import stop, verify

    monkeypatch.setattr(proc, "HAVE_PROC", False)
    token = "7" * 32
    mine, port = impostors(cache, args=(proc.token_argument(token),))
    assert verify(record_for(mine.pid, port, token)).ours
    assert verify(record_for(mine.pid, port, token, start_ticks=proc.start_ticks(mine.pid) - 5)).state == "gone"
    assert verify(record_for(mine.pid, port, "6" * 32)).reason == "Prozess trägt nicht die Kennung aus dem Eintrag"
    other = tmp_path / "other-desk"
    other.mkdir()
    neighbour, other_port = impostors(other, args=(proc.token_argument("5" * 32),))
    assert verify(record_for(neighbour.pid, other_port, "5" * 32)).reason == "Prozess gehört zu einem anderen Cache-Ordner"
    write_record(cache, record_for(neighbour.pid, other_port, "5" * 32))
    assert stop().stopped is False and neighbour.poll() is None
    write_record(cache, record_for(mine.pid, port, token))
    assert stop().stopped is True and mine.wait(10) == -signal.SIGTERM


# -- the watchdog -------------------------------------------------------------------------------
def watchdog(cache: Path, pid: int, idle: float, env: dict) -> subprocess.Popen:
    from edtool.languagetool import process as proc

    full = {k: v for k, v in os.environ.items() if not k.startswith("EDTOOL_SERVER_")}
    full.update(env)
    return subprocess.Popen([sys.executable, "-m", "edtool.languagetool.watchdog", str(cache), str(pid), str(idle),
                             str(proc.start_ticks(pid))], env=full)


def test_watchdog_stops_its_own_idle_server(cache, impostors):
    fake, port = impostors(cache, ours_env("1" * 32, cache))
    write_record(cache, record_for(fake.pid, port, "1" * 32))
    guard = watchdog(cache, fake.pid, 1.0, ours_env("1" * 32, cache))
    assert guard.wait(30) == 0
    assert fake.wait(10) == -signal.SIGTERM and not (cache / "server.json").exists()


def test_watchdog_leaves_a_process_with_another_token_alone(cache, impostors):
    fake, port = impostors(cache, ours_env("2" * 32, cache))
    guard = watchdog(cache, fake.pid, 0.5, ours_env("3" * 32, cache))
    assert guard.wait(30) == 0  # not its server: it leaves at once
    time.sleep(1.0)
    assert fake.poll() is None


def test_watchdog_checks_again_right_before_signalling(cache, impostors):
    """The server verifies when the watchdog starts, then the pid turns into another program (same pid,
    same start time): when the idle time is up the watchdog must not signal it."""
    fake, port = impostors(cache, dict(ours_env("4" * 32, cache), IMPOSTOR_EXEC="1.0"))
    guard = watchdog(cache, fake.pid, 2.0, ours_env("4" * 32, cache))
    assert guard.wait(30) == 0
    time.sleep(0.5)
    assert fake.poll() is None
    assert Path(f"/proc/{fake.pid}/cmdline").read_bytes().startswith(b"sleep")


def test_watchdog_waits_while_a_run_holds_the_lock(cache, impostors):
    from filelock import FileLock

    fake, port = impostors(cache, ours_env("5" * 32, cache))
    with FileLock(str(cache / "server.lock")):
        guard = watchdog(cache, fake.pid, 0.5, ours_env("5" * 32, cache))
        time.sleep(3.0)
        assert fake.poll() is None and guard.poll() is None
    assert guard.wait(30) == 0 and fake.wait(10) == -signal.SIGTERM


# -- the real LanguageTool server ----------------------------------------------------------------
@pytest.mark.languagetool
def test_ctrl_c_during_start_leaves_no_server(tmp_path, installed):
    """A real Ctrl-C typed on the terminal (a pty) while the live progress line counts the start."""

    cache = link_install(tmp_path / "c", installed)
    env = {k: v for k, v in os.environ.items() if k not in ("EDTOOL_LANGUAGETOOL_URL", "EDTOOL_PROGRESS", "CI")}
    env["EDTOOL_CACHE_DIR"] = str(cache)
    terminal = Terminal([*edtool_executable(), "server", "start"], env, tmp_path)
    try:
        record = wait_for_starting_record(cache)
        assert alive(record["pid"]) and server_pids(cache) == [record["pid"]]
        terminal.wait_for(r"LanguageTool startet … [1-9]\d* s \(meist etwa 25 s\)")  # the JVM is loading
        os.write(terminal.leader, b"\x03")
        code = terminal.finish(60)
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
    assert code == 130 and "Abgebrochen." in terminal.text
    assert LIVE.findall(terminal.text)[0].startswith("LanguageTool startet … ")
    assert f"Start abgebrochen; der halb gestartete LanguageTool-Prozess (PID {record['pid']}) ist beendet." in terminal.text
    assert wait_gone(record["pid"]) and wait_gone(record["watchdog_pid"])
    assert server_pids(cache) == [] and not (cache / "server.json").exists()


@pytest.mark.languagetool
def test_killed_start_is_cleaned_up_by_the_next_run(tmp_path, installed, monkeypatch):
    """The starting run dies (SIGKILL, no cleanup): the next run stops the orphan JVM it verifies as
    ours and starts exactly one new server, instead of a second JVM next to the first."""
    from edtool.languagetool.server import ensure_running, healthy, read_record, stop
    from edtool.notices import forget, listen

    cache = link_install(tmp_path / "k", installed)
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(cache))
    monkeypatch.delenv("EDTOOL_LANGUAGETOOL_URL", raising=False)
    run = subprocess.Popen([*edtool_executable(), "server", "start"], env=dict(os.environ), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        orphan = wait_for_starting_record(cache)
        run.kill()
        run.wait()
        assert alive(orphan["pid"]) and server_pids(cache) == [orphan["pid"]]  # left behind, still recorded
        notices: list[str] = []
        listen(notices.append)
        try:
            record = ensure_running(idle_minutes=5)
        finally:
            forget(notices.append)
        assert any(f"abgebrochener Start des LanguageTool-Servers (PID {orphan['pid']})" in n for n in notices)
        assert wait_gone(orphan["pid"]) and wait_gone(orphan["watchdog_pid"])
        assert record.pid != orphan["pid"] and healthy(record) and server_pids(cache) == [record.pid]
        assert read_record().state == "running"
    finally:
        if run.poll() is None:
            run.kill()
        stop()
    assert server_pids(cache) == []


@pytest.fixture(scope="module")
def real_server(tmp_path_factory, installed):
    """A real LanguageTool server of cache folder A, started and stopped by edtool."""
    cache = link_install(tmp_path_factory.mktemp("desk-a"), installed)
    result = cli("server", "start", "--idle-minutes", "10", cache=cache)  # stderr is a pipe: plain progress
    assert result.returncode == 0, result.stderr
    yield cache, read_json(cache / "server.json"), result
    cli("server", "stop", cache=cache)


@pytest.mark.languagetool
def test_server_start_progress_in_plain_mode(real_server):
    cache, record, result = real_server
    lines = result.stderr.splitlines()
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    assert lines[0].startswith("Starte den LanguageTool-Server (einmalig")
    assert re.fullmatch(r"LanguageTool startet … \d+ s \(meist etwa 25 s\)", lines[1])
    assert re.fullmatch(r"LanguageTool ist bereit \(nach \d+ s\)\.", lines[-1])
    assert result.stdout.startswith(f"LanguageTool 6.8 läuft: {record['url']} (PID {record['pid']})")


@pytest.mark.languagetool
def test_idle_minutes_apply_to_the_running_server(real_server):
    cache, record, _ = real_server
    result = cli("server", "start", "--idle-minutes", "45", cache=cache)
    assert result.returncode == 0 and "läuft bereits" in result.stdout
    assert "Leerlaufzeit des laufenden Servers jetzt 45 Minuten." in result.stdout
    now = read_json(cache / "server.json")
    assert now["pid"] == record["pid"] and now["idle_minutes"] == 45
    assert wait_gone(record["watchdog_pid"])  # replaced by a watchdog with the new value
    line = Path(f"/proc/{now['watchdog_pid']}/cmdline").read_bytes().decode().split("\0")
    assert line[line.index(str(record["pid"])) + 1] == "2700.0"
    result = cli("server", "start", "--idle-minutes", "0", cache=cache)
    assert "ohne Leerlaufgrenze" in result.stdout
    never = read_json(cache / "server.json")
    assert never["watchdog_pid"] is None and wait_gone(now["watchdog_pid"])
    result = cli("server", "start", "--idle-minutes", "10", cache=cache)
    back = read_json(cache / "server.json")
    assert back["idle_minutes"] == 10 and alive(back["watchdog_pid"]) and back["pid"] == record["pid"]
    real_server[1].update(back)  # the later test checks this watchdog


@pytest.mark.parametrize("value", ["-5", "-0.5", "nan", "inf"])
def test_idle_minutes_must_be_a_number_from_zero(tmp_path, value):
    result = cli("server", "start", f"--idle-minutes={value}", cache=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "--idle-minutes muss 0 oder größer sein (0 = nie von selbst beenden)" in result.stderr
    assert not (tmp_path / "server.json").exists()


@pytest.mark.languagetool
def test_real_server_survives_stop_from_another_folder_and_from_tampered_records(real_server, tmp_path):
    cache, record, _ = real_server
    status = lambda: json.loads(cli("server", "status", "--format", "json", cache=cache).stdout)  # noqa: E731
    # 1. its full record copied into another desk's folder
    desk_b = tmp_path / "desk-b"
    desk_b.mkdir()
    (desk_b / "server.json").write_text(json.dumps(record), encoding="utf-8")
    out = cli("server", "stop", cache=desk_b).stdout
    assert "Prozess gehört zu einem anderen Cache-Ordner" in out and "nicht angetastet" in out
    # 2. and 3. its own record with another token, or with another start time (a recycled pid)
    for field, value, words in (("token", "0" * 32, "nicht die Kennung"),
                                ("start_ticks", record["start_ticks"] + 7, "gehört inzwischen einem anderen Prozess")):
        (cache / "server.json").write_text(json.dumps(dict(record, **{field: value})), encoding="utf-8")
        out = cli("server", "stop", cache=cache).stdout
        assert words in out and alive(record["pid"]) and alive(record["watchdog_pid"])
        (cache / "server.json").write_text(json.dumps(record), encoding="utf-8")
    assert status()["running"] is True and status()["pid"] == record["pid"]
    # the real thing: its own record stops it, and its watchdog with it
    out = cli("server", "stop", cache=cache).stdout
    assert f"(PID {record['pid']}) beendet" in out
    assert wait_gone(record["pid"]) and wait_gone(record["watchdog_pid"]) and server_pids(cache) == []
