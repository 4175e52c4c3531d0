"""Benchmark: how long the writer's first grammar check waits, with and without the background start.

    python benchmarks/bench_prestart.py [--write-seconds 60] [--cases cold,prestart-0,prestart-W,warm]

Side by side in one run, each case in a fresh cache folder of its own (linked to the installed
LanguageTool; the results cache empty, no server running), wall time of
`edtool check --only grammar,spelling DRAFT` for a ~120-word draft:
  cold        no pre-start: the check starts the server itself;
  prestart-0  `edtool new` (pre-start forced with EDTOOL_PRESTART=1), the check right after it;
  prestart-W  `edtool new`, then W seconds of writing, then the check;
  warm        (the floor) the server started and warmed by `edtool server start` before the check.
Every server it starts is stopped at the end of its case. Never touches the user's server.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

BODY = (
    "BERLIN (IT BOLTWISE) – Die Stadtwerke wollen bis zum Herbst zweihundert neue Ladesäulen aufstellen. "
    "Das teilte die Geschäftsführung am Mittwoch mit. Die meisten Säulen sollen in Wohnvierteln stehen, "
    "in denen viele Menschen kein eigenes Grundstück haben.\n\n"
    "Kritik kommt vom Verband der Hausbesitzer: Die Planung sei zu langsam, und die Preise je "
    "Kilowattstunde lägen über dem Durchschnitt. Die Stadtwerke verweisen auf gestiegene Kosten für "
    "Netzanschlüsse und Personal. Ein Sprecher sagte, man prüfe neue Tarife für Vielfahrer.\n\n"
    "Im nächsten Jahr soll ein zweiter Abschnitt folgen; dann geht es um Schnellladepunkte an den "
    "Ausfallstraßen. Die Finanzierung ist noch nicht gesichert, wie die Stadtverwaltung einräumte.\n"
)


def edtool() -> list[str]:
    script = Path(sys.executable).parent / "edtool"
    return [str(script)] if script.exists() else [sys.executable, "-m", "edtool"]


def run_case(name: str, prestart: bool, write_seconds: float, install: Path, version: str) -> tuple[float, float]:
    """(seconds of `edtool new`, seconds of the first check)."""
    work = Path(tempfile.mkdtemp(prefix=f"edtool-bench-{name}-"))
    cache = work / "cache"
    cache.mkdir()
    (cache / f"languagetool-{version}").symlink_to(install, target_is_directory=True)
    desk = work / "desk"
    (desk / "drafts").mkdir(parents=True)
    shutil.copy(REPO / "styleguide.yaml", desk / "styleguide.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("EDTOOL_LANGUAGETOOL_URL", "EDTOOL_STYLEGUIDE")}
    env.update(EDTOOL_CACHE_DIR=str(cache), EDTOOL_PRESTART="1" if prestart else "0", EDTOOL_PROGRESS="plain")
    try:
        began = time.monotonic()
        made = subprocess.run([*edtool(), "new", "Neue Ladesäulen für die Stadt", "--author", "Lena Hoffmann",
                               "--dateline", "BERLIN", "--category", "Wirtschaft"], cwd=desk, env=env,
                              capture_output=True, text=True, check=True)
        new_seconds = time.monotonic() - began
        draft = desk / made.stdout.strip()  # printed relative to the desk
        text = draft.read_text(encoding="utf-8")
        draft.write_text(text[: text.index("---", 3) + 4] + "\n" + BODY, encoding="utf-8")
        if name == "warm":  # the floor: the server already up and warmed when the check comes
            subprocess.run([*edtool(), "server", "start"], cwd=desk, env=env, capture_output=True, check=True)
        time.sleep(write_seconds)
        began = time.monotonic()
        subprocess.run([*edtool(), "check", "--only", "grammar,spelling", str(draft)], cwd=desk, env=env,
                       capture_output=True, text=True)
        return new_seconds, time.monotonic() - began
    finally:
        subprocess.run([*edtool(), "server", "stop"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-seconds", type=float, default=60.0)
    parser.add_argument("--cases", default="cold,prestart-0,prestart-W,warm", help="comma-separated subset")
    args = parser.parse_args()
    from edtool.languagetool import install_dir, pinned_version
    from edtool.languagetool.install import is_installed

    if not is_installed():
        print("LanguageTool is not installed: run `edtool server install` first.", file=sys.stderr)
        return 2
    install, version = install_dir(), pinned_version()
    print(f"{platform.node()} · {os.cpu_count()} cores · load {os.getloadavg()[0]:.1f} · {time.strftime('%Y-%m-%d %H:%M')}")
    print("| case | `edtool new` (s) | first check (s) |\n|---|---|---|")
    cases = {"warm": ("warm", False, 0.0), "cold": ("cold", False, 0.0), "prestart-0": ("prestart-0", True, 0.0),
             "prestart-W": (f"prestart-{args.write_seconds:g}", True, args.write_seconds)}
    for name, prestart, wait in (cases[key] for key in args.cases.split(",")):
        new_seconds, check_seconds = run_case(name, prestart, wait, install, version)
        print(f"| {name} | {new_seconds:.2f} | {check_seconds:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
