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

from edtool.draft import Draft, line_starts

STAND_IN = "\ufffc"
FRONT_MATTER_SCOPES = ("title", "teaser")
BODY_SCOPES = ("heading", "paragraph", "list_item", "blockquote", "table")
SCOPES = FRONT_MATTER_SCOPES + BODY_SCOPES

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]„“”\"]*[^\s<>()\[\]„“”\".,;:!?]")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)


def _comments(text: str, start: int, end: int):
    """(start, end, inner text) of each <!-- … --> in text[start:end]; what _COMMENT.finditer finds,
    in linear time: once no "-->" follows an opener, no later opener can close either."""
    pos = start
    while True:
        opener = text.find("<!--", pos, end)
        if opener == -1:
            return
        close = text.find("-->", opener + 4, end)
        if close == -1:
            return
        yield opener, close + 3, text[opener + 4 : close]
        pos = close + 3


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
        self.pieces: list[tuple[str, list[int], list[bool]]] = []

    def run(self, content: str, offsets: list[int], exact: list[bool]) -> None:
        """Characters that stand in the source as written (where `exact` says so)."""
        self.text.append(content)
        self.offsets.extend(offsets)
        self.pieces.append((content, offsets, exact))

    def verbatim_run(self, content: str, start: int) -> None:
        self.run(content, list(range(start, start + len(content))), [True] * len(content))

    def stand_in(self, char: str, source: int) -> None:
        self.run(char, [source], [False])

    def segment(self, scope: str, index: int, source: str) -> Segment:
        # a character is verbatim only where the source holds exactly that character
        verbatim: list[bool] = []
        for content, offsets, exact in self.pieces:
            first = offsets[0] if offsets else 0
            if (content == source[first:first + len(content)] and all(exact)
                    and offsets == list(range(first, first + len(content)))):
                verbatim += [True] * len(content)  # the common case, without a loop in Python
            else:
                verbatim += [v and source[o:o + 1] == c for c, o, v in zip(content, offsets, exact)]
        return Segment(scope, "".join(self.text), self.offsets, verbatim, index)


def _mask_urls(builder: _Builder, content: str, offsets: list[int], exact: list[bool]) -> None:
    pos = 0
    for match in _URL.finditer(content):
        builder.run(content[pos : match.start()], offsets[pos : match.start()], exact[pos : match.start()])
        builder.stand_in(STAND_IN, offsets[match.start()])
        pos = match.end()
    builder.run(content[pos:], offsets[pos:], exact[pos:])


def _align(content: str, source: str, start: int, limit: int) -> list[int]:
    """Offsets of `content`'s characters in source[start:limit], tolerating folded whitespace.
    Each character's next place is a bisection in its list of places (a value made of escapes,
    whose characters the source does not hold, stays linear)."""
    from bisect import bisect_left

    places: dict[str, list[int]] = {}
    for index in range(start, limit):
        places.setdefault(source[index], []).append(index)
    offsets, pos = [], start
    for char in content:
        spots = places.get(char)
        at = bisect_left(spots, pos) if spots else 0
        if spots and at < len(spots):
            found = spots[at]
            pos = found + 1
        else:
            found = min(pos, max(limit - 1, start))
        offsets.append(found)
    return offsets


# -- markdown-it with source positions ----------------------------------------------------------
# markdown-it-py's inline tokens carry no source positions. The parser below records them: every
# inline rule is wrapped to note the range of the inline source it consumed, and the state notes
# where pending text starts. Positions are indexes into the inline token's content, which
# `_content_map` maps to offsets in Draft.text line by line.

def _tracked_state_class():
    from markdown_it.rules_inline.state_inline import StateInline

    class TrackedState(StateInline):
        resume = 0  # where the next pending text starts

        def pushPending(self):
            token = super().pushPending()
            token.meta["src"] = (self.resume, self.resume + len(token.content))
            return token

        def push(self, ttype, tag, nesting):
            token = super().push(ttype, tag, nesting)
            token.meta["at"] = self.pos
            if ttype == "link_open":
                self.resume = self.pos  # the label's text starts here
            return token

    return TrackedState


