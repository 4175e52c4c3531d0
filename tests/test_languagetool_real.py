"""Grammar and spelling against the real LanguageTool server (no mocks).

The server is installed once per machine (`edtool server install`, as .ci/run does) and started
once for this module in a cache folder of its own that links to that install.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import GRAMMAR_MARKUP as FIXTURE
from conftest import REPO, edtool_executable, locate
from edtool.draft import Draft
from edtool.styleguide import StyleGuide

pytestmark = pytest.mark.languagetool


@pytest.fixture
def lt(lt_server):
    """The suite's running LanguageTool server (conftest.lt_server); its cache folder."""
    return lt_server

def shipped_guide() -> StyleGuide:
    return StyleGuide.load(REPO / "styleguide.yaml")


def check(draft: Draft, guide: StyleGuide | None = None):
    from edtool.checkrun import CheckRun
    from edtool.checks.grammar import check_grammar

    run = CheckRun(guide or shipped_guide())
    found = check_grammar(draft, run)
    return found, run.grammar_session


def checks_sent(cache: Path) -> int:
    return (cache / "server.log").read_text(encoding="utf-8", errors="replace").count("Handling POST /v2/check")


def run_cli(*args: str, cwd: Path = REPO, env: dict | None = None, timeout: float = 240):
    full = {k: v for k, v in os.environ.items() if k != "EDTOOL_STYLEGUIDE"}
    full.update(env or {})
    return subprocess.run([*edtool_executable(), *args], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=timeout)


def test_errors_found_at_exact_positions_through_markdown(lt):
    found, _ = check(Draft.load(FIXTURE))
    text = FIXTURE.read_text(encoding="utf-8")
    das = locate(text, "das die", after="HOUSTON (")
    auto = locate(text, "den neuen Auto")
    typo = locate(text, "Überaschung")
    got = {(d.rule, d.line, d.column, d.end_line, d.end_column) for d in found}
    assert got == {
        ("grammar.RELATIVPRONOMEN_STATT_DASS", das[0], das[1], das[0], das[1] + 3),  # link, emphasis, umlauts before
        ("grammar.DE_AGREEMENT", auto[0], auto[1], auto[0], auto[1] + 14),  # list item with emphasis and link
        ("spelling.GERMAN_SPELLER_RULE", typo[0], typo[1], typo[0], typo[1] + 11),  # after an emoji and a link
    }
    by_rule = {d.rule: d for d in found}
    assert by_rule["grammar.RELATIVPRONOMEN_STATT_DASS"].suggestions[0] == "dass"
    assert "dem neuen Auto" in by_rule["grammar.DE_AGREEMENT"].suggestions
    assert by_rule["spelling.GERMAN_SPELLER_RULE"].suggestions[0] == "Überraschung"
    assert by_rule["spelling.GERMAN_SPELLER_RULE"].category.value == "spelling"
    assert by_rule["grammar.DE_AGREEMENT"].category.value == "grammar"


def test_vocabulary_word_is_not_flagged(lt):
    # a product name one letter from a dictionary word: without the vocabulary it reads as a slip
    text = "---\ntitle: Test\n---\n\nDas neue Modell heißt Flugwerkk und fliegt bald.\n"
    draft = Draft.from_text(text)
    found, _ = check(draft, StyleGuide.from_text("grammar:\n  disabled_rules: []\n"))
    line, column = locate(text, "Flugwerkk")
    assert [(d.rule, d.line, d.column, d.source) for d in found] == [
        ("spelling.GERMAN_SPELLER_RULE", line, column, "Flugwerkk")]
    found, _ = check(draft, StyleGuide.from_text("vocabulary:\n  accept: [Flugwerkk]\n"))
    assert found == []
    found, _ = check(Draft.load(FIXTURE))  # shipped styleguide.yaml: names of the sample article
    assert not [d for d in found if d.source in ("Bakanov", "Roscosmos", "SpaceX", "Crew-11")]


