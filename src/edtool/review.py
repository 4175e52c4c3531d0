"""The review page: one self-contained HTML file with the article as readers see it, every finding
of `edtool check` highlighted at its exact span, a finding list by severity, and optionally a word
diff against an older text.

How a finding reaches its span in the rendered article: the prose view maps every character a
reader reads back to its offset in the draft, so a finding's start and end become two offsets next
to prose characters. There a marker character (from Unicode's private use plane 15, which no
Markdown rule reacts to) is put into the source; the source is rendered by the same renderer as the
preview; the markers in the HTML then become <mark> elements, split at element boundaries so the
HTML stays well-formed. A marker that would change the rendering (checked: the page without its
markers must equal the preview's HTML) is left out and its finding is listed only, with its source
line. Findings in the front matter are marked in a copy of the front matter's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Iterable

from edtool.diagnostics import Diagnostic, Severity
from edtool.draft import Draft
from edtool.errors import EdtoolError
from edtool.prose import STAND_IN
from edtool.render import ARTICLE_CSS, Article, article_html, body_html, render
from edtool.worddiff import Change, counts, diff

_PLANE = 0xF0000  # sentinels: start of finding k = _PLANE + 2k, its end = _PLANE + 2k + 1
_SENTINEL = re.compile("[\U000F0000-\U000FFFFD]")
_TAG = re.compile(r"(<[^>]*>)")

SEVERITY_LABELS = {Severity.ERROR: ("Fehler", "Fehler"), Severity.WARNING: ("Warnung", "Warnungen"),
                   Severity.INFO: ("Hinweis", "Hinweise")}
CATEGORY_LABELS = {"file": "Datei", "metadata": "Metadaten", "dateline": "Ortsmarke", "style": "Hausstil",
                   "grammar": "Grammatik", "spelling": "Rechtschreibung"}


def count_label(n: int, severity: Severity) -> str:
    one, many = SEVERITY_LABELS[severity]
    return f"{n} {one if n == 1 else many}"


@dataclass
class Finding:
    number: int  # 1-based, in the order of the list
    diagnostic: Diagnostic
    start: int  # source span in Draft.text
    end: int
    where: str | None = None  # title | teaser | body | front-matter | None (listed only)
    bounds: tuple[int, int] | None = None  # where the marks went (source offsets; value indexes for title, teaser)

    @property
    def severity(self) -> Severity:
        return self.diagnostic.severity


def source_span(draft: Draft, diagnostic: Diagnostic) -> tuple[int, int]:
    """The finding's [start, end) in Draft.text (clamped to the text)."""
    def offset(line: int, column: int) -> int:
        if line < 1:
            return 0
        if line > draft.line_count:
            return len(draft.text)
        return min(draft.offset(line, max(column, 1)), draft.offset(line, 1) + len(draft.line_text(line)))

    start = offset(diagnostic.line, diagnostic.column)
    end = offset(diagnostic.end_line, diagnostic.end_column)
    return start, max(start, end)


def flagged_text(draft: Draft, finding: Finding) -> str:
    """What a reader sees of the flagged span: the prose characters in it (markup left out; code and
    links stand as U+FFFC). For a marked finding, the characters between its marks."""
    from edtool.prose import prose_of

    if finding.where == "front-matter":
        return draft.text[finding.start:finding.end]
    if finding.where in ("title", "teaser") and finding.bounds:
        return str(draft.front_matter.get(finding.where))[finding.bounds[0]:finding.bounds[1]]
    start, end = finding.bounds if finding.where == "body" and finding.bounds else (finding.start, finding.end)
    chars = []
    for segment in prose_of(draft).segments:
        if finding.where == "body" and segment.scope in ("title", "teaser"):
            continue
        chars += [c for c, o in zip(segment.text, segment.offsets) if start <= o < end]
    return "".join(chars)


# -- placing markers -----------------------------------------------------------------------------

def _prose_bounds(draft: Draft, start: int, end: int) -> tuple[str, int, int] | None:
    """(scope, first, last) for a span: where to put the start and end markers, next to prose
    characters. Offsets are source offsets for the body and value indexes for title and teaser."""
    from edtool.prose import prose_of

    for segment in prose_of(draft).segments:
        if segment.scope in ("title", "teaser") and segment.text != str(draft.front_matter.get(segment.scope)):
            continue  # a masked URL: indexes would not match the value
        hits = [i for i, o in enumerate(segment.offsets) if start <= o < end]
        if start == end:  # an insertion point: before the prose character there, or after the one before
            hits = [i for i, o in enumerate(segment.offsets) if o == start] or \
                   [i + 1 for i, o in enumerate(segment.offsets) if o + 1 == start and segment.verbatim[i]]
            if not hits:
                continue
            i = hits[0]
            if segment.scope in ("title", "teaser"):
                return segment.scope, i, i
            point = segment.offsets[i] if i < len(segment.offsets) else segment.end_offset
            return "body", point, point
        if not hits:
            continue
        if segment.scope in ("title", "teaser"):  # value indexes: the value is shown as it is
            return segment.scope, hits[0], hits[-1] + 1
        exact = [i for i in hits if segment.verbatim[i]]  # markers go next to characters written as read
        if not exact:
            return None
        return "body", segment.offsets[exact[0]], segment.offsets[exact[-1]] + 1
    return None


