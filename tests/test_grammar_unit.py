"""Grammar check without a LanguageTool server: mapping, cache, settings, install, watchdog, and
every failure mode (not installed, no Java, shared server down, timeout). The real server is in
test_languagetool_real.py."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import GRAMMAR_MARKUP as FIXTURE
from conftest import REPO, edtool_executable, locate
from edtool.checkrun import CheckRun
from edtool.diagnostics import Category, Severity
from edtool.draft import Draft
from edtool.languagetool import LanguageToolError
from edtool.languagetool.client import LTMatch, _python_length
from edtool.styleguide import StyleGuide, StyleGuideError


class FakeClient:
    """Stands in for the server: flags every occurrence of the given words."""

    def __init__(self, words: dict[str, tuple]):
        self.words = words  # word -> (rule id, issue type[, suggestion])
        self.requests = 0
        self.sent: list[str] = []
        self.languages: list[str] = []

    def check_many(self, texts, language, workers=1):
        out = []
        for text in texts:
            self.requests += 1
            self.sent.append(text)
            self.languages.append(language)
            found = []
            for word, (rule, issue, *suggestion) in self.words.items():
                for hit in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                    found.append(LTMatch(hit.start(), len(word), rule, "TYPOS" if issue == "misspelling" else "GRAMMAR",
                                         issue, f"Fehler bei {word}", tuple(suggestion) or (word.upper(),)))
            out.append(found)
        return out


def fake_session(guide, words, tmp_path):
    from edtool.checks.grammar import GrammarSession, load_settings
    from edtool.languagetool.cache import ResultCache

    session = GrammarSession(load_settings(guide))
    session.cache = ResultCache("test", {}, tmp_path / "results")
    fake = FakeClient(words)
    session.client = lambda restart=False, language=None: fake
    return session, fake


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("EDTOOL_LANGUAGETOOL_URL", raising=False)
    return folder


WORDS = {"das die": ("RELATIVPRONOMEN_STATT_DASS", "uncategorized"), "den neuen Auto": ("DE_AGREEMENT", "grammar"),
         "Überaschung": ("GERMAN_SPELLER_RULE", "misspelling", "Überraschung"),
         "Bakanov": ("GERMAN_SPELLER_RULE", "misspelling"),
         "HOUSTON": ("GERMAN_SPELLER_RULE", "misspelling"), "Fehlr": ("GERMAN_SPELLER_RULE", "misspelling"),
         "example": ("GERMAN_SPELLER_RULE", "misspelling")}


def test_positions_map_back_through_markup(guide, tmp_path, isolated_cache):
    from edtool.checks.grammar import check_grammar

    draft = Draft.load(FIXTURE)
    session, fake = fake_session(guide, WORDS, tmp_path)
    found = check_grammar(draft, CheckRun(guide), session)
    text = FIXTURE.read_text(encoding="utf-8")
    got = {(d.rule, d.line, d.column, d.end_line, d.end_column, d.category) for d in found}
    das = locate(text, "das die", after="HOUSTON (")
    auto = locate(text, "den neuen Auto")
    typo = locate(text, "Überaschung")
    assert got == {
        ("grammar.RELATIVPRONOMEN_STATT_DASS", das[0], das[1], das[0], das[1] + 7, Category.GRAMMAR),
        ("grammar.DE_AGREEMENT", auto[0], auto[1], auto[0], auto[1] + 14, Category.GRAMMAR),
        ("spelling.GERMAN_SPELLER_RULE", typo[0], typo[1], typo[0], typo[1] + 11, Category.SPELLING),
    }  # not: Bakanov (vocabulary), the dateline's HOUSTON, the code block, URLs and link targets
    assert all(d.severity == Severity.WARNING and d.suggestions for d in found)
    assert {d.message for d in found if d.category == Category.SPELLING} == {"„Überaschung“: Fehler bei Überaschung"}
    assert not any("Fehlr" in t or "example" in t or "HOUSTON" in t for t in fake.sent)


def test_second_check_is_served_from_the_cache(guide, tmp_path, isolated_cache):
    from edtool.checks.grammar import blocks_of, check_grammar, pieces_of

    draft = Draft.load(FIXTURE)
    session, fake = fake_session(guide, WORDS, tmp_path)
    first = check_grammar(draft, CheckRun(guide), session)
    # one request per block (title, teaser, each body section); the unknown word's foreign check
    assert fake.languages.count("de-DE") == len(set(blocks_of(pieces_of(draft)))) > 1
    assert fake.languages.count("en-US") == 1 and "Überaschung" in fake.sent[-1]
    again, fake2 = fake_session(guide, WORDS, tmp_path)
    assert check_grammar(draft, CheckRun(guide), again) == first
    assert fake2.requests == 0
    changed = Draft.from_text(FIXTURE.read_text(encoding="utf-8").replace("startet im Sommer", "startet im Herbst"))
    third, fake3 = fake_session(guide, WORDS, tmp_path)
    check_grammar(changed, CheckRun(guide), third)
    assert fake3.sent == ["Die Crew-11 von SpaceX startet im Herbst."]  # only the changed paragraph


def test_vocabulary_and_severity_settings(tmp_path, isolated_cache):
    from edtool.checks.grammar import check_grammar

    body = ("---\ntitle: Ein Test\n---\n\nBakanov und Bakanovs Team trafen Bakanova. SpaceX' Rakete."
            " Am Bakanov-Platz. Am Bakanovo-Platz.\n")
    draft = Draft.from_text(body)
    guide = StyleGuide.from_text(
        "vocabulary:\n  accept: [Bakanov, SpaceX]\n"
        "grammar:\n  severity: {spelling: error, GERMAN_SPELLER_RULE: info}\n")
    words = {"Bakanov": ("GERMAN_SPELLER_RULE", "misspelling"), "Bakanovs": ("GERMAN_SPELLER_RULE", "misspelling"),
             "Bakanova": ("GERMAN_SPELLER_RULE", "misspelling"), "SpaceX'": ("GERMAN_SPELLER_RULE", "misspelling"),
             "Team": ("DE_AGREEMENT", "grammar"), "Bakanov-Platz": ("GERMAN_SPELLER_RULE", "misspelling"),
             "Bakanovo-Platz": ("GERMAN_SPELLER_RULE", "misspelling")}
    session, _ = fake_session(guide, words, tmp_path)
    found = check_grammar(draft, CheckRun(guide), session)
    flagged = {(d.source, d.severity) for d in found}
    # the accepted name and its genitive pass; a longer word that merely starts with it does not
    assert ("Bakanova", Severity.INFO) in flagged
    assert not any(src in ("Bakanov", "Bakanovs", "SpaceX'", "Bakanov-Platz") for src, _ in flagged)
    assert ("Bakanovo-Platz", Severity.INFO) in flagged  # a compound on an accepted name passes, not on another
    assert ("Team", Severity.WARNING) in flagged


def test_grammar_settings_are_validated():
    from edtool.checks.grammar import load_settings

    with pytest.raises(StyleGuideError) as error:
        load_settings(StyleGuide.from_text("grammar:\n  timeout: soon\n"))
    assert error.value.line == 2
    with pytest.raises(StyleGuideError):
        load_settings(StyleGuide.from_text("grammar:\n  severity: {DE_CASE: fatal}\n"))
    with pytest.raises(StyleGuideError):
        load_settings(StyleGuide.from_text("grammar:\n  language: fr-FR\n"))
    settings = load_settings(StyleGuide.from_text("grammar:\n  disabled_rules: [A, B]\n  idle_minutes: 5\n"))
    assert settings.disabled_rules == ("A", "B") and settings.idle_minutes == 5


def test_draft_language_comes_from_front_matter():
    from edtool.checks.grammar import GrammarSettings, draft_language

    settings = GrammarSettings(language="de-DE")
    assert draft_language(Draft.from_text("---\nlanguage: de-AT\n---\n\nText.\n"), settings) == "de-AT"
    assert draft_language(Draft.from_text("---\nlanguage: de-CH\n---\n\nText.\n"), settings) == "de-CH"
    assert draft_language(Draft.from_text("---\ntitle: x\n---\n\nText.\n"), settings) == "de-DE"


def test_split_and_groups():
    from edtool.checks.grammar import SEPARATOR, _groups, _split

    texts = ["Erster Absatz.", "Zweiter Absatz.", "Dritter."]
    joined = SEPARATOR.join(texts)
    matches = [LTMatch(joined.index("Zweiter"), 7, "R", "C", "t", "m"), LTMatch(joined.index("Dritter"), 3, "R", "C", "t", "m")]
    split = _split(texts, matches)
    assert [(m.offset, m.length) for m in split["Zweiter Absatz."]] == [(0, 7)]
    assert [(m.offset, m.length) for m in split["Dritter."]] == [(0, 3)]
    assert split["Erster Absatz."] == []
    assert _groups(texts, 2) == [texts]  # small: one request
    big = ["a" * 2000, "b" * 2000, "c" * 2000, "d" * 2000]
    groups = _groups(big, 2)
    assert len(groups) == 2 and sum(groups, []) == big


def test_utf16_lengths_become_python_lengths():
    text = "Start 🚀🚀 Fehlr"
    assert _python_length(text, 6, 4) == 2  # two emoji are four UTF-16 units
    assert _python_length(text, 9, 5) == 5


# -- failure modes ---------------------------------------------------------------------------
def _draft_folder(tmp_path: Path, guide_extra: str = "") -> Path:
    desk = tmp_path / "desk"
    (desk / "drafts").mkdir(parents=True)
    text = (REPO / "styleguide.yaml").read_text(encoding="utf-8")
    (desk / "styleguide.yaml").write_text(text + guide_extra, encoding="utf-8")
    for name in ("a.md", "b.md"):
        (desk / "drafts" / name).write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    return desk


def _run(desk: Path, *args: str, env: dict | None = None):
    full = {k: v for k, v in os.environ.items() if not k.startswith("EDTOOL_")}
    full.update(env or {})
    return subprocess.run([*edtool_executable(), "check", "--format", "json", *args], cwd=desk, env=full,
                          capture_output=True, text=True, timeout=120)


def _service_warnings(result) -> list[dict]:
    data = json.loads(result.stdout)
    return [d for f in data["files"] for d in f["diagnostics"] if d["category"] == "file"]


def test_not_installed_is_one_warning_and_other_checks_go_on(tmp_path):
    desk = _draft_folder(tmp_path)
    result = _run(desk, "drafts", env={"EDTOOL_CACHE_DIR": str(tmp_path / "empty")})
    warnings = _service_warnings(result)
    assert len(warnings) == 1 and warnings[0]["severity"] == "warning"
    assert "edtool server install" in warnings[0]["message"]
    data = json.loads(result.stdout)
    assert {d["category"] for f in data["files"] for d in f["diagnostics"]} - {"file"}  # the rest still ran
    assert not (tmp_path / "empty" / "server.json").exists()


def test_not_installed_with_require_grammar_exits_2(tmp_path):
    desk = _draft_folder(tmp_path)
    env = {"EDTOOL_CACHE_DIR": str(tmp_path / "empty")}
    result = _run(desk, "--require-grammar", "drafts", env=env)
    assert result.returncode == 2 and "edtool server install" in result.stderr
    required = _draft_folder(tmp_path / "req")
    text = (required / "styleguide.yaml").read_text(encoding="utf-8").replace("  required: false", "  required: true")
    (required / "styleguide.yaml").write_text(text, encoding="utf-8")
    assert _run(required, "drafts", env=env).returncode == 2


def _fake_install(cache: Path) -> None:
    from edtool.languagetool import pinned_version

    lib = cache / f"languagetool-{pinned_version()}" / "lib"
    lib.mkdir(parents=True)
    (lib / "languagetool-server.jar").write_bytes(b"")
    (lib.parent / "installed.json").write_text(json.dumps({"version": pinned_version()}), encoding="utf-8")


def _fake_java(tmp_path: Path, version: str) -> Path:
    script = tmp_path / f"java-{version}"
    script.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2021-01-19\' >&2\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_old_java_says_what_to_do(tmp_path):
    desk = _draft_folder(tmp_path)
    cache = tmp_path / "cache"
    _fake_install(cache)
    env = {"EDTOOL_CACHE_DIR": str(cache), "EDTOOL_JAVA": str(_fake_java(tmp_path, "11.0.2"))}
    warnings = _service_warnings(_run(desk, "drafts", env=env))
    assert len(warnings) == 1 and "Java 17" in warnings[0]["message"] and "11" in warnings[0]["message"]


def test_shared_server_down_is_a_warning(tmp_path):
    desk = _draft_folder(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"EDTOOL_CACHE_DIR": str(tmp_path / "cache"), "EDTOOL_LANGUAGETOOL_URL": f"http://127.0.0.1:{port}"}
    warnings = _service_warnings(_run(desk, "drafts", env=env))
    assert len(warnings) == 1 and f"127.0.0.1:{port}" in warnings[0]["message"]
    assert "antwortet nicht" in warnings[0]["message"]
    assert not (tmp_path / "cache" / "server.json").exists()  # a shared server: nothing starts locally


class _SlowLanguageTool(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _reply(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._reply([{"name": "German (Germany)", "code": "de", "longCode": "de-DE"},
                     {"name": "German (Austria)", "code": "de", "longCode": "de-AT"}])

    def do_POST(self):
        time.sleep(3)
        try:
            self._reply({"matches": []})
        except OSError:
            pass


def test_timeout_is_a_warning_not_a_hang(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowLanguageTool)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        desk = _draft_folder(tmp_path, "")
        text = (desk / "styleguide.yaml").read_text(encoding="utf-8").replace("  timeout: 30 ", "  timeout: 1 ")
        (desk / "styleguide.yaml").write_text(text, encoding="utf-8")
        env = {"EDTOOL_CACHE_DIR": str(tmp_path / "cache"),
               "EDTOOL_LANGUAGETOOL_URL": f"http://127.0.0.1:{server.server_address[1]}"}
        warnings = _service_warnings(_run(desk, "drafts", env=env))
        assert len(warnings) == 1 and "nicht innerhalb von 1 s" in warnings[0]["message"]
    finally:
        server.shutdown()


# -- install ----------------------------------------------------------------------------------
def test_install_is_idempotent_and_needs_maven(tmp_path, monkeypatch, isolated_cache):
    from edtool.languagetool import install as install_module

    monkeypatch.setenv("EDTOOL_JAVA", str(_fake_java(tmp_path, "17.0.15")))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(LanguageToolError) as error:
        install_module.install()
    assert error.value.kind == "no-maven" and "mvn" in error.value.message
    _fake_install(isolated_cache)
    marker = install_module.install()  # already there: no Maven needed, nothing changes
    assert marker["changed"] is False


def test_java_versions_are_read(tmp_path, monkeypatch):
    from edtool.languagetool.install import find_java, java_major

    assert java_major(str(_fake_java(tmp_path, "17.0.15"))) == 17
    assert java_major(str(_fake_java(tmp_path, "1.8.0_392"))) == 8
    monkeypatch.setenv("EDTOOL_JAVA", str(_fake_java(tmp_path, "11.0.2")))
    with pytest.raises(LanguageToolError) as error:
        find_java()
    assert error.value.kind == "no-java"


def test_launcher_jar_lists_every_jar(tmp_path):
    from edtool.languagetool.install import LAUNCHER, write_launcher

    names = [f"some-long-library-name-{i}-1.2.3.jar" for i in range(30)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    write_launcher(tmp_path)
    manifest = zipfile.ZipFile(tmp_path / LAUNCHER).read("META-INF/MANIFEST.MF")
    assert all(len(line) <= 72 for line in manifest.split(b"\r\n"))
    unfolded = manifest.replace(b"\r\n ", b"").decode()
    assert unfolded.split("Class-Path: ")[1].split("\r\n")[0].split() == sorted(names)


# -- server record, stale detection and idle shutdown ------------------------------------------
def test_stale_record_is_not_healthy_and_foreign_processes_survive(isolated_cache):
    from edtool.languagetool import server

    foreign = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    http = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)  # answers, but not as LanguageTool
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        port = http.server_address[1]
        record = server.ServerRecord(foreign.pid, port, f"http://127.0.0.1:{port}", "6.8", "now", 30)
        assert not server.healthy(record)
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        assert not server.healthy(server.ServerRecord(dead.pid, port, record.url, "6.8", "now", 30))
        isolated_cache.mkdir(parents=True)
        server._write_record(record)
        server._discard(record)
        assert foreign.poll() is None  # not LanguageTool: never killed
        assert server.read_record() is None
    finally:
        http.shutdown()
        foreign.kill()
        foreign.wait()


def test_watchdog_stops_an_idle_server(tmp_path, monkeypatch):
    from edtool.languagetool import process, watchdog

    ours = process.child_env("7" * 32, tmp_path)  # the server's token and folder (see test_server_ownership.py)
    dummy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "org.languagetool.server.HTTPServer"],
                             env=ours)
    try:
        for key in (process.TOKEN_ENV, process.FOLDER_ENV):
            monkeypatch.setenv(key, ours[key])
        (tmp_path / "server.json").write_text(json.dumps({"pid": dummy.pid, "token": "7" * 32}), encoding="utf-8")
        (tmp_path / "server.activity").touch()
        started = time.monotonic()
        assert watchdog.main([str(tmp_path), str(dummy.pid), "1", str(process.start_ticks(dummy.pid))]) == 0
        assert time.monotonic() - started >= 0.9
        dummy.wait(timeout=5)
        assert not (tmp_path / "server.json").exists()
    finally:
        if dummy.poll() is None:
            dummy.kill()
            dummy.wait()


def test_status_json_without_server(isolated_cache):
    result = subprocess.run([*edtool_executable(), "server", "status", "--format", "json"], cwd=REPO,
                            env=dict(os.environ), capture_output=True, text=True, timeout=60)
    data = json.loads(result.stdout)
    assert data["running"] is False and data["pid"] is None and data["url"] is None
    assert data["version"] and result.returncode == 1


def test_cached_run_does_not_import_the_client(guide, tmp_path, isolated_cache):
    """All paragraphs cached: no language-tool-python (nor requests) import, no server contact."""
    code = f"""
