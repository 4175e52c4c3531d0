"""styleguide.yaml: found, loaded once, and located, so every error in it points at its line."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from edtool.errors import EdtoolError
from edtool.messages import msg

FILE_NAME = "styleguide.yaml"
ENV_VAR = "EDTOOL_STYLEGUIDE"
KNOWN_SECTIONS = {
    "version": int, "language": str, "metadata": dict, "dateline": dict, "new": dict,
    "vocabulary": dict, "rules": list, "grammar": dict, "publish": dict, "authors": list, "workflow": dict,
}

try:  # libyaml keeps marks too and is several times faster
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class StyleGuideError(EdtoolError):
    def __init__(self, path: str, line: int, column: int, problem: str):
        super().__init__(problem)
        self.path, self.line, self.column, self.problem = path, line, column, problem

    def __str__(self) -> str:
        if self.line == 0:  # no file to point into: it is missing
            return self.problem
        return msg("styleguide.invalid", path=self.path, line=self.line, column=self.column, problem=self.problem)


def find_styleguide(explicit: str | None = None, start: Path | None = None) -> Path:
    """--styleguide, then EDTOOL_STYLEGUIDE, then styleguide.yaml walking up from `start`."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise StyleGuideError(str(path), 0, 0, msg("styleguide.missing", path=path))
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
    raise StyleGuideError(FILE_NAME, 0, 0, msg("styleguide.not-found", start=here))


@dataclass
class StyleGuide:
    """styleguide.yaml as loaded: configuration only (what a check run builds from it: edtool.checkrun)."""

    path: str
    data: dict[str, Any]
    root: yaml.Node | None = None

    @classmethod
    def load(cls, path: str | Path) -> "StyleGuide":
        path_str = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StyleGuideError(path_str, 1, 1, str(exc)) from None
        return cls.from_text(text, path_str)

    @classmethod
    def from_text(cls, text: str, path: str = FILE_NAME) -> "StyleGuide":
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else {}
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise StyleGuideError(path, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1,
                                  f"YAML: {exc.problem or exc.context}") from None
        except yaml.YAMLError as exc:
            raise StyleGuideError(path, 1, 1, f"YAML: {exc}") from None
        finally:
            loader.dispose()
        if not isinstance(data, dict):
            raise StyleGuideError(path, 1, 1, "oberste Ebene muss aus Abschnitten (schlüssel: wert) bestehen")
        guide = cls(path, data, root)
        guide._validate_sections()
        return guide

    def _validate_sections(self) -> None:
        for key, value in self.data.items():
            expected = KNOWN_SECTIONS.get(key)
            if expected is None:
                import difflib

                close = difflib.get_close_matches(str(key), list(KNOWN_SECTIONS), n=1)
                hint = f"Meinten Sie „{close[0]}“?" if close else f"bekannt: {', '.join(sorted(KNOWN_SECTIONS))}"
                raise self.error(f"unbekannter Abschnitt „{key}“ ({hint})", key)
            if not isinstance(value, expected):
                raise self.error(f"Abschnitt „{key}“ hat den falschen Typ (erwartet {expected.__name__})", key)

    # -- access ------------------------------------------------------------------------------
    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def get(self, *keys: str | int, default: Any = None) -> Any:
        value: Any = self.data
        for key in keys:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return default
        return value

    def locate(self, *keys: str | int) -> tuple[int, int]:
        """1-based line and column of the node at keys (or of its nearest existing parent)."""
        node = self.root
        if node is None:
            return 1, 1
        best = node.start_mark
        for key in keys:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == key:
                        child, best = value_node, key_node.start_mark
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                child = node.value[key]
                best = child.start_mark
            if child is None:
                break
            node = child
        return best.line + 1, best.column + 1

    def error(self, problem: str, *keys: str | int) -> StyleGuideError:
        line, column = self.locate(*keys)
        return StyleGuideError(self.path, line, column, problem)

    @property
    def folder(self) -> Path:
        return Path(self.path).resolve().parent
