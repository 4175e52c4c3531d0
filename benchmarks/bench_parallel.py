"""Benchmark: `edtool check` over many drafts on every core, against Vale, and LanguageTool requests
sent ahead for all drafts, against raw requests. Alternating runs in one session; ratios.

    python benchmarks/bench_parallel.py VALE_BINARY [--vale-config INI] [--corpus TSV] [--runs 5]
                                        [--articles 10] [--grammar-runs 3] [--skip-style] [--skip-grammar]

VALE_BINARY: a Vale 3.20 binary (this script builds nothing; benchmarks/README.md says how to build
one). --vale-config: the .vale.ini of the equivalent house style (default:
../shared/bench/vale-house/.vale.ini next to the repository). CORPUS default:
../shared/corpus/10kgnad_test.tsv next to the repository.

(1) Style: the corpus articles written out as drafts (the front matter bench_style.py uses) in a
temporary folder; per round, in turn: Vale (`--output=JSON`), `edtool check --skip grammar,spelling
--format json --jobs 1`, and the same with the automatic --jobs. Wall and CPU time (the process and
its children) per run; medians and ratios; the two edtool reports must be byte for byte the same.
One draft: edtool (automatic --jobs) against Vale.
(2) Grammar: N corpus articles as de-AT drafts (bench_grammar.py's wrapping), in a cache folder of
their own linked to the installed LanguageTool (a server of their own: started once, stopped at the
end). Per round, with the results cache emptied: `edtool check` over the folder (all checks), and the
sum of one raw /v2/check per article (the article's prose, the same parameters edtool sends);
then, in-process, where edtool's time goes (requests sent ahead, then the checks).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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
DEFAULT_VALE_CONFIG = REPO.parent / "shared" / "bench" / "vale-house" / ".vale.ini"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def edtool_cmd() -> list[str]:
    script = Path(sys.executable).parent / "edtool"
    return [str(script)] if script.exists() else [sys.executable, "-m", "edtool"]


def timed(command: list[str], env: dict, out: Path | None = None, ok=(0, 1)) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the process and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        done = subprocess.run(command, env=env, stdout=sink, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]!r}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load_average() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_style(args, env: dict, work: Path) -> None:
    from bench_style import load_articles

    folder = work / "corpus"
    folder.mkdir()
    blobs = load_articles(args.corpus)
    for n, blob in enumerate(blobs):
        (folder / f"artikel-{n:04d}.md").write_bytes(blob)
    vale = [str(args.vale), "--config", str(args.vale_config), "--output=JSON", str(folder)]
    check = [*edtool_cmd(), "check", "--skip", "grammar,spelling", "--format", "json"]
    runs = {"vale": [], "jobs1": [], "auto": []}
    load = [load_average()]
    timed(vale, env)  # warm the file cache and byte code
    timed([*check, str(folder)], env)
    for _ in range(args.runs):
        runs["vale"].append(timed(vale, env))
        runs["jobs1"].append(timed([*check, "--jobs", "1", str(folder)], env, work / "one.json"))
        runs["auto"].append(timed([*check, str(folder)], env, work / "auto.json"))
        if (work / "one.json").read_bytes() != (work / "auto.json").read_bytes():
            raise SystemExit("edtool --jobs 1 and the automatic --jobs wrote different reports")
    load.append(load_average())
    one = folder / "artikel-0000.md"
    single = {"vale": [], "edtool": []}
    for _ in range(args.runs * 2):
        single["vale"].append(timed([*vale[:-1], str(one)], env)[0])
        single["edtool"].append(timed([*check, str(one)], env)[0])

    wall = {k: median([w for w, _ in v]) for k, v in runs.items()}
    cpu = {k: median([c for _, c in v]) for k, v in runs.items()}
    print(f"\n## Style without grammar: {len(blobs)} articles, {args.runs} alternating rounds (medians)")
    print(f"load average (1/5/15 min) before: {load[0]}; after: {load[1]}")
    print("| run | wall s | CPU s | wall / Vale | CPU / Vale |")
    print("|---|---|---|---|---|")
    for key, label in (("vale", "Vale 3.20, house style"), ("jobs1", "edtool --jobs 1"),
                       ("auto", f"edtool, automatic --jobs ({os.cpu_count()} here)")):
        print(f"| {label} | {wall[key]:.2f} | {cpu[key]:.2f} | {wall[key] / wall['vale']:.2f} |"
              f" {cpu[key] / cpu['vale']:.2f} |")
    print(f"automatic --jobs against --jobs 1: wall {wall['auto'] / wall['jobs1']:.2f}×; reports identical")
    print(f"one draft, wall (median of {len(single['edtool'])}): edtool {median(single['edtool']):.3f} s,"
          f" Vale {median(single['vale']):.3f} s")


def bench_grammar(args, env: dict, work: Path) -> None:
    from bench_grammar import as_draft, read_corpus

    from edtool.languagetool import install_dir, pinned_version
    from edtool.languagetool.install import is_installed

    if not is_installed():
        print("LanguageTool is not installed: run `edtool server install` first.", file=sys.stderr)
        return
    cache = work / "cache"
    cache.mkdir()
    (cache / f"languagetool-{pinned_version()}").symlink_to(install_dir(), target_is_directory=True)
    env = dict(env, EDTOOL_CACHE_DIR=str(cache), EDTOOL_STYLEGUIDE=str(REPO / "styleguide.yaml"))
    os.environ.update(EDTOOL_CACHE_DIR=str(cache), EDTOOL_STYLEGUIDE=str(REPO / "styleguide.yaml"))
    os.environ.pop("EDTOOL_LANGUAGETOOL_URL", None)
    env.pop("EDTOOL_LANGUAGETOOL_URL", None)

    from edtool.checks import grammar
    from edtool.draft import Draft
    from edtool.engine import CheckOptions, load_check, selected_checks
    from edtool.languagetool.server import read_record, stop
    from edtool.styleguide import StyleGuide

    folder = work / "grammar"
    folder.mkdir()
    for n, text in enumerate(read_corpus(args.corpus)[: args.articles]):
        (folder / f"a{n:04d}.md").write_text(as_draft(text, n, "de-AT"), encoding="utf-8")
    paths = sorted(folder.glob("*.md"))
    results = cache / "results"
    check = [*edtool_cmd(), "check", "--format", "json", str(folder)]
    try:
        started = time.perf_counter()
        timed(check, env)  # starts the server (cold) and fills the cache once
        print(f"\n## Grammar: {len(paths)} corpus articles (de-AT), results cache emptied before each run")
        print(f"server start and first run: {time.perf_counter() - started:.1f} s")
        url = read_record().url
        settings = grammar.load_settings(StyleGuide.load(REPO / "styleguide.yaml"))
        plains = ["\n\n".join(p.text for p in grammar.pieces_of(Draft.load(path))) for path in paths]

        def raw_sum() -> float:
            total = 0.0
            for plain in plains:
                body = urllib.parse.urlencode(dict(grammar.warmup_params(settings, "de-AT"), text=plain)).encode()
                begun = time.perf_counter()
                with urllib.request.urlopen(url + "/v2/check", data=body, timeout=300) as response:
                    response.read()
                total += time.perf_counter() - begun
            return total

        raw_sum()  # the raw texts' pipeline warm too
        edtool_times, raw_times, load = [], [], [load_average()]
        for _ in range(args.grammar_runs):
            shutil.rmtree(results, ignore_errors=True)
            edtool_times.append(timed(check, env)[0])
            raw_times.append(raw_sum())
        load.append(load_average())
        ratios = [e / r for e, r in zip(edtool_times, raw_times)]
        print(f"load average before: {load[0]}; after: {load[1]}")
        print("| round | edtool check, wall s | raw requests, summed s | ratio |")
        print("|---|---|---|---|")
        for n, (e, r, q) in enumerate(zip(edtool_times, raw_times, ratios), 1):
            print(f"| {n} | {e:.2f} | {r:.2f} | {q:.2f} |")
        print(f"median ratio {median(ratios):.2f} (edtool {median(edtool_times):.2f} s, raw {median(raw_times):.2f} s)")

        # where the time goes, in-process
        shutil.rmtree(results, ignore_errors=True)
        from functools import partial

        from edtool.checkrun import CheckRun

        checkrun = CheckRun(StyleGuide.load(REPO / "styleguide.yaml"))
        begun = time.perf_counter()
        sources = [(str(p), partial(Draft.load, p)) for p in paths]
        grammar.prefetch(sources, checkrun)
        ahead = time.perf_counter() - begun
        session = checkrun.grammar_session
        sent = session.requests
        checks = {name: load_check(name) for name in selected_checks(CheckOptions())}
        spent = dict.fromkeys(checks, 0.0)
        for _, load in sources:
            draft = load()
            for name, run in checks.items():
                begun = time.perf_counter()
                run(draft, checkrun)
                spent[name] += time.perf_counter() - begun
        print(f"in-process: requests ahead {ahead:.2f} s ({sent} requests, {grammar.AHEAD_WORKERS} at a time),"
              f" then the checks " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items())
              + f" ({session.requests - sent} more requests: other languages' spellers)")
    finally:
        stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vale", type=Path, help="a Vale 3.20 binary")
    parser.add_argument("--vale-config", type=Path, default=DEFAULT_VALE_CONFIG)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5, help="alternating rounds of the style runs")
    parser.add_argument("--articles", type=int, default=10, help="articles in the grammar set")
    parser.add_argument("--grammar-runs", type=int, default=3)
    parser.add_argument("--skip-style", action="store_true")
    parser.add_argument("--skip-grammar", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDTOOL_")}
    env["EDTOOL_PRESTART"] = "0"
    print(f"# edtool parallel benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()},"
          f" Python {platform.python_version()}; load average {load_average()}")
    work = Path(tempfile.mkdtemp(prefix="edtool-bench-parallel-"))
    try:
        if not args.skip_style:
            bench_style(args, env, work)
        if not args.skip_grammar:
            bench_grammar(args, env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
