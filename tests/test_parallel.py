"""`edtool check` over many drafts in worker processes (--jobs): the same findings, positions and order
as one process; broken drafts, a missing LanguageTool, Ctrl-C and a killed worker; and LanguageTool
requests sent ahead for all drafts (against the real server)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, as_foreground_job, edtool_executable, make_draft
from edtool.draft import Draft
from edtool.engine import CheckOptions, check_sources, run_checks
from edtool.styleguide import StyleGuide

NO_GRAMMAR = CheckOptions(skip={"grammar", "spelling"})

# (sentence, the text a finding marks, its rule); None: a sentence without a finding of its own
FRAGMENTS = [
    ("Die Stadtwerke erhöhen die Preise um 10-20 Prozent.", "10-20", "style.typo.range"),
    ("Das gilt z.B. für die Fernwärme im Norden.", "z.B.", "style.typo.abbreviations"),
    ('Der Sprecher nannte die Zahlen "vorläufig".', '"vorläufig"', "style.typo.quotes"),
    ("Genaueres folgt im Herbst...", "...", "style.typo.ellipsis"),
    ("Der Gemeinderat tagt am Montag im Rathaus.", None, None),
    ("Die Opposition kritisiert den Plan als zu teuer.", None, None),
    ("Betroffen sind rund 4000 Haushalte in drei Bezirken.", None, None),
    ("Äußerst „schön“ 😀 fand die Jury den Entwurf.", None, None),
]
BROKEN = {
    "binary": b"\x00\x01binary",
    "encoding": "---\ntitle: Kaputt\n---\n\nGr\xfc\xdfe\n".encode("latin-1"),
    "yaml": b"---\ntitle: [offen\n---\n\nText.\n",
    "no-front-matter": "Nur Text ohne Kopf.\n".encode("utf-8"),
}


def front(n: int) -> str:
    return (f"title: Stadtwerke erhöhen die Preise Nummer {n}\nslug: stadtwerke-{n}\nauthor: Lena Hoffmann\n"
            "date: 2025-07-30\ndateline: HOUSTON / LONDON\ncategory: Wirtschaft\ntags: [Energie]\n"
            "teaser: Die Stadtwerke verlangen ab dem Herbst mehr Geld. Betroffen sind viele Haushalte.\n"
            "status: draft\nlanguage: de-DE\n")


def body_of(paragraphs: list[list[int]]) -> str:
    text = "\n\n".join(" ".join(FRAGMENTS[i][0] for i in paragraph) for paragraph in paragraphs)
    return "HOUSTON / LONDON (IT BOLTWISE) – " + text + "\n"


def expected_spans(text: str) -> set[tuple[str, int, int, int, int]]:
    """(rule, line, column, end line, end column) of every planted finding: columns count characters."""
    out = set()
    for _, marked, rule in FRAGMENTS:
        if marked is None:
            continue
        start = 0
        while (offset := text.find(marked, start)) >= 0:
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            out.add((rule, line, column, line, column + len(marked)))
            start = offset + len(marked)
    return out


def write_drafts(folder: Path, bodies: list[list[list[int]]], broken: dict[int, str] | None = None) -> dict:
    """Drafts a0000.md … in `folder`; `broken` puts a broken file at some indices. Returns name -> text."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {}
    for n, paragraphs in enumerate(bodies):
        name = f"a{n:04d}.md"
        if broken and n in broken:
            (folder / name).write_bytes(BROKEN[broken[n]])
            continue
        texts[name] = make_draft(front(n), body_of(paragraphs))
        (folder / name).write_text(texts[name], encoding="utf-8")
    return texts


def snapshot(results) -> list:
    """Everything a report shows of a run, in order."""
    return [(r.path, [(d.to_dict(), d.source) for d in r.diagnostics], [d.to_dict() for d in r.suppressed], r.draft)
            for r in results]


def guide() -> StyleGuide:
    return StyleGuide.load(REPO / "styleguide.yaml")


paragraph = st.lists(st.integers(0, len(FRAGMENTS) - 1), min_size=1, max_size=6)
draft_bodies = st.lists(st.lists(paragraph, min_size=1, max_size=4), min_size=2, max_size=14)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=draft_bodies, broken=st.dictionaries(st.integers(0, 13), st.sampled_from(sorted(BROKEN)), max_size=3),
       jobs=st.integers(2, 4))
