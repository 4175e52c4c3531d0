"""ignore.yaml: reviewed exceptions of the desk, next to styleguide.yaml ("a false alarm is said once").

    # each entry: a rule and where it does not apply, why, and who said so
    - rule: style.abbreviations.introduce     # a rule id, namespace, category or LanguageTool id
      text: "TDK"                             # the flagged text (exactly), and/or
      sentence: "Bei dem Unternehmen TDK in Zehlendorf hängt ein Schild."   # the sentence it is in
      pattern: 'Unternehmen TDK'              # or a regular expression searched in its paragraph
      file: drafts/tdk-werk.md                # optional: only in this draft (a glob, from this folder)
      reason: "Firmenname, keine Abkürzung"
      who: Erika Muster

An entry needs `rule`, `reason`, `who` and at least one of `text`, `sentence`, `pattern`: a rule
that is wrong everywhere is switched off in styleguide.yaml, not here. `check`, the hook and CI read
the same file. A finding an entry matches is not reported but kept as suppressed (shown by
`--format json` with the entry's line, counted in the text summary); nothing is dropped unseen.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from edtool.diagnostics import Diagnostic
from edtool.draft import Draft
from edtool.messages import msg
from edtool.styleguide import StyleGuide, StyleGuideError
from edtool.switches import Suppressed, names_of

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

FILE_NAME = "ignore.yaml"
KEYS = ("rule", "text", "sentence", "pattern", "file", "reason", "who")
REQUIRED = ("rule", "reason", "who")
HEADER = ("# Reviewed exceptions: findings that do not apply (README, \"ignore.yaml\").\n"
          "# Add with: edtool ignore add FILE:LINE:COLUMN RULE --reason \"...\"\n")
_SPACE = re.compile(r"\s+")


class IgnoreFileError(StyleGuideError):
    """A broken ignore file: its path, line and column (exit 2, like a broken style guide)."""

    def __str__(self) -> str:
        return msg("ignore.invalid", path=self.path, line=self.line, column=self.column, problem=self.problem)


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Entry:
    rule: str
    reason: str
    who: str
    line: int  # where the entry starts in the file
    text: str | None = None
    sentence: str | None = None
    pattern: re.Pattern | None = None
    file: str | None = None


class Paragraphs:
    """The source paragraph (lines up to blank lines) around a line, whitespace normalised; built once
    per draft, so matching many findings stays linear."""

    def __init__(self, draft: Draft):
        self.draft = draft
        self._block: list[int] | None = None
        self._text: dict[int, str] = {}

    def _blocks(self) -> list[int]:
        if self._block is None:
            block, current = [0] * (self.draft.line_count + 2), 1
            for line in range(1, self.draft.line_count + 1):
                if not self.draft.line_text(line).strip():
                    current = line + 1
                block[line] = current
            self._block = block
        return self._block

    def around(self, line: int) -> str:
        blocks = self._blocks()
        if not 1 <= line <= self.draft.line_count:
            return ""
        first = blocks[line]
        if first not in self._text:
            last = first
            while last + 1 <= self.draft.line_count and blocks[last + 1] == first:
                last += 1
            self._text[first] = _normal(" ".join(self.draft.line_text(n) for n in range(first, last + 1)))
        return self._text[first]


def flagged_text(draft: Draft, d: Diagnostic) -> str:
    """The text a finding points at (its matched text, or the source span on its line)."""
    if d.line == d.end_line and 1 <= d.line <= draft.line_count:
        return draft.line_text(d.line)[d.column - 1 : d.end_column - 1]
    return d.source


class IgnoreFile:
    def __init__(self, path: Path, entries: list[Entry]):
        self.path, self.entries = path, entries
        self.folder = path.resolve().parent
        self.shown = os.path.relpath(path) if not path.is_absolute() or _under_cwd(path) else str(path)

    @classmethod
    def load(cls, path: Path) -> "IgnoreFile":
        """The entries of `path`; a missing file has none. Every problem is an IgnoreFileError."""
        shown = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, [])
        except (OSError, UnicodeDecodeError) as exc:
            raise IgnoreFileError(shown, 1, 1, str(exc)) from None
        return cls(path, parse(text, shown))

    def matches(self, entry: Entry, d: Diagnostic, draft: Draft, paragraphs: Paragraphs) -> bool:
        if entry.rule not in names_of(d.rule, d.category.value):
            return False
        if entry.file is not None and not self._file_matches(entry.file, d.path):
            return False
        if entry.text is not None and flagged_text(draft, d) != entry.text and d.source != entry.text:
            return False
        if entry.sentence is not None and _normal(entry.sentence) not in paragraphs.around(d.line):
            return False
        if entry.pattern is not None and not entry.pattern.search(paragraphs.around(d.line)):
            return False
        return True

    def _file_matches(self, pattern: str, path: str) -> bool:
        candidates = {Path(path).as_posix()}
        try:
            candidates.add(Path(path).resolve().relative_to(self.folder).as_posix())
        except ValueError:
            pass
        return any(fnmatch.fnmatchcase(c, pattern) or c.endswith("/" + pattern) for c in candidates)

    def apply(self, draft: Draft, found: list[Diagnostic], suppressed: list[Diagnostic] | None) -> list[Diagnostic]:
        """Findings no entry matches; the others go to `suppressed`, each naming its entry."""
        if not self.entries or not found:
            return found
        by_rule: dict[str, list[Entry]] = {}
        for entry in self.entries:
            by_rule.setdefault(entry.rule, []).append(entry)
        paragraphs = Paragraphs(draft)
        kept = []
        for d in found:
            hit = None
            for name in names_of(d.rule, d.category.value):
                hit = next((e for e in by_rule.get(name, ()) if self.matches(e, d, draft, paragraphs)), None)
                if hit:
                    break
            if hit is None:
                kept.append(d)
            elif suppressed is not None:
                suppressed.append(Suppressed.of(d, f"{self.shown}:{hit.line}", "ignore", hit.reason, hit.who))
        return kept


def _under_cwd(path: Path) -> bool:
    try:
        path.resolve().relative_to(Path.cwd().resolve())
        return True
    except (ValueError, OSError):
        return False


def parse(text: str, shown: str = FILE_NAME) -> list[Entry]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise IgnoreFileError(shown, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1,
                              f"YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise IgnoreFileError(shown, 1, 1, f"YAML: {exc}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise IgnoreFileError(shown, root.start_mark.line + 1, root.start_mark.column + 1,
                              msg("ignore.not-a-list"))
    entries = []
    for item in root.value:
        at = (item.start_mark.line + 1, item.start_mark.column + 1)
        if not isinstance(item, yaml.MappingNode):
            raise IgnoreFileError(shown, *at, msg("ignore.not-a-mapping"))
        values: dict[str, str] = {}
        for key_node, value_node in item.value:
            key = key_node.value
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key not in KEYS:
                raise IgnoreFileError(shown, *where, msg("ignore.unknown-key", key=key, keys=", ".join(KEYS)))
            if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
                raise IgnoreFileError(shown, value_node.start_mark.line + 1, value_node.start_mark.column + 1,
                                      msg("ignore.not-text", key=key))
            values[key] = str(value_node.value)
        for key in REQUIRED:
            if key not in values:
                raise IgnoreFileError(shown, *at, msg("ignore.missing-key", key=key))
        if not any(k in values for k in ("text", "sentence", "pattern")):
            raise IgnoreFileError(shown, *at, msg("ignore.no-place"))
        pattern = None
        if "pattern" in values:
            try:
                pattern = re.compile(values["pattern"])
            except re.error as exc:
                raise IgnoreFileError(shown, *at, msg("ignore.bad-pattern", pattern=values["pattern"],
                                                       problem=exc.msg)) from None
        entries.append(Entry(values["rule"], values["reason"], values["who"], at[0], values.get("text"),
                             values.get("sentence"), pattern, values.get("file")))
    return entries


def load_for(guide: StyleGuide) -> IgnoreFile:
    """The ignore file next to the style guide (loaded once per run: CheckRun.ignore)."""
    return IgnoreFile.load(Path(guide.path).parent / FILE_NAME)


def apply_ignore(draft: Draft, run: CheckRun, found: list[Diagnostic],
                 suppressed: list[Diagnostic] | None = None) -> list[Diagnostic]:
    return run.ignore.apply(draft, found, suppressed)


# -- adding an entry from a finding ----------------------------------------------------------------

def sentence_at(draft: Draft, d: Diagnostic) -> str:
    """The sentence of the source paragraph that holds the finding's start, whitespace normalised."""
    from edtool.checks.style.text import sentence_spans

    paragraph_lines = []
    first = d.line
    while first > 1 and draft.line_text(first - 1).strip():
        first -= 1
    last = d.line
    while last < draft.line_count and draft.line_text(last + 1).strip():
        last += 1
    offset = 0
    for n in range(first, last + 1):
        if n == d.line:
            offset += d.column - 1
            break
        offset += len(draft.line_text(n)) + 1
    paragraph_lines = [draft.line_text(n) for n in range(first, last + 1)]
    paragraph = " ".join(paragraph_lines)
    for start, end in sentence_spans(paragraph):
        if start <= offset < end:
            return _normal(paragraph[start:end])
    return _normal(paragraph)


