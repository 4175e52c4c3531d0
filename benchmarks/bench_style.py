"""Benchmark: style, metadata and dateline checks over German news articles, plus the wall time of
`edtool check` on one draft without grammar (interpreter start included).

    python benchmarks/bench_style.py [CORPUS_TSV] [--profile N]

CORPUS_TSV: a TSV with columns id, label, text (default: ../shared/corpus/10kgnad_test.tsv next to
the repository). Each article becomes an in-memory draft with a valid front matter.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "10kgnad_test.tsv"
CHECK_NAMES = ("metadata", "dateline", "style")

FRONT = """---
title: "{title}"
slug: artikel-{n}
author: Redaktion
date: 2025-07-31
dateline: WIEN
category: Wirtschaft
tags: [{label}]
teaser: "{teaser}"
status: draft
language: de-AT
---

"""


def load_articles(path: Path) -> list[bytes]:
    csv.field_size_limit(10**8)
    drafts = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for n, row in enumerate(reader):
            text = row["text"].strip()
            first = text.split(". ")[0][:110].replace('"', "'").replace("\\", "")
            teaser = (text[:200] + " …").replace('"', "'").replace("\\", "")
            body = text if text.startswith("Wien –") else "WIEN (APA) – " + text
            head = FRONT.format(title=first, n=n, label=row["label"], teaser=teaser)
            drafts.append((head + body + "\n").encode("utf-8"))
    return drafts


def run_once(blobs: list[bytes], checkrun, checks) -> tuple[int, int]:
    from edtool.draft import Draft

    findings = words = 0
    for i, blob in enumerate(blobs):
        draft = Draft.from_bytes(blob, f"artikel-{i}.md")
        words += len(draft.body.split())
        for check in checks:
            findings += len(check(draft, checkrun))
    return findings, words


def bench_corpus(corpus: Path, profile_lines: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from edtool.checkrun import CheckRun
    from edtool.engine import load_check
    from edtool.styleguide import StyleGuide

    blobs = load_articles(corpus)
    checkrun = CheckRun(StyleGuide.load(REPO / "styleguide.yaml"))
    checks = [load_check(name) for name in CHECK_NAMES]
    run_once(blobs[:5], checkrun, checks)  # compile rules once (as a real run does), warm caches
    times, walls = [], []
    for _ in range(3):
        start, wall = time.process_time(), time.perf_counter()
        findings, words = run_once(blobs, checkrun, checks)
        times.append(time.process_time() - start)
        walls.append(time.perf_counter() - wall)
    best = min(times)
    print(f"corpus: {corpus.name}, {len(blobs)} articles, {words} words")
    print(f"checks: {', '.join(CHECK_NAMES)}; {findings} findings")
    print(f"CPU time (best of 3): {best:.2f} s -> {len(blobs) / best:.0f} articles/s, "
          f"{1000 * best / len(blobs):.2f} ms per article (one core; wall best {min(walls):.2f} s)")
    if profile_lines:
        profiler = cProfile.Profile()
        profiler.enable()
        run_once(blobs, checkrun, checks)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile_lines)
        print(out.getvalue())


def bench_cli(runs: int = 10) -> None:
    draft = next(iter(sorted((REPO / "drafts").glob("*.md"))))
    command = [sys.executable, "-m", "edtool", "check", "--skip", "grammar,spelling", str(draft)]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: byte code cached after the first run
    subprocess.run(command, cwd=REPO, env=env, capture_output=True)  # warm the file and byte code cache
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, env=env, capture_output=True)
        walls.append(time.perf_counter() - start)
    print(f"edtool check one draft, no grammar ({runs} runs): mean {statistics.mean(walls):.3f} s, "
          f"min {min(walls):.3f} s, max {max(walls):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--profile", type=int, default=25, help="lines of the cProfile summary (0: none)")
    parser.add_argument("--runs", type=int, default=10, help="subprocess runs for the CLI timing")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d')}")
    corpus = Path(args.corpus)
    if corpus.is_file():
        bench_corpus(corpus, args.profile)
    else:
        print(f"corpus not found: {corpus} (pass the path of a TSV with columns id, label, text)")
    bench_cli(args.runs)


if __name__ == "__main__":
    main()
