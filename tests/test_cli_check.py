"""`edtool check` end to end: JSON contract, exit statuses, discovery, through the console script's entry point
(in this process; the installed script itself in test_version_and_module_entry)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import GOOD_FRONT_MATTER, make_draft
from edtool import __version__
from edtool.cli.main import app

FAST = ["--only", "file,metadata,dateline"]


def write(desk, name: str, text: str | bytes):
    path = desk / "drafts" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_json_contract_lists_every_file(desk, edtool_cli):
    write(desk, "a-gut.md", make_draft())
    write(desk, "b-strich.md", make_draft(GOOD_FRONT_MATTER.replace("slug: erstes-treffen-roskosmos-nasa",
                                                                    "slug: b-strich"),
                                          "HOUSTON / LONDON (IT BOLTWISE) - Der Text.\n"))  # own slug: no finding
    write(desk, "c-kaputt.md", b"\xff\xfe\x00binary")
    result = edtool_cli("check", *FAST, "--format", "json", cwd=desk)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["files"]] == ["drafts/a-gut.md", "drafts/b-strich.md", "drafts/c-kaputt.md"]
    assert data["files"][0]["diagnostics"] == []
    dash = data["files"][1]["diagnostics"][0]
    assert dash == {
        "rule": "dateline.dash", "category": "dateline", "severity": "error", "line": 14, "column": 31,
        "end_line": 14, "end_column": 34, "message": dash["message"], "suggestions": [" – "], "fixable": True,
    }
    assert data["files"][2]["diagnostics"][0]["category"] == "file"
    assert data["summary"] == {"files": 3, "error": 2, "warning": 0, "info": 0}


def test_text_output_is_grouped_with_positions_and_summary(desk, edtool_cli):
    write(desk, "b.md", make_draft(body="HOUSTON / LONDON (IT BOLTWISE) - Der Text.\n"))
    result = edtool_cli("check", *FAST, "drafts/b.md", cwd=desk)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "drafts/b.md"
    assert lines[1].startswith("drafts/b.md:14:31: Fehler [dateline.dash] ")
    assert "Vorschlag: „ – “" in lines[2]
    assert lines[-1] == "1 Datei geprüft: 1 Fehler, 0 Warnungen, 0 Hinweise."
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_clean_draft_exits_zero(desk, edtool_cli):
    write(desk, "a.md", make_draft())
    result = edtool_cli("check", *FAST, cwd=desk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "keine Befunde" in result.stdout


def test_warnings_alone_exit_zero(desk, edtool_cli):
    write(desk, "a.md", make_draft(GOOD_FRONT_MATTER + "autor: X\n"))
    result = edtool_cli("check", *FAST, "--format", "json", cwd=desk)
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["warning"] == 1


def test_only_and_skip_select_categories(desk, monkeypatch):
    write(desk, "a.md", make_draft(GOOD_FRONT_MATTER.replace("category: Raumfahrt", "category: Sport"),
                                   "HOUSTON / LONDON (IT BOLTWISE) - Text.\n"))
    monkeypatch.chdir(desk)
    runner = CliRunner()

    def rules(*args):
        result = runner.invoke(app, ["check", "--format", "json", *args])
        return result.exit_code, [d["category"] for f in json.loads(result.stdout)["files"] for d in f["diagnostics"]]

    assert rules("--only", "metadata") == (1, ["metadata"])
    assert rules("--only", "dateline") == (1, ["dateline"])
    assert rules("--only", "metadata,dateline", "--skip", "dateline") == (1, ["metadata"])
    assert rules("--only", "style", "--skip", "style") == (0, [])


def test_bad_category_and_format_exit_two(desk, edtool_cli):
    result = edtool_cli("check", "--only", "rechtschreibung", cwd=desk)
    assert result.returncode == 2 and "rechtschreibung" in result.stderr
    result = edtool_cli("check", "--format", "xml", cwd=desk)
    assert result.returncode == 2
    result = edtool_cli("check", "--nicht-da", cwd=desk)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_one_bad_file_does_not_stop_the_batch(desk, edtool_cli):
    write(desk, "a.md", "---\ntitle: [kaputt\n---\n")
    write(desk, "b.md", make_draft(body="HOUSTON / LONDON (IT BOLTWISE) - Text.\n"))
    data = json.loads(edtool_cli("check", *FAST, "--format", "json", cwd=desk).stdout)
    assert [(f["path"], [d["rule"] for d in f["diagnostics"]]) for f in data["files"]] == [
        ("drafts/a.md", ["file.yaml"]), ("drafts/b.md", ["dateline.dash"])]
    assert data["files"][0]["diagnostics"][0]["line"] == 3


def test_missing_path_is_reported(desk, edtool_cli):
    result = edtool_cli("check", *FAST, "drafts/gibt-es-nicht.md", cwd=desk)
    assert result.returncode == 1
    assert "gibt-es-nicht.md" in result.stdout and "nicht gefunden" in result.stdout


def test_folders_are_searched_recursively(desk, edtool_cli):
    (desk / "drafts" / "2025" / "07").mkdir(parents=True)
    write(desk, "2025/07/a.md", make_draft())
    write(desk, "notiz.txt", "kein Markdown")
    data = json.loads(edtool_cli("check", *FAST, "--format", "json", cwd=desk).stdout)
    assert [f["path"] for f in data["files"]] == ["drafts/2025/07/a.md"]


def test_styleguide_found_walking_up(desk, edtool_cli):
    write(desk, "a.md", make_draft())
    result = edtool_cli("check", *FAST, "a.md", cwd=desk / "drafts")
    assert result.returncode == 0, result.stderr


def test_styleguide_by_option_and_environment(desk, tmp_path_factory, edtool_cli):
    other = tmp_path_factory.mktemp("elsewhere")
    write(desk, "a.md", make_draft(body="HOUSTON / LONDON (KNA) – Text.\n"))
    (desk / "kna.yaml").write_text("dateline:\n  agencies: [KNA]\n", encoding="utf-8")
    target = str(desk / "drafts")
    assert edtool_cli("check", "--only", "dateline", target, cwd=other).returncode == 2  # none found
    assert edtool_cli("check", "--only", "dateline", "--styleguide", str(desk / "kna.yaml"), target,
                      cwd=other).returncode == 0
    env = {"EDTOOL_STYLEGUIDE": str(desk / "kna.yaml")}
    assert edtool_cli("check", "--only", "dateline", target, cwd=other, env=env).returncode == 0
    assert edtool_cli("check", "--only", "dateline", target, cwd=desk).returncode == 1  # shipped list


def test_broken_styleguide_names_file_and_line(desk, edtool_cli):
    (desk / "styleguide.yaml").write_text("version: 1\ndateline:\n  agencies: [dpa\n", encoding="utf-8")
    result = edtool_cli("check", cwd=desk)
    assert result.returncode == 2
    assert "styleguide.yaml:4:" in result.stderr and "Traceback" not in result.stderr
    (desk / "styleguide.yaml").write_text("version: 1\nmetdata: {}\n", encoding="utf-8")
    result = edtool_cli("check", cwd=desk)
    assert result.returncode == 2 and "styleguide.yaml:2:1" in result.stderr and "metdata" in result.stderr


def test_version_and_module_entry(desk, run_edtool):
    result = run_edtool("--version", cwd=desk)
    assert result.returncode == 0 and result.stdout.strip() == f"edtool {__version__}"
    module = subprocess.run([sys.executable, "-m", "edtool", "--version"], capture_output=True, text=True)
    assert module.stdout.strip() == f"edtool {__version__}"


def test_help_and_check_do_not_import_git_or_languagetool(desk):
    write(desk, "a.md", make_draft())
    code = ("import sys\nfrom edtool.cli.main import run\n"
            "try:\n    run(['check', '--only', 'file,metadata,dateline,style', 'drafts'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('git', 'language_tool_python') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=desk, capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_same_positions_for_lf_and_crlf_files(desk, edtool_cli, ending):
    text = make_draft(body="HOUSTON / LONDON (IT BOLTWISE) -- Der Text.\n").replace("\n", ending)
    write(desk, "a.md", ("\ufeff" + text).encode("utf-8"))
    data = json.loads(edtool_cli("check", *FAST, "--format", "json", cwd=desk).stdout)
    d = data["files"][0]["diagnostics"][0]
    assert (d["rule"], d["line"], d["column"]) == ("dateline.dash", 14, 31)


def test_missing_styleguide_says_so_plainly(desk, tmp_path_factory, edtool_cli):
    result = edtool_cli("check", "--styleguide", "fehlt.yaml", cwd=desk)
    assert result.returncode == 2
    assert result.stderr.strip() == "styleguide.yaml nicht gefunden: fehlt.yaml"
    elsewhere = tmp_path_factory.mktemp("ohne-styleguide")
    result = edtool_cli("check", cwd=elsewhere)
    assert result.returncode == 2 and result.stderr.startswith("Keine styleguide.yaml gefunden")


def test_a_folder_without_drafts_is_noted_on_stderr(desk, edtool_cli):
    (desk / "leer").mkdir()
    result = edtool_cli("check", "leer", cwd=desk)
    assert result.returncode == 0
    assert "Keine Markdown-Dateien (*.md) gefunden in: leer" in result.stderr
    assert "0 Dateien geprüft" in result.stdout


@pytest.mark.parametrize("raised, code, words", [
    (KeyboardInterrupt(), 130, "Abgebrochen."),
    (RuntimeError("kaputt"), 2, "Interner Fehler: RuntimeError: kaputt"),
])
def test_error_boundary_maps_exceptions_to_exit_codes(desk, monkeypatch, capsys, raised, code, words):
    import edtool.engine
    from edtool.cli.main import run

    def boom(*args, **kwargs):
        raise raised

    monkeypatch.chdir(desk)
    monkeypatch.setattr(edtool.engine, "run_checks", boom)
    with pytest.raises(SystemExit) as info:
        run(["check"])
    assert info.value.code == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_debug_shows_the_traceback(desk, monkeypatch):
    import edtool.engine
    from edtool.cli.main import run

    monkeypatch.chdir(desk)
    monkeypatch.setattr(edtool.engine, "run_checks", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("kaputt")))
    with pytest.raises(RuntimeError, match="kaputt"):
        run(["--debug", "check"])


def test_counts_in_messages_are_singular_or_plural():
    from edtool.messages import msg

    assert msg("report.summary", files=1, error=1, warning=1, info=1) == "1 Datei geprüft: 1 Fehler, 1 Warnung, 1 Hinweis."
    assert msg("report.summary", files=2, error=0, warning=2, info=3) == (
        "2 Dateien geprüft: 0 Fehler, 2 Warnungen, 3 Hinweise.")
    assert msg("style.fixed", count=1) == "1 Datei korrigiert."
    assert msg("report.suppressed", count=2).startswith("2 Befunde unterdrückt")


def test_a_suggestion_that_is_a_quotation_is_not_quoted_twice(desk, edtool_cli):
    from edtool.messages import quoted

    assert quoted("Milliarden") == "„Milliarden“"
    assert quoted("„Wir kommen“") == "„Wir kommen“" and quoted("»Ja«") == "»Ja«"
    body = 'HOUSTON / LONDON (IT BOLTWISE) – Er sagte "Wir kommen morgen" und ging.\n'
    (desk / "drafts" / "a.md").write_text(make_draft(body=body), encoding="utf-8")
    result = edtool_cli("check", "--skip", "grammar,spelling", cwd=desk)
    assert "Vorschlag: „Wir kommen morgen“" in result.stdout, result.stdout
    assert "„„" not in result.stdout
