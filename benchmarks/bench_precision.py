"""Benchmark: precision of edtool's findings on judged real copy, and recall of seeded typos.

    python benchmarks/bench_precision.py [JUDGED_DIR] [--typos N] [--no-typos] [--unjudged] [--json]

JUDGED_DIR holds drafts/ and judgments.jsonl (one judged finding per line: file, line, column,
end_line, end_column, flagged, rule, category, verdict G/F/D). Default: ../shared/corpus/judged
beside the repository. The script runs the real `edtool check --format json` (grammar on, the
repository's styleguide.yaml) over the drafts and matches each finding to a judged spot by file,
line and overlapping columns. It prints:

- precision G/(G+F) over the judged findings still reported, overall, per category and per rule
  (D, debatable, counts in neither);
- genuine kept: the share of spots judged G that are still reported at that place (the length and
  readability metrics excepted, as the precision issue says);
- warnings + errors per 1,000 words of prose (info not counted);
- findings that match no judged spot (unjudged: judge them yourself; --unjudged lists them);
- seeded typos: two interior letters swapped in long dictionary words (nouns included) in copies of
  the drafts; of those raw LanguageTool (one /v2/check of the draft's text, same server) flags, the
  share edtool reports at that word.

The LanguageTool server is started by edtool as usual (in its own cache folder when
EDTOOL_CACHE_DIR says so).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JUDGED = REPO.parent / "shared" / "corpus" / "judged"
METRIC_RULES = ("style.length.", "style.readability")
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def edtool_cmd() -> list[str]:
    script = Path(sys.executable).parent / "edtool"
    return [str(script)] if script.exists() else [sys.executable, "-m", "edtool"]


def run_check(folder: Path) -> list[dict]:
    env = {**os.environ, "EDTOOL_STYLEGUIDE": str(REPO / "styleguide.yaml")}
    proc = subprocess.run([*edtool_cmd(), "check", "--format", "json", str(folder)], capture_output=True,
                          text=True, env=env, timeout=1800)
    if proc.returncode not in (0, 1):
        sys.exit(f"edtool check failed ({proc.returncode}):\n{proc.stderr}")
    files = json.loads(proc.stdout)["files"]
    for item in files:  # suppressed findings (inline switch, ignore.yaml, baseline) are not reported
        item["diagnostics"] = [d for d in item["diagnostics"] if not d.get("suppressed")]
    return files


def load_judgments(judged: Path) -> list[dict]:
    with open(judged / "judgments.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def overlaps(finding: dict, spot: dict) -> bool:
    if finding["line"] != spot["line"]:
        return False
    f_end = finding["end_column"] if finding["end_line"] == finding["line"] else 10**9
    s_end = spot["end_column"] if spot["end_line"] == spot["line"] else 10**9
    return finding["column"] < max(s_end, spot["column"] + 1) and spot["column"] < max(f_end, finding["column"] + 1)


def body_words(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4:] if end >= 0 else text
    return len(WORD.findall(text))


def score(judged: Path, files: list[dict]) -> dict:
    spots = load_judgments(judged)
    by_file: dict[str, list[dict]] = defaultdict(list)
    for spot in spots:
        by_file[spot["file"]].append(spot)
    matched_spots: set[int] = set()
    unjudged: list[dict] = []
    verdicts: Counter = Counter()
    per_category: dict[str, Counter] = defaultdict(Counter)
    per_rule: dict[str, Counter] = defaultdict(Counter)
    loud = 0
    for entry in files:
        name = Path(entry["path"]).name
        for finding in entry["diagnostics"]:
            if finding.get("suppressed"):
                continue
            if finding["severity"] in ("error", "warning"):
                loud += 1
            candidates = [s for s in by_file.get(name, []) if overlaps(finding, s)]
            same_rule = [s for s in candidates if s["rule"] == finding["rule"]]
            spot = (same_rule or [s for s in candidates if s["category"] == finding["category"]] or [None])[0]
            if spot is None:
                unjudged.append({"file": name, **finding})
                continue
            matched_spots.add(id(spot))
            verdicts[spot["verdict"]] += 1
            per_category[finding["category"]][spot["verdict"]] += 1
            per_rule[finding["rule"]][spot["verdict"]] += 1
    genuine = [s for s in spots if s["verdict"] == "G" and not s["rule"].startswith(METRIC_RULES)]
    kept = sum(1 for s in genuine if id(s) in matched_spots)
    words = sum(body_words(judged / "drafts" / f) for f in {s["file"] for s in spots} | {
        p.name for p in (judged / "drafts").glob("*.md")})
    return {
        "verdicts": verdicts, "per_category": per_category, "per_rule": per_rule, "unjudged": unjudged,
        "genuine_total": len(genuine), "genuine_kept": kept, "loud": loud, "words": words,
        "lost": [s for s in genuine if id(s) not in matched_spots],
    }


def precision(counter: Counter) -> str:
    g, f = counter.get("G", 0), counter.get("F", 0)
    return f"{g / (g + f):.2f}" if g + f else "  - "


# --- seeded typos -----------------------------------------------------------------------------

def server_url() -> str:
    """The URL of edtool's server; started here when a fully cached check run needed none."""
    status = [*edtool_cmd(), "server", "status", "--format", "json"]
    info = json.loads(subprocess.run(status, capture_output=True, text=True).stdout or "{}")
    if not info.get("url"):
        subprocess.run([*edtool_cmd(), "server", "start"], capture_output=True, text=True, timeout=600)
        info = json.loads(subprocess.run(status, capture_output=True, text=True).stdout or "{}")
    if not info.get("url"):
        sys.exit("LanguageTool server could not be started (edtool server start)")
    return info["url"]