import sys
from edtool.checkrun import CheckRun
from edtool.checks.grammar import check_grammar, GrammarSession, load_settings
from edtool.languagetool.cache import ResultCache
from edtool.draft import Draft
from edtool.styleguide import StyleGuide
guide = StyleGuide.load({str(REPO / 'styleguide.yaml')!r})
draft = Draft.load({str(FIXTURE)!r})
session = GrammarSession(load_settings(guide))
session.cache = ResultCache('test', {{}}, __import__('pathlib').Path({str(tmp_path / 'results')!r}))
from edtool.checks.grammar import pieces_of
for piece in pieces_of(draft):
    session.cache.put(piece.text, 'de-DE', [])
def no_client(restart=False, language=None):
    raise AssertionError('server contacted')
session.client = no_client
assert check_grammar(draft, CheckRun(guide), session) == []
assert 'language_tool_python' not in sys.modules and 'requests' not in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, env=dict(os.environ))


class _RecordingLanguageTool(_SlowLanguageTool):
    bodies: list[str] = []

    def do_POST(self):
        import urllib.parse

        length = int(self.headers["Content-Length"])
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        _RecordingLanguageTool.bodies.append(form)
        text = form["text"][0]
        # LanguageTool counts UTF-16 units: the emoji before "Fehlr" counts two
        offset = len(text[: text.index("Fehlr")].encode("utf-16-le")) // 2
        self._reply({"matches": [{
            "message": "Möglicher Tippfehler gefunden.", "replacements": [{"value": "Fehler"}],
            "offset": offset, "length": 5, "context": {"text": text, "offset": offset, "length": 5},
            "sentence": text, "rule": {"id": "GERMAN_SPELLER_RULE", "issueType": "misspelling",
                                       "category": {"id": "TYPOS", "name": "Tippfehler"}}}]})


def test_client_sends_sorted_settings_and_maps_utf16_offsets():
    """Sorted rule lists: LanguageTool caches a rule pipeline per parameter string."""
    from edtool.languagetool.client import Client

    server = ThreadingHTTPServer(("127.0.0.1", 0), _RecordingLanguageTool)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Client(f"http://127.0.0.1:{server.server_address[1]}", 5, ["ZETA", "ALPHA", "MID"], ["TYPOGRAPHY", "CASING"])
        text = "Start 🚀 und ein Fehlr."
        (match,) = client.check(text, "de-AT")
        assert text[match.offset : match.offset + match.length] == "Fehlr"
        assert match.replacements == ("Fehler",) and match.issue_type == "misspelling"
        form = _RecordingLanguageTool.bodies[-1]
        assert form["disabledRules"] == ["ALPHA,MID,ZETA"] and form["disabledCategories"] == ["CASING,TYPOGRAPHY"]
        assert form["language"] == ["de-AT"] and client.requests == 1
    finally:
        server.shutdown()
