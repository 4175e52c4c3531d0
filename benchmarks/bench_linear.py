"""Benchmark: `edtool check` (without grammar) grows linearly with the draft, whatever the input.

    python benchmarks/bench_linear.py [--family NAME] [--start N] [--steps K] [--json]

For each family of adversarial input the draft is built at size n, 2n, 4n, ... and checked in
process (metadata, dateline, house style, inline switches: everything but LanguageTool). The table
shows the seconds per size and the ratio to the size before: about 2 is linear, about 4 quadratic.
Families (each was once quadratic or worse):

- dots / bangs / questions: a run of ".", "!" or "?" with no space after it (sentence splitter)
- comments / inline-comments: many "<!--" without "-->", as lines and inside a paragraph
- abbreviations: many distinct capital abbreviations (the introduction rule)
- dotted-words: "AB.AB.AB…" without a space (terms and introductions are bounded in length)
- switches: many <!-- edtool-disable-next-line --> switches (inline switches)
- title-escapes: a double-quoted YAML title made of escapes (front matter position map)
- plain: ordinary German prose, for comparison

Exit status 1 when a family's last ratio is above 3 (clearly super-linear).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from edtool.checkrun import CheckRun  # noqa: E402
from edtool.draft import Draft  # noqa: E402
from edtool.engine import CheckOptions, check_draft, load_check  # noqa: E402
from edtool.styleguide import StyleGuide  # noqa: E402

HEAD = ("---\ntitle: {title}\nslug: test\nauthor: Erika Muster\ndate: 2025-07-31\ndateline: BERLIN\n"
        "category: KI\ntags: [Test]\nteaser: Ein kurzer Anriss für den Test der Laufzeit mit ausreichend "
        "vielen Zeichen, damit das Schema zufrieden ist.\nstatus: draft\n---\n\n")
TITLE = "Ein Titel für den Test"
LEAD = "BERLIN (IT BOLTWISE) – Der Anfang. "


def _draft(body: str, title: str = TITLE) -> str:
    return HEAD.format(title=title) + LEAD + body + "\n"


def _abbreviation(i: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    term = ""
    i += 24 * 24  # three letters at least
    while i:
        i, r = divmod(i, 24)
        term += letters[r]
    return term


# a switch with many names, none of them the finding's rule: every name is looked at
SWITCH = ("<!-- edtool-disable-next-line style.typo.dash style.fillers style.repetition style.anglicisms "
          "style.numbers style.dates metadata dateline spelling file -->")

FAMILIES: dict[str, Callable[[int], str]] = {
    "dots": lambda n: _draft("Wort" + "." * n + "x"),
    "bangs": lambda n: _draft("Wort" + "!" * n + "x"),
    "questions": lambda n: _draft("Wort" + "?" * n + "x"),
    "comments": lambda n: _draft("Text.\n\n" + "<!-- offen\n" * (n // 11)),
    "inline-comments": lambda n: _draft("Text <!-- " * (n // 10)),
    "abbreviations": lambda n: _draft(" ".join(f"Die {_abbreviation(i)} kommt." for i in range(n // 16))),
    "switches": lambda n: _draft("\n\n".join(SWITCH + '\nEr sagte "ja".' for _ in range(n // len(SWITCH + "__________________")))),
    "dotted-words": lambda n: _draft("AB." * (n // 3)),
    "title-escapes": lambda n: _draft("Text.", title='"' + "\\\\*\\t" * (n // 5) + '"'),  # "\\*\t…": Markdown and YAML escapes
    "plain": lambda n: _draft(" ".join("Der Roboter lernt schnell, sagt die Forscherin." for _ in range(n // 48))),
}


def make_check() -> Callable[[str], int]:
    guide = StyleGuide.load(REPO / "styleguide.yaml")
    checkrun = CheckRun(guide)  # compiled once, as in a real run
    options = CheckOptions(skip={"grammar", "spelling"})
    checks = {name: load_check(name) for name in ("metadata", "dateline", "style")}

    def run(text: str) -> int:
        draft = Draft.from_text(text, "bench.md")
        return len(check_draft(draft, checkrun, dict(checks), options, []))

    run(_draft("Warm-up."))
    return run


def measure(run: Callable[[str], int], build: Callable[[int], str], start: int, steps: int) -> list[dict]:
    rows = []
    for step in range(steps):
        n = start * 2**step
        text = build(n)
        best = float("inf")
        for _ in range(2):  # the better of two runs: less noise from a shared machine
            began = time.perf_counter()
            run(text)
            best = min(best, time.perf_counter() - began)
        rows.append({"size": len(text), "seconds": best,
                     "ratio": best / rows[-1]["seconds"] if rows and rows[-1]["seconds"] > 0 else None})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=sorted(FAMILIES), action="append")
    parser.add_argument("--start", type=int, default=25_000, help="characters at the first step")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    run = make_check()
    results = {name: measure(run, FAMILIES[name], args.start, args.steps) for name in args.family or FAMILIES}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'family':<15} {'characters':>10} {'seconds':>9} {'ratio':>6}")
        for name, rows in results.items():
            for row in rows:
                ratio = f"{row['ratio']:.2f}" if row["ratio"] else "-"
                print(f"{name:<15} {row['size']:>10} {row['seconds']:>9.3f} {ratio:>6}")
    worst = {name: rows[-1]["ratio"] or 0 for name, rows in results.items()}
    bad = [name for name, ratio in worst.items() if ratio > 3]
    if bad:
        print("super-linear: " + ", ".join(bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
