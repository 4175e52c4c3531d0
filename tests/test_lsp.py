"""`edtool lsp` end to end: pygls' own LSP client drives `python -m edtool lsp` over stdio.

LanguageTool is pointed at a closed port here (grammar unavailable: one notice, style still
checked); test_lsp_languagetool.py runs the grammar part against the real server.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types as T

from conftest import make_draft
from lsp_fixtures import BODY, as_tuple, check_json, closed_port, desk, lsp_env, write_draft  # noqa: F401
from lsp_support import Editor, run


def lsp_position(text: str, line: int, column: int, encoding: str = "utf-16") -> tuple[int, int]:
    """Independent reference: 1-based (line, character column) of `edtool check` -> LSP position."""
    prefix = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[line - 1][: column - 1]
    if encoding == "utf-16":
        return line - 1, len(prefix.encode("utf-16-le")) // 2
    if encoding == "utf-8":
        return line - 1, len(prefix.encode("utf-8"))
    return line - 1, len(prefix)


def expected_from_check(desk: Path, path: Path, encoding: str = "utf-16") -> set[tuple]:
    text = path.read_text(encoding="utf-8")
    out = set()
    for d in check_json(desk, path, suppressed=False):
        start = lsp_position(text, d["line"], d["column"], encoding)
        end = lsp_position(text, d["end_line"], d["end_column"], encoding)
        out.add((d["rule"], *start, *end))
    return out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_diagnostics_match_check_in_the_negotiated_encoding(desk, lsp_env, encoding):
    path = write_draft(desk)
    expected = expected_from_check(desk, path, encoding)
    assert {e[0] for e in expected} == {"dateline.dash", "style.numbers.millions"}
    line = BODY.split("Mrd.")[0]
    units = {"utf-16": len(line.encode("utf-16-le")) // 2, "utf-8": len(line.encode()), "utf-32": len(line)}[encoding]
    assert ("style.numbers.millions", 13, units, 13, units + 4) in expected  # the reference itself is right

    async def scenario():
        editor = Editor(desk, lsp_env, encodings=[encoding] if encoding != "utf-16" else None)
        result = await editor.start()
        assert result.capabilities.position_encoding == encoding
        uri = editor.open(path)
        diagnostics = await editor.diagnostics(uri, 1, where=lambda ds: ds)
        assert {as_tuple(d) for d in diagnostics} == expected
        by_rule = {d.code: d for d in diagnostics}
        messages = {d["rule"]: d["message"] for d in check_json(desk, path, suppressed=False)}
        assert by_rule["style.numbers.millions"].message.startswith(messages["style.numbers.millions"])
        assert by_rule["style.numbers.millions"].message.endswith("Vorschlag: „Milliarden“")
        assert by_rule["dateline.dash"].severity == T.DiagnosticSeverity.Error
        assert by_rule["style.numbers.millions"].severity == T.DiagnosticSeverity.Warning
        assert await editor.stop() == 0

    run(scenario())


def test_client_preference_order_decides_the_encoding(desk, lsp_env):
    async def scenario():
        editor = Editor(desk, lsp_env, encodings=["utf-32", "utf-8"])
        result = await editor.start()
        assert result.capabilities.position_encoding == "utf-32"
        await editor.stop()

    run(scenario())


def test_change_rechecks_and_carries_positions(desk, lsp_env):
    path = write_draft(desk)
    text = path.read_text(encoding="utf-8")

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(path)
        first = await editor.diagnostics(uri, 1, where=lambda ds: ds)
        mrd = next(d for d in first if d.code == "style.numbers.millions").range
        # insert "🚀 " at the start of line 13 (before the dateline): the finding moves by 3 UTF-16 units
        local = text.replace(BODY, "🚀 " + BODY)
        v2 = editor.change(uri, (13, 0), (13, 0), "🚀 ", local)
        # the dateline no longer opens the paragraph: a different finding, as `edtool check` says. Until the
        # new result is in, the server may publish the old findings carried through the edit, so wait for it.
        path.write_text(local, encoding="utf-8")
        expected = expected_from_check(desk, path)
        second = await editor.diagnostics(uri, v2, where=lambda ds: {as_tuple(d) for d in ds} == expected)
        moved = next(d for d in second if d.code == "style.numbers.millions").range
        assert (moved.start.line, moved.start.character, moved.end.character) == (13, mrd.start.character + 3,
                                                                                 mrd.end.character + 3)
        # replace "Mrd." by "Milliarden" with an incremental change: that finding is gone
        v3 = editor.change(uri, (13, moved.start.character), (13, moved.end.character), "Milliarden",
                           local.replace("Mrd.", "Milliarden"))
        # (each time the server may first publish the old findings carried through the edit: wait for the check)
        third = await editor.diagnostics(uri, v3, where=lambda ds: "style.numbers.millions" not in {d.code for d in ds})
        assert "style.numbers.millions" not in {d.code for d in third}
        # a whole-document change (clients without incremental sync)
        v4 = editor.replace_all(uri, text)
        want = {"dateline.dash", "style.numbers.millions"}
        fourth = await editor.diagnostics(uri, v4, where=lambda ds: {d.code for d in ds} == want)
        assert {d.code for d in fourth} == want
        await editor.stop()

    run(scenario())


def test_typing_burst_is_debounced_and_ends_on_the_last_version(desk, lsp_env):
    path = write_draft(desk)

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(path)
        await editor.diagnostics(uri, 1, where=lambda ds: ds)
        before = len(editor.published[uri])
        text = editor.texts[uri]
        word = "Weltraum"
        column = len("Der Text ".encode("utf-16-le")) // 2
        for char in word:  # one keystroke every 20 ms at the end of the file
            line = text.count("\n")
            text += char
            editor.change(uri, (line, len(text.split("\n")[-1]) - 1), (line, len(text.split("\n")[-1]) - 1), char, text)
            await asyncio.sleep(0.02)
        last = editor.versions[uri]
        await editor.diagnostics(uri, last)
        await asyncio.sleep(0.5)
        publishes = editor.published[uri][before:]
        assert publishes[-1].version == last
        assert len(publishes) <= 3, [p.version for p in publishes]  # first keystroke, then once after the burst
        del column
        await editor.stop()

    run(scenario())


def test_quick_fix_round_trip_and_the_file_is_untouched(desk, lsp_env):
    path = write_draft(desk)
    on_disk = path.read_bytes()

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(path)
        diagnostics = await editor.diagnostics(uri, 1, where=lambda ds: ds)
        mrd = next(d for d in diagnostics if d.code == "style.numbers.millions").range
        actions = await editor.code_actions(uri, (mrd.start.line, mrd.start.character),
                                            (mrd.start.line, mrd.start.character))
        fixes = [a for a in actions if a.kind == T.CodeActionKind.QuickFix and a.edit is not None]
        assert [a.title for a in fixes] == ["„Mrd.“ durch „Milliarden“ ersetzen"]
        assert [a.title for a in actions if a.command is not None] == [
            "Als Fehlalarm in ignore.yaml eintragen (style.numbers.millions) …"]
        assert fixes[0].is_preferred and fixes[0].diagnostics[0].code == "style.numbers.millions"
        edit = fixes[0].edit.document_changes[0]
        assert edit.text_document.version == 1
        assert [(e.range.start.character, e.range.end.character, e.new_text) for e in edit.edits] == [
            (mrd.start.character, mrd.end.character, "Milliarden")]
        new_text = editor.apply(fixes[0].edit)[uri]
        assert new_text == editor.texts[uri] and "3 Milliarden Dollar" in new_text
        version = editor.change(uri, (mrd.start.line, mrd.start.character), (mrd.end.line, mrd.end.character),
                                "Milliarden")
        after = await editor.diagnostics(uri, version)
        assert {d.code for d in after} == {"dateline.dash"}
        # the dateline fix, asked for on its line only
        dash = after[0].range
        actions = await editor.code_actions(uri, (dash.start.line, dash.start.character),
                                            (dash.start.line, dash.start.character + 1), only=["quickfix"])
        assert [a.title for a in actions] == ["„ - “ durch „ – “ ersetzen",
                                              "Als Fehlalarm in ignore.yaml eintragen (dateline.dash) …"]
        await editor.stop()

    run(scenario())
    assert path.read_bytes() == on_disk  # the server never writes the writer's file


def test_false_alarm_goes_to_ignore_yaml_with_a_reason_and_check_honours_it(desk, lsp_env):
    path = write_draft(desk)
    ignore = desk / "ignore.yaml"

    async def scenario():
        editor = Editor(desk, lsp_env)
        editor.answer = lambda params: params.actions[1]  # "Fachbegriff der Redaktion"
        await editor.start()
        uri = editor.open(path)
        diagnostics = await editor.diagnostics(uri, 1, where=lambda ds: ds)
        mrd = next(d for d in diagnostics if d.code == "style.numbers.millions").range
        actions = await editor.code_actions(uri, (mrd.start.line, mrd.start.character),
                                            (mrd.start.line, mrd.start.character))
        mark = next(a for a in actions if a.command is not None)
        assert mark.title == "Als Fehlalarm in ignore.yaml eintragen (style.numbers.millions) …"
        assert mark.edit is None  # nothing changes before the writer says why
        await editor.execute(mark.command)
        assert [q.message for q in editor.questions] == [
            "Warum trifft „style.numbers.millions“ hier nicht zu? (wird mit Ihrem Namen in ignore.yaml eingetragen)"]
        assert [a.title for a in editor.questions[0].actions] == [
            "Eigenname oder Marke", "Fachbegriff der Redaktion", "Zitat, bewusst so geschrieben",
            "Die Regel trifft hier nicht zu"]
        await editor.wait(lambda: editor.applied, 30, "the edit of ignore.yaml")
        assert not ignore.exists()  # the server wrote nothing; the editor saves
        ignore.write_text(editor.texts[ignore.resolve().as_uri()], encoding="utf-8")
        editor.save(ignore.resolve().as_uri())
        after = await editor.diagnostics(uri, 1, after=len(editor.published[uri]),
                                         where=lambda ds: "style.numbers.millions" not in {d.code for d in ds})
        assert {d.code for d in after} == {"dateline.dash"}
        await editor.stop()

    run(scenario())
    import yaml

    entries = yaml.safe_load(ignore.read_text(encoding="utf-8"))
    assert entries == [{"rule": "style.numbers.millions", "file": "drafts/a.md", "text": "Mrd.",
                        "sentence": entries[0]["sentence"], "reason": "Fachbegriff der Redaktion",
                        "who": entries[0]["who"]}]
    assert "3 Mrd. Dollar" in entries[0]["sentence"] and entries[0]["who"]
    reported = check_json(desk, path)  # edtool check reads the same file
    assert {d["rule"] for d in reported if not d.get("suppressed")} == {"dateline.dash"}
    assert [d["suppressed"]["kind"] for d in reported if d.get("suppressed")] == ["ignore"]


def test_fix_all_equals_check_fix(desk, lsp_env, edtool_cli):
    body = "HOUSTON / LONDON (IT BOLTWISE) - Die Behörde zahlt 3 Mrd. Dollar und später 2 Mio. Euro.\n"
    path = write_draft(desk, body=body)
    copy = write_draft(desk, "b.md", body=body)

    async def scenario(resolve: bool):
        editor = Editor(desk, lsp_env, resolve=resolve, document_changes=False)
        await editor.start()
        uri = editor.open(path)
        await editor.diagnostics(uri, 1, where=lambda ds: ds)
        actions = await editor.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"])
        assert [a.title for a in actions] == ["edtool: alle automatisch korrigierbaren Befunde beheben"]
        action = actions[0]
        if resolve:
            assert action.edit is None
            action = await editor.resolve_action(action)
        fixed = editor.apply(action.edit)[uri]
        await editor.stop()
        return fixed

    fixed_resolved = run(scenario(True))
    fixed_eager = run(scenario(False))
    edtool_cli("check", "--fix", "--skip", "grammar,spelling", "drafts/b.md", cwd=desk)
    assert fixed_resolved == fixed_eager == copy.read_text(encoding="utf-8") != path.read_text(encoding="utf-8")


def test_languagetool_down_style_still_arrives_with_one_notice(desk, lsp_env):
    path = write_draft(desk)

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(path)
        await editor.diagnostics(uri, 1, where=lambda ds: ds)
        await editor.wait(lambda: editor.messages, 30, "the notice")
        text = editor.texts[uri]
        for _ in range(5):  # keystrokes and a save: no second notice
            line = text.count("\n")
            column = len(text.split("\n")[-1])
            text += "x"
            v = editor.change(uri, (line, column), (line, column), "x", text)
            await editor.diagnostics(uri, v)
            await asyncio.sleep(0.2)
        editor.save(uri)
        await asyncio.sleep(1.0)
        await editor.stop()
        return editor.messages

    messages = run(scenario())
    assert len(messages) == 1, messages
    kind, text = messages[0]
    assert kind == T.MessageType.Warning, messages
    assert text.startswith("edtool: Grammatik und Rechtschreibung wurden nicht geprüft:")
    assert "Hausstil, Metadaten und Ortsmarke werden weiter geprüft" in text


def test_files_that_are_not_drafts(desk, lsp_env):
    readme = desk / "README.md"
    readme.write_text("# Notizen\n\nKein Front Matter hier.\n", encoding="utf-8")
    script = desk / "tool.py"
    script.write_text("print('hallo')\n", encoding="utf-8")
    broken = desk / "drafts" / "kaputt.md"
    broken.write_text("---\ntitle: [offen\n---\n\nText.\n", encoding="utf-8")

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(readme)
        diagnostics = await editor.diagnostics(uri, 1)
        assert [as_tuple(d) for d in diagnostics] == [("file.front-matter-missing", 0, 0, 0, 0)]
        assert diagnostics[0].message.startswith("Front Matter fehlt")
        uri = editor.open(script, language_id="python")
        assert await editor.diagnostics(uri, 1) == []
        uri = editor.open(broken)
        diagnostics = await editor.diagnostics(uri, 1)
        assert [d.code for d in diagnostics] == ["file.yaml"] and diagnostics[0].range.start.line == 2
        uri = editor.open(desk / "drafts" / "binaer.md", "---\x00\x01\x02")
        assert [d.code for d in await editor.diagnostics(uri, 1)] == ["file.binary"]
        # lone surrogates, control characters, an empty document
        uri = editor.open(desk / "drafts" / "seltsam.md", "---\ntitle: \ud800\x07\n---\n\n\ud83d Text\u2028mehr\n")
        await editor.diagnostics(uri, 1)
        uri = editor.open(desk / "drafts" / "leer.md", "")
        assert [d.code for d in await editor.diagnostics(uri, 1)] == ["file.front-matter-missing"]
        # still serving
        good = editor.open(write_draft(desk, "gut.md"))
        assert await editor.diagnostics(good, 1, where=lambda ds: ds)
        assert await editor.stop() == 0

    run(scenario())


def test_garbage_from_the_client_never_kills_the_server(desk, lsp_env):
    path = write_draft(desk)

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        stdin = editor.client._server.stdin

        def raw(body: bytes, length: int | None = None) -> None:
            stdin.write(b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body)

        raw(b"das ist kein JSON")
        raw(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 5}}')
        raw(b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": '
            b'{"uri": "file:///nirgends.md", "version": 2}, "contentChanges": [{"text": "x"}]}}')
        raw(b'{"jsonrpc": "2.0", "method": "unbekannt/methode", "params": [1, 2]}')
        raw(b'[1, 2, 3]')
        raw(b'{"jsonrpc": "1.0"}')
        stdin.write(b"Kopfzeile ohne Sinn\r\n\r\n")
        raw("{\"jsonrpc\": \"2.0\", \"method\": \"$/x\", \"params\": \"\u00fc\"}".encode()[:-3])  # cut in a character
        stdin.write(b"}}}\r\n")
        await stdin.drain()
        # a request with invalid parameters gets an error answer (the client does not wait forever)
        from concurrent.futures import Future

        answer: Future = Future()
        editor.client.protocol._request_futures["kaputt-1"] = answer  # the client waits for this id
        raw(b'{"jsonrpc": "2.0", "id": "kaputt-1", "method": "textDocument/codeAction", '
            b'"params": {"textDocument": {"uri": 7}, "range": "weit"}}')
        await stdin.drain()
        with pytest.raises(Exception) as caught:
            await asyncio.wait_for(asyncio.wrap_future(answer), 10)
        assert "invalid params" in str(caught.value).lower()
        # positions beyond the document and negative ones
        uri = editor.open(path)
        await editor.diagnostics(uri, 1, where=lambda ds: ds)
        v = editor.change(uri, (9999, 9999), (99999, 5), "\nEnde.\n")
        await editor.diagnostics(uri, v)
        raw(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": 99}, "contentChanges": [
                {"range": {"start": {"line": -1, "character": -5}, "end": {"line": 0, "character": 0}},
                 "text": "x"}]}}).encode())
        await stdin.drain()
        actions = await editor.code_actions(uri, (500, 0), (600, 0))
        assert actions == []  # past the end: no finding there
        assert editor.alive
        v = editor.change(uri, (0, 0), (0, 0), "")
        assert await editor.diagnostics(uri, v)
        assert any(line.startswith("edtool: Ungültige Nachricht vom Editor ignoriert") for line in editor.logs)
        assert await editor.stop() == 0
        assert b"Traceback" not in editor.stderr  # no traceback unless asked for (edtool --debug lsp)

    run(scenario())


def test_a_five_megabyte_document_is_declined_and_the_server_stays_quick(desk, lsp_env):
    paragraph = "Die Behörde plant „große“ Schritte und zahlt 3 Mrd. Dollar für neue Satelliten. " * 8 + "\n\n"
    huge = make_draft(body=BODY + paragraph * (5_000_000 // len(paragraph)))
    assert len(huge.encode()) > 5_000_000

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(desk / "drafts" / "riesig.md", huge)
        diagnostics = await editor.diagnostics(uri, 1, timeout=60)
        assert [as_tuple(d) for d in diagnostics] == [("file.too-large", 0, 0, 0, 0)]
        assert diagnostics[0].severity == T.DiagnosticSeverity.Information
        assert "zu groß" in diagnostics[0].message
        began = time.perf_counter()
        v = editor.change(uri, (20, 0), (20, 0), "Neu. ")
        await editor.diagnostics(uri, v, timeout=60)
        small = editor.open(write_draft(desk))
        assert await editor.diagnostics(small, 1, where=lambda ds: ds)
        elapsed = time.perf_counter() - began
        assert await editor.stop() == 0
        return elapsed

    elapsed = run(scenario())
    assert elapsed < 20  # generous: the point is that nothing runs the checks over 5 MB


def test_broken_styleguide_is_one_message_and_a_save_recovers(desk, lsp_env):
    path = write_draft(desk)
    guide = desk / "styleguide.yaml"
    good = guide.read_text(encoding="utf-8")
    guide.write_text("version: 1\nmetdata: {}\n", encoding="utf-8")

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(path)
        diagnostics = await editor.diagnostics(uri, 1, where=lambda ds: ds)
        assert [d.code for d in diagnostics] == ["file.styleguide"]
        assert "styleguide.yaml:2:1" in diagnostics[0].message and "metdata" in diagnostics[0].message
        v = editor.change(uri, (0, 0), (0, 0), "")
        await editor.diagnostics(uri, v)
        errors = [m for m in editor.messages if m[0] == T.MessageType.Error]
        assert len(errors) == 1 and errors[0][1].startswith("edtool prüft nicht:")
        guide.write_text(good, encoding="utf-8")  # the editor saves the repaired file
        editor.save(guide.resolve().as_uri())
        diagnostics = await editor.diagnostics(uri, v, where=lambda ds: ds and ds[0].code != "file.styleguide")
        assert {d.code for d in diagnostics} == {"dateline.dash", "style.numbers.millions"}
        await editor.stop()

    run(scenario())


def test_a_misspelt_key_in_a_section_is_the_located_message_check_gives(desk, lsp_env, monkeypatch):
    from typer.testing import CliRunner

    from edtool.cli.main import app

    path = write_draft(desk)
    guide = desk / "styleguide.yaml"
    lines = guide.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("  default_agency:"))
    lines[number] = lines[number].replace("default_agency", "defualt_agency")
    guide.write_text("".join(lines), encoding="utf-8")
    monkeypatch.chdir(desk)
    check = CliRunner().invoke(app, ["check", "--skip", "grammar,spelling", "drafts/a.md"],
                               env={"EDTOOL_STYLEGUIDE": None})
    assert check.exit_code == 2
    expected = check.stderr.strip()
    assert expected.endswith(f"styleguide.yaml:{number + 1}:3: styleguide.yaml ist fehlerhaft: unbekannter "
                             "Schlüssel „defualt_agency“ in „dateline“. Meinten Sie „default_agency“?")

    async def scenario():
        editor = Editor(desk, lsp_env)
        await editor.start()
        uri = editor.open(path)
        diagnostics = await editor.diagnostics(uri, 1, where=lambda ds: ds)
        assert [(d.code, d.message) for d in diagnostics] == [("file.styleguide", expected)]
        errors = [m for m in editor.messages if m[0] == T.MessageType.Error]
        assert len(errors) == 1 and expected in errors[0][1]
        await editor.stop()

    run(scenario())


def test_lsp_is_not_imported_by_other_commands(desk):
    write_draft(desk)
    code = ("import sys\nfrom edtool.cli.main import run\n"
            "for args in (['--help'], ['check', '--skip', 'grammar,spelling', 'drafts']):\n"
            "    try:\n        run(args)\n    except SystemExit:\n        pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
            " or m.startswith('edtool.lsp')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=desk, capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
