"""Golden cases for the house style engine, as data: tests/golden/style/<case>/

    input.md         the draft (bytes as stored: CRLF and BOM cases stay byte for byte)
    expected.json    {"rules": [prefixes compared, default "style."], "findings": [{rule, line, column}]}
    expected.md      the text `edtool check --fix` writes (and a second --fix changes nothing)
    styleguide.yaml  optional; default: the shipped styleguide.yaml
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edtool.checkrun import CheckRun
from edtool.draft import Draft
from edtool.engine import CheckOptions, check_draft, load_check
from edtool.fix import fix_bytes, make_runner
from edtool.styleguide import StyleGuide

GOLDEN = Path(__file__).resolve().parent / "golden" / "style"
REPO = Path(__file__).resolve().parent.parent
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.md").is_file())
OPTIONS = CheckOptions(skip={"grammar", "spelling"})


def _guide(case: Path) -> StyleGuide:
    own = case / "styleguide.yaml"
    return StyleGuide.load(own if own.is_file() else REPO / "styleguide.yaml")


def findings(case: Path) -> list:
    guide = _guide(case)
    data = (case / "input.md").read_bytes()
    draft = Draft.from_bytes(data, "input.md")
    checks = {name: load_check(name) for name in ("metadata", "dateline", "style")}
    return check_draft(draft, CheckRun(guide), checks, OPTIONS, [])


@pytest.mark.parametrize("name", CASES)
def test_golden_case(name: str) -> None:
    case = GOLDEN / name
    expected_json = case / "expected.json"
    expected_md = case / "expected.md"
    assert expected_json.is_file() or expected_md.is_file(), f"{name}: no expected.json or expected.md"
    if expected_json.is_file():
        expected = json.loads(expected_json.read_text(encoding="utf-8"))
        prefixes = tuple(expected.get("rules", ["style."]))
        got = sorted(({"rule": d.rule, "line": d.line, "column": d.column} for d in findings(case)
                      if d.rule.startswith(prefixes)), key=lambda f: (f["line"], f["column"], f["rule"]))
        want = sorted(expected["findings"], key=lambda f: (f["line"], f["column"], f["rule"]))
        assert got == want
    if expected_md.is_file():
        run = make_runner(_guide(case), OPTIONS)
        result = fix_bytes((case / "input.md").read_bytes(), "input.md", run)
        assert result.fixed == expected_md.read_bytes()
        again = fix_bytes(result.fixed, "input.md", run)
        assert not again.changed, "a second --fix must change nothing"


def test_every_case_is_complete() -> None:
    assert len(CASES) >= 30
    for name in CASES:
        case = GOLDEN / name
        assert (case / "expected.json").is_file() or (case / "expected.md").is_file(), name