def test_vocabulary_works_against_a_shared_server(lt, monkeypatch):
    from edtool.languagetool.server import read_record

    record = read_record()
    monkeypatch.setenv("EDTOOL_LANGUAGETOOL_URL", record.url)  # the same server, used as a shared one
    draft = Draft.from_text("---\ntitle: Bakanov in Houston\n---\n\nBakanov und Bakanovx reisten nach Houston.\n")
    found, session = check(draft)
    # title and body are separate texts (Bakanovx beside Bakanov is a slip: no foreign check)
    assert session.remote_url == record.url and session.requests == 2
    assert [d.source for d in found if d.category.value == "spelling"] == ["Bakanovx"]  # beside Bakanov: a slip
    assert read_record().pid == record.pid


def test_second_run_uses_the_cache(lt):
    draft = Draft.load(FIXTURE)
    first, _ = check(draft)
    before = checks_sent(lt)
    again, session = check(draft)  # a new run: new guide, new session
    assert again == first and session.requests == 0 and session.cache.misses == 0
    assert checks_sent(lt) == before
    changed = Draft.from_text(FIXTURE.read_text(encoding="utf-8").replace("im Sommer", "im Herbst"))
    _, session = check(changed)
    assert session.requests == 1 and session.cache.misses == 1  # only the changed paragraph


def test_cli_second_check_makes_no_request(lt, tmp_path):
    draft = tmp_path / "entwurf.md"
    draft.write_text(FIXTURE.read_text(encoding="utf-8").replace("Sommer", "Frühjahr"), encoding="utf-8")
    args = ("check", "--format", "json", "--only", "grammar,spelling", "--styleguide", str(REPO / "styleguide.yaml"),
            str(draft))
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr  # warnings only
    before = checks_sent(lt)
    second = run_cli(*args)
    assert checks_sent(lt) == before
    assert json.loads(second.stdout) == json.loads(first.stdout)
    rules = {d["rule"] for d in json.loads(first.stdout)["files"][0]["diagnostics"]}
    assert rules == {"grammar.RELATIVPRONOMEN_STATT_DASS", "grammar.DE_AGREEMENT", "spelling.GERMAN_SPELLER_RULE"}


def test_language_variant_from_front_matter(lt):
    body = "Die Strasse war im Jänner gesperrt.\n"
    flagged = {}
    for language in ("de-DE", "de-AT", "de-CH"):
        found, _ = check(Draft.from_text(f"---\ntitle: Test\nlanguage: {language}\n---\n\n{body}"))
        flagged[language] = sorted(d.source for d in found if d.category.value == "spelling")
    # Jänner, Austrian for Januar, is reported in de-DE ("im Jänner": after an article a word is a noun,
    # not a name); de-AT knows it
    assert flagged == {"de-DE": ["Jänner", "Strasse"], "de-AT": ["Strasse"], "de-CH": []}


