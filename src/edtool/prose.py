"""The prose view of a Draft: the text a reader reads, with a map from every character back to
its offset in Draft.text.

Markdown structure comes from markdown-it-py. Code spans, code blocks, HTML, URLs and link
targets are not prose: an inline one becomes a single stand-in character (OBJECT REPLACEMENT,
U+FFFC) that no word pattern matches, so the text around it keeps its shape. Style rules and
LanguageTool both read this view; it is what makes their positions exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edtool.draft import Draft

STAND_IN = "\ufffc"
FRONT_MATTER_SCOPES = ("title", "teaser")
BODY_SCOPES = ("heading", "paragraph", "list_item", "blockquote", "table")
SCOPES = FRONT_MATTER_SCOPES + BODY_SCOPES

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]„“”\"]*[^\s<>()\[\]„“”\".,;:!?]")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)


@dataclass
class Segment:
    """One block of prose in one scope (a paragraph, a heading, the title, ...)."""

    scope: str
    text: str
    offsets: list[int]  # source offset in Draft.text of each character of `text`
    verbatim: list[bool]  # False where the character stands in for markup or a line break
    index: int = 0  # order of the block in the draft (title, teaser, then body blocks)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source [start, end) of text[start:end]; an empty span sits before text[start]."""
        if end <= start:
            anchor = self.offsets[start] if start < len(self.offsets) else self.end_offset
            return anchor, anchor
        return self.offsets[start], self.offsets[end - 1] + 1

    def is_verbatim(self, start: int, end: int) -> bool:
        """True when text[start:end] stands in the source exactly as written (safe to fix)."""
        if not all(self.verbatim[start:end]):
            return False
        return end - start <= 1 or self.offsets[end - 1] - self.offsets[start] == end - start - 1

    @property
    def end_offset(self) -> int:
        return self.offsets[-1] + 1 if self.offsets else 0


@dataclass
class Comment:
    """An HTML comment in the body (inline switches live in these)."""

    text: str  # inside <!-- -->, stripped
    start: int
    end: int


@dataclass
class ProseView:
    segments: list[Segment] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # source spans that are never prose (code, HTML, link targets, front matter)
    excluded: list[tuple[int, int]] = field(default_factory=list)

    def in_scope(self, *scopes: str) -> list[Segment]:
        return [s for s in self.segments if s.scope in scopes]

    @property
    def first_paragraph(self) -> Segment | None:
        for segment in self.segments:
            if segment.scope not in FRONT_MATTER_SCOPES:
                return segment if segment.scope == "paragraph" else None
        return None


class _Builder:
    def __init__(self) -> None:
        self.text: list[str] = []
        self.offsets: list[int] = []
        self.verbatim: list[bool] = []

    def verbatim_run(self, content: str, start: int) -> None:
        self.text.append(content)
        self.offsets.extend(range(start, start + len(content)))
        self.verbatim.extend([True] * len(content))

    def stand_in(self, char: str, source: int) -> None:
        self.text.append(char)
        self.offsets.append(source)
        self.verbatim.append(False)

    def segment(self, scope: str, index: int) -> Segment:
        return Segment(scope, "".join(self.text), self.offsets, self.verbatim, index)


def _mask_urls(builder: _Builder, content: str, start: int) -> None:
    pos = 0
    for match in _URL.finditer(content):
        builder.verbatim_run(content[pos : match.start()], start + pos)
        builder.stand_in(STAND_IN, start + match.start())
        pos = match.end()
    builder.verbatim_run(content[pos:], start + pos)


def _align(content: str, source: str, start: int, limit: int) -> list[int]:
    """Offsets of `content`'s characters in source[start:limit], tolerating folded whitespace."""
    offsets, pos = [], start
    for char in content:
        found = source.find(char, pos, limit)
        if found == -1:
            found = min(pos, max(limit - 1, start))
        else:
            pos = found + 1
        offsets.append(found)
    return offsets


def _closing_paren(source: str, pos: int) -> int:
    """Index after the ')' that closes the '(' at pos, balancing nested parentheses."""
    depth = 0
    for index in range(pos, len(source)):
        char = source[index]
        if char == "\\":
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        elif char == "\n" and source[index + 1 : index + 2] == "\n":
            break
    return pos + 1


