"""A word-by-word diff for editors: words (German compounds, numbers like 4.500), punctuation and
whitespace are the units, never single characters.

`diff(old, new)` gives a list of changes; `apply(changes, old)` rebuilds the new text from them
(exactly; the tests hold that as a property); `format` writes the terminal view: colour on a
terminal, `[-alt-]{+neu+}` markers otherwise (git's plain word-diff notation).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# a number with its separators (4.500, 1,5, 12:30, 2025-08-12), a word with its hyphen parts
# (KI-gestützte, E-Mail, Ein- in "Ein- und Ausgang", heute’s), whitespace runs, any other single character
_TOKEN = re.compile(r"""
    \d+(?:[.,:/-]\d+)+(?:-[^\W_]+)*
  | [^\W_]+(?:[-‐'’][^\W_]+)*-?
  | \s+
  | .
""", re.X | re.S)

RED, GREEN, STRIKE, RESET = "\x1b[31m", "\x1b[32m", "\x1b[9m", "\x1b[0m"


@dataclass(frozen=True)
class Change:
    op: str  # equal | delete | insert | replace
    old: str
    new: str


def tokenize(text: str) -> list[str]:
    """The units of `text`; joined they give `text` again."""
    return _TOKEN.findall(text)


def diff(old: str, new: str) -> list[Change]:
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [Change(op, "".join(a[i1:i2]), "".join(b[j1:j2])) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def apply(changes: list[Change], old: str) -> str:
    """The new text from `old` and the changes; refuses changes that do not fit `old`."""
    out, pos = [], 0
    for change in changes:
        if old[pos:pos + len(change.old)] != change.old:
            raise ValueError(f"change does not fit the old text at {pos}")
        pos += len(change.old)
        out.append(change.new)
    if pos != len(old):
        raise ValueError("changes end before the old text does")
    return "".join(out)


def changed(changes: list[Change]) -> bool:
    return any(c.op != "equal" for c in changes)


def counts(changes: list[Change]) -> tuple[int, int]:
    """(words removed, words added), whitespace and punctuation not counted."""
    def words(text: str) -> int:
        return sum(1 for t in tokenize(text) if t[:1].isalnum())
    return sum(words(c.old) for c in changes if c.op != "equal"), sum(words(c.new) for c in changes if c.op != "equal")


def _marked(change: Change, color: bool) -> str:
    parts = []
    if change.old:
        parts.append(f"{RED}{STRIKE}{change.old}{RESET}" if color else f"[-{change.old}-]")
    if change.new:
        parts.append(f"{GREEN}{change.new}{RESET}" if color else f"{{+{change.new}+}}")
    return "".join(parts)


def format_diff(changes: list[Change], *, color: bool = False, context: int | None = None) -> str:
    """The whole text with the changes marked; with `context`, only the changed lines (paragraphs)
    and that many lines around them, gaps shown as „…“."""
    text = "".join(c.new if c.op == "equal" else _marked(c, color) for c in changes)
    if context is None:
        return text
    lines = text.split("\n")
    # which output lines hold a change: walk the changes and count line breaks of the output
    touched: set[int] = set()
    line = 0
    for change in changes:
        piece = change.new if change.op == "equal" else _marked(change, color)
        if change.op != "equal":
            touched.update(range(line, line + piece.count("\n") + 1))
        line += piece.count("\n")
    keep = sorted({n for t in touched for n in range(t - context, t + context + 1) if 0 <= n < len(lines)})
    out, last = [], -1
    for n in keep:
        if n != last + 1:
            out.append("…")
        out.append(lines[n])
        last = n
    if keep and keep[-1] != len(lines) - 1:
        out.append("…")
    return "\n".join(out)


def excerpts(changes: list[Change], *, context: int = 30, color: bool = False) -> list[tuple[int, str]]:
    """Each changed place as (offset in the old text, the change marked with up to `context` characters
    of unchanged text on either side within its line, cut at a word; a line break inside a change shows
    as ⏎). Places in one paragraph closer than
    twice the context share one excerpt."""
    places: list[tuple[int, list[int]]] = []  # (old offset of the first change, indexes into changes)
    offset = 0
    for index, change in enumerate(changes):
        if change.op != "equal":
            gap = changes[index - 1].old if index and changes[index - 1].op == "equal" else ""
            if places and len(gap) < 2 * context and "\n" not in gap and places[-1][1][-1] >= index - 2:
                places[-1][1].append(index)
            else:
                places.append((offset, [index]))
        offset += len(change.old)
    out = []
    for start, members in places:
        first, last = members[0], members[-1]
        before = changes[first - 1].old if first and changes[first - 1].op == "equal" else ""
        after = changes[last + 1].old if last + 1 < len(changes) and changes[last + 1].op == "equal" else ""
        middle = "".join(c.old if c.op == "equal" else _marked(c, color) for c in changes[first:last + 1])
        out.append((start, _one_line(_tail(before, context) + middle + _head(after, context))))
    return out


def _tail(text: str, size: int) -> str:
    text = text.rsplit("\n", 1)[-1]  # context stays in the changed line
    if len(text) <= size:
        return text
    cut = text[-size:]
    space = cut.find(" ")
    return "…" + (cut[space:] if 0 <= space < size // 2 else cut)


def _head(text: str, size: int) -> str:
    text = text.split("\n", 1)[0]
    if len(text) <= size:
        return text
    cut = text[:size]
    space = cut.rfind(" ")
    return (cut[:space] if space > size // 2 else cut) + "…"


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ⏎ ", text)
