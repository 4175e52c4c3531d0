"""Output formats: SARIF against the OASIS schema, rdjsonl against reviewdog's documented structure,
GitHub workflow commands as GitHub parses them; columns counted as each consumer counts them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOOD_FRONT_MATTER, make_draft

SCHEMAS = Path(__file__).resolve().parent / "schemas"
FAST = ["--skip", "grammar,spelling"]
# umlauts, German quotes and an astral emoji (two UTF-16 units, four UTF-8 bytes) before the findings
LINE = 'Über „Größe“ 🚀 sprach er z.B. mit Schülern, die "Fragen" hatten.'
BODY = f"HOUSTON / LONDON (IT BOLTWISE) – Der Leiter der Raumfahrtbehörde ist in Houston eingetroffen.\n\n{LINE}\n"
LINE_NO = make_draft(body=BODY).splitlines().index(LINE) + 1


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    return jsonschema_rs.Draft4Validator(schema, validate_formats=True)


@pytest.fixture(scope="module")
def rdjsonl_validator():
    schema = json.loads((SCHEMAS / "rdjsonl-diagnostic.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.Draft202012Validator(schema)


def write(desk: Path, name: str, text: str) -> Path:
    path = desk / "drafts" / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_valid(validator, doc) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


# -- SARIF -------------------------------------------------------------------------------------------
def test_sarif_is_valid_with_code_point_columns_rules_and_fixes(desk, edtool_cli, sarif_validator):
    write(desk, "emoji.md", make_draft(body=BODY))
    result = edtool_cli("check", *FAST, "--format", "sarif", cwd=desk)
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert_valid(sarif_validator, doc)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["properties"]["styleguide"]["version"] == 1
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))  # every rule described once
    from edtool.checks.style import build_rules
    from edtool.styleguide import StyleGuide

    house = build_rules(StyleGuide.load(desk / "styleguide.yaml")).rules
    assert {r.id for r in house if r.enabled} <= set(ids)
    by_id = {r["id"]: r for r in rules}
    assert all(r["help"]["text"] for r in rules)
    for result_ in run["results"]:
        assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"]
    found = {r["ruleId"]: r for r in run["results"]}
    abbreviation = found["style.typo.abbreviations"]
    region = abbreviation["locations"][0]["physicalLocation"]["region"]
    code_points = LINE.index("z.B.") + 1
    assert code_points != len(LINE[:LINE.index("z.B.")].encode("utf-16-le")) // 2 + 1  # the emoji counts once
    assert region == {"startLine": LINE_NO, "startColumn": code_points, "endLine": LINE_NO,
                      "endColumn": code_points + len("z.B.")}
    assert abbreviation["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "drafts/emoji.md", "uriBaseId": "SRCROOT"}
    assert by_id["style.typo.abbreviations"]["defaultConfiguration"]["level"] == "error"
    (fix,) = abbreviation["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["replacements"][0]["insertedContent"]["text"] == "z. B."
    assert "partialFingerprints" in abbreviation


def apply_sarif_fixes(text: str, results: list[dict]) -> str:
    """Apply SARIF replacements as a consumer does: regions in lines and code point columns."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    edits = []
    for result in results:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                for rep in change["replacements"]:
                    r = rep["deletedRegion"]
                    start = starts[r["startLine"] - 1] + r["startColumn"] - 1
                    end = starts[r["endLine"] - 1] + r["endColumn"] - 1
                    edits.append((start, end, rep["insertedContent"]["text"]))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_sarif_fixes_do_what_fix_does(desk, edtool_cli):
    draft = write(desk, "emoji.md", make_draft(body=BODY))
    before = draft.read_text(encoding="utf-8")
    doc = json.loads(edtool_cli("check", *FAST, "--format", "sarif", cwd=desk).stdout)
    by_sarif = apply_sarif_fixes(before, doc["runs"][0]["results"])
    assert edtool_cli("check", *FAST, "--fix", cwd=desk).returncode in (0, 1)
    assert draft.read_text(encoding="utf-8") == by_sarif != before
    assert "z. B. mit Schülern" in by_sarif and "„Fragen“" in by_sarif