def raw_check(url: str, text: str, language: str) -> list[dict]:
    data = urllib.parse.urlencode({"text": text, "language": language}).encode()
    with urllib.request.urlopen(f"{url}/v2/check", data=data, timeout=300) as response:
        return json.load(response)["matches"]


def swap_interior(word: str, rng: random.Random) -> str | None:
    if len(word) < 8:
        return None
    for _ in range(10):
        i = rng.randrange(1, len(word) - 2)
        if word[i] != word[i + 1]:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return None


def seed_typos(judged: Path, per_draft: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    url = server_url()
    flagged_raw = reported = seeded = 0
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        plants: dict[str, list[tuple[int, int, int, str]]] = {}
        for draft in sorted((judged / "drafts").glob("*.md")):
            text = draft.read_text(encoding="utf-8")
            body_at = text.find("\n---", 3) + 4
            body = text[body_at:]
            original_hits = {(m["offset"], m["length"]) for m in raw_check(url, body, "de-DE")}
            flagged_offsets = {o for o, n in original_hits for o in range(o, o + n)}
            words = [m for m in WORD.finditer(body) if len(m.group()) >= 8 and m.start() not in flagged_offsets]
            lines = {}
            chosen = []
            for m in rng.sample(words, len(words)):
                line_no = body.count("\n", 0, m.start())
                if line_no in lines:  # one typo per line keeps them apart
                    continue
                typo = swap_interior(m.group(), rng)
                if typo:
                    lines[line_no] = True
                    chosen.append((m.start(), m.end(), typo))
                if len(chosen) == per_draft:
                    break
            chosen.sort()
            new_body, shift, planted = body, 0, []
            for start, end, typo in chosen:
                new_body = new_body[:start + shift] + typo + new_body[end + shift:]
                planted.append((start + shift, end + shift, typo))
            hits = raw_check(url, new_body, "de-DE")
            raw_flagged = [p for p in planted if any(h["offset"] < p[1] and p[0] < h["offset"] + h["length"]
                                                     for h in hits)]
            out = tmp_path / draft.name
            out.write_text(text[:body_at] + new_body, encoding="utf-8")
            full = text[:body_at] + new_body
            plants[draft.name] = []
            for start, end, typo in raw_flagged:
                at = body_at + start
                line = full.count("\n", 0, at) + 1
                column = at - (full.rfind("\n", 0, at) + 1) + 1
                plants[draft.name].append((line, column, column + (end - start), typo))
            seeded += len(planted)
            flagged_raw += len(raw_flagged)
        results = {Path(e["path"]).name: e["diagnostics"] for e in run_check(tmp_path)}
        for name, planted in plants.items():
            for line, column, end_column, typo in planted:
                spot = {"line": line, "column": column, "end_line": line, "end_column": end_column}
                if any(d["category"] in ("spelling", "grammar") and overlaps(d, spot) for d in results.get(name, [])):
                    reported += 1
                else:
                    missed.append(f"{name}:{line}:{column} {typo}")
    return {"seeded": seeded, "raw_flagged": flagged_raw, "reported": reported, "missed": missed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("judged", nargs="?", type=Path, default=DEFAULT_JUDGED)
    parser.add_argument("--typos", type=int, default=6, help="seeded typos per draft")
    parser.add_argument("--no-typos", action="store_true")
    parser.add_argument("--unjudged", action="store_true", help="list findings with no judged spot")
    parser.add_argument("--lost", action="store_true", help="list genuine spots no longer reported")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = run_check(args.judged / "drafts")
    result = score(args.judged, files)
    typos = None if args.no_typos else seed_typos(args.judged, args.typos)

    overall = result["verdicts"]
    summary = {
        "precision": precision(overall),
        "per_category": {c: precision(v) for c, v in sorted(result["per_category"].items())},
        "genuine_kept": f'{result["genuine_kept"]}/{result["genuine_total"]}',
        "loud_per_1000_words": round(1000 * result["loud"] / result["words"], 1),
        "unjudged": len(result["unjudged"]),
        "typos": None if typos is None else {k: v for k, v in typos.items() if k != "missed"},
    }
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"drafts: {len(files)}, words: {result['words']}, warnings+errors: {result['loud']}"
          f" ({summary['loud_per_1000_words']} per 1,000 words)")
    print(f"precision G/(G+F) overall: {summary['precision']}  (G {overall['G']}, F {overall['F']}, D {overall['D']})")
    for category, counter in sorted(result["per_category"].items()):
        print(f"  {category:9} {precision(counter)}  G {counter['G']:3}  F {counter['F']:3}  D {counter['D']:3}")
    print(f"genuine kept (metrics excepted): {summary['genuine_kept']}"
          f" = {result['genuine_kept'] / max(1, result['genuine_total']):.2f}")
    print(f"unjudged findings: {len(result['unjudged'])}")
    print("per rule (judged findings still reported):")
    for rule, counter in sorted(result["per_rule"].items(), key=lambda kv: -sum(kv[1].values())):
        print(f"  {rule:48} {precision(counter)}  G {counter['G']:3}  F {counter['F']:3}  D {counter['D']:3}")
    if typos is not None:
        share = typos["reported"] / max(1, typos["raw_flagged"])
        print(f"seeded typos: {typos['seeded']}, flagged by raw LanguageTool: {typos['raw_flagged']},"
              f" reported by edtool at the word: {typos['reported']} = {share:.2f}")
        for miss in typos["missed"]:
            print(f"  missed: {miss}")
    if args.unjudged:
        for f in result["unjudged"]:
            print(f"  unjudged: {f['file']}:{f['line']}:{f['column']} [{f['rule']}] {f['message'][:100]}")
    if args.lost:
        for s in result["lost"]:
            print(f"  lost: {s['file']}:{s['line']}:{s['column']} [{s['rule']}] {s['flagged'][:60]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
