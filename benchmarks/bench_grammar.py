"""Benchmark: grammar and spelling through LanguageTool, side by side in one run.

    python benchmarks/bench_grammar.py [--corpus TSV] [--articles N] [--reps N] [--skip-plain]

For one ~500-word draft (a corpus article of about 500 words, de-DE) and the shipped drafts:
  (a) wall time of `edtool check DRAFT` (all checks, interpreter start included) with a cold server
      (stopped first), a warm server (results cache emptied), and a warm cache (unchanged draft);
  (b) language-tool-python the plain way: a process that creates LanguageTool('de-DE') (which
      starts its own server from our install, via LTP_JAR_DIR_PATH) and checks the same text;
  (c) one raw HTTP /v2/check of the same plain text (same disabled rules) against the same server;
  (d) edtool's grammar step in-process (prose extraction, requests, mapping back; cache empty),
      and its ratio to (c); once as edtool runs it (up to one request per core at a time) and once
      forced to a single request, which isolates edtool's own overhead.
For the larger set (N corpus articles as drafts, de-AT): `edtool check` over the folder with a warm
server and an empty cache, then again with a warm cache; and the sum of raw requests.

Runs in a cache folder of its own (linked to the installed LanguageTool), so it neither uses nor
stops the user's server. CORPUS default: ../shared/corpus/10kgnad_test.tsv next to the repository.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "10kgnad_test.tsv"
sys.path.insert(0, str(REPO / "src"))

FRONT = """---
title: "{title}"
slug: artikel-{index}
author: Redaktion
date: 2025-07-30
dateline: WIEN
category: Wirtschaft
tags: [Test]
teaser: "{teaser}"
status: draft
language: {language}
---

