"""Shared fixtures: the shipped style guide, draft writing helpers, and the real console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# `edtool new` and `hooks install` on a terminal start LanguageTool in the background; the suite
# never wants that in the user's cache folder (tests that test it set EDTOOL_PRESTART=1).
os.environ.setdefault("EDTOOL_PRESTART", "0")
FIXTURES = Path(__file__).resolve().parent / "fixtures"

GOOD_FRONT_MATTER = """\
title: Erstes persönliches Treffen zwischen Roskosmos und NASA
slug: erstes-treffen-roskosmos-nasa
author: Lena Hoffmann
date: 2025-07-30
dateline: HOUSTON / LONDON
category: Raumfahrt
tags: [Roskosmos, NASA]
teaser: Der Chef der russischen Raumfahrtbehörde trifft in Houston den amtierenden NASA-Leiter. Im Mittelpunkt steht die ISS.
status: draft
language: de-DE
"""

GOOD_BODY = "HOUSTON / LONDON (IT BOLTWISE) – Der Leiter der Raumfahrtbehörde ist in Houston eingetroffen.\n"


def make_draft(front_matter: str = GOOD_FRONT_MATTER, body: str = GOOD_BODY) -> str:
    return f"---\n{front_matter}---\n\n{body}"


GRAMMAR_MARKUP = FIXTURES / "grammar" / "markup.md"  # Markdown whose markup LanguageTool must not see


def locate(text: str, needle: str, after: str = "") -> tuple[int, int]:
    """1-based line and column of `needle` (the first one after `after`) in a file's text."""
    start = text.index(after) if after else 0
    offset = text.index(needle, start)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A desk folder with the shipped styleguide.yaml and an empty drafts/ folder."""
    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    (tmp_path / "drafts").mkdir()
    return tmp_path


@pytest.fixture
def guide():
    from edtool.styleguide import StyleGuide

    return StyleGuide.load(REPO / "styleguide.yaml")


def edtool_executable() -> list[str]:
    script = Path(sys.executable).parent / "edtool"
    return [str(script)] if script.exists() else [sys.executable, "-m", "edtool"]


def as_foreground_job(command: list[str]) -> list[str]:
    """`command` with Ctrl-C at its default, as an interactive shell starts a job in the foreground. A
    test run started in the background by a shell without job control (a CI runner) ignores SIGINT,
    and its children inherit that: a test that interrupts a process must not depend on it."""
    reset = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"
    return [sys.executable, "-c", reset, *command]


@pytest.fixture
def run_edtool():
    """Run the real console script in a subprocess; returns CompletedProcess (text)."""

    def run(*args: str, cwd: Path, env: dict | None = None, input: str | None = None):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("EDTOOL_STYLEGUIDE", None) if env is None or "EDTOOL_STYLEGUIDE" not in env else None
        return subprocess.run([*edtool_executable(), *args], cwd=cwd, env=full_env, capture_output=True,
                              text=True, input=input, timeout=120)

    return run


def edtool_in_process(*args: str, cwd: Path, env: dict | None = None,
                      input: str | None = None) -> subprocess.CompletedProcess:
    """`edtool ARGS` through the console script's own entry point (edtool.cli.main.run) in this process:
    the same exit status, stdout and stderr as `run_edtool`, without starting Python. For tests of what a
    command says and does, not of the process (imports, signals, the installed script)."""
    from typer.testing import CliRunner  # typer ships its own parser; click itself is not a dependency

    from edtool.cli.main import run

    code, here = 0, os.getcwd()
    with CliRunner().isolation(input=input, env={"EDTOOL_STYLEGUIDE": None, **(env or {})}) as (out, err, _):
        os.chdir(cwd)
        try:
            run(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            os.chdir(here)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["edtool", *args], code, stdout, stderr)


@pytest.fixture
def edtool_cli():
    """`edtool_in_process` as a fixture, with run_edtool's signature."""
    return edtool_in_process


# -- the real LanguageTool server ------------------------------------------------------------------
@pytest.fixture(scope="session")
def lt_install():
    """The installed LanguageTool as (install folder, version); installs once, else skips (fails in CI)."""
    from edtool.languagetool import LanguageToolError, install_dir, pinned_version
    from edtool.languagetool.install import install, is_installed

    if not is_installed():
        try:
            install()
        except LanguageToolError as exc:
            if os.environ.get("CI"):  # CI installs it first; a skip there would hide a broken install
                pytest.fail(f"LanguageTool is not installed: {exc.message}")
            pytest.skip(f"LanguageTool cannot be installed here: {exc.message}")
    return install_dir(), pinned_version()


def link_languagetool(folder: Path, lt_install) -> Path:
    """`folder` as an edtool cache folder whose LanguageTool links to the real install."""
    real, version = lt_install
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"languagetool-{version}").symlink_to(real, target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def lt_shared(tmp_path_factory, lt_install):
    """The one server the suite's LanguageTool tests share: started once in a cache folder of the
    suite's own, stopped at the end. Tests reach it through `lt_server`."""
    from edtool.languagetool.server import ensure_running, stop

    cache = link_languagetool(tmp_path_factory.mktemp("edtool-cache"), lt_install)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDTOOL_CACHE_DIR", str(cache))
        patch.delenv("EDTOOL_LANGUAGETOOL_URL", raising=False)
        ensure_running(idle_minutes=30)
    yield cache
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDTOOL_CACHE_DIR", str(cache))
        stop()


@pytest.fixture
def lt_folder(lt_shared, monkeypatch):
    """The shared server's cache folder, EDTOOL_CACHE_DIR pointing there for this test; the server may
    or may not run (for tests that stop it first)."""
    monkeypatch.setenv("EDTOOL_CACHE_DIR", str(lt_shared))
    monkeypatch.delenv("EDTOOL_LANGUAGETOOL_URL", raising=False)
    return lt_shared


@pytest.fixture
def lt_server(lt_folder):
    """The shared server, running (a test before may have killed or stopped it: then it starts
    again), with EDTOOL_CACHE_DIR pointing at its cache folder for this test."""
    from edtool.languagetool.server import ensure_running

    ensure_running(idle_minutes=30)
    return lt_folder


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (`-n`), the tests of the real LanguageTool server run one after another in
    one worker (`--dist loadgroup`), as without it: so the suite starts the shared server once, and
    the tests that start, interrupt and stop servers never overlap."""
    for item in items:
        if "lt_folder" in getattr(item, "fixturenames", ()) or item.get_closest_marker("languagetool"):
            item.add_marker(pytest.mark.xdist_group("languagetool"))