def test_sarif_describes_rules_that_only_findings_name(desk, edtool_cli, sarif_validator):
    write(desk, "a.md", make_draft(front_matter=GOOD_FRONT_MATTER.replace("slug: erstes-treffen-roskosmos-nasa\n", ""),
                                   body="HOUSTON / LONDON (IT BOLTWISE) - Der Text.\n"))
    doc = json.loads(edtool_cli("check", *FAST, "--format", "sarif", cwd=desk).stdout)
    assert_valid(sarif_validator, doc)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert "dateline.dash" in rules and "metadata.required" in rules
    assert "Ortsmarke" in rules["dateline.dash"]["help"]["text"]


def test_sarif_from_a_folder_with_a_broken_file_is_valid(desk, edtool_cli, sarif_validator):
    (desk / "drafts" / "kaputt.md").write_bytes(b"\xff\xfe\x00binary")
    write(desk, "leer.md", "")
    doc = json.loads(edtool_cli("check", *FAST, "--format", "sarif", cwd=desk).stdout)
    assert_valid(sarif_validator, doc)
    assert {r["properties"]["category"] for r in doc["runs"][0]["results"]} == {"file"}


# -- rdjsonl -----------------------------------------------------------------------------------------
def test_rdjsonl_lines_match_reviewdogs_structure_with_utf8_byte_columns(desk, edtool_cli, rdjsonl_validator):
    path = write(desk, "emoji.md", make_draft(body=BODY))
    result = edtool_cli("check", *FAST, "--format", "rdjsonl", cwd=desk)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    for item in lines:
        assert_valid(rdjsonl_validator, item)
    raw = path.read_bytes().split(b"\n")[LINE_NO - 1]
    abbreviation = next(i for i in lines if i["code"]["value"] == "style.typo.abbreviations")
    start, end = abbreviation["location"]["range"]["start"], abbreviation["location"]["range"]["end"]
    assert start["line"] == LINE_NO and raw[start["column"] - 1:end["column"] - 1] == b"z.B."
    assert abbreviation["severity"] == "ERROR"
    assert abbreviation["suggestions"] == [{"range": abbreviation["location"]["range"], "text": "z. B."}]
    # applying every suggestion by bytes gives what --fix writes
    data = path.read_bytes()
    fixed = bytearray(raw)
    for item in sorted(lines, key=lambda i: -i["suggestions"][0]["range"]["start"]["column"]):
        s = item["suggestions"][0]
        fixed[s["range"]["start"]["column"] - 1:s["range"]["end"]["column"] - 1] = s["text"].encode("utf-8")
    edtool_cli("check", *FAST, "--fix", cwd=desk)
    assert path.read_bytes().split(b"\n")[LINE_NO - 1] == bytes(fixed) != data.split(b"\n")[LINE_NO - 1]


def test_rdjsonl_severity_mapping(desk):
    from edtool.diagnostics import Category, Diagnostic, Severity
    from edtool.formats.rdjsonl import diagnostic

    for severity, name in ((Severity.ERROR, "ERROR"), (Severity.WARNING, "WARNING"), (Severity.INFO, "INFO")):
        d = Diagnostic("a.md", 1, 1, 1, 2, "style.x", Category.STYLE, severity, "m")
        assert diagnostic("a.md", d, None)["severity"] == name


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("aÄß„“🚀\u0301 é"), max_size=30), st.integers(0, 31))
def test_byte_column_counts_utf8_bytes_of_the_characters_before(prefix, extra):
    from edtool.draft import Draft
    from edtool.formats.rdjsonl import byte_column

    draft = Draft.from_text(make_draft(body=f"X{prefix}Y\n"))
    line = draft.position(draft.text.index("X"))[0]
    column = 1 + min(extra, len(prefix) + 2)
    text = draft.line_text(line)
    assert byte_column(draft, line, column) == len(text[:column - 1].encode("utf-8")) + 1


# -- GitHub ------------------------------------------------------------------------------------------
COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse_command(line: str) -> tuple[str, dict, str]:
    """As the runner reads a workflow command: properties split at ',' and '=', then unescaped."""
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for part in (match.group(2) or "").split(","):
        if part:
            key, _, value = part.partition("=")
            props[key] = unescape_property(value)
    return match.group(1), props, unescape_data(match.group(3))


