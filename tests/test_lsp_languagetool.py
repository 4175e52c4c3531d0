"""`edtool lsp` with the real LanguageTool server: a grammar diagnostic at its exact UTF-16 range,
style first and grammar after, only the edited paragraph sent again, and the vocabulary action.

The server runs in a cache folder of this module's own that links to the installed LanguageTool
(as in test_languagetool_real.py); the user's server is never touched.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from conftest import GOOD_FRONT_MATTER, make_draft
from lsp_fixtures import as_tuple, desk  # noqa: F401 (desk is a fixture)
from lsp_support import Editor, run

pytestmark = pytest.mark.languagetool

PARAGRAPHS = [
    "HOUSTON / LONDON (IT BOLTWISE) – Die Behörde plant „große“ Schritte 🚀 und eine Überaschung für die Raumfahrt.",
    "Der Leiter der Behörde sprach am Dienstag in Houston mit Journalisten über die Pläne für die nächsten Jahre.",
    "Die Station soll bis zum Ende des Jahrzehnts betrieben werden, danach übernehmen private Anbieter.",
    "Kritiker bemängeln die hohen Kosten, die Befürworter verweisen auf den wissenschaftlichen Nutzen.",
]


@pytest.fixture
def lt_cache(lt_server):
    """The suite's running LanguageTool server (conftest.lt_server); its cache folder."""
    return lt_server

def german_checks(cache: Path, since: int = 0) -> list[int]:
    """Characters of each German /v2/check the server has logged after byte `since` of its log."""
    data = (cache / "server.log").read_bytes()
    log = data[since if since <= len(data) else 0:].decode("utf-8", errors="replace")  # shorter: a new log
    return [int(n) for n in re.findall(r"Check done: (\d+) chars, de-DE", log)]


def log_size(cache: Path) -> int:
    return (cache / "server.log").stat().st_size


def checks_logged_since(cache: Path, since: int, seconds: float = 30) -> list[int]:
    """The checks logged after `since`; waits a little: LanguageTool logs a check after it has answered."""
    deadline = time.monotonic() + seconds
    while not german_checks(cache, since) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # and any check that would follow it
    return german_checks(cache, since)


def test_grammar_after_style_at_exact_utf16_ranges_and_only_the_edit_is_sent(desk, lt_cache):  # noqa: F811
    guide = desk / "styleguide.yaml"  # a loaded machine may need longer than the shipped 30 s per request
    guide.write_text(re.sub(r"(?m)^  timeout: .*$", "  timeout: 240", guide.read_text(encoding="utf-8")),
                     encoding="utf-8")
    path = desk / "drafts" / "a.md"
    text = make_draft(GOOD_FRONT_MATTER, "\n\n".join(PARAGRAPHS) + "\n")
    path.write_text(text, encoding="utf-8")
    env = {"EDTOOL_CACHE_DIR": str(lt_cache)}
    line = text.split("\n").index(PARAGRAPHS[0])
    prefix = PARAGRAPHS[0].split("Überaschung")[0]
    column = len(prefix.encode("utf-16-le")) // 2
    assert column == len(prefix) + 1  # the emoji counts twice in UTF-16

    async def scenario():
        editor = Editor(desk, env)
        await editor.start()
        uri = editor.open(path)
        final = await editor.diagnostics(uri, 1, where=lambda ds: any(d.code.startswith("spelling.") for d in ds),
                                         timeout=600)
        first = editor.published[uri][0].diagnostics
        assert not any(d.code.startswith(("grammar.", "spelling.")) for d in first)  # style came first
        typo = next(d for d in final if d.source == "edtool" and d.code == "spelling.GERMAN_SPELLER_RULE")
        assert as_tuple(typo) == ("spelling.GERMAN_SPELLER_RULE", line, column, line, column + len("Überaschung"))
        assert typo.message.startswith("„Überaschung“:") and "„Überraschung“" in typo.message

        actions = await editor.code_actions(uri, (line, column), (line, column + 2))
        titles = [a.title for a in actions]
        assert titles[0] == "„Überaschung“ durch „Überraschung“ ersetzen"
        replace = actions[0].edit.document_changes[0].edits[0]
        assert (replace.range.start.character, replace.range.end.character, replace.new_text) == (
            column, column + len("Überaschung"), "Überraschung")
        vocabulary = next(a for a in actions if a.title.startswith("„Überaschung“ ins Vokabular der Redaktion"))

        # a one-paragraph edit: only that paragraph goes to LanguageTool again
        sent = log_size(lt_cache)
        last = text.split("\n").index(PARAGRAPHS[3])
        new_words = " Das sagte ein Sprecher der Behörde am Mittwoch."
        v = editor.change(uri, (last, len(PARAGRAPHS[3])), (last, len(PARAGRAPHS[3])), new_words)
        # two publishes for the new version: house style at once, then with grammar and spelling
        await editor.wait(lambda: len([p for p in editor.published[uri] if p.version == v]) >= 2, 400,
                          "the grammar publish of the edit")
        diagnostics = [p for p in editor.published[uri] if p.version == v][1].diagnostics
        assert any(as_tuple(d) == as_tuple(typo) for d in diagnostics)  # the untouched paragraph's finding stays
        new_checks = checks_logged_since(lt_cache, sent)
        assert new_checks and sum(new_checks) <= len(PARAGRAPHS[3] + new_words) + 2, new_checks

        # add the word to the desk's vocabulary: the editor applies the edit and saves the file
        changed = editor.apply(vocabulary.edit)
        (target_uri, target_text), = changed.items()
        target = Path(target_uri[len("file://"):])
        assert target.parent == desk or target.parent.parent == desk
        target.write_text(target_text, encoding="utf-8")
        editor.save(target_uri)
        after = await editor.diagnostics(uri, v, after=len(editor.published[uri]),
                                         where=lambda ds: not any(d.code == typo.code and d.range.start.line == line
                                                                  for d in ds), timeout=400)
        assert {d.code for d in after} >= {d.code for d in editor.published[uri][0].diagnostics}
        assert await editor.stop() == 0

    run(scenario(), timeout=1500)