def test_workers_find_what_one_process_finds(bodies, broken, jobs):
    """Property: for any batch of drafts (some broken), N worker processes report exactly what one process
    reports, draft by draft in input order, and every planted finding stands at its exact position."""
    with tempfile.TemporaryDirectory() as tmp:
        texts = write_drafts(Path(tmp), bodies, broken)
        single = run_checks([tmp], guide(), NO_GRAMMAR, jobs=1)
        multi = run_checks([tmp], guide(), NO_GRAMMAR, jobs=jobs)
        assert snapshot(multi) == snapshot(single)
        for result in multi:
            name = Path(result.path).name
            if name in texts:
                got = {(d.rule, d.line, d.column, d.end_line, d.end_column) for d in result.diagnostics}
                assert expected_spans(texts[name]) <= got, name
            else:
                assert [d.category.value for d in result.diagnostics] == ["file"]


def test_broken_drafts_in_a_batch_are_the_same_findings(tmp_path):
    bodies = [[[0, 4], [1, 2, 3]]] * 60
    broken = {3: "binary", 17: "encoding", 30: "yaml", 59: "no-front-matter"}
    write_drafts(tmp_path / "d", bodies, broken)
    missing = tmp_path / "fehlt.md"
    single = run_checks([tmp_path / "d", missing], guide(), NO_GRAMMAR, jobs=1)
    multi = run_checks([tmp_path / "d", missing], guide(), NO_GRAMMAR, jobs=2)
    assert snapshot(multi) == snapshot(single)
    by_name = {Path(r.path).name: r for r in multi}
    assert [(d.rule, d.line, d.column) for d in by_name["a0003.md"].diagnostics] == [("file.binary", 1, 1)]
    assert [(d.rule, d.line, d.column) for d in by_name["a0017.md"].diagnostics] == [("file.encoding", 5, 3)]
    assert [d.rule for d in by_name["a0030.md"].diagnostics][0].startswith("file.")
    assert [d.rule for d in by_name["fehlt.md"].diagnostics] == ["file.not-found"]
    assert len(multi) == 61


def test_a_draft_that_fails_to_load_in_a_worker(tmp_path):
    """A loader that raises DraftError in the worker (as git's index can) is the same file finding."""
    from edtool.draft import DraftError

    def failing(n):
        raise DraftError("file.unreadable", f"kaputt {n}", 2, 7)

    good = make_draft(front(1), body_of([[0, 1]]))
    sources = [(f"d{n}.md", partial(failing, n) if n % 7 == 3 else partial(Draft.from_text, good, f"d{n}.md"))
               for n in range(30)]
    single = check_sources(sources, guide(), NO_GRAMMAR, jobs=1)
    multi = check_sources(sources, guide(), NO_GRAMMAR, jobs=2)
    assert snapshot(multi) == snapshot(single)
    assert [(d.rule, d.line, d.column, d.message) for d in multi[3].diagnostics] == [
        ("file.unreadable", 2, 7, "kaputt 3")]


def test_automatic_jobs_use_one_process_for_few_drafts(tmp_path):
    from edtool.engine import PARALLEL_FROM, _jobs_for

    assert _jobs_for(None, 1) == 1 and _jobs_for(None, PARALLEL_FROM - 1) == 1
    assert _jobs_for(None, PARALLEL_FROM) == min(os.cpu_count() or 1, PARALLEL_FROM)
    assert _jobs_for(8, 3) == 3 and _jobs_for(2, 100) == 2


