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


@pytest.fixture
def run_edtool():
    """Run the real console script in a subprocess; returns CompletedProcess (text)."""

    def run(*args: str, cwd: Path, env: dict | None = None, input: str | None = None):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("EDTOOL_STYLEGUIDE", None) if env is None or "EDTOOL_STYLEGUIDE" not in env else None
        return subprocess.run([*edtool_executable(), *args], cwd=cwd, env=full_env, capture_output=True,
                              text=True, input=input, timeout=120)

    return run