def _insert(text: str, markers: list[tuple[int, int, str]]) -> str:
    """Put markers (position, rank, char) into text; at one position ends come before starts."""
    out, pos = [], 0
    for position, _, char in sorted(markers, key=lambda m: (m[0], m[1])):
        out.append(text[pos:position])
        out.append(char)
        pos = position
    out.append(text[pos:])
    return "".join(out)


def _markers(findings: Iterable[Finding], spans: dict[int, tuple[int, int]], base: int = 0) -> list:
    markers = []
    for f in findings:
        start, end = spans[f.number]
        empty = start == end
        markers.append((start - base, 1 if empty else 2, chr(_PLANE + 2 * f.number)))
        markers.append((end - base, 1 if empty else 0, chr(_PLANE + 2 * f.number + 1)))
    return markers


def _render_marked_body(draft: Draft, findings: list[Finding],
                        spans: dict[int, tuple[int, int]]) -> tuple[str, list[Finding]]:
    """Body HTML with markers; findings whose markers would change the rendering are dropped."""
    plain = body_html(draft.body, images=False)
    body, base = draft.body, draft.body_start

    def attempt(chosen: list[Finding]) -> str | None:
        html = body_html(_insert(body, _markers(chosen, spans, base)), images=False)
        return html if _SENTINEL.sub("", html) == plain else None

    html = attempt(findings)
    if html is not None:
        return html, findings
    kept = [f for f in findings if attempt([f]) is not None]
    html = attempt(kept)
    if html is None:  # markers that only clash together: add one at a time
        chosen: list[Finding] = []
        for f in kept:
            if attempt(chosen + [f]) is not None:
                chosen.append(f)
        kept, html = chosen, attempt(chosen) or plain
    return html, kept


def _to_marks(html: str, findings: dict[int, Finding]) -> str:
    """Turn markers into <mark> runs: one run per stretch of text with the same set of findings,
    closed before every tag so the HTML stays well-formed; an empty finding becomes a point mark."""
    out: list[str] = []
    active: list[int] = []
    shown: set[int] = set()
    open_run = False

    def close() -> None:
        nonlocal open_run
        if open_run:
            out.append("</mark>")
            open_run = False

    def mark_attrs(numbers: list[int], extra: str = "") -> str:
        worst = max((findings[n] for n in numbers), key=lambda f: f.severity.rank)
        tip = "\n".join(_tooltip(findings[n]) for n in numbers)
        ids = " ".join(str(n) for n in numbers)
        return (f'<mark class="f sev-{worst.severity.value}{extra}" data-f="{ids}" '
                f'title="{escape(tip)}">')

    for piece in _TAG.split(html):
        if piece.startswith("<"):
            close()
            out.append(_SENTINEL.sub("", piece))
            continue
        for char in piece:
            code = ord(char)
            if _PLANE <= code <= 0xFFFFD and (code - _PLANE) // 2 in findings:
                number, is_end = divmod(code - _PLANE, 2)
                close()
                if not is_end:
                    active.append(number)
                    out.append(f'<span class="anchor" id="m-{number}"></span>')
                else:
                    if number in active:
                        active.remove(number)
                    if number not in shown:
                        out.append(mark_attrs([number], " point") + "</mark>")
                        shown.add(number)
                continue
            if active and not open_run:
                out.append(mark_attrs(active))
                open_run = True
                shown.update(active)
            out.append(char)
    close()
    return "".join(out)


def _tooltip(finding: Finding) -> str:
    d = finding.diagnostic
    text = f"[{finding.number}] {d.message}"
    if d.suggestions:
        text += " Vorschlag: " + " | ".join(d.suggestions[:3])
    return text


# -- the page ---------------------------------------------------------------------------------------

@dataclass
class ReviewPage:
    html: str
    findings: list[Finding]

    @property
    def placed(self) -> list[Finding]:
        return [f for f in self.findings if f.where]