def new_entry(draft: Draft, d: Diagnostic, file: str | None, reason: str, who: str) -> dict[str, str]:
    entry = {"rule": d.rule}
    if file:
        entry["file"] = file
    text = flagged_text(draft, d)
    if text and d.line == d.end_line and len(text) <= 80:
        entry["text"] = text
    entry["sentence"] = sentence_at(draft, d)
    entry["reason"] = reason
    entry["who"] = who
    return entry


def append_entry(path: Path, entry: dict[str, str]) -> int:
    """Append an entry to the ignore file (made when missing); its comments stay. Returns its line."""
    from edtool.fsutil import atomic_write

    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = HEADER
    parse(old, str(path))  # a broken file is reported, never extended
    root = yaml.compose(old, Loader=yaml.SafeLoader)
    if root is not None and getattr(root, "flow_style", False):
        raise IgnoreFileError(str(path), root.start_mark.line + 1, root.start_mark.column + 1,
                              msg("ignore.flow-list"))
    if old and not old.endswith("\n"):
        old += "\n"
    lines = [f"- {key}: {json.dumps(value, ensure_ascii=False)}" if i == 0 else
             f"  {key}: {json.dumps(value, ensure_ascii=False)}" for i, (key, value) in enumerate(entry.items())]
    new = old + "\n".join(lines) + "\n"
    entries = parse(new, str(path))
    atomic_write(path, new.encode("utf-8"))
    return entries[-1].line
