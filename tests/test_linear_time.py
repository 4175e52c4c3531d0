"""Linear time, whatever the input: the shape of the algorithms, never a tight wall-clock limit.

Two kinds of test:
- properties (hypothesis): the linear scans find exactly what the simple (slow) forms find;
- adversarial drafts so large that a quadratic scan would run for many minutes (the dots at 100 KB
  took 104 s when the splitter was quadratic; here 400 KB, about 30 minutes quadratic), checked in a
  subprocess with a generous timeout that a linear check meets many times over on a loaded machine.
benchmarks/bench_linear.py shows the growth as ratios.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edtool.checks.style.text import _TERMINAL, sentence_spans
from edtool.prose import _COMMENT, _comments

REPO = Path(__file__).resolve().parent.parent
# the splitter's terminal pattern before it was made linear: same matches, quadratic on "....x"
_OLD_TERMINAL = re.compile(r"(?:[.!?]+|…)[\"“”»«’'‘)\]]*(?=\s|$)")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<!->a \n", max_size=80))
def test_comment_scan_finds_what_the_regex_finds(text):
    expected = [(m.start(), m.end(), m.group(1)) for m in _COMMENT.finditer(text)]
    assert list(_comments(text, 0, len(text))) == expected
    if len(text) > 4:  # and within bounds
        inner = [(m.start(), m.end(), m.group(1)) for m in _COMMENT.finditer(text, 2, len(text) - 2)]
        assert list(_comments(text, 2, len(text) - 2)) == inner


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=".!?…a \n»)", max_size=60))
def test_terminal_runs_match_only_from_their_first_mark_and_find_the_same(text):
    assert [m.span() for m in _TERMINAL.finditer(text)] == [m.span() for m in _OLD_TERMINAL.finditer(text)]


def test_sentence_spans_on_a_long_run_of_marks_is_one_sentence():
    for mark in ".!?":
        text = "Wort" + mark * 50_000 + "x"
        assert sentence_spans(text) == [(0, len(text))]


# Each family: a draft of about 400 KB (switches: 1 MB, where the old cost was findings x switches x
# names) that took minutes or hours with the quadratic scans.
_FAMILIES = {"dots": 400_000, "bangs": 400_000, "questions": 400_000, "comments": 1_000_000,
             "inline-comments": 400_000, "abbreviations": 400_000, "switches": 1_000_000,
             "dotted-words": 400_000, "title-escapes": 400_000}
_PROGRAM = """
import sys
sys.argv = ["bench"]
sys.path.insert(0, {bench!r})
import bench_linear
run = bench_linear.make_check()
for family, size in {families!r}:
    print(family, run(bench_linear.FAMILIES[family](size)), flush=True)
"""


@pytest.fixture(scope="module")
def adversarial_results() -> tuple[dict[str, str], str]:
    """Every family checked in one subprocess, one line each as it finishes (one Python start, not nine);
    a family still running at the timeout has no line, and its test fails, naming it."""
    families = sorted(_FAMILIES.items())
    program = _PROGRAM.format(bench=str(REPO / "benchmarks"), families=families)
    try:
        proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                              timeout=300 + 60 * len(families))
        out, err = proc.stdout, "" if proc.returncode == 0 else proc.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = "timeout"
    results = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    return results, err


@pytest.mark.parametrize("family", sorted(_FAMILIES))
def test_adversarial_draft_is_checked_in_linear_time(family, adversarial_results):
    results, err = adversarial_results
    if family not in results:
        if err == "timeout":
            pytest.fail(f"{family}: no result within the time limit (a linear check takes seconds)")
        pytest.fail(f"{family}: no result: {err}")
    assert int(results[family].strip()) >= 0


def _align_by_find(content: str, source: str, start: int, limit: int) -> list[int]:
    """The simple form of prose._align (one str.find per character: quadratic on escapes)."""
    offsets, pos = [], start
    for char in content:
        found = source.find(char, pos, limit)
        if found == -1:
            found = min(pos, max(limit - 1, start))
        else:
            pos = found + 1
        offsets.append(found)
    return offsets


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\\\t \n\"", max_size=30), st.text(alphabet="ab\\\t \n\"", max_size=40),
       st.integers(0, 5), st.integers(0, 5))
def test_front_matter_alignment_finds_what_find_finds(content, source, cut_start, cut_end):
    from edtool.prose import _align

    start, limit = min(cut_start, len(source)), max(min(cut_start, len(source)), len(source) - cut_end)
    assert _align(content, source, start, limit) == _align_by_find(content, source, start, limit)