def _tracked(rule):
    def run(state, silent):
        start, count = state.pos, len(state.tokens)
        ok = rule(state, silent)
        if ok and not silent and len(state.tokens) > count:
            cursor = start
            for token in state.tokens[count:]:
                if "src" in token.meta or "rule" in token.meta:
                    continue  # flushed pending text, or a token of a nested rule
                token.meta["rule"] = (start, state.pos)
                if token.type == "text":  # delimiter runs (emphasis, strikethrough): one after the other
                    end = cursor + len(token.content)
                    token.meta["src"] = (cursor, end) if state.src[cursor:end] == token.content else None
                    cursor = end
            state.resume = state.pos
        return ok

    return run


def _markdown():
    from types import MethodType

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table").disable(["text_join", "fragments_join"])
    ruler = md.inline.ruler
    for rule in list(ruler.__rules__):
        ruler.at(rule.name, _tracked(rule.fn), {"alt": list(rule.alt)})
    state_class = _tracked_state_class()

    def parse(self, src, md, env, tokens):
        state = state_class(src, md, env, tokens)
        self.tokenize(state)
        for rule2 in self.ruler2.getRules(""):
            rule2(state)
        return state.tokens

    md.inline.parse = MethodType(parse, md.inline)
    return md


_TAIL = re.compile(r"[\s#]*")  # what markdown-it strips after a line's content (spaces, closing #s)


def _place(line: str, source: str, start: int, end: int) -> int | None:
    """Where `line` (a line of an inline token's content) stands in source[start:end]: the line
    minus its block prefix (indent, '>', list marker, '#') and minus stripped trailing space."""
    limit = end
    while True:
        found = source.rfind(line, start, limit)
        if found == -1:
            return None
        if _TAIL.fullmatch(source, found + len(line), end):
            return found
        limit = found + len(line) - 1
        if limit < start + len(line):
            return None


class _LineMap:
    """Offsets in the (NUL-normalised) draft text of the lines markdown-it saw in the body."""

    def __init__(self, source: str, base: int):
        self.source, self.base = source, base
        self.starts = line_starts(source[base:])
        self.table_cursor: dict[int, int] = {}

    def bounds(self, line: int) -> tuple[int, int]:
        if line >= len(self.starts):
            return len(self.source), len(self.source)
        start = self.base + self.starts[line]
        end = self.base + self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.source)
        return start, end

    def content_map(self, content: str, first: int, last: int, cell: bool) -> tuple[list[int], list[bool]]:
        """Source offset of each character of an inline token's content (one more at the end), and
        whether the character is known to stand exactly there."""
        offsets: list[int] = []
        exact: list[bool] = []
        if cell:
            start, end = self.bounds(first)
            form = content.replace("|", "\\|")  # markdown-it drops the backslash of an escaped pipe
            found = self.source.find(form, max(start, self.table_cursor.get(first, start)), end)
            if found == -1:
                return [start] * (len(content) + 1), [False] * (len(content) + 1)
            pos = found
            for char in content:
                if char == "|":
                    pos += 1
                offsets.append(pos)
                exact.append(True)
                pos += 1
            self.table_cursor[first] = pos
            return offsets + [pos], exact + [False]
        line = first
        for number, text in enumerate(content.split("\n")):
            if number:
                offsets.append(self.bounds(line - 1)[1])  # the line end
                exact.append(False)
            placed = False
            while line < max(last, first + 1):
                start, end = self.bounds(line)
                line += 1
                found = _place(text, self.source, start, end)
                if found is None and text.startswith(" "):  # a tab expanded to spaces
                    rest = text.lstrip(" ")
                    found = _place(rest, self.source, start, end)
                    if found is not None:
                        pad = len(text) - len(rest)
                        offsets.extend([found] * pad)
                        exact.extend([False] * pad)
                        text = rest
                if found is not None:
                    offsets.extend(range(found, found + len(text)))
                    exact.extend([True] * len(text))
                    placed = True
                    break
                if self.source[start:end].strip():
                    break  # a line with text that does not match: do not guess further
            if not placed:
                anchor = self.bounds(max(first, line - 1))[0]
                offsets.extend([anchor] * len(text))
                exact.extend([False] * len(text))
        tail = offsets[-1] + 1 if offsets else self.bounds(first)[0]
        return offsets + [tail], exact + [False]