def _front_matter_html(draft: Draft, findings: list[Finding], spans: dict[int, tuple[int, int]]) -> str:
    start = draft.fm_content_start
    end = max(start, draft.body_start)
    source = draft.text[start:end]
    close = source.rstrip("\n").rfind("\n")
    source = source[:close + 1] if close != -1 else ""  # without the closing fence
    inside = [f for f in findings if start <= spans[f.number][0] and spans[f.number][1] <= start + len(source)]
    for f in inside:
        f.where = "front-matter"
    marked = _insert(source, _markers(inside, spans, start))
    html = _to_marks(escape(marked, quote=False), {f.number: f for f in inside})
    opened = " open" if inside else ""
    return (f'<details class="frontmatter"{opened}><summary>Front Matter</summary>'
            f'<pre>{html}</pre></details>\n')


def _value_html(value: str, findings: list[Finding], bounds: dict[int, tuple[int, int]]) -> str:
    marked = _insert(value, _markers(findings, bounds))
    return _to_marks(escape(marked, quote=False), {f.number: f for f in findings})


def _finding_item(draft: Draft, finding: Finding) -> str:
    d = finding.diagnostic
    parts = [f'<li id="f-{finding.number}" class="sev-{d.severity.value}">',
             f'<span class="num">{finding.number}</span> ',
             f'<a href="#m-{finding.number}">' if finding.where else "",
             f"Zeile {d.line}, Spalte {d.column}", "</a>" if finding.where else "",
             f' · {escape(CATEGORY_LABELS.get(d.category.value, d.category.value))}',
             f' · <code>{escape(d.rule)}</code>',
             f'<div class="msg">{escape(d.message)}</div>']
    if d.suggestions:
        parts.append('<div class="sugg">Vorschlag: ' + " ".join(_snippet(s) for s in d.suggestions[:5]) + "</div>")
    if finding.where:
        shown = _snippet(flagged_text(draft, finding).replace(STAND_IN, "…"), "(Einfügestelle)")
        parts.append(f'<div class="where">Fundstelle: {shown}</div>')
    else:
        line = draft.line_text(min(max(d.line, 1), draft.line_count))
        parts.append('<div class="where">Im Text nicht markierbar; Quelltext der Zeile: '
                     f'<code class="src">{escape(line.strip()[:200])}</code></div>')
    if d.fixable:
        parts.append('<div class="fix">mit edtool check --fix korrigierbar</div>')
    parts.append("</li>")
    return "".join(parts)


def _snippet(text: str, empty: str = "(streichen)") -> str:
    """A piece of text shown as is (spaces kept, no quotation marks added: the text may hold its own)."""
    return f'<span class="s">{escape(text)}</span>' if text else f'<em>{empty}</em>'


def diff_html(changes: list[Change]) -> str:
    out = []
    for c in changes:
        if c.op == "equal":
            out.append(escape(c.new))
            continue
        if c.old:
            out.append(f"<del>{escape(c.old)}</del>")
        if c.new:
            out.append(f"<ins>{escape(c.new)}</ins>")
    return "".join(out)


def reader_text(draft: Draft, article: Article | None = None) -> str:
    """Title, teaser and body as a reader reads them: what the word diff compares."""
    article = article or render(draft)
    return "\n\n".join(part for part in (article.title, article.teaser, article.text) if part)


PAGE_CSS = """
.top{font:14px/1.5 system-ui,sans-serif;background:#f6f6f4;border-bottom:1px solid #ddd;padding:.7rem 1.2rem}
.top h1{font-size:1.1rem;margin:0}.top .counts span{margin-right:1rem}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 26rem;gap:1.5rem;padding:0 1.2rem}
@media (max-width:900px){.layout{grid-template-columns:1fr}}
.layout .article{margin:1.5rem 0}
.findings{font:14px/1.45 system-ui,sans-serif;position:sticky;top:0;max-height:100vh;overflow:auto;padding:1rem 0}
.findings h2{font-size:1rem;margin:1rem 0 .3rem}.findings ol{list-style:none;padding:0;margin:0}
.findings li{border-left:4px solid #999;background:#fafafa;margin:.4rem 0;padding:.35rem .6rem}
.findings li:target{outline:2px solid #333}
.findings .num{display:inline-block;min-width:1.4rem;font-weight:700}
.findings .msg{margin:.15rem 0}.findings .sugg{color:#0a5}.findings .where,.findings .fix{color:#555}
li.sev-error{border-color:#c62828}li.sev-warning{border-color:#ef8f00}li.sev-info{border-color:#1e6fd9}
mark.f{background:none;border-bottom:2px solid;padding:0 1px;cursor:help}
mark.sev-error{background:#fde0e0;border-color:#c62828}
mark.sev-warning{background:#fff0cc;border-color:#ef8f00}
mark.sev-info{background:#e3efff;border-color:#1e6fd9}
mark.point::after{content:"‸";color:#c62828;font-weight:700}
.frontmatter{font:13px/1.4 ui-monospace,monospace;margin:1rem 0}.frontmatter pre{white-space:pre-wrap}
.diff{font:15px/1.6 Georgia,serif;white-space:pre-wrap;border-top:1px solid #ccc;margin-top:2rem;padding-top:.5rem}
.diff del{background:#fde0e0;color:#8a1c1c}.diff ins{background:#dff5e1;color:#145a1e;text-decoration:none}
.none{color:#555}
.findings .s{white-space:pre-wrap;background:#eee;border-radius:3px;padding:0 .25rem;color:#111}
"""


