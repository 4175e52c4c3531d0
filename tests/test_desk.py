"""The desk configuration and the one error boundary: every command, every subfolder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from conftest import make_draft
from edtool.cli.main import app, run

# Commands that never read the desk (they work without one): the test says so explicitly.
NO_DESK = {
    "preview": "renders one file as readers see it; no desk setting is involved",
    "lsp": "a long-running server; a broken desk is reported to the editor as a diagnostic",
    "completion": "prints the shell's completion script; the same for every desk",
}
ARGUMENT_VALUES = {"location": "drafts/artikel.md:5:1", "rule": "style.x", "file": "baseline.json"}
OPTION_VALUES = {"editor": "Lena Hoffmann", "reason": "Grund"}


def _commands() -> list[tuple[str, object]]:
    found = []
    for name, command in typer.main.get_command(app).commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found.extend((f"{name} {sub}", cmd) for sub, cmd in subcommands.items())
        else:
            found.append((name, command))
    return found


COMMANDS = _commands()


def _argv(name: str, command) -> list[str]:
    argv = name.split()
    for param in command.params:
        if not param.required:
            continue
        if param.param_type_name == "argument":
            argv.append(ARGUMENT_VALUES.get(param.name, "drafts/artikel.md"))
        else:
            argv.extend([param.opts[0], OPTION_VALUES.get(param.name, "x")])
    return argv


@pytest.fixture
def broken_desk(desk: Path) -> tuple[Path, int, int]:
    """The shipped style guide with one misspelt rule kind; returns the desk and the kind's line:column."""
    path = desk / "styleguide.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^( +)kind: substitution$", text, re.M)
    text = text[:match.start()] + f"{match.group(1)}kind: substitutionn" + text[match.end():]
    path.write_text(text, encoding="utf-8")
    line, column = text[:match.start()].count("\n") + 1, len(match.group(1)) + 1
    (desk / "drafts" / "artikel.md").write_text(make_draft(), encoding="utf-8")
    return desk, line, column


def test_the_exempt_commands_exist():
    assert set(NO_DESK) <= {name for name, _ in COMMANDS}