class _InlineWalker:
    """Walks the inline tokens of one block, keeping a cursor in the source."""

    def __init__(self, source: str, cursor: int, view: ProseView):
        self.source = source
        self.cursor = cursor
        self.view = view
        self.builder = _Builder()

    def find(self, needle: str) -> int:
        found = self.source.find(needle, self.cursor)
        return self.cursor if found == -1 else found

    def skip(self, start: int, end: int) -> None:
        self.view.excluded.append((start, end))
        self.cursor = max(self.cursor, end)

    def walk(self, tokens) -> None:
        link_is_auto = []
        for token in tokens:
            kind = token.type
            if kind == "text":
                start = self.find(token.content)
                if link_is_auto and link_is_auto[-1]:
                    self.builder.stand_in(STAND_IN, start)
                    self.skip(start, start + len(token.content))
                    continue
                _mask_urls(self.builder, token.content, start)
                self.cursor = start + len(token.content)
            elif kind == "text_special":  # backslash escape or entity
                start = self.find(token.markup)
                if token.content == token.markup:  # "\\W" is no escape: both characters stay
                    self.builder.verbatim_run(token.content, start)
                else:
                    for char in token.content:  # one source offset per character
                        self.builder.stand_in(char, start)
                self.cursor = start + len(token.markup)
            elif kind in ("softbreak", "hardbreak"):
                newline = self.source.find("\n", self.cursor)
                newline = self.cursor if newline == -1 else newline
                self.builder.stand_in(" ", newline)
                self.cursor = newline + 1
            elif kind == "code_inline":
                start = self.find(token.markup)
                close = self.source.find(token.markup, start + len(token.markup))
                end = start + len(token.markup) if close == -1 else close + len(token.markup)
                self.builder.stand_in(STAND_IN, start)
                self.skip(start, end)
            elif kind == "html_inline":
                start = self.find(token.content)
                end = start + len(token.content)
                comment = _COMMENT.fullmatch(token.content)
                if comment:
                    self.view.comments.append(Comment(comment.group(1).strip(), start, end))
                self.builder.stand_in(STAND_IN, start)
                self.skip(start, end)
            elif kind == "link_open":
                auto = token.markup == "autolink"
                link_is_auto.append(auto)
                if not auto:
                    start = self.find("[")
                    self.cursor = start + 1
            elif kind == "link_close":
                auto = link_is_auto.pop() if link_is_auto else False
                if auto:
                    self.cursor = self.find(">") + 1
                    continue
                self._skip_link_target()
            elif kind == "image":
                start = self.find("![")
                self.cursor = start + 2
                self._skip_link_target(start)
                self.builder.stand_in(STAND_IN, start)
            # emphasis, strikethrough: their markers are skipped by the next find()

    def _skip_link_target(self, begin: int | None = None) -> None:
        close = self.find("]")
        after = close + 1
        if self.source.startswith("(", after):
            end = _closing_paren(self.source, after)
        elif self.source.startswith("[", after):
            end_bracket = self.source.find("]", after)
            end = after if end_bracket == -1 else end_bracket + 1
        else:
            end = after
        self.skip(close if begin is None else begin, end)


def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("text_join")


_MD = None


def build_prose(draft: Draft) -> ProseView:
    global _MD
    if _MD is None:
        _MD = _markdown()
    view = ProseView()
    view.excluded.append((0, draft.body_start))
    index = 0
    for key in FRONT_MATTER_SCOPES:
        segment = _front_matter_segment(draft, key, index)
        if segment is not None:
            view.segments.append(segment)
            index += 1

    body = draft.body
    base = draft.body_start
    body_line_starts = [0]
    for i, char in enumerate(body):
        if char == "\n":
            body_line_starts.append(i + 1)

    def line_offset(line: int) -> int:
        return base + (body_line_starts[line] if line < len(body_line_starts) else len(body))

    scope_stack: list[str] = []
    for token in _MD.parse(body):
        kind = token.type
        if kind in ("blockquote_open", "list_item_open", "heading_open", "table_open"):
            scope_stack.append({"blockquote_open": "blockquote", "list_item_open": "list_item",
                                "heading_open": "heading", "table_open": "table"}[kind])
        elif kind in ("blockquote_close", "list_item_close", "heading_close", "table_close"):
            if scope_stack:
                scope_stack.pop()
        elif kind in ("fence", "code_block") and token.map:
            view.excluded.append((line_offset(token.map[0]), line_offset(token.map[1])))
        elif kind == "html_block" and token.map:
            start, end = line_offset(token.map[0]), line_offset(token.map[1])
            view.excluded.append((start, end))
            for match in _COMMENT.finditer(draft.text, start, end):
                view.comments.append(Comment(match.group(1).strip(), match.start(), match.end()))
        elif kind == "inline" and token.map:
            scope = "paragraph"
            for candidate in reversed(scope_stack):
                scope = candidate
                if candidate != "table":
                    break
            if scope_stack and scope_stack[-1] in ("heading", "table"):
                scope = scope_stack[-1]
            walker = _InlineWalker(draft.text, line_offset(token.map[0]), view)
            walker.walk(token.children or [])
            segment = walker.builder.segment(scope, index)
            if segment.text.strip():
                view.segments.append(segment)
                index += 1
    view.comments.sort(key=lambda c: c.start)
    return view


def _front_matter_segment(draft: Draft, key: str, index: int) -> Segment | None:
    value = draft.front_matter.get(key)
    pos = draft.fields.get(key)
    if not isinstance(value, str) or not value.strip() or pos is None:
        return None
    source = draft.text
    start, end = pos.value_start, pos.value_end
    if source[start : start + 1] in ("'", '"'):
        start, end = start + 1, end - 1
    builder = _Builder()
    if source[start : start + len(value)] == value:
        _mask_urls(builder, value, start)
    else:  # block scalar or escapes: align character by character
        for char, offset in zip(value, _align(value, source, start, end)):
            builder.text.append(char)
            builder.offsets.append(offset)
            builder.verbatim.append(source[offset : offset + 1] == char)
    return builder.segment(key, index)


def prose_of(draft: Draft) -> ProseView:
    """The draft's prose view, built once per Draft."""
    view = getattr(draft, "_prose_view", None)
    if view is None:
        view = build_prose(draft)
        draft._prose_view = view  # type: ignore[attr-defined]
    return view