def test_one_draft_imports_neither_the_pool_nor_grammar(tmp_path):
    write_drafts(tmp_path / "drafts", [[[0, 1]]])
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    code = ("import sys\nfrom edtool.cli.main import run\n"
            "try:\n    run(['check', '--skip', 'grammar,spelling', 'drafts/a0000.md'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('multiprocessing', 'concurrent.futures.process', 'edtool.parallel',"
            " 'edtool.checks.grammar') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


# -- through the real command ---------------------------------------------------------------------------
@pytest.fixture
def batch(tmp_path):
    """A desk with 50 drafts (two broken) in drafts/."""
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    bodies = [[[n % 8, (n * 3) % 8], [(n * 5) % 8, 1]] for n in range(50)]
    write_drafts(tmp_path / "drafts", bodies, {7: "yaml", 41: "binary"})
    return tmp_path


def cli_env(cwd: Path, env: dict | None = None) -> dict:
    """The environment without the caller's EDTOOL_ settings, with a temporary folder of the test's
    own (cwd/tmp) that the test looks at afterwards."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("EDTOOL_")}
    (cwd / "tmp").mkdir(exist_ok=True)
    full.update(EDTOOL_PRESTART="0", TMPDIR=str(cwd / "tmp"), **(env or {}))
    return full


def cli(*args: str, cwd: Path, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*edtool_executable(), *args], cwd=cwd, env=cli_env(cwd, env), capture_output=True,
                          text=True, timeout=300, **options)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_cli_jobs_1_and_2_write_the_same_report(batch, fmt):
    args = ("check", "--skip", "grammar,spelling", "--format", fmt, "drafts")
    one = cli(*args, "--jobs", "1", cwd=batch)
    two = cli(*args, "--jobs", "2", cwd=batch)
    auto = cli(*args, cwd=batch)  # 50 drafts: workers
    assert one.returncode == two.returncode == auto.returncode == 1, one.stderr
    assert two.stdout == one.stdout and auto.stdout == one.stdout
    assert list((batch / "tmp").iterdir()) == []  # the workers' reply files are gone with the run
    if fmt == "json":
        files = json.loads(two.stdout)["files"]
        assert [f["path"] for f in files] == [f"drafts/a{n:04d}.md" for n in range(50)]
        first = {(d["rule"], d["line"], d["column"], d["end_column"]) for d in files[0]["diagnostics"]}
        text = (batch / "drafts" / "a0000.md").read_text(encoding="utf-8")
        assert {(r, line, c, e) for r, line, c, _, e in expected_spans(text)} <= first


@pytest.mark.parametrize("value", ["0", "-1", "zwei"])
def test_cli_bad_jobs_is_exit_2_in_german(batch, value):
    result = cli("check", "--jobs", value, "drafts", cwd=batch)
    assert result.returncode == 2
    assert "--jobs braucht eine ganze Zahl ab 1" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_languagetool_is_one_warning_per_run(batch):
    # a closed port: every worker finds LanguageTool missing, the report says so once
    env = {"EDTOOL_LANGUAGETOOL_URL": "http://127.0.0.1:9"}
    args = ("check", "--format", "json", "drafts")
    one = cli(*args, "--jobs", "1", cwd=batch, env=env)
    two = cli(*args, "--jobs", "2", cwd=batch, env=env)
    assert two.stdout == one.stdout and two.returncode == one.returncode == 1
    files = json.loads(two.stdout)["files"]
    service = [(f["path"], d["line"], d["column"]) for f in files for d in f["diagnostics"]
               if d["rule"] == "file.service"]
    assert service == [("drafts/a0000.md", 1, 1)]
    required = cli(*args, "--jobs", "2", "--require-grammar", cwd=batch, env=env)
    assert required.returncode == 2 and "Traceback" not in required.stderr and required.stderr.strip()


# -- processes: Ctrl-C and a worker that dies ------------------------------------------------------------
def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def big_batch(tmp_path):
    """Enough drafts that the workers are still busy when the test interrupts them."""
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    long = [[n % 8 for n in range(start, start + 6)] for start in range(12)]
    write_drafts(tmp_path / "drafts", [long] * 1500)
    return tmp_path


def start_check(folder: Path) -> tuple[subprocess.Popen, list[int]]:
    command = [*edtool_executable(), "check", "--skip", "grammar,spelling", "--jobs", "2", "--format", "json", "drafts"]
    process = subprocess.Popen(as_foreground_job(command), cwd=folder, env=cli_env(folder), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = children(process.pid)
        if len(workers) >= 2:
            time.sleep(0.3)  # the workers have started on their chunks
            return process, workers
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.02)
    process.kill()
    raise AssertionError("no worker processes appeared")


def all_gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


def test_ctrl_c_stops_the_workers(big_batch):
    process, workers = start_check(big_batch)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends to the foreground group
    try:
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert all_gone(workers)
    assert list((big_batch / "tmp").iterdir()) == []


def test_a_killed_worker_ends_the_run_with_a_message(big_batch):
    process, workers = start_check(big_batch)
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 2
    assert "Prüfprozess ist unerwartet beendet" in err and "--jobs 1" in err and "Traceback" not in err
    assert all_gone(workers)
    assert list((big_batch / "tmp").iterdir()) == []


def test_a_reply_the_workers_cannot_write_is_a_message(batch):
    """A full disk or a file size limit while a worker writes its reply: a German message, exit 2,
    no traceback, and nothing left in the temporary folder."""
    import resource

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))  # every reply is larger

    result = cli("check", "--skip", "grammar,spelling", "--jobs", "2", "drafts", cwd=batch, preexec_fn=small_files)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Die Prüfprozesse können ihre Ergebnisse nicht im temporären Ordner ablegen (")
    assert "Mit --jobs 1" in result.stderr and "Traceback" not in result.stderr and result.stdout == ""
    assert list((batch / "tmp").iterdir()) == []


def test_no_temporary_folder_for_the_workers_is_a_message(tmp_path, monkeypatch, edtool_cli):
    """The workers reply through files in a temporary folder; where none can be made, the run stops
    with a German message (exit 2) before any worker starts."""
    write_drafts(tmp_path / "drafts", [[[0, 1]]] * 30)
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    not_a_folder = tmp_path / "datei"
    not_a_folder.write_text("kein Ordner", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))
    result = edtool_cli("check", "--skip", "grammar,spelling", "--jobs", "2", "drafts", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Für die Prüfprozesse lässt sich kein temporärer Ordner anlegen (")
    assert "Mit --jobs 1" in result.stderr and "Traceback" not in result.stderr
    assert edtool_cli("check", "--skip", "grammar,spelling", "--jobs", "1", "drafts", cwd=tmp_path).returncode == 1


# -- LanguageTool: requests sent ahead for all drafts (real server) ---------------------------------------
GRAMMAR_SENTENCES = [
    "Der Händler verkauft den neuen Auto im Sommer.",
    "Die Forscher glauben, das die Ergebnisse stimmen.",
    "Der Ausschuss berät am Montag über den Haushalt.",
    "Die Pendler warten seit Wochen auf die neue Linie.",
]


def grammar_drafts(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        sentences = [GRAMMAR_SENTENCES[(n + k) % len(GRAMMAR_SENTENCES)] for k in range(3)]
        body = "HOUSTON / LONDON (IT BOLTWISE) – " + " ".join(sentences) + f" Es ist Meldung {n}.\n\n" \
            + "## Hintergrund\n\n" + GRAMMAR_SENTENCES[n % 4] + "\n"
        path = folder / f"g{n:02d}.md"
        path.write_text(make_draft(front(n), body), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.languagetool
def test_requests_for_all_drafts_go_out_ahead_and_change_nothing(lt_server, tmp_path, monkeypatch):
    from edtool.checkrun import CheckRun
    from edtool.checks import grammar
    from edtool.languagetool.client import Client

    paths = grammar_drafts(tmp_path / "g", 6)
    results_dir = lt_server / "results"

    # one draft at a time, no requests ahead: what edtool did before
    shutil.rmtree(results_dir, ignore_errors=True)
    alone_run = CheckRun(guide())
    alone = [grammar.check_grammar(Draft.load(p), alone_run) for p in paths]

    calls, in_flight, most, lock = [], [0], [0], threading.Lock()
    real = Client.check

    def recorded(self, text, language):  # the real request, counted
        with lock:
            calls.append(language)
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            return real(self, text, language)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(Client, "check", recorded)
    shutil.rmtree(results_dir, ignore_errors=True)
    ahead_run = CheckRun(guide())
    sources = [(str(p), partial(Draft.load, p)) for p in paths]
    grammar.prefetch(sources, ahead_run, wait=True)
    session = ahead_run.grammar_session
    # all drafts' texts (title, teaser, each body section; a text two drafts share goes once), requests
    # overlapping
    assert set(calls) == {"de-DE"} and len(calls) > 6 and most[0] >= 2
    for _, load in sources:
        for piece in grammar.pieces_of(load()):
            assert ("de-DE", piece.text) in session.prefetched
    sent = session.requests
    ahead = [grammar.check_grammar(load(), ahead_run) for _, load in sources]
    assert session.requests == sent  # the checks asked the server nothing more
    assert ahead == alone
    agreement = [d for d in ahead[0] if d.rule == "grammar.DE_AGREEMENT"]
    text = paths[0].read_text(encoding="utf-8")
    spots = []
    for offset in (i for i in range(len(text)) if text.startswith("den neuen Auto", i)):  # first paragraph, section
        line, column = text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        spots.append((line, column, column + len("den neuen Auto")))
    assert len(spots) == 2 and [(d.line, d.column, d.end_column) for d in agreement] == spots

    # the whole run in worker processes, and in one process with the requests in the background
    # while the checks run, cache empty again each time: the same findings
    monkeypatch.setattr(Client, "check", real)
    shutil.rmtree(results_dir, ignore_errors=True)
    multi = check_sources([(str(p), partial(Draft.load, p)) for p in paths], guide(), CheckOptions(), jobs=2)
    shutil.rmtree(results_dir, ignore_errors=True)
    single = check_sources([(str(p), partial(Draft.load, p)) for p in paths], guide(), CheckOptions(), jobs=1)
    assert snapshot(multi) == snapshot(single)
    assert not any(d.rule == "file.service" for r in multi for d in r.diagnostics)
    assert [[d for d in r.diagnostics if d.category.value in ("grammar", "spelling")] for r in single] == alone


def test_a_once_per_run_finding_stays_on_the_first_draft_that_has_it():
    """Each worker reports a once-per-run finding on its own first draft; the parent keeps the first in
    input order (where one process reports it), also when that one was suppressed."""
    from edtool.diagnostics import Category, Diagnostic, Severity
    from edtool.engine import FileResult
    from edtool.parallel import ONCE_PER_RUN, _once_per_run

    def finding(path, rule, line=3):
        return Diagnostic(path, line, 1, line, 5, rule, Category.METADATA, Severity.INFO, "Hinweis")

    rule = ONCE_PER_RUN[0]
    results = [FileResult("a.md", [finding("a.md", "metadata.other")]),
               FileResult("b.md", [finding("b.md", rule), finding("b.md", "metadata.other", 4)]),
               FileResult("c.md", [finding("c.md", rule)]),
               FileResult("d.md", [], suppressed=[finding("d.md", rule)])]
    _once_per_run(results)
    assert [[(d.rule, d.line) for d in r.diagnostics + r.suppressed] for r in results] == [
        [("metadata.other", 3)], [(rule, 3), ("metadata.other", 4)], [], []]
    suppressed_first = [FileResult("a.md", [], suppressed=[finding("a.md", rule)]),
                        FileResult("b.md", [finding("b.md", rule)])]
    _once_per_run(suppressed_first)
    assert [len(r.diagnostics) + len(r.suppressed) for r in suppressed_first] == [1, 0]


@pytest.mark.languagetool
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_while_languagetool_answers_ends_at_once(lt_server, tmp_path, jobs):
    """Ctrl-C while the requests for many drafts are on their way: edtool ends with 130 and sends
    nothing more, without waiting for the answers in flight. It used to wait for every request queued
    (--jobs 2: minutes) or in flight (--jobs 1: up to the request timeout)."""
    import uuid

    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    run_id = uuid.uuid4().int % 10**8  # texts the results cache has never seen
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for n in range(300):
        paragraphs = [" ".join(GRAMMAR_SENTENCES[(n + k + p) % 4] for k in range(4)) + f" Meldung {run_id}-{n}-{p}."
                      for p in range(4)]
        body = "HOUSTON / LONDON (IT BOLTWISE) – " + "\n\n".join(paragraphs) + "\n"
        (drafts / f"g{n:03d}.md").write_text(make_draft(front(n), body), encoding="utf-8")
    results = lt_server / "results"
    before = len(list(results.glob("**/*"))) if results.exists() else 0
    command = [*edtool_executable(), "check", "--format", "json", "--jobs", jobs, "drafts"]
    env = {**os.environ, "EDTOOL_PRESTART": "0"}
    process = subprocess.Popen(as_foreground_job(command), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while (len(list(results.glob("**/*"))) if results.exists() else 0) <= before:  # answers arrive
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130 and "Traceback" not in err, err
    assert "Abgebrochen" in err
    written = len(list(results.glob("**/*")))
    time.sleep(1)
    assert len(list(results.glob("**/*"))) == written  # nothing was sent after the end
