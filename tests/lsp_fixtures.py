"""Shared set-up of the language server tests: a desk, a draft with findings after multi-byte text,
grammar pointed at a closed port, and `edtool check`'s own findings to compare with."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from lsprotocol import types as T

from conftest import GOOD_FRONT_MATTER, edtool_in_process, make_draft

# Umlauts, „quotes“ and two emoji (outside the BMP: two UTF-16 units, four UTF-8 bytes) before
# the findings on the same line: a hyphen after the agency (dateline.dash) and "Mrd." (style).
BODY = "HOUSTON / LONDON (IT BOLTWISE) - Die Behörde plant „große“ Schritte 🚀🛰 und zahlt 3 Mrd. Dollar.\n"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A desk folder: the shipped styleguide.yaml, the word list it names (if any), drafts/."""
    import shutil

    from conftest import REPO
    from edtool.lsp.desk import _word_lists
    from edtool.styleguide import StyleGuide

    shutil.copy(REPO / "styleguide.yaml", tmp_path / "styleguide.yaml")
    for source in _word_lists(StyleGuide.load(REPO / "styleguide.yaml")):
        target = tmp_path / source.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    (tmp_path / "drafts").mkdir()
    return tmp_path


@pytest.fixture
def lsp_env(tmp_path) -> dict:
    """Grammar unavailable (a closed port) and a cache folder of the test's own."""
    return {"EDTOOL_LANGUAGETOOL_URL": f"http://127.0.0.1:{closed_port()}",
            "EDTOOL_CACHE_DIR": str(tmp_path / "cache")}


def write_draft(desk: Path, name: str = "a.md", body: str = BODY, front_matter: str = GOOD_FRONT_MATTER) -> Path:
    path = desk / "drafts" / name
    path.write_text(make_draft(front_matter, body), encoding="utf-8")
    return path


def check_json(desk: Path, path: Path, suppressed: bool = True) -> list[dict]:
    """`edtool check --format json` without grammar (in this process); suppressed findings only if asked for."""
    result = edtool_in_process("check", "--format", "json", "--skip", "grammar,spelling",
                               str(path.relative_to(desk)), cwd=desk)
    found = json.loads(result.stdout)["files"][0]["diagnostics"]
    return found if suppressed else [d for d in found if not d.get("suppressed")]


def as_tuple(d: T.Diagnostic) -> tuple:
    r = d.range
    return d.code, r.start.line, r.start.character, r.end.line, r.end.character
