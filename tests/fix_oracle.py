"""The --fix property, checked independently of the fixer's own bookkeeping.

For one draft (bytes): every pass of `fix_bytes` changes only the spans of the findings it chose,
each span holds exactly the text its finding matched and sits at the finding's line and column
(counted here on the raw file: CR, CRLF and LF end a line, columns count characters), every other
byte stays identical, nothing markdown-it reads as non-prose changes (link targets and titles,
code, HTML, comments), the front matter other than title and teaser stays equal, and a second
`--fix` changes nothing. Shared by the hypothesis test and benchmarks/fuzz_fix.py.
"""

from __future__ import annotations

import re

from edtool.draft import BOM, Draft, DraftError
from edtool.fix import fix_bytes, select_fixes

# Building blocks of generated drafts: prose, the typos the fixable rules look for, and every
# construct whose text must never change (link targets, titles, code, comments, quotations).
PIECES = [
    "Wort", "Text", "Haus", "Größe", "Straße", "Äpfel", "der", "die", "und", "mit", "NASA", "ESA",
    "z.B.", "z. B.", "d.h.", "usw.", "bzw.", "ca. 5 km", "Nr. 5", "Dr. Müller", "am 3. Mai",
    " - ", " -- ", "—", " – ", "10-12", "5 - 8", "1990 – 2000", "0800-123456", "E-Mail",
    "12.08.2025", "2025-08-12", "31.7.2025", "...", "….", ". . .", "Ende .", "gut , aber", "x  y",
    '"Zitat"', "“Gaia”", "'Fortschritt'", "„Zitat - z.B. so“", "»Zitat z.B.«", "«Zitat - z.B. 12.08.2025»",
    "‹z.B. - so›", "›z.B.‹", "27\"-Monitor",
    "`code z.B. - x`", "``a ` z.B.``", "<!-- z.B. - x -->", "<!-- edtool-disable -->",
    "<!-- edtool-enable -->", "<!-- edtool-disable-next-line style.typo.dash -->",
    "[Link](<a) - y>)", '[L](http://x "t) - z")', "[L](<x) z.B.>)", "[L](x 't) - z.B.')",
    "[L](x (a - b) \"z.B.\")", "[L z.B.][r]", "[r]", "![Bild - z.B.](b.png \"t - z\")",
    "<https://example.org/a-b?z.B.>", "https://example.org/a_(b) - z.B.", "www.esa.int/de - x",
    "*betont z.B.*", "**fett - so**", "~~weg~~", "_x_", "\\*", "\\[L](x)", "&amp;", "&#45;", "\\",
    "<b>", "</b>", "<span title=\"z.B. - x\">", "`", "*", "[", "]", "(", ")", "<", ">", "#",
    "\u00a0", "\t", "ß", "😀", "\u200b",
]
BREAKS = ["\n", "\r\n", "\r", "\n\n", "\r\r", "\r\n\r\n", "  \n", "\\\n", "\x00", "\u2028", "\u2029", "\x85"]
BLOCKS = [
    "# Überschrift - z.B. so #", "## Titel ##", "> Zitat z.B. - so\n> zweite Zeile", "- Punkt z.B.\n  weiter - so",
    "1. Eins ... zwei", "| Spalte | z.B. |\n|---|---|\n| a - b | x \\| z.B. |", "```\nz.B. - code\n```",
    "    eingerückt z.B. - x", "<div>\nz.B. - html\n</div>", "[r]: http://r.example/a - b \"t - z.B.\"",
    "Setext z.B.\n---", "\t- Tab z.B.", "> - Liste im Zitat z.B.",
]
TITLES = [
    "title: Titel - z.B. so", 'title: "Titel - z.B. \\"so\\""', "title: 'Titel - z.B. ''so'''",
    "x: &a Anker - z.B.\ntitle: *a", "title: &t Titel - z.B.\nteaser2: *t", "title: >\n  Gefaltet - z.B.\n  zweite",
    "title: |\n  Wörtlich - z.B.", "title: !!str Titel - z.B.", "title: Titel\u2028 - z.B.",
]
FRONT_REST = ("slug: probe\nauthor: Lena Hoffmann\ndate: 2025-07-30\ndateline: HOUSTON\ncategory: Raumfahrt\n"
              "tags: [NASA]\nteaser: Der Teaser - z.B. mit Fehlern...\nstatus: draft\nlanguage: de-DE\n")


CLEAN_REST = FRONT_REST.replace("Der Teaser - z.B. mit Fehlern...", "Der Teaser ohne Befund.")


def make_draft(title: str, body: str, eol: str = "\n", bom: bool = False, rest: str = FRONT_REST) -> bytes:
    front = f"---\n{title}\n{rest}---\n".replace("\n", eol)
    return ((BOM if bom else "") + front + eol + "HOUSTON (dpa) – " + body).encode("utf-8")