"""


def edtool_cmd() -> list[str]:
    script = Path(sys.executable).parent / "edtool"
    return [str(script)] if script.exists() else [sys.executable, "-m", "edtool"]


def wall(command: list[str], env: dict, cwd: Path = REPO, ok=(0, 1)) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return elapsed


def read_corpus(path: Path) -> list[str]:
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [row[2] for row in rows[1:] if len(row) >= 3]


def as_draft(text: str, index: int, language: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    title = sentences[0][:100].replace('"', "'")
    teaser = " ".join(sentences[:2])[:280].replace('"', "'")
    body_sentences = sentences[1:] if len(sentences) > 2 else sentences
    paragraphs = [" ".join(body_sentences[i : i + 4]) for i in range(0, len(body_sentences), 4)]
    return FRONT.format(title=title, teaser=teaser, index=index, language=language) + "\n\n".join(paragraphs) + "\n"


def raw_check(url: str, text: str, language: str, disabled: list[str]) -> float:
    body = urllib.parse.urlencode({"language": language, "text": text, "disabledRules": ",".join(disabled)}).encode()
    started = time.perf_counter()
    with urllib.request.urlopen(url + "/v2/check", data=body, timeout=300) as response:
        response.read()
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    from edtool.languagetool.server import stop

    try:
        return _main()
    finally:
        if os.environ.get("EDTOOL_CACHE_DIR", "").startswith(tempfile.gettempdir()):
            stop()  # the benchmark's own server, also when interrupted


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=40, help="articles in the larger set")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of the warm measurements")
    parser.add_argument("--skip-plain", action="store_true", help="leave out (b), the slowest part")
    args = parser.parse_args()

    from edtool.languagetool import install_dir, lib_dir, pinned_version
    from edtool.languagetool.install import is_installed

    if not is_installed():
        print("LanguageTool is not installed: run `edtool server install` first.", file=sys.stderr)
        return 2
    texts = read_corpus(args.corpus)
    work = Path(tempfile.mkdtemp(prefix="edtool-bench-"))
    cache = work / "cache"
    cache.mkdir()
    (cache / f"languagetool-{pinned_version()}").symlink_to(install_dir(), target_is_directory=True)
    lib = lib_dir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDTOOL_")}
    env["EDTOOL_CACHE_DIR"] = str(cache)
    os.environ.update(env)
    os.environ.pop("EDTOOL_LANGUAGETOOL_URL", None)
    guide_path = REPO / "styleguide.yaml"
    env["EDTOOL_STYLEGUIDE"] = str(guide_path)

    # the ~500-word draft: the corpus article closest to 500 words
    article = min(texts, key=lambda t: abs(len(t.split()) - 500))
    main_draft = work / "artikel-500.md"
    main_draft.write_text(as_draft(article, 0, "de-DE"), encoding="utf-8")
    drafts = [("corpus article, ~500 words", main_draft)] + [
        (f"shipped: {p.name[:40]}", p) for p in sorted((REPO / "drafts").glob("*.md"))]

    import edtool.checks.grammar as grammar_module
    from edtool.checkrun import CheckRun
    from edtool.checks.grammar import GrammarSession, check_grammar, load_settings, pieces_of
    from edtool.draft import Draft
    from edtool.languagetool.server import read_record, stop
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.load(guide_path)
    settings = load_settings(guide)
    results_dir = cache / "results"
    check = [*edtool_cmd(), "check"]
    rows = []

    print(f"# edtool grammar benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()},"
          f" LanguageTool {pinned_version()}")
    stop()
    shutil.rmtree(results_dir, ignore_errors=True)
    cold = wall([*check, str(main_draft)], env)
    url = read_record().url
    for _ in range(3):  # let the JIT settle before the warm numbers
        shutil.rmtree(results_dir, ignore_errors=True)
        wall([*check, str(main_draft)], env)

    for label, path in drafts:
        draft = Draft.load(path)
        words = len(draft.body.split())
        language = draft.front_matter.get("language", "de-DE")
        plain = "\n\n".join(p.text for p in pieces_of(draft))
        warm_server, warm_cache, raw, step, single = [], [], [], [], []
        for _ in range(args.reps):
            shutil.rmtree(results_dir, ignore_errors=True)
            warm_server.append(wall([*check, str(path)], env))
            warm_cache.append(wall([*check, str(path)], env))
            raw.append(raw_check(url, plain, language, list(settings.disabled_rules)))
            shutil.rmtree(results_dir, ignore_errors=True)
            for workers, into in ((grammar_module.WORKERS, step), (1, single)):
                shutil.rmtree(results_dir, ignore_errors=True)
                fresh = StyleGuide.load(guide_path)
                saved, grammar_module.WORKERS = grammar_module.WORKERS, workers
                started = time.perf_counter()
                check_grammar(Draft.load(path), CheckRun(fresh), GrammarSession(load_settings(fresh)))
                into.append(time.perf_counter() - started)
                grammar_module.WORKERS = saved
        rows.append((label, words, median(warm_server), median(warm_cache), median(raw), median(step), median(single)))

    plain_times = []
    if not args.skip_plain:
        code = ("import sys, time, language_tool_python as l\n"
                "text = open(sys.argv[1], encoding='utf-8').read()\n"
                "tool = l.LanguageTool('de-DE')\n"
                "tool.check(text)\n"
                "tool.close()\n")
        text_file = work / "plain.txt"
        text_file.write_text("\n\n".join(p.text for p in pieces_of(Draft.load(main_draft))), encoding="utf-8")
        # language-tool-python finds an install as <LTP_PATH>/LanguageTool-<version>/languagetool-server.jar;
        # `edtool server install` writes that jar (a manifest listing all jars), so point it at our lib/
        ltp_home = work / "ltp"
        ltp_home.mkdir()
        (ltp_home / f"LanguageTool-{pinned_version()}").symlink_to(lib, target_is_directory=True)
        plain_env = dict(env, LTP_PATH=str(ltp_home), LTP_JAR_DIR_PATH=str(lib))
        for _ in range(2):
            plain_times.append(wall([sys.executable, "-c", code, str(text_file)], plain_env, ok=(0,)))

    print("\n## One draft (medians of", args.reps, "runs; seconds, wall)")
    print(f"| draft | words | (a) warm server | (a) warm cache | (c) raw /v2/check | (d) grammar step in-process,"
          f" {grammar_module.WORKERS} parallel requests | (d)/(c) | (d) as one request | /(c) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, words, server, cached, raw, step, single in rows:
        print(f"| {label} | {words} | {server:.2f} | {cached:.2f} | {raw:.2f} | {step:.2f} | {step / raw:.2f} |"
              f" {single:.2f} | {single / raw:.2f} |")
    print(f"\n(a) cold server (start, warm-up and check of the ~500-word draft): {cold:.1f} s")
    if plain_times:
        print(f"(b) language-tool-python, LanguageTool('de-DE') per process, same text: "
              f"{' / '.join(f'{t:.1f}' for t in plain_times)} s")

    # the larger set
    folder = work / "set"
    folder.mkdir()
    chosen = texts[: args.articles]
    for index, text in enumerate(chosen):
        (folder / f"a{index:04d}.md").write_text(as_draft(text, index, "de-AT"), encoding="utf-8")
    words = sum(len(Draft.load(p).body.split()) for p in folder.glob("*.md"))
    shutil.rmtree(results_dir, ignore_errors=True)
    set_cold_cache = wall([*check, str(folder)], env)
    set_warm_cache = wall([*check, str(folder)], env)
    raw_sum = 0.0
    for path in sorted(folder.glob("*.md")):
        plain = "\n\n".join(p.text for p in pieces_of(Draft.load(path)))
        raw_sum += raw_check(url, plain, "de-AT", list(settings.disabled_rules))
    print(f"\n## Larger set: {len(chosen)} articles from {args.corpus.name}, {words} words, de-AT")
    print(f"`edtool check` over the folder, warm server, empty cache: {set_cold_cache:.1f} s"
          f" ({set_cold_cache / len(chosen):.2f} s per article)")
    print(f"same, warm cache: {set_warm_cache:.2f} s")
    print(f"raw /v2/check, one request per article, summed: {raw_sum:.1f} s")
    stop()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
