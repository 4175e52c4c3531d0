"""Every file named *.md is a finding or a checked draft, never skipped, never a hang; --fix writes
through a symlink; temporary files a killed write left behind are removed on the next run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_draft
from edtool.fsutil import atomic_write, is_temp_name, remove_stale_temps

FAST = ["--only", "file,metadata,dateline,style", "--format", "json"]
TYPO = make_draft(body="HOUSTON / LONDON (IT BOLTWISE) – Ein Text mit z.B. einem Fehler.\n")


def check_json(run_edtool, desk, *args):
    result = run_edtool("check", *FAST, *args, cwd=desk)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_md_is_a_finding_and_never_blocks(desk, run_edtool):
    (desk / "drafts" / "a.md").write_text(TYPO, encoding="utf-8")
    os.mkfifo(desk / "drafts" / "pipe.md")
    data = check_json(run_edtool, desk)  # run_edtool has a timeout: a blocking open would fail here
    paths = {Path(f["path"]).name: f["diagnostics"] for f in data["files"]}
    assert paths["pipe.md"][0]["rule"] == "file.not-regular"
    assert paths["a.md"]  # the real draft is still checked
    explicit = check_json(run_edtool, desk, "drafts/pipe.md")
    assert explicit["files"][0]["diagnostics"][0]["rule"] == "file.not-regular"


def test_a_fifo_swapped_in_after_discovery_does_not_block(tmp_path):
    from edtool.draft import Draft, DraftError

    fifo = tmp_path / "late.md"
    os.mkfifo(fifo)
    with pytest.raises(DraftError) as info:
        Draft.load(fifo)  # opened non-blocking, refused before any read
    assert info.value.rule == "file.not-regular"


def test_a_dangling_symlink_is_a_finding(desk, edtool_cli):
    (desk / "drafts" / "weg.md").symlink_to(desk / "nirgends.md")
    data = check_json(edtool_cli, desk)
    finding = data["files"][0]["diagnostics"][0]
    assert data["files"][0]["path"].endswith("weg.md")
    assert finding["rule"] == "file.dangling-link" and "nirgends.md" in finding["message"]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_a_non_utf8_file_name_is_shown_faithfully(desk, run_edtool):
    name = os.fsdecode(b"gr\xfc\xdfe.md")  # Latin-1 bytes: not UTF-8
    (desk / "drafts" / name).write_text(TYPO, encoding="utf-8")
    result = run_edtool("check", *FAST, cwd=desk)
    assert "\ufffd" not in result.stdout
    data = json.loads(result.stdout)
    assert data["files"][0]["path"] == "drafts/gr\\xfc\\xdfe.md"
    assert any(d["rule"] == "style.typo.abbreviations" for d in data["files"][0]["diagnostics"])
    fixed = run_edtool("check", "--fix", "--only", "style", cwd=desk)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "z. B." in (desk / "drafts" / name).read_text(encoding="utf-8")


def test_fix_writes_through_a_symlink_and_keeps_the_link(desk, edtool_cli):
    store = desk / "store"
    store.mkdir()
    target = store / "artikel.md"
    target.write_text(TYPO, encoding="utf-8")
    link = desk / "drafts" / "artikel.md"
    link.symlink_to(Path("..") / "store" / "artikel.md")
    result = edtool_cli("check", "--fix", "--only", "style", "drafts/artikel.md", cwd=desk)
    assert result.returncode in (0, 1), result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "store" / "artikel.md")
    assert "mit z. B. einem" in target.read_text(encoding="utf-8")
    assert [p.name for p in store.iterdir()] == ["artikel.md"]  # no temporary file left next to it


# -- temporary files of a killed write ----------------------------------------------------------------

KILLED_WRITER = """
import os, sys, time
import edtool.fsutil as fsutil
def stuck(src, dst):
    print("ready", flush=True)
    time.sleep(60)
os.replace = stuck
fsutil.atomic_write(sys.argv[1], b"neu" * 1000)
"""


def test_temp_files_of_a_killed_write_are_removed_by_the_next_write_not_by_a_check(desk, edtool_cli):
    draft = desk / "drafts" / "a.md"
    draft.write_text(make_draft(), encoding="utf-8")
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(draft)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    leftovers = [p for p in draft.parent.iterdir() if p.name != "a.md"]
    assert len(leftovers) == 1 and is_temp_name(leftovers[0].name)  # what SIGKILL leaves behind
    assert draft.read_text(encoding="utf-8") == make_draft()  # the draft itself is intact
    fresh = draft.parent / ".b.md.edtool-abcd1234.tmp"  # a write in progress right now: kept
    fresh.write_bytes(b"x")
    mine = draft.parent / ".notizen.tmp"  # the writer's own file that only looks similar: kept
    mine.write_bytes(b"x")
    old = time.time() - 3600
    os.utime(leftovers[0], (old, old))
    os.utime(mine, (old, old))
    result = edtool_cli("check", *FAST, cwd=desk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert leftovers[0].exists()  # a check only reads the writer's folder
    created = edtool_cli("new", "Ein zweiter Artikel", "--dateline", "Berlin", "--category", "Raumfahrt",
                         "--tags", "NASA", "--author", "Lena Hoffmann", cwd=desk)
    assert created.returncode == 0, created.stderr
    assert not leftovers[0].exists()  # the next write into the folder takes it away
    assert fresh.exists() and mine.exists()


def test_remove_stale_temps_only_touches_our_names(tmp_path):
    names = [".a.md.edtool-abc_1234.tmp", ".a.md.x1y2z3w4.tmp", ".a.md.tmp", "a.md.abcdefgh.tmp", ".a.md.ABCDEFGH.tmp",
             ".a.md.edtool-abc.tmp"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (0, 0))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".b.md.edtool-abcdefgh.tmp").write_bytes(b"x")
    os.utime(tmp_path / "sub" / ".b.md.edtool-abcdefgh.tmp", (0, 0))
    removed = remove_stale_temps(tmp_path)
    assert sorted(p.name for p in removed) == [".a.md.edtool-abc_1234.tmp", ".a.md.x1y2z3w4.tmp"]
    assert remove_stale_temps(tmp_path, recursive=True)[0].name == ".b.md.edtool-abcdefgh.tmp"


def test_atomic_write_follows_a_symlink_only_when_asked(tmp_path):
    target = tmp_path / "t.md"
    target.write_bytes(b"alt")
    link = tmp_path / "l.md"
    link.symlink_to(target)
    atomic_write(link, b"neu", follow_symlinks=True)
    assert link.is_symlink() and target.read_bytes() == b"neu"
    atomic_write(link, b"ersetzt")  # the default replaces the path itself (content repository safety)
    assert not link.is_symlink() and target.read_bytes() == b"neu"