# -- the independent model ------------------------------------------------------------------------
_BREAK = re.compile(r"\r\n|\r|\n")


def raw_map(raw: str) -> list[int]:
    """raw offset of each offset of the LF view (CRLF one character, lone CR one character)."""
    out, i = [], 0
    while i < len(raw):
        out.append(i)
        i += 2 if raw.startswith("\r\n", i) else 1
    out.append(len(raw))
    return out


def line_column(raw: str, raw_offset: int) -> tuple[int, int]:
    before = raw[:raw_offset]
    starts = [m.end() for m in _BREAK.finditer(before)]
    line_start = starts[-1] if starts else 0
    return len(starts) + 1, raw_offset - line_start + 1


def only_spans_changed(old: str, new: str, spans: list[tuple[int, int, str]]) -> bool:
    """True when `new` is `old` with some of the spans (start, end, replacement) replaced and every
    other character identical."""
    spans = sorted(spans)
    p = q = 0  # positions in old and new
    for index, (start, end, replacement) in enumerate(spans):
        if start < p:
            return False  # overlapping fixes
        gap = old[p:start]
        if new[q : q + len(gap)] != gap:
            return False
        q += len(gap)
        following = old[end : spans[index + 1][0] if index + 1 < len(spans) else len(old)]
        if new.startswith(replacement + following, q):
            q += len(replacement)
        elif new.startswith(old[start:end], q):
            q += end - start
        else:
            return False
        p = end
    return new[q:] == old[p:]


def non_prose(text: str) -> list:
    """What markdown-it reads as non-prose in a draft's body (and the front matter minus title/teaser)."""
    from markdown_it import MarkdownIt

    try:
        draft = Draft.from_text(text)
    except DraftError:
        return ["<no draft>"]
    front = {k: v for k, v in draft.front_matter.items() if k not in ("title", "teaser")}
    found: list = [("front", repr(sorted(front.items())))]
    md = MarkdownIt("commonmark").enable("table")
    for token in md.parse(draft.body):
        if token.type in ("fence", "code_block", "html_block"):
            found.append((token.type, token.content))
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                found.append((child.type, child.attrs.get("href") or child.attrs.get("src"), child.attrs.get("title")))
            elif child.type in ("code_inline", "html_inline"):
                found.append((child.type, child.content))
    return found


def check(data: bytes, run, path: str = "d.md") -> tuple[list[tuple[str, str]], int]:
    """Problems (kind, detail) of --fix on `data`, and the number of fixes applied."""
    passes: list[tuple[Draft, list]] = []

    def recording(draft: Draft):
        found = run(draft)
        passes.append((draft, select_fixes(found)))
        return found

    problems: list[tuple[str, str]] = []
    try:
        result = fix_bytes(data, path, recording)
    except Exception as exc:  # noqa: BLE001 - a crash is a finding of the fuzzer
        return [("crash", f"{type(exc).__name__}: {exc}")], 0
    if result.internal:
        problems.append(("internal", result.internal))
    outputs = {data}
    for index, (draft, chosen) in enumerate(passes):
        outputs.add(((BOM if draft.bom else "") + draft.raw).encode("utf-8"))
        if not chosen:
            continue
        mapping = raw_map(draft.raw)
        spans = []
        for d in chosen:
            if not 0 <= d.fix.start <= d.fix.end < len(mapping):
                problems.append(("span-range", f"{d.rule}: {d.fix.start}..{d.fix.end}"))
                continue
            start, end = mapping[d.fix.start], mapping[d.fix.end]
            source = draft.raw[start:end].replace("\r\n", "\n").replace("\r", "\n")
            if source != d.fix.expected:
                problems.append(("span-text", f"{d.rule}: {source!r} != {d.fix.expected!r}"))
            if line_column(draft.raw, start) != (d.line, d.column):
                problems.append(("position", f"{d.rule}: {line_column(draft.raw, start)} != {(d.line, d.column)}"))
            spans.append((start, end, d.fix.replacement.replace("\n", "\r\n") if "\r\n" in draft.raw
                           else d.fix.replacement))
        if index + 1 < len(passes) and not only_spans_changed(draft.raw, passes[index + 1][0].raw, spans):
            problems.append(("other-bytes", f"pass {index + 1} changed text outside its reported spans"))
    if result.fixed not in outputs:
        problems.append(("other-bytes", "the result is no text a pass produced"))
    if result.changed and not result.internal:
        before, after = non_prose(data.decode("utf-8")), non_prose(result.fixed.decode("utf-8"))
        if before != after:
            problems.append(("non-prose", f"{before} -> {after}"))
        again = fix_bytes(result.fixed, path, run)
        if again.changed or again.internal:
            problems.append(("not-idempotent", again.internal or "a second --fix changed the file"))
    return problems, result.applied
