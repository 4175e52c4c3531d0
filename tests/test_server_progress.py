"""No silent waits: progress of `server install`, `server start` and the first check, on a terminal
(a real pseudo-terminal) and in plain mode; the background start when a writer begins work."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, as_foreground_job, edtool_executable
from server_support import (  # noqa: F401 (installed is a fixture)
    LIVE,
    Terminal,
    installed,
    link_install,
    read_json,
    server_pids,
    wait_for_starting_record,
    wait_gone,
)


def environment(cache: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("EDTOOL_LANGUAGETOOL_URL", "EDTOOL_PROGRESS", "CI")}
    env.update(EDTOOL_CACHE_DIR=str(cache), **extra)
    return env


# -- the renderer ---------------------------------------------------------------------------------
def test_renderer_live_line_and_plain_lines():
    from edtool.cli.progress import Renderer

    live = io.StringIO()
    renderer = Renderer(live, live=True)
    renderer.notice("Starte …")
    renderer.progress("s", "läuft 1 s", False)
    renderer.progress("s", "läuft 1 s, gleich wieder", False)  # within 0.1 s: skipped
    time.sleep(0.15)
    renderer.progress("s", "läuft 2 s", False)
    renderer.notice("Zwischendurch")  # ends the live line first
    renderer.progress("s", "bereit", True)
    assert live.getvalue() == ("Starte …\n\rläuft 1 s\x1b[K\rläuft 2 s\x1b[K\nZwischendurch\n"
                               "\rbereit\x1b[K\n")
    plain = io.StringIO()
    renderer = Renderer(plain, live=False)
    for second in range(5):
        renderer.progress("s", f"läuft {second} s", False)  # one line, then one per 10 s
    renderer.progress("s", "bereit", True)
    assert plain.getvalue() == "läuft 0 s\nbereit\n"


def test_live_only_on_a_terminal(monkeypatch):
    from edtool.cli.progress import live_output

    leader, follower = pty.openpty()
    try:
        with open(follower, "w", closefd=False) as tty, open(os.devnull, "w") as pipe:
            monkeypatch.delenv("CI", raising=False)
            monkeypatch.delenv("EDTOOL_PROGRESS", raising=False)
            monkeypatch.setenv("TERM", "xterm")
            assert live_output(tty) and not live_output(pipe)
            monkeypatch.setenv("CI", "true")
            assert not live_output(tty)
            monkeypatch.setenv("EDTOOL_PROGRESS", "live")
            assert live_output(pipe)
    finally:
        os.close(leader)
        os.close(follower)


# -- server install -------------------------------------------------------------------------------
def maven_repository() -> Path:
    return Path.home() / ".m2" / "repository"


@pytest.mark.languagetool
def test_install_shows_what_maven_fetches_on_a_terminal(tmp_path, installed):  # noqa: F811
    """A real Maven run with an empty local repository, fetching from a mirror of the machine's own
    repository (file://, no network): the live line names files and megabytes as they arrive."""
    if not shutil.which("mvn") or not any(maven_repository().glob("org/languagetool/languagetool-server/*")):
        pytest.skip("needs mvn and a Maven repository that holds LanguageTool (after `edtool server install`)")
    home = tmp_path / "home"
    (home / ".m2").mkdir(parents=True)
    (home / ".m2" / "settings.xml").write_text(
        "<settings><mirrors><mirror><id>desk</id><mirrorOf>*</mirrorOf>"
        f"<url>{maven_repository().as_uri()}</url></mirror></mirrors></settings>", encoding="utf-8")
    cache = tmp_path / "cache"
    env = environment(cache, MAVEN_OPTS=f"-Duser.home={home}")
    terminal = Terminal([*edtool_executable(), "server", "install"], env, tmp_path)
    assert terminal.finish() == 0, terminal.text[-2000:]
    lines = LIVE.findall(terminal.text)
    fetch = [re.match(r"Maven lädt: (\d+) Dateien, (\d+) von etwa \d+ MB … \d+ s \((\S+)\)", line) for line in lines]
    counts = [(int(m.group(1)), int(m.group(2))) for m in fetch if m]
    assert len(counts) >= 3 and counts == sorted(counts) and counts[-1][1] > 200  # growing, most of ~277 MB
    # the copy phase may end between two ticks; its line is tested below without a clock
    final = re.search(r"LanguageTool 6\.8: (\d+) Dateien mit (\d+) MB geladen, (\d+) MB im Cache-Ordner", terminal.text)
    assert final, terminal.text[-1500:]
    marker = json.loads((cache / "languagetool-6.8" / "installed.json").read_text(encoding="utf-8"))
    local_repo = sum(p.stat().st_size for p in (home / ".m2" / "repository").rglob("*") if p.is_file())
    assert abs(marker["download_bytes"] - local_repo) < 0.05 * local_repo  # Maven's own counts add up
    assert int(final.group(2)) == round(marker["download_bytes"] / 1e6)
    assert int(final.group(3)) == round(marker["lib_bytes"] / 1e6)


def test_install_line_names_the_phase(tmp_path):
    from edtool.languagetool.install import Fetched, progress_text

    partial = tmp_path / "lib.partial"
    partial.mkdir()
    assert progress_text(Fetched(), partial, "6.8", 3.2) == "Maven löst die LanguageTool-Pakete auf … 3 s"
    fetching = progress_text(Fetched(files=12, bytes=40_000_000, current="lucene-core.jar"), partial, "6.8", 9)
    assert fetching == "Maven lädt: 12 Dateien, 40 von etwa 277 MB … 9 s (lucene-core.jar)"
    (partial / "a.jar").write_bytes(b"x" * 3_000_000)
    copying = progress_text(Fetched(files=300, bytes=277_000_000), partial, "6.8", 41)
    assert copying == "Kopiere LanguageTool in den Cache-Ordner: 3 von etwa 263 MB … 41 s"


@pytest.mark.languagetool
def test_install_progress_in_plain_mode(tmp_path, installed):  # noqa: F811
    if not shutil.which("mvn"):
        pytest.skip("needs mvn")
    cache = tmp_path / "cache"
    result = subprocess.run([*edtool_executable(), "server", "install"], env=environment(cache, CI="true"),
                            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Maven ") and len(lines) >= 2
    assert re.fullmatch(r"LanguageTool 6\.8: nichts zu laden \(alles schon im lokalen Maven-Repository\), "
                        r"\d+ MB im Cache-Ordner \(\d+ s\)\.", lines[-1])
    assert "installiert in" in result.stdout


# -- pre-start when a writer begins work ----------------------------------------------------------
def make_desk(tmp_path: Path, grammar: str = "") -> Path:
    desk = tmp_path / "desk"
    (desk / "drafts").mkdir(parents=True)
    text = (REPO / "styleguide.yaml").read_text(encoding="utf-8")
    if grammar:  # replaces the shipped (empty) server_url line
        assert "\n  server_url:\n" in text
        text = text.replace("\n  server_url:\n", "\n" + grammar, 1)
    (desk / "styleguide.yaml").write_text(text, encoding="utf-8")
    return desk


def new_draft(desk: Path, cache: Path, title: str, **extra: str) -> subprocess.CompletedProcess:
    env = environment(cache, **extra)
    env.pop("EDTOOL_STYLEGUIDE", None)
    return subprocess.run([*edtool_executable(), "new", title, "--author", "Lena Hoffmann", "--dateline", "BERLIN",
                           "--category", "Raumfahrt"], cwd=desk, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("grammar, extra, expected", [
    ("  enabled: false\n", {"EDTOOL_PRESTART": "1"}, "disabled"),
    ("  server_url: http://127.0.0.1:9\n", {"EDTOOL_PRESTART": "1"}, "remote"),
    ("", {"EDTOOL_PRESTART": "1", "EDTOOL_LANGUAGETOOL_URL": "http://127.0.0.1:9"}, "remote"),
    ("", {"EDTOOL_PRESTART": "0"}, "off"),
    ("", {}, "off"),  # not a terminal (this test's pipes)
])
def test_no_prestart_when_grammar_is_off_shared_or_not_wanted(tmp_path, installed, monkeypatch, grammar, extra,  # noqa: F811
                                                              expected):
    from edtool.languagetool.prestart import prestart
    from edtool.styleguide import StyleGuide

    desk = make_desk(tmp_path, grammar)
    cache = link_install(tmp_path / "cache", installed)
    result = new_draft(desk, cache, "Ein Titel ohne Vorstart", **extra)
    assert result.returncode == 0 and result.stdout.strip().endswith(".md"), result.stderr
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(cache))
    monkeypatch.delenv("EDTOOL_PRESTART", raising=False)
    for key, value in extra.items():
        monkeypatch.setenv(key, value)
    assert prestart(StyleGuide.load(desk / "styleguide.yaml")) == expected
    time.sleep(1.0)
    assert not (cache / "server.json").exists() and server_pids(cache) == []


@pytest.mark.languagetool
def test_prestart_that_fails_never_fails_new(tmp_path, installed):  # noqa: F811
    """The background start cannot write its record: `edtool new` still succeeds at once, and the
    half-started server does not stay behind."""
    desk = make_desk(tmp_path)
    cache = link_install(tmp_path / "cache", installed)
    (cache / "server.json").mkdir()  # cannot be written as a file
    result = new_draft(desk, cache, "Ein Titel trotz Fehler", EDTOOL_PRESTART="1")
    assert result.returncode == 0 and result.stderr == ""
    assert (desk / "drafts" / "ein-titel-trotz-fehler.md").is_file()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (cache / "server.log").exists():
        time.sleep(0.1)
    time.sleep(3.0)
    assert server_pids(cache) == []


@pytest.mark.languagetool
def test_prestart_on_new_and_the_first_check_waits_for_it(tmp_path, installed, monkeypatch):  # noqa: F811
    from edtool.languagetool.server import read_record, stop

    desk = make_desk(tmp_path)
    cache = link_install(tmp_path / "cache", installed)
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(cache))
    try:
        result = new_draft(desk, cache, "Der Server startet im Hintergrund", EDTOOL_PRESTART="1")
        assert result.returncode == 0 and result.stderr == ""
        record = wait_for_starting_record(cache)  # `new` has returned; the server is still starting
        again = new_draft(desk, cache, "Noch ein Entwurf", EDTOOL_PRESTART="1")  # idempotent
        assert again.returncode == 0
        draft = result.stdout.strip()
        check = subprocess.run([*edtool_executable(), "check", "--only", "grammar,spelling", draft], cwd=desk,
                               env=environment(cache), capture_output=True, text=True, timeout=400)
        assert check.returncode in (0, 1), check.stderr
        assert "Ein anderer edtool-Lauf startet oder beendet gerade den LanguageTool-Server; warte darauf …" in check.stderr
        assert "Der andere edtool-Lauf ist fertig" in check.stderr and "\r" not in check.stderr
        assert "Starte den LanguageTool-Server" not in check.stderr  # it did not start one itself
        assert read_record().pid == record["pid"] and server_pids(cache) == [record["pid"]]
    finally:
        stop()
    assert server_pids(cache) == []


def prestart_processes(cache: Path) -> list[int]:
    """Background starters (python -m edtool.languagetool.prestart) working in `cache`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and b"edtool.languagetool.prestart" in (entry / "cmdline").read_bytes()
                    and os.readlink(entry / "cwd") == os.path.realpath(cache)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.languagetool
def test_hooks_install_prestarts_and_an_interrupted_background_start_cleans_up(tmp_path, installed):  # noqa: F811
    import signal

    desk = make_desk(tmp_path)
    subprocess.run(["git", "init", "-q", str(desk)], check=True)
    cache = link_install(tmp_path / "cache", installed)
    env = environment(cache, EDTOOL_PRESTART="1")
    env.pop("EDTOOL_STYLEGUIDE", None)
    # started as at a terminal: the background starter inherits Ctrl-C at its default, which it must handle
    result = subprocess.run(as_foreground_job([*edtool_executable(), "hooks", "install"]), cwd=desk, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and (desk / ".git" / "hooks" / "pre-commit").is_file(), result.stderr
    record = wait_for_starting_record(cache)  # the hook is installed; the server is still starting
    starters = prestart_processes(cache)
    assert len(starters) == 1 and server_pids(cache) == [record["pid"]]
    status = subprocess.run([*edtool_executable(), "server", "status"], cwd=desk, env=env, capture_output=True,
                            text=True, timeout=60)
    assert status.returncode == 1
    assert status.stdout.strip() == (f"Der LanguageTool-Server startet gerade (PID {record['pid']}); "
                                     "in etwa einer halben Minute ist er bereit.")
    os.kill(starters[0], signal.SIGINT)
    assert wait_gone(starters[0]) and wait_gone(record["pid"]) and wait_gone(record["watchdog_pid"])
    assert server_pids(cache) == [] and not (cache / "server.json").exists()
