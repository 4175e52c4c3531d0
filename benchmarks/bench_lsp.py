"""Latency of `edtool lsp`: from didChange to publishDiagnostics for a one-paragraph edit in a
draft of about 500 words, through a real LSP client (pygls') over stdio.

Two runs, side by side:
  warm   LanguageTool as a writer has it (the local server of the normal cache folder, started if
         needed and warmed up by a few edits first); every edit adds a sentence never seen before,
         so LanguageTool really checks the edited paragraph (the others come from the cache)
  down   LanguageTool unreachable (a closed port): style, metadata and dateline only

For each edit: the time to the first publish for the new version (house style, metadata,
dateline) and, in the warm run, to the publish that includes grammar and spelling for it; beside
it, the time of the same LanguageTool request sent straight to the server (what no client can
beat), so the ratio stays meaningful on a busy machine. Edits
are spaced apart, so each is the first change after a pause (the server checks it at once); a
burst of keystrokes is measured separately (checked once the burst pauses for 150 ms).

    python benchmarks/bench_lsp.py [--edits 15] [--only warm|down]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from lsp_support import Editor, run  # noqa: E402

FRONT_MATTER = """\
title: Europas Raumfahrt stellt die Weichen für das nächste Jahrzehnt
slug: europas-raumfahrt-weichen
author: Lena Hoffmann
date: 2025-07-30
dateline: PARIS
category: Raumfahrt
tags: [ESA, Raumfahrt]
teaser: Die Mitgliedsstaaten beraten über neue Trägerraketen, eigene Astronauten und das Budget der Agentur bis zum Jahr 2035.
status: draft
language: de-DE
"""

PARAGRAPHS = [
    "PARIS (IT BOLTWISE) – Die Europäische Weltraumorganisation will in den kommenden Jahren deutlich mehr "
    "Geld für eigene Trägerraketen ausgeben. Die Mitgliedsstaaten beraten in dieser Woche in Paris über das "
    "Budget, das nach Angaben der Agentur so hoch ausfallen könnte wie nie zuvor. Mehrere Regierungen haben "
    "bereits signalisiert, dass sie ihre Beiträge erhöhen wollen, andere warten noch auf die Ergebnisse der "
    "Verhandlungen.",
    "Im Mittelpunkt steht die Frage, wie unabhängig Europa beim Zugang zum All sein soll. Seit dem Ende der "
    "älteren Raketengeneration fehlt es an Startkapazitäten, und viele Satelliten mussten auf amerikanischen "
    "Raketen ins All gebracht werden. Die neue Rakete hat inzwischen mehrere erfolgreiche Flüge absolviert, "
    "doch ihre Startrate bleibt vorerst niedrig.",
    "Die Industrie drängt auf schnellere Entscheidungen. Mehrere junge Unternehmen entwickeln kleinere "
    "Raketen, die Satelliten in niedrige Umlaufbahnen bringen sollen. Sie wünschen sich Aufträge der Agentur, "
    "wie sie in den Vereinigten Staaten seit Jahren üblich sind. Ein Sprecher des Branchenverbands sagte, "
    "Europa dürfe den Anschluss nicht verlieren.",
    "Auch die bemannte Raumfahrt ist ein Thema. Bislang fliegen europäische Astronautinnen und Astronauten "
    "mit Kapseln anderer Nationen zur Internationalen Raumstation. Eine eigene Kapsel würde Milliarden kosten "
    "und frühestens im nächsten Jahrzehnt fliegen. Befürworter verweisen auf den technologischen Nutzen, "
    "Kritiker auf die hohen Kosten und die Konkurrenz privater Anbieter.",
    "Die Wissenschaft hofft unterdessen auf stabile Mittel für ihre Missionen. Mehrere Sonden sind bereits "
    "unterwegs, etwa zum Jupiter und zum Merkur, weitere befinden sich in der Entwicklung. Forscherinnen und "
    "Forscher betonen, dass lange Planungszeiträume verlässliche Zusagen erforderten.",
    "Für die Erdbeobachtung sind ebenfalls neue Programme geplant. Satelliten sollen Daten über Wälder, "
    "Gletscher und Meere liefern, die Behörden und Forschungseinrichtungen kostenlos nutzen können. Die "
    "Landwirtschaft verspricht sich davon genauere Ernteprognosen, die Versicherungen bessere Modelle für "
    "Unwetterschäden. Ein Vertreter der Kommission nannte die Programme ein Aushängeschild der Union.",
    "Umstritten ist dagegen die Verteilung der Aufträge auf die Mitgliedsstaaten. Nach den Regeln der "
    "Agentur fließt ein großer Teil des Geldes in die Länder zurück, die es eingezahlt haben. Kritiker "
    "halten das für ineffizient, weil Bauteile dadurch an vielen Standorten gefertigt werden müssen. "
    "Befürworter sehen darin den Grund, warum überhaupt so viele Länder mitmachen.",
    "Hinzu kommen neue Aufgaben in der Sicherheit. Mehrere Regierungen wollen Satelliten besser vor Angriffen "
    "schützen und Weltraumschrott genauer beobachten lassen. Die Zahl der Objekte in niedrigen Umlaufbahnen "
    "ist in den vergangenen Jahren stark gestiegen, vor allem durch große Netzwerke für das Internet aus dem "
    "All. Zusammenstöße könnten ganze Bahnen auf Jahre unbrauchbar machen.",
    "Die Agentur selbst gibt sich zuversichtlich. Ihr Generaldirektor sagte vor Beginn der Beratungen, Europa "
    "habe die Fachleute, die Industrie und die Ideen, um im Wettbewerb mitzuhalten. Es fehle vor allem an "
    "Tempo und an der Bereitschaft, Risiken einzugehen.",
    "Eine Entscheidung über das Gesamtbudget wird für Donnerstag erwartet. Danach will die Agentur ihre "
    "Pläne im Detail vorstellen und die ersten Aufträge an die Industrie vergeben. Beobachter rechnen damit, "
    "dass die Verhandlungen bis in die Nacht dauern. Schon bei der letzten Konferenz hatten sich die Staaten "
    "erst in letzter Minute geeinigt, nachdem zwei große Länder ihre Beiträge kurzfristig aufgestockt hatten.",
]

SENTENCES = [
    "Die Delegationen tagten bis spät in die Nacht im Jahr {n}.",
    "Ein Beobachter sprach von schwierigen Gesprächen über {n} Millionen Euro.",
    "Die Zahl der Anträge stieg auf {n}.",
    "Am Abend lagen {n} Änderungsvorschläge auf dem Tisch.",
]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stats(values: list[float]) -> str:
    if not values:
        return "–"
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):6.0f} ms   p90 {p90:6.0f} ms   max {ms[-1]:6.0f} ms   (n={len(ms)})"


async def measure(desk: Path, env: dict, edits: int, grammar: bool) -> dict:
    path = desk / "drafts" / "bench.md"
    body = "\n\n".join(PARAGRAPHS) + "\n"
    path.write_text(f"---\n{FRONT_MATTER}---\n\n{body}", encoding="utf-8")
    words = len(body.split())
    editor = Editor(desk, env)
    await editor.start()
    uri = editor.open(path)
    publishes = 2 if grammar else 1
    await editor.wait(lambda: len([p for p in editor.published.get(uri, []) if p.version == 1]) >= publishes,
                      300, "the first check")
    style, full, raw = [], [], []
    client = None
    if grammar:  # the same request the grammar check sends, straight to the server, for comparison
        from edtool.checks.grammar import GrammarSession, load_settings
        from edtool.styleguide import StyleGuide

        client = GrammarSession(load_settings(StyleGuide.load(desk / "styleguide.yaml"))).client()
    stamp = int(time.time()) % 100000
    warmup = 3 if grammar else 1
    for i in range(warmup + edits):
        lines = editor.texts[uri].split("\n")
        k = i % len(PARAGRAPHS)
        line = lines.index(next(row for row in lines if row.startswith(PARAGRAPHS[k][:40])))
        end = len(lines[line].encode("utf-16-le")) // 2
        addition = " " + SENTENCES[i % len(SENTENCES)].format(n=stamp * 100 + i)
        lines[line] += addition
        sent = time.perf_counter()
        version = editor.change(uri, (line, end), (line, end), addition, "\n".join(lines))
        await editor.wait(lambda v=version: len([p for p in editor.published[uri] if p.version == v]) >= publishes,
                          120, f"diagnostics for version {version}")
        got = [p for p in editor.published[uri] if p.version == version]
        if i >= warmup:
            style.append(got[0].at - sent)
            full.append(got[publishes - 1].at - sent)
            if client is not None:  # the edited paragraph once more, with a number never sent before
                paragraph = lines[line] + f" Das meldeten {stamp * 100 + i} Medien."
                began = time.perf_counter()
                await asyncio.to_thread(client.check, paragraph, "de-DE")
                raw.append(time.perf_counter() - began)
        await asyncio.sleep(0.4)  # a pause: the next edit is the first after it
    # a burst: eight keystrokes 40 ms apart, then the time from the last one to its diagnostics
    burst = []
    for _round in range(3):
        lines = editor.texts[uri].split("\n")
        line = lines.index(next(row for row in lines if row.startswith(PARAGRAPHS[1][:40])))
        for char in f" Neu{stamp % 97}{_round}x":
            end = len(lines[line].encode("utf-16-le")) // 2
            lines[line] += char
            sent = time.perf_counter()
            version = editor.change(uri, (line, end), (line, end), char, "\n".join(lines))
            await asyncio.sleep(0.04)
        await editor.wait(lambda v=version: len([p for p in editor.published[uri] if p.version == v]) >= publishes,
                          120, "burst diagnostics")
        got = [p for p in editor.published[uri] if p.version == version]
        burst.append(got[publishes - 1].at - sent)
        await asyncio.sleep(0.4)
    notices = list(editor.messages)
    await editor.stop()
    return {"words": words, "style": style, "full": full, "raw": raw, "burst": burst, "notices": notices}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--only", choices=["warm", "down"])
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp)
        (desk / "drafts").mkdir()
        (desk / "styleguide.yaml").write_text((ROOT / "styleguide.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        from edtool.lsp.desk import _word_lists
        from edtool.styleguide import StyleGuide

        for source in _word_lists(StyleGuide.load(ROOT / "styleguide.yaml")):
            target = desk / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
        if args.only in (None, "warm"):
            env = {k: v for k, v in os.environ.items() if k == "EDTOOL_CACHE_DIR"}
            results["warm"] = run(measure(desk, env, args.edits, grammar=True), timeout=1200)
        if args.only in (None, "down"):
            env = {"EDTOOL_LANGUAGETOOL_URL": f"http://127.0.0.1:{closed_port()}"}
            results["down"] = run(measure(desk, env, args.edits, grammar=False), timeout=600)
    load = os.getloadavg()
    print(f"edtool lsp latency, didChange -> publishDiagnostics; one-paragraph edit in a "
          f"{next(iter(results.values()))['words']}-word draft; {os.cpu_count()} cores, load {load[0]:.1f}")
    for name, r in results.items():
        print(f"\n[{name}]")
        print(f"  style, metadata, dateline   {stats(r['style'])}")
        if name == "warm":
            print(f"  with grammar and spelling   {stats(r['full'])}")
            print(f"  raw /v2/check of the para.  {stats(r['raw'])}   (the same request without edtool)")
            overhead = [f - w for f, w in zip(r["full"], r["raw"])]
            print(f"  edtool lsp beyond that      median {statistics.median(overhead) * 1000:6.0f} ms   "
                  f"ratio {statistics.median(r['full']) / statistics.median(r['raw']):.2f}")
        print(f"  after a burst of typing     {stats(r['burst'])}   (150 ms debounce included)")
        print(f"  notices shown               {len(r['notices'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