@settings(deadline=None)
@given(st.text(), st.text())
def test_github_escaping_round_trips(message, title):
    from edtool.formats.github import command

    line = command("warning", message, file="a,b:c.md", title=title)
    assert "\n" not in line and "\r" not in line
    level, props, text = parse_command(line)
    assert (level, text, props["title"], props["file"]) == ("warning", message, title, "a,b:c.md")


def test_github_annotations_with_positions(desk, edtool_cli):
    write(desk, "emoji.md", make_draft(body=BODY))
    result = edtool_cli("check", *FAST, "--format", "github", cwd=desk, env={"GITHUB_STEP_SUMMARY": ""})
    assert result.returncode == 1
    commands = [parse_command(line) for line in result.stdout.splitlines() if line.startswith("::")]
    level, props, text = commands[0]
    column = LINE.index("z.B.") + 1
    assert level == "error" and text.startswith("Abkürzungen mit Leerzeichen")
    assert props == {"file": "drafts/emoji.md", "line": str(LINE_NO), "col": str(column), "endLine": str(LINE_NO),
                     "endColumn": str(column + 4), "title": "edtool [style.typo.abbreviations]"}


def many_findings(count_errors: int, count_warnings: int):
    from edtool.diagnostics import Category, Diagnostic, Severity
    from edtool.engine import FileResult

    found = [Diagnostic("d.md", n + 1, 1, n + 1, 2, "style.e", Category.STYLE, Severity.ERROR, f"e{n}")
             for n in range(count_errors)]
    found += [Diagnostic("d.md", 100 + n, 1, 100 + n, 2, "style.w", Category.STYLE, Severity.WARNING, f"w{n}")
              for n in range(count_warnings)]
    return [FileResult("d.md", found)]


@pytest.mark.parametrize("errors,warnings", [(25, 3), (10, 10), (11, 0), (3, 60), (0, 0)])
def test_github_limits_and_job_summary(tmp_path, errors, warnings):
    from edtool.formats import Report, formatter

    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    report = Report(many_findings(errors, warnings))
    import io

    out = io.StringIO()
    formatter("github", summary_file=str(summary)).write(report, out)
    commands = [parse_command(line) for line in out.getvalue().splitlines() if line.startswith("::")]
    per_level = {lvl: sum(1 for c in commands if c[0] == lvl) for lvl in ("error", "warning", "notice")}
    assert all(n <= 10 for n in per_level.values()) and len(commands) <= 50
    shown = [c for c in commands if c[1].get("title", "").startswith("edtool [")]
    overflow = [c for c in commands if c[1].get("title") == "edtool"]
    hidden = errors + warnings - len(shown)
    assert len(shown) == min(errors, 10 - (errors > 10)) + min(warnings, 10 - (warnings > 10 and errors <= 10))
    if hidden:
        (only,) = overflow
        assert f"{hidden} weitere Befunde" in only[2] and "Job-Zusammenfassung" in only[2]
    else:
        assert overflow == []
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("earlier step\n")  # appended, never replaced
    assert sum(1 for line in table.splitlines() if line.startswith("| d.md |")) == errors + warnings


def test_github_job_summary_escapes_table_cells(tmp_path):
    from edtool.diagnostics import Category, Diagnostic, Severity
    from edtool.engine import FileResult
    from edtool.formats import Report
    from edtool.formats.github import job_summary

    d = Diagnostic("a|b.md", 2, 3, 2, 4, "style.x", Category.STYLE, Severity.INFO, "eins | zwei\ndrei")
    table = job_summary(Report([FileResult("a|b.md", [d])]))
    row = next(line for line in table.splitlines() if line.startswith("| a"))
    assert row == "| a\\|b.md | 2 | 3 | Hinweis | `style.x` | eins \\| zwei drei |"


# -- --fail-on and --format --------------------------------------------------------------------------
WARNING_ONLY = "HOUSTON / LONDON (IT BOLTWISE) – Der Leiter ist eigentlich in Houston eingetroffen, die Deadline naht.\n"


