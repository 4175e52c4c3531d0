"""A document as the editor holds it, and LSP positions in the encoding the client negotiated.

LSP ends a line at CRLF, CR or LF (as Draft does; U+2028 and friends are ordinary characters) and
counts a line's characters in UTF-16 code units unless the client offered UTF-8 or UTF-32. Offsets
here are Python string indices (code points) into the editor's text, BOM included if it sent one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)
_BREAK = re.compile(r"\r\n|\r|\n")
_ASCII = re.compile(r"[\x00-\x7f]*\Z")


def units(text: str, encoding: str = UTF16) -> int:
    """Length of `text` in code units of `encoding` (a lone surrogate counts as one unit)."""
    if encoding == UTF32 or _ASCII.match(text):
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def index_for_units(line: str, count: int, encoding: str = UTF16) -> int:
    """The character index in `line` at `count` code units; past the end: the line's length.
    A count inside one character (half a surrogate pair) rounds down to that character's start."""
    if count <= 0:
        return 0
    if encoding == UTF32 or _ASCII.match(line):
        return min(count, len(line))
    seen = 0
    for index, char in enumerate(line):
        code = ord(char)
        if encoding == UTF8:
            width = 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
        else:
            width = 2 if code > 0xFFFF else 1
        if seen + width > count:
            return index
        seen += width
    return len(line)


@dataclass(frozen=True)
class Edit:
    """The characters [start, end) of the previous text were replaced by `length` new ones."""

    start: int
    end: int
    length: int


def map_span(start: int, end: int, edits: list[Edit]) -> tuple[int, int] | None:
    """Carry a span through later edits; None once an edit touches its inside."""
    for edit in edits:
        if end <= edit.start:  # before the edit (text typed right after it stays outside)
            continue
        if start >= edit.end:  # after it: shifted
            shift = edit.length - (edit.end - edit.start)
            start, end = start + shift, end + shift
            continue
        return None
    return start, end


def common_edit(old: str, new: str) -> Edit:
    """The one edit that turns `old` into `new` (common prefix and suffix kept)."""
    limit = min(len(old), len(new))
    prefix = 0
    step = 4096
    while prefix < limit:  # compare in blocks first, then character by character
        size = min(step, limit - prefix)
        if old[prefix:prefix + size] == new[prefix:prefix + size]:
            prefix += size
        elif size > 1:
            step = max(1, size // 2)
        else:
            break
    suffix = 0
    limit -= prefix
    while suffix < limit and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return Edit(prefix, len(old) - suffix, len(new) - suffix - prefix)


@dataclass
class TextDocument:
    uri: str
    text: str
    version: int = 0
    language_id: str = ""
    edits: list[tuple[int, Edit]] = field(default_factory=list, repr=False)  # (version, edit), recent ones
    oldest: int = -(2**62)  # texts of versions before this one can no longer be mapped
    _starts: list[int] | None = field(default=None, repr=False)

    MAX_EDITS = 2000

    # -- lines ---------------------------------------------------------------------------------
    @property
    def line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _BREAK.finditer(self.text)]
        return self._starts

    def line_bounds(self, line: int) -> tuple[int, int]:
        """Start and end (before the line break) of a 0-based line; clamped to the document."""
        starts = self.line_starts
        line = max(0, min(line, len(starts) - 1))
        start = starts[line]
        if line + 1 < len(starts):
            end = starts[line + 1] - 1
            if self.text[end] == "\n" and end > start and self.text[end - 1] == "\r":
                end -= 1
        else:
            end = len(self.text)
        return start, end

    # -- positions -----------------------------------------------------------------------------
    def offset_at(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Offset of an LSP position; a line past the end is the end, a character past a line's
        end is that line's end (LSP says so)."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start, end = self.line_bounds(line)
        return start + index_for_units(self.text[start:end], character, encoding)

    def position_at(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """LSP (line, character) of an offset (0-based)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start, end = self.line_bounds(line)
        return line, units(self.text[start:min(offset, end)], encoding)

    # -- changes -------------------------------------------------------------------------------
    def replace(self, start: int, end: int, new_text: str, version: int) -> Edit:
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        self.text = self.text[:start] + new_text + self.text[end:]
        self._starts = None
        edit = Edit(start, end, len(new_text))
        self._record(version, edit)
        return edit

    def replace_all(self, new_text: str, version: int) -> Edit:
        edit = common_edit(self.text, new_text)
        self.text = new_text
        self._starts = None
        self._record(version, edit)
        return edit

    def _record(self, version: int, edit: Edit) -> None:
        self.version = version
        self.edits.append((version, edit))
        if len(self.edits) > self.MAX_EDITS:
            self.oldest = self.edits[-self.MAX_EDITS - 1][0]  # edits up to this version are forgotten
            del self.edits[: len(self.edits) - self.MAX_EDITS]

    def edits_since(self, version: int) -> list[Edit] | None:
        """The edits that turned the text of `version` into the current one; None if not known."""
        if version == self.version:
            return []
        if version < self.oldest or version > self.version:
            return None
        return [edit for v, edit in self.edits if v > version]
