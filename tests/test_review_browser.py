"""The review page in a real headless browser: Chromium's own headless mode, and Playwright driving the
same Chromium when Playwright is installed. Both skip, saying why, when no Chromium is installed
(CI: `apt-get install -y chromium`; Playwright: `pip install playwright`, never `playwright install`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from edtool.review import flagged_text, review_page
from review_support import SAMPLE, Marks, check_results

CHROMIUM = os.environ.get("EDTOOL_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="kein Chromium installiert (apt-get install -y chromium "
                                                               "oder EDTOOL_CHROMIUM=/pfad/zum/browser)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):
    result = check_results(SAMPLE)
    page = review_page(result.draft, result.diagnostics,
                       baseline=("der Datei alt.md", "Neue Ladesäulen an Autobahnen geplant.\n\nAlter Text."))
    path = tmp_path_factory.mktemp("review") / "seite.html"
    path.write_text(page.html, "utf-8")
    return result.draft, page, path


def _expected(draft, finding) -> str:
    return flagged_text(draft, finding)


def _dump(path: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM Chromium built, and the console lines it logged."""
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                          "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, [line for line in run.stderr.splitlines() if "CONSOLE" in line]


@needs_chromium
def test_headless_chromium_loads_the_page_without_console_errors_and_shows_every_finding(sample_page, tmp_path):
    draft, page, path = sample_page
    # the control: the same page with a foreign image logs the blocked load
    broken = tmp_path / "kaputt.html"
    broken.write_text(page.html.replace("</body>", '<img src="https://example.org/x.png"></body>'), "utf-8")
    assert len(_dump(broken, tmp_path / "profil")[1]) == 1
    stdout, console = _dump(path, tmp_path / "profil")
    assert console == []  # no script errors, no blocked resource (the CSP would log one)
    run = subprocess.CompletedProcess([], 0, stdout, "")
    dom = Marks()
    dom.feed(run.stdout)  # the DOM as the browser built it
    assert dom.balanced and "script" not in dom.tags
    listed = set(int(n) for n in re.findall(r'<li id="f-(\d+)"', run.stdout))
    assert listed == {f.number for f in page.findings}
    for finding in page.findings:
        assert dom.marked.get(finding.number, "") == _expected(draft, finding), finding.diagnostic.rule


@needs_chromium
def test_headless_chromium_takes_a_screenshot(sample_page, tmp_path):
    _, _, path = sample_page
    shot = tmp_path / "seite.png"
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profil'}", "--window-size=1400,1000",
                          f"--screenshot={shot}", path.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@needs_chromium
def test_playwright_every_mark_is_visible_and_carries_its_message(sample_page):
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright nicht installiert (pip install playwright)")
    draft, page, path = sample_page
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            problems: list[str] = []
            tab.on("console",
                   lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
            tab.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            tab.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None)
            tab.goto(path.as_uri())
            marks = tab.evaluate("""() => Array.from(document.querySelectorAll('mark.f')).map(m => {
                const r = m.getBoundingClientRect();
                return {ids: m.dataset.f, text: m.textContent, title: m.title,
                        visible: r.width > 0 && r.height > 0, point: m.classList.contains('point')};
            })""")
            listed = tab.evaluate("() => Array.from(document.querySelectorAll('.findings li')).map(li => li.id)")
            tab.hover("mark.f >> nth=0")
        finally:
            browser.close()
    assert problems == []
    assert listed == [f"f-{f.number}" for f in page.findings]
    text: dict[int, str] = {}
    for mark in marks:
        assert mark["visible"], mark
        for number in map(int, mark["ids"].split()):
            text[number] = text.get(number, "") + mark["text"]
            finding = page.findings[number - 1]
            assert f"[{number}] {finding.diagnostic.message}" in mark["title"]
    for finding in page.findings:
        assert text.get(finding.number, "") == _expected(draft, finding), finding.diagnostic.rule
