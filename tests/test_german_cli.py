"""The parser speaks German: its own errors (unknown option, missing value, bad choice, wrong number,
unknown command) and the labels of every help page, through the console script's entry point."""

from __future__ import annotations

import re

import pytest

ENGLISH = re.compile(r"\b(Usage|Error|Options|Arguments|Commands|Try|Invalid value|No such|Missing|"
                     r"Show this message|default:|required|is not)\b")


@pytest.mark.parametrize("args,usage,problem", [
    (["check", "--bogus"], "Aufruf: edtool check [OPTIONEN]", "Unbekannte Option „--bogus“. Meinten Sie „--jobs“?"),
    (["status", "--state", "fertig"], "Aufruf: edtool status [OPTIONEN]",
     "Ungültiger Wert für „--state“: „fertig“ ist nicht vorgesehen. Möglich: draft, review, approved, "
     "published, withdrawn, sent-back."),
    (["server", "start", "--idle-minutes", "bald"], "Aufruf: edtool server start [OPTIONEN]",
     "Ungültiger Wert für „--idle-minutes“: „bald“ ist keine Zahl."),
    (["approve"], "Aufruf: edtool approve [OPTIONEN]", "Das Argument PATHS fehlt."),
    (["frobnicate"], "Aufruf: edtool [OPTIONEN] BEFEHL [ARGUMENTE]...",
     "Unbekannter Befehl „frobnicate“. „edtool -h“ zeigt alle Befehle."),
    (["check", "--jobs"], None, "Die Option „--jobs“ braucht einen Wert."),
    (["ignore", "add", "a.md:1:1"], "Aufruf: edtool ignore add [OPTIONEN]", "Das Argument RULE fehlt."),
])
def test_parser_errors_are_german_with_usage_and_exit_2(desk, edtool_cli, args, usage, problem):
    result = edtool_cli(*args, cwd=desk)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == f"Fehler: {problem}"
    if usage:
        assert lines[0].startswith(usage)
        command = usage.removeprefix("Aufruf: ").split(" [")[0]
        assert lines[1] == f"Hilfe: „{command} -h“."
    assert not ENGLISH.search(result.stderr), result.stderr
    assert result.stdout == ""


def test_a_near_option_is_suggested(desk, edtool_cli):
    result = edtool_cli("check", "--fail-onn", "warning", cwd=desk)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "Fehler: Unbekannte Option „--fail-onn“. Meinten Sie „--fail-on“?"


@pytest.mark.parametrize("args", [[], ["check"], ["server", "start"], ["status"], ["ignore", "add"]])
def test_help_pages_have_german_labels(desk, edtool_cli, args):
    result = edtool_cli(*args, "-h", cwd=desk)
    assert result.returncode == 0
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert "Aufruf: edtool" in text and "Optionen" in text and "Diese Hilfe zeigen und beenden." in text
    assert not ENGLISH.search(text), text


def test_the_installed_script_says_it_in_german(desk, run_edtool):
    """The same through the real console script in its own process (no test runner in between)."""
    result = run_edtool("check", "--bogus", cwd=desk)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "Fehler: Unbekannte Option „--bogus“. Meinten Sie „--jobs“?"
    helped = run_edtool("-h", cwd=desk)
    assert "Befehle" in helped.stdout and "Diese Hilfe zeigen und beenden." in helped.stdout
