"""Fuzz `edtool check --fix`: generated and mutated drafts through the library, a sample through the CLI.

    python benchmarks/fuzz_fix.py [--cases 10000] [--cli 300] [--seed 1] [--show 3]

Every case is checked by tests/fix_oracle.py: each pass of --fix changes only the spans of the
findings it reported, each span holds exactly the matched text at the reported line and column,
every other byte stays identical, nothing markdown-it reads as non-prose (link targets and titles,
code, HTML, comments) or any front matter field but title and teaser changes, and a second --fix
changes nothing. Every case also runs through all checks but grammar: a crash is a failure (every
draft is a finding, never a crash). Half the cases are generated from building blocks (line ends
LF, CRLF, lone CR, U+2028, U+0085, NUL, links with tricky targets, «…» quotes, code, comments,
tables, YAML aliases, tags and escapes), half are random mutations of generated drafts (bytes
inserted, deleted, duplicated, swapped, line ends changed, invalid UTF-8).

The CLI sample writes drafts into a folder, runs the installed `edtool check --fix` once, compares
every file with the library's result, and checks that a second `--fix` changes nothing and that
`--format json` stays valid JSON. Prints counts: cases, fixes applied, failures by kind.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import fix_oracle as O  # noqa: E402
from edtool.draft import Draft, DraftError  # noqa: E402
from edtool.engine import CheckOptions, check_sources  # noqa: E402
from edtool.fix import fix_bytes, make_runner  # noqa: E402
from edtool.styleguide import StyleGuide  # noqa: E402

FRONT_EXTRA = [  # front matter lines that once crashed a run or misplaced a position
    "extra: !!timestamp 2025-08-12", "extra: !!binary aGFsbG8=", "extra: !!set {a, b}", "extra: !!timestamp",
    "extra: {1: a, 2: b}", "extra: 123456789012345678901234567890", "extra: .nan", "extra: [*a]",
    "extra: \"\\x01\"", "extra: =", "extra: ~", "extra: 2025-13-45", "extra: 'a\u2028b'", "extra: a\x85b",
    "tags: [NASA, !!str 5]", "extra: {? [a, b] : c}", "date: 2025-02-30", "slug: Groß Und Klein",
]
TRICKY = "ab -.z\n\r\x00\u2028\u2029\x85\t`[]()<>\"'«»‹›„“*_\\#|!&;~:\u00a0\ufeff😀"


def generate(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randint(1, 30)):
        roll = rng.random()
        if roll < 0.65:
            parts.append(rng.choice(O.PIECES))
        elif roll < 0.85:
            parts.append(rng.choice(O.BREAKS))
        elif roll < 0.95:
            parts.append("\n\n" + rng.choice(O.BLOCKS) + "\n\n")
        else:
            parts.append("".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 6))))
        parts.append(rng.choice([" ", " ", "", "\n"]))
    body = "".join(parts)
    if rng.random() < 0.15:  # past the 8 KB that the binary sniff reads: a NUL here is read as text
        body = "Ein langer Absatz mit Text. " * 300 + "\n\n" + body.replace("\x00", "") + " A\x00b z.B. - so."
    elif "\x00" in body and rng.random() < 0.8:
        body = body.replace("\x00", "")
    title = rng.choice(O.TITLES)
    if rng.random() < 0.15:
        title += "\n" + rng.choice(FRONT_EXTRA)
    return O.make_draft(title, body, rng.choice(["\n", "\n", "\r\n", "\r"]), rng.random() < 0.15)


def mutate(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    for _ in range(rng.randint(1, 6)):
        if not text:
            break
        i = rng.randrange(len(text) + 1)
        j = min(len(text), i + rng.randint(0, 12))
        kind = rng.randrange(7)
        if kind == 0:
            text = text[:i] + "".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 4))) + text[i:]
        elif kind == 1:
            text = text[:i] + text[j:]
        elif kind == 2:
            text = text[:i] + text[i:j] * 2 + text[j:]
        elif kind == 3:
            piece, rest = text[i:j], text[:i] + text[j:]  # move a slice elsewhere
            k = rng.randrange(len(rest) + 1)
            text = rest[:k] + piece + rest[k:]
        elif kind == 4:
            text = text.replace("\n", rng.choice(["\r", "\r\n", "\u2028", "\n\n"]), rng.randint(1, 3))
        elif kind == 5:
            text = text[:i] + rng.choice(O.PIECES) + text[i:]
        else:
            text = text[:i] + rng.choice(["\x00" if i > 8192 else "\x01", "\r", "\ufeff", "\u2028", "\x85"]) + text[i:]
    out = text.encode("utf-8")
    if rng.random() < 0.03:  # invalid UTF-8 somewhere
        k = rng.randrange(len(out) + 1)
        out = out[:k] + rng.choice([b"\xff", b"\xc3", b"\xe2\x80"]) + out[k:]
    return out


def run_library(cases: int, seed: int, guide: StyleGuide, show: int) -> tuple[collections.Counter, dict]:
    rng = random.Random(seed)
    fixer = make_runner(guide)
    options = CheckOptions(skip={"grammar", "spelling"})
    counts: collections.Counter = collections.Counter()
    for kind in ("load-crash", "check-crash", "crash", "internal", "span-range", "span-text", "position",
                 "other-bytes", "non-prose", "not-idempotent"):
        counts[f"failure: {kind}"] = 0  # shown even when it never happened
    examples: dict[str, list] = collections.defaultdict(list)
    for n in range(cases):
        if n and n % 1000 == 0:
            print(f"... {n} cases, {counts['fixes applied']} fixes, "
                  f"{sum(v for k, v in counts.items() if k.startswith('failure'))} failures", file=sys.stderr, flush=True)
        data = generate(rng) if n % 2 == 0 else mutate(rng, generate(rng))
        counts["cases"] += 1
        counts["generated" if n % 2 == 0 else "mutated"] += 1
        try:
            Draft.from_bytes(data, "d.md")
        except DraftError as exc:
            counts[f"not a draft ({exc.rule})"] += 1
        except Exception as exc:  # noqa: BLE001
            counts["failure: load-crash"] += 1
            examples["load-crash"].append((data, repr(exc)))
        try:
            check_sources([("d.md", lambda data=data: Draft.from_bytes(data, "d.md"))], guide, options)
        except Exception as exc:  # noqa: BLE001
            counts["failure: check-crash"] += 1
            examples["check-crash"].append((data, f"{type(exc).__name__}: {exc}"))
        problems, applied = O.check(data, fixer)
        counts["fixes applied"] += applied
        counts["cases with fixes"] += bool(applied)
        for kind, detail in problems:
            counts[f"failure: {kind}"] += 1
            if len(examples[kind]) < show:
                examples[kind].append((data, detail))
    return counts, examples


def run_cli(samples: int, seed: int, guide_path: Path) -> collections.Counter:
    rng = random.Random(seed + 1)
    counts: collections.Counter = collections.Counter()
    for kind in ("cli-run", "cli-differs-from-library", "cli-second-fix-changed", "cli-json-invalid"):
        counts[f"failure: {kind}"] = 0
    fixer = make_runner(StyleGuide.load(guide_path))
    exe = [str(Path(sys.executable).parent / "edtool")]
    if not Path(exe[0]).exists():
        exe = [sys.executable, "-m", "edtool"]
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp)
        shutil.copy(guide_path, desk / "styleguide.yaml")
        drafts = desk / "drafts"
        drafts.mkdir()
        originals = {}
        for n in range(samples):
            data = generate(rng) if n % 2 == 0 else mutate(rng, generate(rng))
            name = f"d{n:04d}.md"
            (drafts / name).write_bytes(data)
            originals[name] = data
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("EDTOOL_STYLEGUIDE", None)
        args = ["check", "--fix", "--skip", "grammar,spelling"]
        first = subprocess.run([*exe, *args], cwd=desk, capture_output=True, text=True, env=env, timeout=900)
        counts["cli cases"] = samples
        if first.returncode not in (0, 1) or "Traceback" in first.stderr or "Interner Fehler" in first.stderr:
            counts["failure: cli-run"] += 1
            print(first.stderr[-2000:], file=sys.stderr)
        for name, data in originals.items():
            expected = fix_bytes(data, name, fixer).fixed
            if (drafts / name).read_bytes() != expected:
                counts["failure: cli-differs-from-library"] += 1
            counts["cli files changed"] += (drafts / name).read_bytes() != data
        before = {name: (drafts / name).read_bytes() for name in originals}
        subprocess.run([*exe, *args], cwd=desk, capture_output=True, text=True, env=env, timeout=900)
        counts["failure: cli-second-fix-changed"] += sum((drafts / n).read_bytes() != b for n, b in before.items())
        report = subprocess.run([*exe, "check", "--skip", "grammar,spelling", "--format", "json"], cwd=desk,
                                capture_output=True, text=True, env=env, timeout=900)
        try:
            files = json.loads(report.stdout)["files"]
            counts["failure: cli-json-missing-files"] += samples - len(files)
        except (ValueError, KeyError):
            counts["failure: cli-json-invalid"] += 1
    return counts


def report(counts: collections.Counter) -> None:
    width = max(len(key) for key in counts)
    for key in sorted(counts, key=lambda k: (k.startswith("failure"), k)):
        print(f"{key:<{width}}  {counts[key]}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--cli", type=int, default=300, help="drafts in the CLI sample (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=3, help="examples to print per failure kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        guide_path = Path(tmp) / "styleguide.yaml"  # one snapshot for the library and the CLI
        shutil.copy(REPO / "styleguide.yaml", guide_path)
        guide = StyleGuide.load(guide_path)
        started = time.perf_counter()
        counts, examples = run_library(args.cases, args.seed, guide, args.show)
        counts["library seconds"] = round(time.perf_counter() - started)
        print("library:", flush=True)
        report(counts)
        if args.cli:
            started = time.perf_counter()
            cli = run_cli(args.cli, args.seed, guide_path)
            cli["cli seconds"] = round(time.perf_counter() - started)
            print("CLI sample:", flush=True)
            report(cli)
            counts.update(cli)
    failures = sum(v for k, v in counts.items() if k.startswith("failure"))
    print(f"failures: {failures}")
    for kind, found in examples.items():
        for data, detail in found[: args.show]:
            print(f"\n== {kind}: {detail[:500]}\n{data!r}"[:3000])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
