"""Benchmark: the cost of each output format over a corpus, against `--format json`.

    python benchmarks/bench_formats.py [CORPUS_TSV] [--runs N] [--cli]

The corpus (default: ../shared/corpus/10kgnad_test.tsv next to the repository; columns id, label,
text) becomes in-memory drafts as in bench_style.py. The checks run once without grammar and
spelling (as `--skip grammar,spelling`); then every formatter renders the same results, N times
each, interleaved, best time kept. Printed per format: render time, output size, and the cost of the
whole run (checks + rendering) relative to json. With --cli, the real `edtool check --skip
grammar,spelling --format F` over the corpus written to a temporary folder: the process's CPU time
(the fair measure on a shared machine) and its wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_style import DEFAULT_CORPUS, load_articles  # noqa: E402


def check_corpus(blobs: list[bytes]):
    from edtool.checkrun import CheckRun
    from edtool.draft import Draft
    from edtool.engine import CheckOptions, check_sources
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.load(REPO / "styleguide.yaml")
    checkrun = CheckRun(guide)
    options = CheckOptions(skip={"grammar", "spelling"})
    sources = [(f"drafts/artikel-{i}.md", partial(Draft.from_bytes, blob, f"drafts/artikel-{i}.md"))
               for i, blob in enumerate(blobs)]
    check_sources(sources[:5], guide, options, run=checkrun)  # compile the rules once, as a real run does
    start = time.process_time()
    results = check_sources(sources, guide, options, run=checkrun)
    return results, guide, time.process_time() - start


def bench_render(results, guide, runs: int, summary: Path) -> dict[str, tuple[float, int]]:
    from edtool.formats import FORMAT_NAMES, Report, formatter

    report = Report(results, guide, base=REPO)
    best = {name: float("inf") for name in FORMAT_NAMES}
    size = {}
    for _ in range(runs):
        for name in FORMAT_NAMES:
            instance = formatter(name, **({"summary_file": str(summary)} if name == "github" else {}))
            summary.write_text("", encoding="utf-8")
            start = time.process_time()
            if name == "github":  # the job summary file is part of its cost
                import io

                out = io.StringIO()
                instance.write(report, out)
                text = out.getvalue()
            else:
                text = instance.render(report)
            best[name] = min(best[name], time.process_time() - start)
            size[name] = len(text.encode("utf-8"))
    return {name: (best[name], size[name]) for name in FORMAT_NAMES}


def bench_cli(blobs: list[bytes], runs: int) -> dict[str, float]:
    from edtool.formats import FORMAT_NAMES

    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp)
        (desk / "styleguide.yaml").write_bytes((REPO / "styleguide.yaml").read_bytes())
        vocabulary = REPO / "vocabulary"
        if vocabulary.is_dir():
            import shutil

            shutil.copytree(vocabulary, desk / "vocabulary")
        (desk / "drafts").mkdir()
        for i, blob in enumerate(blobs):
            (desk / "drafts" / f"artikel-{i}.md").write_bytes(blob)
        env = {**os.environ, "GITHUB_STEP_SUMMARY": str(desk / "summary.md")}
        best = {name: (float("inf"), float("inf")) for name in FORMAT_NAMES}
        for _ in range(runs):
            for name in FORMAT_NAMES:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "edtool", "check", "--skip", "grammar,spelling", "--format",
                                name], cwd=desk, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                best[name] = (min(best[name][0], cpu), min(best[name][1], wall))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--runs", type=int, default=5, help="renderings per format (best kept)")
    parser.add_argument("--cli", action="store_true", help="also time the real command line (slow)")
    parser.add_argument("--cli-runs", type=int, default=2)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_file():
        sys.exit(f"corpus not found: {corpus} (pass the path of a TSV with columns id, label, text)")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d')}, load {os.getloadavg()[0]:.1f}")
    blobs = load_articles(corpus)
    results, guide, check_time = check_corpus(blobs)
    findings = sum(len(r.diagnostics) for r in results)
    print(f"corpus: {corpus.name}, {len(blobs)} articles, {findings} findings; checks (no grammar): "
          f"{check_time:.2f} s CPU")
    with tempfile.TemporaryDirectory() as tmp:
        timings = bench_render(results, guide, args.runs, Path(tmp) / "summary.md")
    json_render = timings["json"][0]
    print(f"{'format':<8} {'render s':>9} {'vs json':>8} {'output':>10} {'run vs json':>12}")
    for name, (seconds, size) in timings.items():
        total = (check_time + seconds) / (check_time + json_render)
        print(f"{name:<8} {seconds:>9.3f} {seconds / json_render:>7.2f}x {size / 1e6:>8.2f} MB {100 * (total - 1):>+10.1f} %")
    if args.cli:
        timed = bench_cli(blobs, args.cli_runs)
        cpu_json, wall_json = timed["json"]
        print(f"edtool check over {len(blobs)} files (process CPU time, wall time; best of {args.cli_runs}):")
        for name, (cpu, wall) in timed.items():
            print(f"  {name:<8} CPU {cpu:6.2f} s {100 * (cpu / cpu_json - 1):+6.1f} % vs json   "
                  f"wall {wall:6.2f} s {100 * (wall / wall_json - 1):+6.1f} %")


if __name__ == "__main__":
    main()