def test_fail_on_levels(desk, edtool_cli):
    write(desk, "w.md", make_draft(body=WARNING_ONLY))
    data = json.loads(edtool_cli("check", *FAST, "--format", "json", cwd=desk).stdout)
    levels = {d["severity"] for d in data["files"][0]["diagnostics"]}
    assert "warning" in levels and "error" not in levels
    assert edtool_cli("check", *FAST, cwd=desk).returncode == 0
    assert edtool_cli("check", *FAST, "--fail-on", "error", cwd=desk).returncode == 0
    assert edtool_cli("check", *FAST, "--fail-on", "warning", cwd=desk).returncode == 1
    assert edtool_cli("check", *FAST, "--fail-on", "info", cwd=desk).returncode == 1
    write(desk, "e.md", make_draft(body="HOUSTON / LONDON (IT BOLTWISE) - Der Text.\n"))
    assert edtool_cli("check", *FAST, cwd=desk).returncode == 1
    assert edtool_cli("check", *FAST, "--fail-on", "never", cwd=desk).returncode == 0


def test_fail_on_counts_info(desk):
    from edtool.diagnostics import Category, Diagnostic, Severity
    from edtool.engine import FileResult
    from edtool.formats import Report, exit_status

    info = Report([FileResult("a.md", [Diagnostic("a.md", 1, 1, 1, 2, "s", Category.STYLE, Severity.INFO, "m")])])
    assert [exit_status(info, level) for level in ("error", "warning", "info", "never")] == [0, 0, 1, 0]


@pytest.mark.parametrize("args,expected", [
    (["--format", "xml"], "Unbekanntes Format „xml“. Möglich: text, json, sarif, github, rdjsonl."),
    (["--fail-on", "fatal"], "Unbekannte Stufe „fatal“ für --fail-on. Möglich: error, warning, info, never."),
])
def test_unknown_choice_is_exit_2_in_german(desk, edtool_cli, args, expected):
    for command in (["check", *FAST], ["hooks", "run"]):
        result = edtool_cli(*command, *args, cwd=desk)
        assert result.returncode == 2
        assert result.stderr.strip() == expected
        assert "Traceback" not in result.stderr


def test_every_format_is_registered_and_renders_an_empty_run():
    from edtool.formats import FORMAT_NAMES, Formatter, Report, formatter

    assert FORMAT_NAMES == ("text", "json", "sarif", "github", "rdjsonl")
    for name in FORMAT_NAMES:
        instance = formatter(name, **({"summary_file": ""} if name == "github" else {}))
        assert isinstance(instance, Formatter) and instance.name == name
        assert isinstance(instance.render(Report([])), str)


def test_json_lists_suppressed_findings_and_text_counts_them(desk):
    from edtool.diagnostics import Category, Diagnostic, Severity
    from edtool.engine import FileResult
    from edtool.formats import Report, formatter

    kept = Diagnostic("a.md", 3, 1, 3, 2, "style.k", Category.STYLE, Severity.ERROR, "bleibt")
    accepted = Diagnostic("a.md", 1, 1, 1, 2, "style.a", Category.STYLE, Severity.ERROR, "akzeptiert")
    report = Report([FileResult("a.md", [kept])], baselined={"a.md": [accepted]}, baseline="b.json")
    data = json.loads(formatter("json").render(report))
    assert [d.get("suppressed") for d in data["files"][0]["diagnostics"]] == [{"by": "b.json", "kind": "baseline"}, None]
    assert data["summary"] == {"files": 1, "error": 1, "warning": 0, "info": 0, "suppressed": 1}
    text = formatter("text", colour=False).render(report)
    assert "akzeptiert" not in text and "1 Befund unterdrückt" in text


def test_github_job_summary_that_cannot_be_written_is_a_warning_not_a_crash(desk, edtool_cli):
    write(desk, "emoji.md", make_draft(body=BODY))
    result = edtool_cli("check", *FAST, "--format", "github", cwd=desk,
                        env={"GITHUB_STEP_SUMMARY": str(desk / "fehlt" / "summary.md")})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    level, props, text = parse_command(result.stdout.splitlines()[-1])
    assert level == "warning" and "Job-Zusammenfassung" in text and str(desk / "fehlt") in text