class _InlineWalker:
    """Turns the inline tokens of one block into prose, with the source offset of each character."""

    def __init__(self, content: str, offsets: list[int], exact: list[bool], view: ProseView):
        self.content, self.offsets, self.exact = content, offsets, exact
        self.view = view
        self.builder = _Builder()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of content[start:end]."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def skip(self, start: int, end: int) -> None:
        self.view.excluded.append(self.span(start, end))

    def walk(self, tokens) -> None:
        autolinks = 0
        for token in tokens:
            kind = token.type
            rule = token.meta.get("rule") or (token.meta.get("at", 0), token.meta.get("at", 0))
            if autolinks:
                autolinks += {"link_open": 1, "link_close": -1}.get(kind, 0)
                continue
            if kind == "text":
                content = token.content
                src = token.meta.get("src")
                if src is not None and self.content[src[0] : src[0] + len(content)] == content:
                    offsets = self.offsets[src[0] : src[0] + len(content)]
                    exact = self.exact[src[0] : src[0] + len(content)]
                else:
                    offsets, exact = [self.offsets[rule[0]]] * len(content), [False] * len(content)
                _mask_urls(self.builder, content, offsets, exact)
            elif kind == "text_special":  # backslash escape or entity
                start, end = rule
                if token.content == token.markup == self.content[start:end]:  # "\\W": both characters stay
                    self.builder.run(token.content, self.offsets[start:end], self.exact[start:end])
                else:
                    for char in token.content:  # one source offset per character
                        self.builder.stand_in(char, self.offsets[start])
            elif kind in ("softbreak", "hardbreak"):
                start, end = rule
                newline = self.content.find("\n", start, end)
                self.builder.stand_in(" ", self.offsets[start if newline == -1 else newline])
            elif kind in ("code_inline", "html_inline", "image") or (kind == "link_open"
                                                                      and token.markup == "autolink"):
                start, end = rule
                if kind == "link_open":
                    autolinks = 1
                if kind == "html_inline":
                    comment = _COMMENT.fullmatch(token.content)
                    if comment:
                        self.view.comments.append(Comment(comment.group(1).strip(), *self.span(start, end)))
                self.builder.stand_in(STAND_IN, self.offsets[start])
                self.skip(start, end)
            elif kind == "link_close":  # "](target "title")" or "][ref]": markdown-it's own parse
                start, end = token.meta.get("at", rule[0]), rule[1]
                if end > start:
                    self.skip(start, end)
            # link_open, emphasis and strikethrough markers: not prose


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

    base = draft.body_start
    # markdown-it reads NUL as U+FFFD (and CR as LF, which Draft.text already did): same length
    source = draft.text.replace("\0", "\ufffd") if "\0" in draft.text else draft.text
    lines = _LineMap(source, base)

    def line_offset(line: int) -> int:
        return lines.bounds(line)[0]

    scope_stack: list[str] = []
    for token in _MD.parse(source[base:]):
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
            for begin, finish, inner in _comments(draft.text, start, end):
                view.comments.append(Comment(inner.strip(), begin, finish))
        elif kind == "inline" and token.map:
            scope = "paragraph"
            for candidate in reversed(scope_stack):
                scope = candidate
                if candidate != "table":
                    break
            if scope_stack and scope_stack[-1] in ("heading", "table"):
                scope = scope_stack[-1]
            if not token.children:
                continue
            offsets, exact = lines.content_map(token.content, token.map[0], token.map[1],
                                               cell=bool(scope_stack) and scope_stack[-1] == "table")
            walker = _InlineWalker(token.content, offsets, exact, view)
            walker.walk(token.children)
            segment = walker.builder.segment(scope, index, draft.text)
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
    quote = source[start : start + 1]
    if quote in ("'", '"'):
        start, end = start + 1, end - 1
    # only a value that stands in the source itself may be fixed: no alias, anchor, tag or escape
    fixable = pos.plain and not (quote == '"' and "\\" in source[start:end])
    builder = _Builder()
    if source[start : start + len(value)] == value:
        _mask_urls(builder, value, list(range(start, start + len(value))), [fixable] * len(value))
    else:  # block scalar or escapes: align character by character
        for char, offset in zip(value, _align(value, source, start, end)):
            builder.run(char, [offset], [fixable])
    return builder.segment(key, index, source)


def prose_of(draft: Draft) -> ProseView:
    """The draft's prose view, built once per Draft."""
    view = getattr(draft, "_prose_view", None)
    if view is None:
        view = build_prose(draft)
        draft._prose_view = view  # type: ignore[attr-defined]
    return view