@pytest.mark.parametrize("name,command", [c for c in COMMANDS if c[0] not in NO_DESK],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_reports_a_broken_styleguide_at_its_line(name, command, broken_desk, monkeypatch, capsys):
    desk, line, column = broken_desk
    monkeypatch.chdir(desk / "drafts")  # from a subfolder: the desk is found upwards
    monkeypatch.delenv("EDTOOL_STYLEGUIDE", raising=False)
    with pytest.raises(SystemExit) as info:
        run(_argv(name, command))
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert f"styleguide.yaml:{line}:{column}: " in err
    assert "substitutionn" in err and "Meinten Sie „substitution“" in err
    assert "Traceback" not in err and "Interner Fehler" not in err


def test_unknown_key_names_the_closest_at_its_position(desk, monkeypatch, capsys):
    path = desk / "styleguide.yaml"
    text = path.read_text(encoding="utf-8").replace("  default_agency: IT BOLTWISE", "  default_agncy: IT BOLTWISE")
    path.write_text(text, encoding="utf-8")
    line = text[:text.index("default_agncy")].count("\n") + 1
    monkeypatch.chdir(desk)
    with pytest.raises(SystemExit) as info:
        run(["status"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert f"styleguide.yaml:{line}:3: " in err and "„default_agncy“" in err and "„default_agency“" in err


@pytest.mark.parametrize("section", ["workflows", "check"])
def test_sections_nobody_reads_are_rejected(desk, section, monkeypatch, capsys):
    path = desk / "styleguide.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"{section}:\n  x: 1\n", encoding="utf-8")
    monkeypatch.chdir(desk)
    with pytest.raises(SystemExit) as info:
        run(["check"])
    assert info.value.code == 2
    assert f"styleguide.yaml:{text.count(chr(10)) + 1}:1: " in capsys.readouterr().err


def test_styleguide_before_the_command(desk, tmp_path_factory, monkeypatch, capsys):
    (desk / "drafts" / "artikel.md").write_text(make_draft(), encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("EDTOOL_STYLEGUIDE", raising=False)
    with pytest.raises(SystemExit) as info:
        run(["--styleguide", str(desk / "styleguide.yaml"), "status"])
    assert info.value.code == 0
    assert "artikel.md" in capsys.readouterr().out


def test_every_command_from_a_subfolder_finds_the_same_drafts(desk, edtool_cli):
    (desk / "drafts" / "artikel.md").write_text(make_draft(), encoding="utf-8")
    sub = desk / "notizen" / "tief"
    sub.mkdir(parents=True)
    for cwd in (desk, desk / "drafts", sub):
        checked = edtool_cli("check", "--skip", "grammar,spelling", "--format", "json", cwd=cwd)
        assert checked.returncode in (0, 1), checked.stderr
        assert "artikel.md" in checked.stdout, (cwd, checked.stdout)
        status = edtool_cli("status", cwd=cwd)
        assert status.returncode == 0, status.stderr
        assert "artikel.md" in status.stdout, (cwd, status.stdout)
    made = edtool_cli("new", "Ein Test aus dem Unterordner", "--author", "Lena Hoffmann", cwd=sub)
    assert made.returncode == 0, made.stderr
    assert (desk / "drafts" / "ein-test-aus-dem-unterordner.md").is_file()
    assert not (sub / "drafts").exists()


def test_one_agency_fallback(desk):
    from edtool.desk import default_agency
    from edtool.styleguide import StyleGuide

    assert default_agency(StyleGuide.from_text("{}")) == "IT BOLTWISE"
    assert default_agency(StyleGuide.from_text("dateline:\n  agencies: [dpa, AFP]\n")) == "dpa"
    assert default_agency(StyleGuide.from_text("dateline:\n  agencies: [dpa, AFP]\n  default_agency: AFP\n")) == "AFP"


def test_an_author_missing_from_the_desk_is_a_metadata_warning_at_the_author_field(desk, edtool_cli):
    draft = make_draft().replace("author: Lena Hoffmann", "author: Lena Hofmann")
    (desk / "drafts" / "artikel.md").write_text(draft, encoding="utf-8")
    result = edtool_cli("check", "--skip", "grammar,spelling", "--format", "json", cwd=desk / "drafts")
    import json

    findings = [d for f in json.loads(result.stdout)["files"] for d in f["diagnostics"]
                if d["rule"] == "metadata.unknown-author"]
    line = draft.splitlines().index("author: Lena Hofmann") + 1
    assert [(d["line"], d["column"], d["severity"], d["suggestions"]) for d in findings] == \
        [(line, 1, "warning", ["Lena Hoffmann"])]
    made = edtool_cli("new", "Noch ein Titel zum Testen", "--author", "Unbekannte Person", cwd=desk)
    assert made.returncode == 0 and "„Unbekannte Person“ steht nicht unter „authors:“" in made.stderr


def test_no_authors_list_no_author_warning(desk, edtool_cli):
    path = desk / "styleguide.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nauthors:\n") + 1
    end = text.index("\n\n", start)
    path.write_text(text[:start] + text[end + 2:], encoding="utf-8")
    (desk / "drafts" / "artikel.md").write_text(make_draft().replace("Lena Hoffmann", "Neu Hier"), encoding="utf-8")
    result = edtool_cli("check", "--skip", "grammar,spelling", cwd=desk)
    assert "metadata.unknown-author" not in result.stdout and result.returncode == 0, result.stdout + result.stderr


_GERMAN = set("der die das den dem des ein eine einen einem einer und oder mit für nicht im in von zu auf aus als "
              "ist wird nur nach bei wie jede jeden alle seine ihre zeigen".split())
_ENGLISH = set("the and of to a an for with from or is are be only after this that each every all".split())


@pytest.mark.parametrize("name,command", COMMANDS, ids=lambda v: v if isinstance(v, str) else "")
def test_command_has_german_help_and_a_readme_entry(name, command):
    from conftest import REPO

    words = re.findall(r"[a-zäöüß]+", (command.help or "").split("\n\n")[0].lower())
    german, english = sum(w in _GERMAN for w in words), sum(w in _ENGLISH for w in words)
    assert german > english, f"{name}: {command.help!r}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"edtool {name}" in readme or f"`{name.split()[-1]}`" in readme
