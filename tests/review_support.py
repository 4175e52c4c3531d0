"""Shared by the review page tests: the sample draft, its findings, and an HTML reader of the marks."""

from __future__ import annotations

import html.parser
from pathlib import Path

from conftest import FIXTURES, REPO

SAMPLE = FIXTURES / "review" / "pruefentwurf.md"


class Marks(html.parser.HTMLParser):
    """Text inside <mark data-f=...> per finding number, whether the HTML nests properly, and the
    text of the page outside the header and the finding list."""

    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[int]]] = []
        self.marked: dict[int, str] = {}
        self.points: set[int] = set()
        self.balanced = True
        self.tags: set[str] = set()
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if "src" in attrs or tag == "link":
            self.external.append(attrs.get("src") or attrs.get("href") or "")
        if tag in self.VOID:
            return
        numbers = [int(n) for n in (attrs.get("data-f") or "").split()] if tag == "mark" else []
        if "point" in (attrs.get("class") or ""):
            self.points.update(numbers)
        self.stack.append((tag, numbers))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.balanced = False
            return
        self.stack.pop()

    def handle_data(self, data):
        for _, numbers in self.stack:
            for n in numbers:
                self.marked[n] = self.marked.get(n, "") + data


def marks_of(page_html: str) -> Marks:
    parser = Marks()
    parser.feed(page_html)
    parser.close()
    return parser


def check_results(path: Path, skip=("grammar", "spelling")):
    from edtool.engine import CheckOptions, run_checks
    from edtool.styleguide import StyleGuide

    guide = StyleGuide.load(REPO / "styleguide.yaml")
    return run_checks([str(path)], guide, CheckOptions(skip=set(skip)))[0]
