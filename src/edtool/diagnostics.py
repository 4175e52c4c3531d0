"""The one finding type every check returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        return cls(value.lower())


class Category(str, Enum):
    FILE = "file"
    METADATA = "metadata"
    DATELINE = "dateline"
    STYLE = "style"
    GRAMMAR = "grammar"
    SPELLING = "spelling"


CATEGORY_NAMES = tuple(c.value for c in Category)


@dataclass(frozen=True)
class Fix:
    """Replace source characters [start, end) (offsets into Draft.text) by `replacement`.
    `expected` is the text the finding matched there; the fixer applies nothing else."""

    start: int
    end: int
    replacement: str
    expected: str | None = None


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    category: Category
    severity: Severity
    message: str
    suggestions: tuple[str, ...] = ()
    fix: Fix | None = None
    source: str = field(default="", compare=False)  # optional matched text, for reporters

    @classmethod
    def span(cls, draft, start: int, end: int, rule: str, category: Category, severity: Severity, message: str,
             suggestions=(), fix: Fix | None = None) -> "Diagnostic":
        """A finding over the draft's source characters [start, end) (offsets into Draft.text)."""
        line, column = draft.position(start)
        end_line, end_column = draft.position(end)
        return cls(draft.path, line, column, end_line, end_column, rule, category, severity, message,
                   tuple(suggestions), fix)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple:
        return (self.line, self.column, self.rule)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "fixable": self.fixable,
        }