def test_status_json(lt):
    result = run_cli("server", "status", "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 0
    assert data["running"] is True and data["version"] == "6.8"
    assert data["url"].startswith("http://127.0.0.1:") and isinstance(data["pid"], int)


def test_watchdog_watches_the_server(lt):
    from edtool.languagetool.server import read_record

    record = read_record()
    line = Path(f"/proc/{record.watchdog_pid}/cmdline").read_bytes().decode().split("\0")
    assert "edtool.languagetool.watchdog" in line and str(record.pid) in line
    assert float(line[line.index(str(record.pid)) + 1]) == 30 * 60  # idle seconds


def _server_pids(cache: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if "org.languagetool.server.HTTPServer" in line and str(cache) in line and state != "Z":
            pids.append(int(proc.name))
    return pids


def test_killed_server_is_restarted(lt):
    from edtool.languagetool.server import healthy, read_record

    old = read_record()
    os.kill(old.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while old.pid in _server_pids(lt) and time.monotonic() < deadline:
        time.sleep(0.1)
    found, session = check(Draft.from_text("---\ntitle: Neustart\n---\n\nEr sagte, das der Server wieder läuft.\n"))
    assert [d.rule for d in found] == ["grammar.RELATIVPRONOMEN_STATT_DASS"]
    new = read_record()
    assert new.pid != old.pid and healthy(new)
    assert _server_pids(lt) == [new.pid]


def test_server_stop_by_hand(lt):
    from edtool.languagetool.server import read_record

    record = read_record()
    result = run_cli("server", "stop")
    assert result.returncode == 0 and str(record.pid) in result.stdout
    assert _server_pids(lt) == [] and read_record() is None
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{record.watchdog_pid}") and time.monotonic() < deadline:
        time.sleep(0.2)  # the watchdog leaves with its server
    status = json.loads(run_cli("server", "status", "--format", "json").stdout)
    assert status["running"] is False


class _NotLanguageTool(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(404)
        self.end_headers()


def test_two_concurrent_runs_share_one_new_server(lt_folder, tmp_path):
    """A stale record (live foreign pid, port answered by something else) is replaced, once; the new
    server is the suite's shared one from then on."""
    lt = lt_folder
    from edtool.languagetool.server import ServerRecord, _write_record, read_record, stop

    stop()
    foreign = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    other = ThreadingHTTPServer(("127.0.0.1", 0), _NotLanguageTool)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        port = other.server_address[1]
        _write_record(ServerRecord(foreign.pid, port, f"http://127.0.0.1:{port}", "6.8", "earlier", 30))
        drafts = []
        for index, word in enumerate(("Montag", "Dienstag")):
            path = tmp_path / f"d{index}.md"
            path.write_text(f"---\ntitle: Parallel\n---\n\nAm {word} sagte er, das die Lage ernst ist.\n", encoding="utf-8")
            drafts.append(path)
        args = ["check", "--format", "json", "--only", "grammar,spelling", "--styleguide", str(REPO / "styleguide.yaml")]
        runs = [subprocess.Popen([*edtool_executable(), *args, str(d)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=dict(os.environ)) for d in drafts]
        outputs = [run.communicate(timeout=300) for run in runs]
        for run, (out, err) in zip(runs, outputs):
            assert run.returncode == 0, err
            rules = [d["rule"] for d in json.loads(out)["files"][0]["diagnostics"]]
            assert rules == ["grammar.RELATIVPRONOMEN_STATT_DASS"]
        # the run that started the server told the writer why it takes a while (on stderr, JSON stays clean)
        assert sum("Starte den LanguageTool-Server" in err for _, err in outputs) == 1
        record = read_record()
        assert _server_pids(lt) == [record.pid] and record.port != port
        assert foreign.poll() is None  # the foreign process was left alone
    finally:
        other.shutdown()
        foreign.kill()
        foreign.wait()


# -- precision on news copy: each false-alarm family, and the typos that must stay -------------------
BODY_LINE = 6  # the body's line in a _news draft


def _news(body: str, title: str = "Ein Test", extra: str = "") -> Draft:
    return Draft.from_text(f"---\ntitle: {title}\ndate: '2018-12-22'\n{extra}---\n\n{body}\n")


def _spots(found, category: str | None = None):
    return [(d.rule, d.line, d.column, d.end_column, d.source) for d in found
            if category is None or d.category.value == category]


def test_names_brands_abbreviations_and_foreign_terms_are_not_spelling_errors(lt):
    body = ("Die Ingenieurin Maren Quastholt leitet das Labor der ZorbiTech GmbH. Quastholt sagt, der Verband "
            "VKLZ habe das Modell Q7x geprüft. Das Team nennt es „edge inference“.")
    found, _ = check(_news(body))
    assert _spots(found, "spelling") == []


def test_a_brand_ending_in_a_digit_is_a_name_not_a_variant_of_itself(lt):
    # the speller splits the digit off ("Tele" of "Tele2"), and the letters alone looked like a slip
    # of the article's own "Tele2"
    body = "Der Anbieter Tele2 senkt die Preise. Kunden von Tele2 zahlen ab Mai weniger."
    found, _ = check(_news(body))
    assert _spots(found, "spelling") == []


def test_swapped_letters_in_a_noun_are_still_caught_at_the_word(lt):
    body = "Die Bundesregierung plant eine neue Verodrnung für Händler."
    found, _ = check(_news(body))
    column = body.index("Verodrnung") + 1
    assert _spots(found, "spelling") == [("spelling.GERMAN_SPELLER_RULE", BODY_LINE, column, column + 10, "Verodrnung")]
    assert found[0].suggestions[0] == "Verordnung"


def test_a_misspelt_name_beside_its_correct_form_is_caught(lt):
    body = ("Die Ingenieurin Maren Quastholt leitet das Labor. Quastholt sagt, das Team sei bereit. "
            "Später lachte Quasthold.")
    found, _ = check(_news(body))
    column = body.index("Quasthold") + 1
    spots = _spots(found, "spelling")
    assert spots == [("spelling.GERMAN_SPELLER_RULE", BODY_LINE, column, column + 9, "Quasthold")]
    assert found[0].suggestions[0] == "Quastholt" and "Quastholt" in found[0].message


def test_weekday_is_checked_against_the_articles_date_not_this_year(lt):
    body = "Am Freitag, 16. November, kam der Brief. Am Donnerstag, 16. November, kam keiner."
    found, _ = check(_news(body))
    column = body.index("Donnerstag") + 1
    assert _spots(found, "grammar") == [("grammar.WEEKDAY_DATE", BODY_LINE, column, column + 10, "Donnerstag")]
    assert found[0].suggestions == ("Freitag",)


def test_news_misreadings_are_not_reported(lt):
    body = ("Der CO2-Ausstoß sinkt, so dass die Firma mit Hilfe des Landes spart. Der Skoda Enyaq fährt leise.\n\n"
            "Kann der Zug nicht fahren, muss der Bus einspringen.")
    found, _ = check(_news(body))
    assert _spots(found) == []


def test_sentence_beginnings_do_not_count_across_title_teaser_and_headings(lt):
    body = ("Auch die Bahn streikt morgen.\n\n## Auch der Flughafen\n\nAuch die Busse stehen still. "
            "Am Abend endet der Streik.")
    found, _ = check(_news(body, title="Auch die Bahn streikt", extra="teaser: Auch der Nahverkehr steht.\n"))
    assert [d for d in found if "REPEAT_BEGINNING" in d.rule] == []


def _content_repo(root: Path, articles: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, body in articles.items():
        path = root / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Meldung\ndate: '2024-03-01'\n---\n\n{body}\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=Desk", "-c", "user.email=desk@example.org",
                    "commit", "-q", "-m", "Archiv"], check=True)
    return root


def test_vocabulary_learn_from_published_articles_and_check_honours_it(lt, tmp_path):
    content = _content_repo(tmp_path / "content", {
        "a.md": "Die Reederei Holmvik meldet Gewinn. Holmvik will wachsen.",
        "b.md": "Auch Holmvik-Chefin Tjarda Brekvold ist zufrieden.",
        "c.md": "Die neue Verodrnung gilt ab Mai.",  # a typo in one article is not learned
    })
    (tmp_path / "desk" / "drafts").mkdir(parents=True)
    guide_path = tmp_path / "desk" / "styleguide.yaml"
    guide_path.write_text("vocabulary:\n  learned: vocabulary/learned.txt\n", encoding="utf-8")
    result = run_cli("vocabulary", "learn", "--content-repo", str(content), "--styleguide", str(guide_path),
                     cwd=tmp_path / "desk")
    assert result.returncode == 0, result.stderr
    learned = tmp_path / "desk" / "vocabulary" / "learned.txt"
    terms = [line for line in learned.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert "Holmvik" in terms and "Verodrnung" not in terms
    assert result.stdout.split() == terms
    # check accepts a learned name used once, where the article alone gives no evidence
    draft = tmp_path / "desk" / "drafts" / "neu.md"
    draft.write_text("---\ntitle: Neu\n---\n\nDie Zahlen von Holmvik überraschen.\n", encoding="utf-8")
    found, _ = check(Draft.load(draft), StyleGuide.load(guide_path))
    assert [d for d in found if d.source == "Holmvik"] == []
    # a second run adds nothing and keeps the reviewed file as it is
    before = learned.read_text(encoding="utf-8")
    again = run_cli("vocabulary", "learn", "--content-repo", str(content), "--styleguide", str(guide_path))
    assert again.returncode == 0 and again.stdout == "" and learned.read_text(encoding="utf-8") == before


def test_broken_vocabulary_file_is_reported_with_file_and_line(lt, tmp_path):
    desk = tmp_path / "desk"
    (desk / "drafts").mkdir(parents=True)
    (desk / "vocabulary").mkdir()
    (desk / "vocabulary" / "learned.txt").write_text("# Namen\nHolmvik\nHolm{vik\n", encoding="utf-8")
    (desk / "styleguide.yaml").write_text("vocabulary:\n  learned: vocabulary/learned.txt\n", encoding="utf-8")
    (desk / "drafts" / "a.md").write_text("---\ntitle: Test\n---\n\nEin Satz.\n", encoding="utf-8")
    result = run_cli("check", "--styleguide", str(desk / "styleguide.yaml"), str(desk / "drafts"), cwd=desk)
    assert result.returncode == 2
    assert "learned.txt:3:1" in result.stderr and "Holm{vik" in result.stderr
    assert "Traceback" not in result.stderr


# -- the README's first five minutes, as written ---------------------------------------------------
def readme_first_five_minutes() -> tuple[list[tuple[list[str], list[str]]], str]:
    """The README's `$ edtool …` commands with the stdout they show, and the article text it suggests."""
    import re
    import shlex

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your first five minutes", 1)[1].split("\n## ", 1)[0]
    sessions = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        lines = block.splitlines()
        command = shlex.split(lines[0].removeprefix("$ "))
        assert command[0] == "edtool"
        sessions.append((command[1:], lines[1:]))
    written = re.search(r"Write the article \(say, [^`]*`([^`]*)`", section)
    return sessions, " ".join(written.group(1).split())


def test_readme_first_five_minutes_as_written(lt, tmp_path):
    """Run the README's first five minutes in a fresh desk (the shipped style guide) and compare stdout
    character for character; the server's start lines go to stderr and appear only on a cold start."""
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    shutil.copytree(REPO / "vocabulary", tmp_path / "vocabulary")
    env = {"EDTOOL_CACHE_DIR": str(lt), "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Lena Hoffmann\n\temail = lena@example.org\n",
                                        encoding="utf-8")
    (new, new_output), (check_args, check_output) = readme_first_five_minutes()[0]
    created = run_cli(*new, cwd=tmp_path, env=env)
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines() == new_output
    draft = tmp_path / created.stdout.strip()
    text = draft.read_text(encoding="utf-8")
    dateline = "HOUSTON / LONDON (IT BOLTWISE) – "
    assert text.endswith(dateline + "\n")
    draft.write_text(text.removesuffix(dateline + "\n") + readme_first_five_minutes()[1] + "\n", encoding="utf-8")
    checked = run_cli(*check_args, cwd=tmp_path, env=env)
    shown = [line for line in check_output if not line.startswith(("Starte den LanguageTool", "LanguageTool "))]
    assert checked.stdout.splitlines() == shown, checked.stdout
    assert checked.returncode == 1


def test_a_question_without_its_mark_is_reported_a_conditional_clause_is_not(lt):
    body = ("Kann das Projekt gelingen, wenn niemand zahlt. Kann der Zug nicht fahren – muss der Bus "
            "einspringen.\n")
    found, _ = check(Draft.from_text(f"---\ntitle: Test\nlanguage: de-DE\n---\n\n{body}"))
    marks = [(d.line, d.column, d.source) for d in found if d.rule == "grammar.FRAGEZEICHEN_STATT_PUNKT"]
    assert marks == [(6, body.index(". Kann") + 1, ".")]
