"""--changed-since REF and --baseline FILE against real git repositories (and the hook)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOOD_FRONT_MATTER, edtool_executable, make_draft
from lsp_fixtures import closed_port

FAST = ["--skip", "grammar,spelling"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1"}
P1 = "HOUSTON / LONDON (IT BOLTWISE) – Der Leiter der Raumfahrtbehörde ist in Houston eingetroffen.\n"
OLD = "Er sprach z.B. mit Schülern über die Station.\n"          # a finding that exists on main
NEW = "Sie fragten u.a. nach dem Essen an Bord.\n"               # a finding a pull request adds


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stderr
    return result.stdout


def with_slug(slug: str) -> str:
    """The front matter with its own slug: drafts sharing one would be a finding (metadata.slug-taken)."""
    return GOOD_FRONT_MATTER.replace("slug: erstes-treffen-roskosmos-nasa", f"slug: {slug}")


@pytest.fixture
def repo(desk: Path) -> Path:
    shipped = Path(__file__).resolve().parent.parent / "vocabulary"
    if shipped.is_dir():  # word lists the shipped styleguide.yaml may name
        shutil.copytree(shipped, desk / "vocabulary")
    git("init", "-q", "-b", "main", cwd=desk)
    (desk / "drafts" / "a.md").write_text(make_draft(body=P1 + "\n" + OLD), encoding="utf-8")
    (desk / "drafts" / "b.md").write_text(make_draft(with_slug("b-artikel"), P1 + "\n" + OLD), encoding="utf-8")
    git("add", ".", cwd=desk)
    git("commit", "-q", "-m", "start", cwd=desk)
    git("checkout", "-q", "-b", "feature", cwd=desk)
    return desk


def findings(edtool_cli, repo: Path, *args: str) -> tuple[int, list[tuple[str, int, str]], dict]:
    result = edtool_cli("check", *FAST, "--format", "json", *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    return result.returncode, [(f["path"], d["line"], d["rule"]) for f in data["files"] for d in f["diagnostics"]
                               if not d.get("suppressed")], data


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text.rstrip("\n")) + 1


def test_only_lines_changed_since_the_ref_are_reported(repo, edtool_cli):
    a = repo / "drafts" / "a.md"
    a.write_text(make_draft(body=P1 + "\n" + OLD + "\n" + NEW), encoding="utf-8")
    code, all_found, _ = findings(edtool_cli, repo)
    assert {rule for _, _, rule in all_found} == {"style.typo.abbreviations"} and len(all_found) == 3
    code, found, data = findings(edtool_cli, repo, "--changed-since", "main")
    assert code == 1
    assert found == [("drafts/a.md", line_of(a, NEW), "style.typo.abbreviations")]
    assert [f["path"] for f in data["files"]] == ["drafts/a.md"]  # an unchanged file is not checked at all
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "neu", cwd=repo)  # committed: the same against main, nothing against HEAD
    assert findings(edtool_cli, repo, "--changed-since", "main")[1] == found
    code, found, data = findings(edtool_cli, repo, "--changed-since", "HEAD")
    assert (code, found, data["files"]) == (0, [], [])


def test_untracked_file_counts_as_changed_throughout(repo, edtool_cli):
    (repo / "drafts" / "neu.md").write_text(make_draft(with_slug("neu"), P1 + "\n" + OLD + NEW), encoding="utf-8")
    _, found, _ = findings(edtool_cli, repo, "--changed-since", "main")
    assert [(p, r) for p, _, r in found] == [("drafts/neu.md", "style.typo.abbreviations")] * 2


def test_changed_lines_in_a_crlf_file_and_a_subfolder_run(repo, edtool_cli):
    b = repo / "drafts" / "b.md"
    b.write_bytes(make_draft(body=P1 + "\n" + OLD + "\n" + NEW).replace("\n", "\r\n").encode("utf-8"))
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "crlf", cwd=repo)
    b.write_bytes(b.read_bytes().replace(b"Station.", b"Station, sagte er."))
    result = edtool_cli("check", *FAST, "--format", "json", "--changed-since", "HEAD", "b.md", cwd=repo / "drafts")
    data = json.loads(result.stdout)
    assert [(d["line"], d["rule"]) for d in data["files"][0]["diagnostics"]] == [
        (line_of(b, OLD.replace("Station.", "Station, sagte er.")), "style.typo.abbreviations")]


def test_file_level_findings_stay(repo, edtool_cli):
    (repo / "drafts" / "kaputt.md").write_bytes(b"\xff\xfe\x00")
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "kaputt", cwd=repo)
    (repo / "drafts" / "kaputt.md").write_bytes(b"\xff\xfe\x00\x01")
    _, found, _ = findings(edtool_cli, repo, "--changed-since", "main")
    assert [p for p, _, r in found if r.startswith("file.")] == ["drafts/kaputt.md"]


def test_unknown_ref_and_no_repository_are_exit_2(repo, edtool_cli, tmp_path):
    result = edtool_cli("check", *FAST, "--changed-since", "origin/gibtsnicht", cwd=repo)
    assert result.returncode == 2 and "„origin/gibtsnicht“ ist im Git-Repository" in result.stderr
    assert "Traceback" not in result.stderr
    outside = tmp_path / "ohne-git"
    (outside / "drafts").mkdir(parents=True)
    (outside / "styleguide.yaml").write_text((repo / "styleguide.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (outside / "drafts" / "a.md").write_text(make_draft(), encoding="utf-8")
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = edtool_cli("check", *FAST, "--changed-since", "main", cwd=outside, env=env)
    assert result.returncode == 2 and "liegt in keinem Git-Repository" in result.stderr, result.stderr
    result = edtool_cli("hooks", "run", "--changed-since", "nirgends", cwd=repo)
    assert result.returncode == 2 and "„nirgends“" in result.stderr


def test_hook_reports_only_staged_changes_since_ref(repo, edtool_cli):
    a = repo / "drafts" / "a.md"
    a.write_text(make_draft(body=P1 + "\n" + OLD + "\n" + NEW), encoding="utf-8")
    git("add", "drafts/a.md", cwd=repo)
    a.write_text(make_draft(body=P1 + "\n" + OLD + "\n" + NEW + "\nNoch z.B. ungestaged.\n"), encoding="utf-8")
    result = edtool_cli("hooks", "run", *FAST, "--format", "json", "--changed-since", "main", cwd=repo)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(f["path"], d["line"]) for f in data["files"] for d in f["diagnostics"]] == [
        ("drafts/a.md", line_of(a, NEW))]
    assert edtool_cli("hooks", "run", *FAST, "--changed-since", "main", "--fail-on", "never", cwd=repo).returncode == 0


@settings(deadline=None)
@given(st.lists(st.sampled_from(["a", "\r", "\n", "\r\n", "ö"]), max_size=25), st.sets(st.integers(1, 12)))
def test_git_lines_map_to_draft_lines(pieces, lines):
    """Property: a draft line counts as changed exactly when it lies in a changed git line
    (git ends lines at LF only; a draft also at a lone CR)."""
    from edtool.changes import draft_lines

    raw = "".join(pieces)
    mapped = draft_lines(raw, lines)
    draft_line, expected = 1, set()
    for git_line, chunk in enumerate(raw.split("\n"), 1):
        inner = chunk[:-1] if chunk.endswith("\r") and git_line < raw.count("\n") + 1 else chunk
        for _ in range(inner.count("\r") + 1):
            if git_line in lines:
                expected.add(draft_line)
            draft_line += 1
    assert {n for n in mapped if n < draft_line} == expected  # lines past the end never match a finding
    if "\r" not in raw.replace("\r\n", ""):
        assert mapped == lines


def test_added_lines_from_a_zero_context_diff():
    from edtool.changes import added_lines

    diff = (b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n"
            b"@@ -20,3 +22,0 @@\n-e\n-f\n-g\n")
    assert added_lines(diff) == {3, 11, 12}


# -- baseline ----------------------------------------------------------------------------------------
def test_baseline_accepts_todays_findings_and_survives_edits_elsewhere(repo, edtool_cli):
    a = repo / "drafts" / "a.md"
    result = edtool_cli("baseline", "write", "edtool-baseline.json", *FAST, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "2 Befunde" in result.stderr
    stored = json.loads((repo / "edtool-baseline.json").read_text(encoding="utf-8"))
    assert stored["version"] == 1
    assert {(e["path"], e["rule"], e["text"]) for e in stored["findings"]} == {
        ("drafts/a.md", "style.typo.abbreviations", "z.B."), ("drafts/b.md", "style.typo.abbreviations", "z.B.")}
    assert edtool_cli("check", *FAST, "--baseline", "edtool-baseline.json", cwd=repo).returncode == 0
    # lines added above: the accepted finding moves down and stays accepted; the new one is reported
    a.write_text(make_draft(body=P1 + "\nEin neuer Absatz davor.\n\n" + NEW + "\n" + OLD), encoding="utf-8")
    code, found, data = findings(edtool_cli, repo, "--baseline", "edtool-baseline.json")
    assert code == 1 and found == [("drafts/a.md", line_of(a, NEW), "style.typo.abbreviations")]
    suppressed = [(f["path"], d["line"]) for f in data["files"] for d in f["diagnostics"] if d.get("suppressed")]
    assert suppressed == [("drafts/a.md", line_of(a, OLD)), ("drafts/b.md", line_of(repo / "drafts" / "b.md", OLD))]
    assert data["summary"]["suppressed"] == 2 and data["summary"]["error"] == 1
    # the sentence itself edited: its finding is the writer's again
    a.write_text(make_draft(body=P1 + "\n" + OLD.replace("Station", "Raumstation")), encoding="utf-8")
    _, found, _ = findings(edtool_cli, repo, "--baseline", "edtool-baseline.json")
    assert found == [("drafts/a.md", line_of(a, OLD.replace("Station", "Raumstation")), "style.typo.abbreviations")]


def test_baseline_counts_occurrences(repo, edtool_cli):
    a = repo / "drafts" / "a.md"
    twice = "Er sprach z.B. mit Schülern und z.B. mit Lehrern.\n"
    a.write_text(make_draft(body=P1 + "\n" + twice), encoding="utf-8")
    edtool_cli("baseline", "write", "base.json", *FAST, "drafts/a.md", cwd=repo)
    assert edtool_cli("check", *FAST, "--baseline", "base.json", "drafts/a.md", cwd=repo).returncode == 0
    a.write_text(make_draft(body=P1 + "\n" + twice.replace("Lehrern.", "Lehrern und z.B. Eltern.")), encoding="utf-8")
    # the sentence changed, so none is accepted any more; a third occurrence in an unchanged
    # sentence of its own would be the only one reported
    _, found, _ = findings(edtool_cli, repo, "--baseline", "base.json", "drafts/a.md")
    assert len(found) == 3
    a.write_text(make_draft(body=P1 + "\n" + twice + "\n" + twice), encoding="utf-8")
    _, found, _ = findings(edtool_cli, repo, "--baseline", "base.json", "drafts/a.md")
    assert len(found) == 2 and all(line == line_of(a, twice) + 2 for _, line, _ in found)


def test_baseline_from_another_folder_and_in_the_hook_and_sarif(repo, edtool_cli, tmp_path):
    edtool_cli("baseline", "write", "base.json", *FAST, cwd=repo)
    result = edtool_cli("check", *FAST, "--baseline", "../base.json", "a.md", cwd=repo / "drafts")
    assert result.returncode == 0, result.stdout
    a = repo / "drafts" / "a.md"
    a.write_text(make_draft(body=P1 + "\n" + OLD + "\n" + NEW), encoding="utf-8")
    git("add", "drafts/a.md", cwd=repo)
    result = edtool_cli("hooks", "run", *FAST, "--format", "json", "--baseline", "base.json", cwd=repo)
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert [(d["line"], d.get("suppressed")) for d in data["files"][0]["diagnostics"]] == [
        (line_of(a, OLD), {"by": "base.json", "kind": "baseline"}), (line_of(a, NEW), None)]
    sarif = json.loads(edtool_cli("check", *FAST, "--format", "sarif", "--baseline", "base.json", cwd=repo).stdout)
    states = sorted((r["baselineState"], bool(r.get("suppressions"))) for r in sarif["runs"][0]["results"])
    assert states == [("new", False), ("unchanged", True), ("unchanged", True)]


def test_broken_or_missing_baseline_is_exit_2(repo, edtool_cli):
    (repo / "base.json").write_text('{"version": 1, "findings": [\n  {"path": 1}\n', encoding="utf-8")
    result = edtool_cli("check", *FAST, "--baseline", "base.json", cwd=repo)
    assert result.returncode == 2 and result.stderr.startswith("base.json:3:1: Baseline-Datei ist fehlerhaft")
    (repo / "base.json").write_text('{"version": 1, "findings": [\n    {"path": 1}\n]}\n', encoding="utf-8")
    result = edtool_cli("check", *FAST, "--baseline", "base.json", cwd=repo)
    assert result.returncode == 2 and result.stderr.startswith("base.json:2:1: Baseline-Datei ist fehlerhaft")
    result = edtool_cli("check", *FAST, "--baseline", "fehlt.json", cwd=repo)
    assert result.returncode == 2 and "edtool baseline write fehlt.json" in result.stderr
    result = edtool_cli("hooks", "run", "--baseline", "fehlt.json", cwd=repo)
    assert result.returncode == 2


PARAGRAPHS = ["Er sprach z.B. mit Schülern über die Station.", "Sie fragten u.a. nach dem Essen an Bord.",
              "Die Crew schläft in kleinen Kojen.", "Dann ging es z.B. um Sport, u.a. auf dem Laufband.",
              "Am Ende gab es Applaus."]
CLEAN = ["Ein neuer Absatz steht hier.", "Die Übertragung endete pünktlich.", "Niemand stellte Fragen."]


@settings(deadline=None, max_examples=40)
@given(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=6),
       st.lists(st.tuples(st.integers(0, 6), st.sampled_from(CLEAN)), max_size=4))
def test_paragraphs_added_elsewhere_never_resurrect_accepted_findings(paragraphs, inserts):
    """Property: after `baseline write`, adding paragraphs anywhere between the existing ones
    leaves every accepted finding accepted and reports nothing."""
    from edtool import baseline
    from edtool.draft import Draft
    from edtool.engine import CheckOptions, check_sources
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.load(Path(__file__).resolve().parent.parent / "styleguide.yaml")
    options = CheckOptions(only={"style"})

    def run(body_paragraphs):
        text = make_draft(body=P1 + "\n" + "\n\n".join(body_paragraphs) + "\n")
        return check_sources([("a.md", lambda: Draft.from_text(text, "a.md"))], guide, options)

    before = run(paragraphs)
    accepted_before = sum(len(r.diagnostics) for r in before)
    keys = {tuple(e.values()) for e in baseline.build(before, Path.cwd(), Path.cwd())}
    edited = list(paragraphs)
    for position, clean in sorted(inserts, reverse=True):
        edited.insert(min(position, len(edited)), clean)
    after = run(edited)
    accepted = baseline.Baseline(Path.cwd() / "b.json", keys).split(after, Path.cwd())
    assert [d for r in after for d in r.diagnostics] == []
    assert sum(len(v) for v in accepted.values()) == accepted_before


def test_installed_hook_honours_the_baseline(repo, edtool_cli, tmp_path):
    edtool_cli("baseline", "write", "base.json", *FAST, cwd=repo)
    git("add", "base.json", cwd=repo)
    git("commit", "-q", "-m", "baseline", cwd=repo)
    missing = edtool_cli("hooks", "install", "--baseline", "base.json", cwd=repo / "drafts")
    assert missing.returncode == 1 and "nicht gefunden: base.json" in missing.stderr  # relative to the cwd
    installed = edtool_cli("hooks", "install", "--baseline", "../base.json", cwd=repo / "drafts")
    assert installed.returncode == 0, installed.stderr
    a = repo / "drafts" / "a.md"
    a.write_text(make_draft(body=P1 + "\nEin neuer Absatz davor.\n\n" + OLD), encoding="utf-8")
    git("add", "drafts/a.md", cwd=repo)
    env = {**os.environ, **GIT_ENV, "PATH": os.pathsep.join([str(Path(edtool_executable()[0]).parent),
                                                            os.environ.get("PATH", "")]),
           # the hook checks grammar too: never in the user's cache folder, and without a server here
           "EDTOOL_CACHE_DIR": str(tmp_path / "cache"), "EDTOOL_LANGUAGETOOL_URL": f"http://127.0.0.1:{closed_port()}"}
    ok = subprocess.run(["git", "commit", "-q", "-m", "davor"], cwd=repo, capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr  # the accepted finding moved down: not reported
    a.write_text(make_draft(body=P1 + "\n" + NEW + "\n" + OLD), encoding="utf-8")
    git("add", "drafts/a.md", cwd=repo)
    blocked = subprocess.run(["git", "commit", "-q", "-m", "neu"], cwd=repo, capture_output=True, text=True, env=env)
    assert blocked.returncode != 0 and "u.a." in blocked.stdout + blocked.stderr
    assert "z.B." not in blocked.stdout


def reviewdog() -> str | None:
    found = shutil.which("reviewdog") or str(Path.home() / "go" / "bin" / "reviewdog")
    return found if Path(found).is_file() else None


@pytest.mark.skipif(reviewdog() is None, reason="reviewdog not installed "
                    "(go install github.com/reviewdog/reviewdog/cmd/reviewdog@v0.21.0)")
def test_reviewdog_reads_rdjsonl_and_its_diff_filter_agrees_with_changed_since(repo, edtool_cli):
    """A real consumer: reviewdog parses every line (severity included: -fail-level=error), and its
    own `-filter-mode=added` over `git diff main` keeps exactly what --changed-since main reports."""
    a = repo / "drafts" / "a.md"
    a.write_text(make_draft(body=P1 + "\nÜber „Größe“ 🚀 sprach er.\n\n" + OLD + "\n" + NEW), encoding="utf-8")
    everything = edtool_cli("check", *FAST, "--format", "rdjsonl", cwd=repo).stdout
    ours = edtool_cli("check", *FAST, "--format", "rdjsonl", "--changed-since", "main", cwd=repo).stdout
    filtered = subprocess.run([reviewdog(), "-f=rdjsonl", "-reporter=local", "-filter-mode=added",
                               "-diff=git diff main", "-fail-level=error"], cwd=repo, input=everything,
                              capture_output=True, text=True, env={**os.environ, **GIT_ENV}, timeout=120)
    assert filtered.returncode == 1, filtered.stderr  # it read an ERROR

    def key(text: str) -> list[tuple]:
        items = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        return sorted((i["location"]["path"], i["location"]["range"]["start"]["line"], i["code"]["value"])
                      for i in items)

    assert len(key(everything)) == 3
    assert key(filtered.stdout) == key(ours) == [("drafts/a.md", line_of(a, NEW), "style.typo.abbreviations")]
