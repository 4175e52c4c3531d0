"""The CI recipes in docs/ci.md: parsed, checked against edtool's own options, and their edtool
commands run as written in a real repository (bare origin, pull-request branch, real LanguageTool)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from conftest import REPO, edtool_executable, make_draft

DOC = REPO / "docs" / "ci.md"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1"}
P1 = "HOUSTON / LONDON (IT BOLTWISE) – Der Leiter der Raumfahrtbehörde ist in Houston eingetroffen.\n"
OLD = "Er sprach z.B. mit Schülern über die Station.\n"
NEW = "Sie fragten u.a. nach dem Essen an Bord.\n"


def yaml_block(heading: str) -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(f"## {heading}"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    return yaml.safe_load(block)


def github_workflow() -> dict:
    return yaml_block("GitHub Actions")


def steps() -> list[dict]:
    (job,) = github_workflow()["jobs"].values()
    return job["steps"]


def edtool_commands(lines: list[str]) -> list[list[str]]:
    """Every edtool invocation in shell lines, as argument lists (redirections cut off)."""
    found = []
    for line in lines:
        for part in line.split("&&"):
            if part.strip().startswith("edtool "):
                found.append(shlex.split(part.split(">")[0])[1:])
    return found


def assert_known_options(args: list[str]) -> None:
    import typer.main

    from edtool.cli.main import app

    command = typer.main.get_command(app)
    rest = list(args)
    while rest and hasattr(command, "commands") and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    assert not hasattr(command, "commands"), f"no such edtool command: {args}"
    known = {opt for param in command.params for opt in param.opts}
    for word in rest:
        if word.startswith("--"):
            assert word.split("=")[0] in known, f"edtool {' '.join(args)}: unknown option {word}"


def test_github_workflow_structure():
    workflow = github_workflow()
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in trigger
    assert workflow["permissions"]["security-events"] == "write"
    all_steps = steps()
    uses = [s.get("uses", "").split("@")[0] for s in all_steps]
    assert uses[0] == "actions/checkout" and all_steps[0]["with"]["fetch-depth"] == 0
    assert {"actions/setup-python", "actions/setup-java", "actions/cache", "github/codeql-action/upload-sarif"} <= set(uses)
    for step in all_steps:
        assert ("uses" in step) != ("run" in step), step
    runs = [s["run"] for s in all_steps if "run" in s]
    commands = edtool_commands(runs)
    assert ["server", "install"] in commands
    assert ["check", "--changed-since", "origin/main", "--format", "github"] in commands
    for args in commands:
        assert_known_options(args)
    upload = next(s for s in all_steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    written = [re.search(r">\s*(\S+)", r).group(1) for r in runs if "--format sarif" in r]
    assert written == [upload["with"]["sarif_file"]]
    assert upload.get("if") == "always()"
    cache = next(s for s in all_steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == "~/.cache/edtool"


def test_gitlab_job_structure():
    job = yaml_block("GitLab CI")["edtool"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["cache"]["paths"] == [".edtool-cache/"]
    assert job["variables"]["EDTOOL_CACHE_DIR"].endswith("/.edtool-cache")
    commands = edtool_commands(job["before_script"] + job["script"])
    assert any(c[:2] == ["check", "--changed-since"] for c in commands)
    for args in commands:
        assert_known_options(args)
    assert job["artifacts"]["paths"] == ["edtool.sarif"]


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def pull_request(desk: Path, tmp_path: Path) -> Path:
    """A desk repository pushed to a bare origin, and a clone on a branch that adds one finding."""
    import shutil

    shipped = REPO / "vocabulary"
    if shipped.is_dir():
        shutil.copytree(shipped, desk / "vocabulary")
    (desk / "drafts" / "a.md").write_text(make_draft(body=P1 + "\n" + OLD), encoding="utf-8")
    (desk / "drafts" / "b.md").write_text(make_draft(body=P1 + "\n" + OLD), encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=desk)
    git("add", ".", cwd=desk)
    git("commit", "-q", "-m", "start", cwd=desk)
    origin = tmp_path / "origin.git"
    git("clone", "-q", "--bare", str(desk), str(origin), cwd=tmp_path)
    clone = tmp_path / "clone"
    git("clone", "-q", str(origin), str(clone), cwd=tmp_path)
    git("checkout", "-q", "-b", "pr", cwd=clone)
    (clone / "drafts" / "a.md").write_text(make_draft(body=P1 + "\n" + OLD + "\n" + NEW), encoding="utf-8")
    git("commit", "-q", "-am", "pr", cwd=clone)
    return clone


@pytest.fixture(scope="module")
def lt_cache(tmp_path_factory):
    """A cache folder as actions/cache restores it: LanguageTool installed (linked), nothing running."""
    from edtool.languagetool import install_dir, pinned_version
    from edtool.languagetool.install import is_installed

    if not is_installed():
        if os.environ.get("CI"):
            pytest.fail("LanguageTool is not installed (edtool server install)")
        pytest.skip("LanguageTool is not installed here")
    cache = tmp_path_factory.mktemp("edtool-cache")
    (cache / f"languagetool-{pinned_version()}").symlink_to(install_dir(), target_is_directory=True)
    yield cache
    subprocess.run([*edtool_executable(), "server", "stop"], env={**os.environ, "EDTOOL_CACHE_DIR": str(cache)},
                   capture_output=True, timeout=120)


def run_step(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    path = os.pathsep.join([str(Path(edtool_executable()[0]).parent), os.environ.get("PATH", "")])
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env, "PATH": path})


@pytest.mark.languagetool
def test_github_workflow_commands_run_locally(pull_request, lt_cache, tmp_path):
    summary, output = tmp_path / "step-summary.md", tmp_path / "output.txt"
    env = {"EDTOOL_CACHE_DIR": str(lt_cache), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "EDTOOL_LANGUAGETOOL_URL": ""}
    env.pop("EDTOOL_LANGUAGETOOL_URL")
    results = {}
    for step in steps():
        script = step.get("run")
        if not script or "pip install" in script:  # the package is installed already; no network here
            continue
        results[step["name"]] = run_step(script, pull_request, env)
    assert results["LanguageTool version"].returncode == 0
    from edtool.languagetool import pinned_version

    assert output.read_text(encoding="utf-8").strip() == f"version={pinned_version()}"
    assert results["Install LanguageTool"].returncode == 0, results["Install LanguageTool"].stderr
    check = results["Check the changed lines"]
    assert check.returncode == 1, check.stdout + check.stderr
    # a run-level notice (say, LanguageTool too slow on a loaded machine) stands at line 1; findings
    # about the text stand on the changed line only
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::") and "[file." not in line]
    new_line = (pull_request / "drafts" / "a.md").read_text(encoding="utf-8").splitlines().index(NEW.strip()) + 1
    assert annotations and all(f"file=drafts/a.md,line={new_line}," in a for a in annotations), annotations
    assert any("style.typo.abbreviations" in a for a in annotations)
    assert "| drafts/a.md |" in summary.read_text(encoding="utf-8")
    assert results["Findings as SARIF"].returncode == 0, results["Findings as SARIF"].stderr
    sarif = json.loads((pull_request / "edtool.sarif").read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert jsonschema_rs.Draft4Validator(schema).is_valid(sarif)
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"]
             if not r["ruleId"].startswith("file.")}
    assert lines == {new_line}


@pytest.mark.languagetool
def test_gitlab_job_script_runs_locally(pull_request, lt_cache):
    job = yaml_block("GitLab CI")["edtool"]
    env = {"EDTOOL_CACHE_DIR": str(lt_cache), "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    install = run_step("edtool server install", pull_request, env)
    assert install.returncode == 0, install.stderr
    first, second, third = (run_step(line, pull_request, env) for line in job["script"])
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert third.returncode == 1 and "drafts/a.md:" in third.stdout
    assert json.loads((pull_request / "edtool.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
