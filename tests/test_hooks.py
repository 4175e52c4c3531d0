"""Pre-commit: the manifest run by the real pre-commit framework, and `edtool hooks install`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workflow_support import PROJECT, Newsroom, draft_text, edtool_command, git, newsroom  # noqa: F401

BROKEN = draft_text(body="AUGSBURG (IT BOLTWISE) - Der Bindestrich statt des Gedankenstrichs ist falsch.\n")


def manifest() -> list[dict]:
    return yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def commit(room: Newsroom, *files: str, env: dict | None = None) -> subprocess.CompletedProcess:
    git("add", *files, cwd=room.desk)
    return subprocess.run(["git", "commit", "-m", "drafts"], cwd=room.desk, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def tool_path() -> str:
    """PATH with the folder of the installed console script first (hooks call `edtool`)."""
    return os.pathsep.join([str(Path(edtool_command()[0]).parent), os.environ.get("PATH", "")])


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(PROJECT / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"edtool-check", "edtool-check-fast"}
    for hook in hooks.values():
        assert hook["pass_filenames"] is True and hook["types"] == ["markdown"]
        assert hook["entry"].startswith("edtool check")
    assert "--skip grammar,spelling" in hooks["edtool-check-fast"]["entry"]
    assert "--skip" not in hooks["edtool-check"]["entry"]


def _offline_language() -> str:
    from pre_commit.all_languages import languages

    return "unsupported" if "unsupported" in languages else "system"


def test_pre_commit_framework_blocks_a_broken_dateline(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    monkeypatch.setenv("PATH", tool_path())
    # a hook repository holding the project's manifest, as a desk would reference it
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    shutil.copy(PROJECT / ".pre-commit-hooks.yaml", hook_repo / ".pre-commit-hooks.yaml")
    git("init", "-q", "-b", "main", cwd=hook_repo)
    git("add", ".", cwd=hook_repo)
    git("commit", "-q", "-m", "hooks", cwd=hook_repo)
    rev = git("rev-parse", "HEAD", cwd=hook_repo)
    # offline: run the installed edtool instead of building a virtualenv from the package index
    config = {"repos": [{"repo": str(hook_repo), "rev": rev,
                         "hooks": [{"id": "edtool-check-fast", "language": _offline_language()}]}]}
    (newsroom.desk / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert commit(newsroom, ".pre-commit-config.yaml", "styleguide.yaml").returncode == 0
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=newsroom.desk,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr

    (newsroom.desk / "README.md").write_text("Die Redaktion: keine Front Matter, kein Entwurf.\n", encoding="utf-8")
    readme = commit(newsroom, "README.md")  # Markdown outside drafts/ is no draft
    assert readme.returncode == 0, readme.stdout + readme.stderr

    (newsroom.drafts / "kaputt.md").write_text(BROKEN, encoding="utf-8")
    blocked = commit(newsroom, "drafts/kaputt.md")
    assert blocked.returncode != 0, blocked.stdout
    output = blocked.stdout + blocked.stderr
    assert "edtool check (fast" in output and "Gedankenstrich" in output
    assert git("log", "--format=%s", cwd=newsroom.desk).splitlines()[1:] == ["drafts"]

    (newsroom.drafts / "kaputt.md").write_text(draft_text(), encoding="utf-8")
    passed = commit(newsroom, "drafts/kaputt.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr


def test_hooks_install_checks_only_staged_drafts(newsroom, monkeypatch):
    monkeypatch.setenv("PATH", tool_path())
    result = newsroom.edtool("hooks", "install")
    assert result.returncode == 0, result.stderr
    hook = newsroom.desk / ".git" / "hooks" / "pre-commit"
    assert os.access(hook, os.X_OK)
    assert commit(newsroom, "styleguide.yaml").returncode == 0

    draft = newsroom.drafts / "a.md"
    draft.write_text(BROKEN, encoding="utf-8")
    blocked = commit(newsroom, "drafts/a.md")
    assert blocked.returncode == 1
    output = blocked.stdout + blocked.stderr  # git shows a hook's output on stderr
    assert "Gedankenstrich" in output and "Commit abgebrochen" in output
    assert "edtool check --fix" in output and "git add" in output  # what to do next
    # fixed in the work tree but not staged: the staged text is still broken
    draft.write_text(draft_text(), encoding="utf-8")
    blocked = subprocess.run(["git", "commit", "-m", "drafts"], cwd=newsroom.desk, capture_output=True, text=True)
    assert blocked.returncode == 1
    # staged fix passes; a broken draft left unstaged does not block
    (newsroom.drafts / "unstaged.md").write_text(BROKEN, encoding="utf-8")
    passed = commit(newsroom, "drafts/a.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_hooks_ignore_markdown_outside_the_drafts_folder(newsroom, monkeypatch):
    monkeypatch.setenv("PATH", tool_path())
    assert newsroom.cli("hooks", "install").exit_code == 0
    (newsroom.desk / "README.md").write_text("# Desk\n", encoding="utf-8")
    assert commit(newsroom, "README.md", "styleguide.yaml").returncode == 0


def test_foreign_hook_is_kept_unless_forced(newsroom):
    hook = newsroom.desk / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    result = newsroom.cli("hooks", "install")
    assert result.exit_code == 1 and "stammt nicht von edtool" in result.output
    assert hook.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    result = newsroom.cli("hooks", "install", "--force")
    assert result.exit_code == 0
    assert (hook.parent / "pre-commit.edtool-backup").read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    assert "edtool-hook" in hook.read_text(encoding="utf-8")
    assert newsroom.cli("hooks", "install").exit_code == 0  # our own hook is simply renewed


def test_hooks_install_outside_a_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    from typer.testing import CliRunner

    from edtool.cli.main import app

    result = CliRunner().invoke(app, ["hooks", "install"])
    assert result.exit_code == 1 and "Kein Git-Repository" in result.output


@pytest.mark.parametrize("full, skip", [(False, "--skip grammar,spelling"), (True, None)])
def test_hook_script_runs_fast_by_default(full, skip):
    from edtool.hooks import script

    text = script(None if full else "grammar,spelling")
    assert text.startswith("#!/bin/sh\n") and "hooks run" in text
    assert (skip in text) if skip else ("--skip" not in text)
