"""The article as readers see it: HTML and plain text from the draft's Markdown.

The same parser the checks read (markdown-it-py, CommonMark with tables). HTML comments (inline
switches live there) are dropped; any other raw HTML is shown as text, never passed through, so a
rendered article cannot carry markup or script the writer did not mean. Reader-facing correction
notes from the front matter (`corrections: [{date, note}]`) follow the body.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from edtool.draft import Draft
from edtool.errors import EdtoolError

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WORD = re.compile(r"[^\W_]+(?:[-.,'’/][^\W_]+)*")
WORDS_PER_MINUTE = 200  # a reader's pace for news copy


class RenderError(EdtoolError):
    """The front matter cannot be rendered as written (a German message and its position)."""


@dataclass(frozen=True)
class Correction:
    """One reader-facing correction note."""

    date: str  # as written: YYYY-MM-DD or an ISO date-time
    note: str

    @property
    def label(self) -> str:
        """„Korrektur vom 13.08.2025“ (the date as written when it is no ISO date)."""
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", self.date)
        when = f"{match.group(3)}.{match.group(2)}.{match.group(1)}" if match else self.date
        return f"Korrektur vom {when}" if when else "Korrektur"


@dataclass
class Article:
    title: str
    teaser: str
    html: str  # body, then the correction notes
    text: str  # plain text of the same
    corrections: list[Correction] = field(default_factory=list)

    @property
    def words(self) -> int:
        return word_count(self.text)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.words)


def word_count(text: str) -> int:
    """Words as a reader counts them: "4.500", "E-Mail" and "KI-gestützte" are one word each."""
    return sum(1 for _ in _WORD.finditer(text))


def reading_minutes(words: int, pace: int = WORDS_PER_MINUTE) -> int:
    return max(1, math.ceil(words / pace)) if words else 0


def _text_field(draft: Draft, key: str) -> str:
    value = draft.front_matter.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        line, column = draft.key_position(key)
        raise RenderError(f"Feld „{key}“ muss ein Text sein.", line=line, column=column)
    return str(value)


def corrections_of(draft: Draft) -> list[Correction]:
    """The correction notes in the front matter, oldest first as written.

    Shape: `corrections: [{date: 2025-08-13, note: "In einer früheren Fassung hieß es …"}]`;
    anything else is refused with a message that says how to write it."""
    value = draft.front_matter.get("corrections")
    if value is None:
        return []
    line, column = draft.key_position("corrections")
    how = ("Erwartet wird eine Liste von Einträgen mit Datum und Text, z. B.\n"
           "corrections:\n  - date: 2025-08-13\n    note: \"In einer früheren Fassung hieß es …\"")
    if not isinstance(value, list):
        raise RenderError(f"Feld „corrections“ ist keine Liste. {how}", line=line, column=column)
    found = []
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            raise RenderError(f"Korrektur Nr. {number} in „corrections“ ist kein Eintrag mit date und note. {how}",
                              line=line, column=column)
        note, date = entry.get("note"), entry.get("date")
        if not isinstance(note, str) or not note.strip():
            raise RenderError(f"Korrektur Nr. {number} in „corrections“ hat keinen Text (note). {how}",
                              line=line, column=column)
        if date is not None and not isinstance(date, (str, int)):
            raise RenderError(f"Korrektur Nr. {number} in „corrections“ hat kein gültiges Datum (date). {how}",
                              line=line, column=column)
        found.append(Correction("" if date is None else str(date), note.strip()))
    return found


# -- Markdown ------------------------------------------------------------------------------------

_MD: Any = None


def _markdown() -> Any:
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": True}).enable("table")
        md.add_render_rule("html_block", _html_block)
        md.add_render_rule("html_inline", _html_inline)
        default_image = md.renderer.rules["image"]

        def image(self, tokens, idx, options, env):
            if env.get("images", True):
                return default_image(tokens, idx, options, env)
            alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
            return f'<span class="image">[Bild: {escape(alt, quote=False)}]</span>'

        md.add_render_rule("image", image)
        _MD = md
    return _MD


def _html_block(self, tokens, idx, options, env) -> str:
    rest = _COMMENT.sub("", tokens[idx].content).strip()
    return f"<p>{escape(rest, quote=False)}</p>\n" if rest else ""


def _html_inline(self, tokens, idx, options, env) -> str:
    content = tokens[idx].content
    return "" if _COMMENT.fullmatch(content) else escape(content, quote=False)


def body_html(markdown: str, *, images: bool = True) -> str:
    """HTML of a Markdown body. With `images=False` an image becomes „[Bild: alt]“ (nothing is loaded)."""
    return _markdown().render(markdown, {"images": images})


def _inline_text(children) -> str:
    out: list[str] = []
    dropped = False
    for token in children or []:
        kind = token.type
        if kind in ("text", "code_inline", "text_special"):
            out.append(token.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "html_inline":
            if _COMMENT.fullmatch(token.content):
                dropped = True
            else:
                out.append(token.content)
        elif kind == "image":
            out.append(_inline_text(token.children))
    text = "".join(out)
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", text) if dropped else text


def body_text(markdown: str) -> str:
    """Plain text of a Markdown body: one paragraph per block, separated by a blank line."""
    blocks: list[str] = []
    row: list[str] | None = None
    for token in _markdown().parse(markdown):
        kind = token.type
        if kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks.append(" | ".join(row))
            row = None
        elif kind == "inline":
            text = _inline_text(token.children)
            if row is not None:
                row.append(text.strip())
            elif text.strip():
                blocks.append(text.strip())
        elif kind in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
        elif kind == "html_block":
            rest = _COMMENT.sub("", token.content).strip()
            if rest:
                blocks.append(rest)
    return "\n\n".join(blocks)


def corrections_html(corrections: list[Correction]) -> str:
    if not corrections:
        return ""
    notes = "".join(f'<p class="correction"><strong>{escape(c.label)}:</strong> {escape(c.note)}</p>\n'
                    for c in corrections)
    return f'<aside class="corrections" aria-label="Korrekturen">\n{notes}</aside>\n'


def corrections_text(corrections: list[Correction]) -> str:
    return "\n\n".join(f"{c.label}: {c.note}" for c in corrections)


def render(draft: Draft, *, images: bool = True) -> Article:
    """The article of a draft: title, teaser, body with its correction notes, as HTML and as text."""
    corrections = corrections_of(draft)
    body = draft.body
    html = body_html(body, images=images) + corrections_html(corrections)
    text = "\n\n".join(part for part in (body_text(body), corrections_text(corrections)) if part)
    return Article(_text_field(draft, "title"), _text_field(draft, "teaser"), html, text, corrections)


# -- a page of its own -----------------------------------------------------------------------------

ARTICLE_CSS = """
body{font:18px/1.6 Georgia,'Times New Roman',serif;color:#1d1d1f;background:#fff;margin:0}
.article{max-width:42rem;margin:2rem auto;padding:0 1rem}
.article h1{font:700 2rem/1.2 system-ui,sans-serif;margin:0 0 .6rem}
.article .teaser{font-weight:600;color:#333}
.article .meta{font:14px/1.4 system-ui,sans-serif;color:#666;margin-bottom:1.4rem}
.article h2,.article h3{font-family:system-ui,sans-serif;margin-top:1.8rem}
.article blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem;color:#444}
.article pre,.article code{font:15px/1.4 ui-monospace,monospace;background:#f4f4f4}
.article pre{padding:.6rem;overflow:auto}
.article table{border-collapse:collapse}.article td,.article th{border:1px solid #ccc;padding:.2rem .5rem}
.article .corrections{border-top:1px solid #ccc;margin-top:2rem;padding-top:.6rem;font-size:16px;color:#333}
.article .image{color:#666;font-style:italic}
"""


def _meta_line(draft: Draft, article: Article) -> str:
    fm = draft.front_matter
    authors = fm.get("author")
    names = ", ".join(str(a) for a in authors) if isinstance(authors, list) else str(authors or "")
    date = str(fm.get("date") or "")
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", date)
    parts = [names, f"{match.group(3)}.{match.group(2)}.{match.group(1)}" if match else date, f"{article.words} Wörter",
             f"Lesezeit etwa {article.reading_minutes} Min."]
    return " · ".join(escape(p) for p in parts if p.strip())


def article_html(draft: Draft, article: Article | None = None, *, title: str | None = None,
                 teaser: str | None = None, body: str | None = None) -> str:
    """The article element: headline, teaser, a meta line and the body (parts may be given pre-rendered)."""
    article = article or render(draft)
    head = escape(article.title) if title is None else title
    lead = escape(article.teaser) if teaser is None else teaser
    return (f'<article class="article">\n<h1>{head}</h1>\n'
            + (f'<p class="teaser">{lead}</p>\n' if article.teaser else "")
            + f'<p class="meta">{_meta_line(draft, article)}</p>\n'
            + (article.html if body is None else body) + "</article>\n")


def page(draft: Draft) -> str:
    """One self-contained HTML document with the article (no external resource is loaded)."""
    article = render(draft, images=False)
    lang = escape(str(draft.front_matter.get("language") or "de-DE"))
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(article.title)}</title>\n<style>{ARTICLE_CSS}</style>\n</head>\n"
            f"<body>\n{article_html(draft, article)}</body>\n</html>\n")