def review_page(draft: Draft, diagnostics: list[Diagnostic], *, baseline: tuple[str, str] | None = None) -> ReviewPage:
    """The page for a draft and its findings; `baseline` = (label, older reader text) adds a word diff."""
    order = sorted(diagnostics, key=lambda d: (-d.severity.rank, d.line, d.column, d.rule))
    findings = [Finding(n, d, *source_span(draft, d)) for n, d in enumerate(order, 1)]
    article = render(draft, images=False)
    spans: dict[int, tuple[int, int]] = {f.number: (f.start, f.end) for f in findings}
    usable = not _SENTINEL.search(draft.text)  # a draft that holds such characters gets no inline marks

    fm_html = _front_matter_html(draft, [f for f in findings if _in_front_matter(draft, f)] if usable else [], spans)
    by_scope: dict[str, list[Finding]] = {"title": [], "teaser": [], "body": []}
    bounds: dict[int, tuple[int, int]] = {}
    for f in findings:
        if not usable or f.where:
            continue
        placed = _prose_bounds(draft, f.start, f.end)
        if placed is None:
            continue
        scope, first, last = placed
        by_scope[scope].append(f)
        bounds[f.number] = f.bounds = (first, last)
    # front matter values that are title or teaser are shown in the article, not in the source copy
    title = _value_html(article.title, by_scope["title"], bounds) if by_scope["title"] else None
    teaser = _value_html(article.teaser, by_scope["teaser"], bounds) if by_scope["teaser"] else None
    for f in by_scope["title"] + by_scope["teaser"]:
        f.where = "title" if f in by_scope["title"] else "teaser"
    body, kept = _render_marked_body(draft, by_scope["body"], bounds)
    for f in kept:
        f.where = "body"
    body = _to_marks(body, {f.number: f for f in kept})
    if article.corrections:
        from edtool.render import corrections_html

        body += corrections_html(article.corrections)

    counts_html = " ".join(
        f'<span class="sev-{s.value}">{count_label(sum(1 for f in findings if f.severity == s), s)}</span>'
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    lists = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        chosen = [f for f in findings if f.severity == severity]
        if chosen:
            lists.append(f"<h2>{SEVERITY_LABELS[severity][1]} ({len(chosen)})</h2>\n<ol>"
                         + "\n".join(_finding_item(draft, f) for f in chosen) + "</ol>")
    if not findings:
        lists.append('<p class="none">Keine Befunde.</p>')

    diff_section = diff_link = ""
    if baseline is not None:
        label, old = baseline
        changes = diff(old, reader_text(draft, article))
        removed, added = counts(changes)
        summary = (f"{removed} {'Wort' if removed == 1 else 'Wörter'} entfernt, "
                   f"{added} {'Wort' if added == 1 else 'Wörter'} hinzugefügt")
        content = diff_html(changes) if any(c.op != "equal" for c in changes) else "Keine Änderungen."
        diff_link = f'<span><a href="#diff">Änderungen: {summary}</a></span>'
        diff_section = (f'<section class="diff" id="diff"><h2>Änderungen gegenüber {escape(label)}</h2>'
                        f'<p class="none">{summary}</p><div>{content}</div></section>\n')

    lang = escape(str(draft.front_matter.get("language") or "de-DE"))
    html = ("<!DOCTYPE html>\n"
            f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Prüfansicht: {escape(article.title)}</title>\n"
            f"<style>{ARTICLE_CSS}{PAGE_CSS}</style>\n</head>\n<body>\n"
            f'<header class="top"><h1>Prüfansicht: {escape(draft.path)}</h1>'
            f'<div class="counts">{counts_html}<span>{article.words} Wörter · Lesezeit etwa '
            f"{article.reading_minutes} Min.</span>{diff_link}</div></header>\n"
            '<div class="layout">\n<main>\n'
            + article_html(draft, article, title=title, teaser=teaser, body=body)
            + fm_html + diff_section
            + '</main>\n<aside class="findings" aria-label="Befunde">\n' + "\n".join(lists)
            + "\n</aside>\n</div>\n</body>\n</html>\n")
    return ReviewPage(html, findings)


def _in_front_matter(draft: Draft, finding: Finding) -> bool:
    """In the front matter but not in the title's or teaser's value (those are shown in the article)."""
    if not (draft.fm_content_start <= finding.start and finding.end <= draft.body_start):
        return False
    if finding.diagnostic.category.value == "file":
        return False
    for key in ("title", "teaser"):
        pos = draft.fields.get(key)
        if pos and pos.value_start <= finding.start and finding.end <= pos.value_end and finding.end > finding.start:
            if _prose_bounds(draft, finding.start, finding.end) is not None:
                return False
    return True


# -- what to compare with ---------------------------------------------------------------------------

class ReviewError(EdtoolError):
    """The command cannot do its work (a German message; exit status 2)."""


@dataclass
class Baseline:
    label: str  # "der veröffentlichten Fassung (…)", for „Änderungen gegenüber …“
    draft: Draft | None  # None when the older text is no draft (plain text file)
    source: str  # the older file's text

    def reader_text(self) -> str:
        return reader_text(self.draft) if self.draft is not None else self.source


def _baseline_from(data: bytes, label: str, name: str) -> Baseline:
    from edtool.draft import DraftError

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewError(f"{name} ist nicht in UTF-8 gespeichert; kein Vergleich möglich.") from None
    try:
        return Baseline(label, Draft.from_text(text, name), text.lstrip("\ufeff").replace("\r\n", "\n"))
    except DraftError:
        return Baseline(label, None, text.lstrip("\ufeff").replace("\r\n", "\n"))


def revision_baseline(path: str | Path, rev: str) -> Baseline:
    """The draft as it was at a git revision of its own repository (`git show REV:./name`)."""
    import subprocess

    path = Path(path)
    if rev.startswith("-"):
        raise ReviewError(f"„{rev}“ ist weder eine Datei noch eine Git-Revision.")
    try:
        shown = subprocess.run(["git", "show", f"{rev}:./{path.name}"], cwd=path.resolve().parent,
                               capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ReviewError(f"Git ließ sich nicht ausführen ({exc}); bitte mit --against DATEI vergleichen.") from None
    if shown.returncode != 0:
        raise ReviewError(f"„{rev}“ ist weder eine Datei noch eine Git-Revision, in der {path} vorkommt.")
    return _baseline_from(shown.stdout, f"{rev} ({path.name})", f"{rev}:{path.name}")


def against_baseline(path: str | Path, against: str) -> Baseline:
    """--against: a file if one exists at that path, else a git revision of the draft's repository."""
    candidate = Path(against)
    if candidate.is_file():
        try:
            data = candidate.read_bytes()
        except OSError as exc:
            raise ReviewError(f"{against} lässt sich nicht lesen: {exc.strerror or exc}") from None
        return _baseline_from(data, f"der Datei {against}", str(against))
    return revision_baseline(path, against)


def approved_baseline(guide, path: str | Path) -> Baseline | None:
    """The draft as its last approval saw it (kept by `edtool approve`); None before any approval."""
    from edtool.workflow import approved_snapshot_path

    if guide is None:
        return None
    snapshot = approved_snapshot_path(guide, path)
    try:
        data = snapshot.read_bytes()
    except OSError:
        return None
    return _baseline_from(data, f"der zuletzt freigegebenen Fassung ({snapshot.name})", str(snapshot))


def published_baseline(guide, path: str | Path, draft: Draft, content_repo=None) -> Baseline | None:
    """The article as published in the content repository (HEAD, read only); None when it is not there.

    Uses the publisher's own idea of the target path, and the paths history names for this draft."""
    from edtool.publish import Publisher, PublishError

    try:
        publisher = Publisher(guide, content_repo)
    except PublishError as exc:
        raise ReviewError(exc.message) from None
    with publisher:
        candidates = []
        try:
            candidates.append(publisher.target_for(draft))
        except PublishError as exc:
            if exc.fatal:
                raise ReviewError(exc.message) from None
        candidates += publisher.published_by(publisher.draft_ref(Path(path)))
        reader = publisher.repo  # the content repository adapter
        for target in candidates:
            data = reader.at_head(target)
            if data is not None:
                head = (reader.head() or "")[:10]
                return _baseline_from(data, f"der veröffentlichten Fassung ({target}, Commit {head})", target)
        return None
