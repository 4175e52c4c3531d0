"""Draft: one Markdown file with YAML front matter, parsed once, with exact source positions.

Positions are offsets into `Draft.text`, the file's text without BOM, with every CRLF turned into
LF and every lone CR into LF (CommonMark and editors end a line at CR, CRLF and LF; U+0085, U+2028
and U+2029 are ordinary characters). Lines and columns in `text` equal those in the file as
written; `raw_offset` maps back into the file for writing fixes. Line ends and BOM are handled
here only. YAML counts U+0085, U+2028 and U+2029 as line ends too, so its error marks are turned
into positions from their character index, never from YAML's own line count.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from edtool.errors import EdtoolError
from edtool.messages import msg

BOM = "\ufeff"
MAX_YAML_NODES = 10_000  # far above any real front matter; stops alias bombs early


class DraftError(EdtoolError):
    """The file cannot be read as a draft; carries a 1-based position in the file."""

    def __init__(self, rule: str, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class FieldPos:
    """Where one front matter key and its value stand (offsets into Draft.text)."""

    key_start: int
    key_end: int
    value_start: int
    value_end: int
    plain: bool = True  # the value stands at [value_start, value_end) itself: no alias, anchor or tag


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same marks, far faster


class _FrontMatterLoader(_BaseLoader):
    """SafeLoader that keeps timestamps as written: a date is checked, not silently converted."""


_NO_IMPLICIT = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")  # a date and "=" stay text
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NO_IMPLICIT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Tags whose values JSON (and the schema check) knows; an explicit !!timestamp, !!binary, !!set,
# !!omap, !!pairs or a local tag is a finding at its position, never a Python date, bytes or set.
_JSON_TAGS = frozenset("tag:yaml.org,2002:" + name for name in
                       ("str", "int", "float", "bool", "null", "seq", "map", "merge"))


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _json_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _json_safe(value: Any) -> Any:
    """Nested mappings get text keys (`1: x` inside a field would stop the schema check)."""
    if isinstance(value, dict):
        return {_json_key(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _count_nodes(node: yaml.Node, budget: list[int], seen: dict[int, int] | None = None) -> yaml.Node | None:
    """Count nodes against the budget; return the first node with a tag JSON does not know.
    `seen` counts how often each node is reached (an alias reaches its anchor's node again)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise OverflowError
    if seen is not None:
        seen[id(node)] = seen.get(id(node), 0) + 1
    bad = None if node.tag in _JSON_TAGS else node
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            bad = bad or _count_nodes(child, budget, seen)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            bad = bad or _count_nodes(key, budget, seen)
            bad = bad or _count_nodes(value, budget, seen)
    return bad


def _line_column(prefix: str) -> tuple[int, int]:
    """1-based (line, column) just after `prefix`; CR, CRLF and LF end a line, columns count characters."""
    prefix = prefix.replace("\r\n", "\n").replace("\r", "\n")
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


def line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


@dataclass
class Draft:
    path: str
    raw: str  # file text as decoded (no BOM), original line endings
    text: str  # LF-only view; all offsets refer to it
    bom: bool = False
    front_matter: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, FieldPos] = field(default_factory=dict)
    fm_start: int = 0  # offset of the opening '---'
    fm_content_start: int = 0  # offset of the first YAML character
    body_start: int = 0  # offset of the first body character
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _cr_positions: list[int] = field(default_factory=list, repr=False)

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> "Draft":
        from edtool.fsutil import NotRegularFile, display_path, read_regular

        try:
            data = read_regular(path)
        except NotRegularFile:
            raise DraftError("file.not-regular", msg("file.not-regular")) from None
        except OSError as exc:
            if Path(path).is_symlink() and not Path(path).exists():
                raise DraftError("file.dangling-link", msg("file.dangling-link", target=display_path(
                    os.readlink(path)))) from None
            raise DraftError("file.unreadable", msg("file.unreadable", reason=exc.strerror or str(exc))) from None
        return cls.from_bytes(data, display_path(path))

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<draft>") -> "Draft":
        if b"\x00" in data[:8192]:
            raise DraftError("file.binary", msg("file.binary"))
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = data[: exc.start].decode("utf-8", "replace")
            line, column = _line_column(prefix[1:] if prefix.startswith(BOM) else prefix)
            message = msg("file.encoding", byte=f"0x{data[exc.start]:02X}")
            raise DraftError("file.encoding", message, line, column) from None
        return cls.from_text(decoded, path)

    @classmethod
    def from_text(cls, decoded: str, path: str = "<draft>") -> "Draft":
        bom = decoded.startswith(BOM)
        raw = decoded[1:] if bom else decoded
        cr_positions: list[int] = []
        parts = raw.split("\r\n")
        if len(parts) > 1:
            offset = 0
            for part in parts[:-1]:
                offset += len(part)
                cr_positions.append(offset)  # LF-view offset of the '\n' that lost its '\r'
                offset += 1
        text = "\n".join(parts).replace("\r", "\n")  # a lone CR ends a line too (same length)
        draft = cls(path=path, raw=raw, text=text, bom=bom)
        draft._line_starts = line_starts(text)
        draft._cr_positions = cr_positions
        draft._parse_front_matter()
        return draft

    def _parse_front_matter(self) -> None:
        text = self.text
        first_end = text.find("\n")
        first_line = text if first_end == -1 else text[:first_end]
        if first_line.rstrip() != "---":
            raise DraftError("file.front-matter-missing", msg("file.front-matter-missing"))
        content_start = first_end + 1 if first_end != -1 else len(text)
        # find the closing fence
        pos = content_start
        close_start = close_end = -1
        while pos <= len(text):
            nl = text.find("\n", pos)
            line = text[pos:] if nl == -1 else text[pos:nl]
            if line.rstrip() in ("---", "..."):
                close_start, close_end = pos, (len(text) if nl == -1 else nl + 1)
                break
            if nl == -1:
                break
            pos = nl + 1
        if close_start == -1:
            raise DraftError("file.front-matter-unterminated", msg("file.front-matter-unterminated"))
        self.fm_start = 0
        self.fm_content_start = content_start
        self.body_start = close_end
        yaml_text = text[content_start:close_start]
        self.front_matter, self.fields = self._load_yaml(yaml_text, content_start)

    def _load_yaml(self, yaml_text: str, base: int) -> tuple[dict[str, Any], dict[str, FieldPos]]:
        base_line, _ = self.position(base)
        loader = _FrontMatterLoader(yaml_text)
        seen: dict[int, int] = {}

        def at(index: int) -> tuple[int, int]:  # YAML's character index -> (line, column) in the file
            return self.position(base + max(0, min(index, len(yaml_text))))

        try:
            node = loader.get_single_node()
            if node is None:
                return {}, {}
            try:
                bad = _count_nodes(node, [MAX_YAML_NODES], seen)
            except (OverflowError, RecursionError):
                raise DraftError("file.yaml", msg("file.yaml-too-large"), base_line, 1) from None
            if bad is not None:
                raise DraftError("file.yaml", msg("file.yaml-tag", tag=_tag_name(bad.tag)),
                                 *at(bad.start_mark.index))
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
                mark = exc.context_mark  # an unclosed quotation: where it opens, not where the text ends
            problem = yaml_advice(exc.problem or "", exc.context or "")
            raise DraftError("file.yaml", msg("file.yaml", problem=problem),
                             *(at(mark.index) if mark else (base_line, 1))) from None
        except yaml.reader.ReaderError as exc:  # a control character
            problem = f"Steuerzeichen U+{exc.character:04X}" if isinstance(exc.character, int) else str(exc)
            index = exc.position
            if not (isinstance(exc.character, int) and yaml_text[index:index + 1] == chr(exc.character)):
                # libyaml counts this one in UTF-8 bytes
                index = len(yaml_text.encode("utf-8")[:index].decode("utf-8", "ignore"))
            raise DraftError("file.yaml", msg("file.yaml", problem=problem), *at(index)) from None
        except yaml.YAMLError as exc:
            raise DraftError("file.yaml", msg("file.yaml", problem=str(exc)), base_line, 1) from None
        finally:
            loader.dispose()
        if not isinstance(data, dict):
            raise DraftError("file.front-matter-not-mapping", msg("file.front-matter-not-mapping"),
                             at(node.start_mark.index)[0], 1)
        fields: dict[str, FieldPos] = {}
        for key_node, value_node in node.value:
            key_end = key_node.end_mark.index
            start, end = value_node.start_mark.index, value_node.end_mark.index
            plain = (start >= key_end and seen.get(id(value_node), 0) == 1
                     and yaml_text[start:start + 1] not in ("&", "!", "*"))
            fields[str(key_node.value)] = FieldPos(base + key_node.start_mark.index, base + key_end,
                                                   base + start, base + end, plain)
        return {_json_key(k): _json_safe(v) for k, v in data.items()}, fields

    # -- positions ---------------------------------------------------------------------------
    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset into `text`; columns count characters."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        return self._line_starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def raw_offset(self, offset: int) -> int:
        """Offset in `raw` (the file as written, minus BOM) of an offset into `text`."""
        return offset + bisect.bisect_left(self._cr_positions, offset)

    def key_position(self, key: str) -> tuple[int, int]:
        pos = self.fields.get(key)
        return self.position(pos.key_start if pos else self.fm_start)


_YAML_ADVICE = (  # (problem or context contains, message key): PyYAML's English turned into advice
    ("mapping values are not allowed", "yaml.colon-in-value"),
    ("cannot start any token", "yaml.bad-start"),
    ("quoted scalar", "yaml.unclosed-quote"),
    ("flow sequence", "yaml.unclosed-list"),
    ("flow mapping", "yaml.unclosed-list"),
    ("undefined alias", "yaml.undefined-alias"),
    ("scanning an alias", "yaml.undefined-alias"),
    ("scanning an anchor", "yaml.undefined-alias"),
    ("did not find expected key", "yaml.text-after-quote"),
    ("expected '-' indicator", "yaml.mixed-list"),
)


def yaml_advice(problem: str, context: str) -> str:
    """A German explanation with advice for the YAML parser's typical errors; its own words otherwise."""
    for needle, key in _YAML_ADVICE:
        if needle in problem or needle in context:
            return msg(key)
    return msg("yaml.other", problem=problem or context or "?")

