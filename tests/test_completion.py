"""Shell completion: `edtool completion bash|zsh|fish` prints the script; bash, driven for real, completes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import edtool_executable


def edtool(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*edtool_executable(), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("shell, needle", [("bash", "complete_bash"), ("zsh", "complete_zsh"),
                                           ("fish", "complete_fish")])
def test_the_script_is_printed_for_each_shell(shell, needle):
    result = edtool("completion", shell)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and "_EDTOOL_COMPLETE" in result.stdout and needle in result.stdout


def test_an_unknown_shell_is_refused_and_the_help_is_german():
    result = edtool("completion", "tcsh")
    assert result.returncode == 2 and "tcsh" in result.stderr and "Traceback" not in result.stderr
    help_text = edtool("completion", "--help").stdout
    assert "Vervollständigung" in help_text and "bash, zsh oder fish" in help_text


def test_the_completion_protocol_answers_with_the_command():
    env = {"_EDTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "edtool ch", "COMP_CWORD": "1"}
    result = edtool(env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["check"]
    env["COMP_WORDS"], env["COMP_CWORD"] = "edtool status --st", "2"
    assert edtool(env=env).stdout.split() == ["--state", "--styleguide"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_sourcing_the_script_completes_ch_to_check(tmp_path):
    script = tmp_path / "edtool.bash"
    script.write_text(edtool("completion", "bash").stdout, encoding="utf-8")
    program = Path(edtool_executable()[0])
    if program.name != "edtool":  # no console script: a small one that runs the module
        program = tmp_path / "bin" / "edtool"
        program.parent.mkdir()
        program.write_text(f"#!/bin/sh\nexec {sys.executable} -m edtool \"$@\"\n", encoding="utf-8")
        program.chmod(0o755)
    driver = (f"source {script}\n"
              "COMP_WORDS=(edtool ch); COMP_CWORD=1\n"
              "complete -p edtool\n"
              "_edtool_completion edtool ch edtool\n"
              "printf 'reply:%s\\n' \"${COMPREPLY[@]}\"\n")
    env = {**os.environ, "PATH": f"{program.parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", driver], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_edtool_completion" in result.stdout  # registered for edtool
    assert [line for line in result.stdout.splitlines() if line.startswith("reply:")] == ["reply:check"]
