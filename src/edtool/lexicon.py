"""The desk's memory of words: what the published articles use that LanguageTool does not know.

`edtool vocabulary learn` reads every Markdown article tracked in the content repository, asks
LanguageTool's speller (the same server, settings and cache as `check`) which words it does not
know, and adds to the reviewed word list (styleguide.yaml `vocabulary.learned`) the words that are
names or terms rather than slips: a word the name evidence of checks/spelling.py clears in its
article, or one that two or more published articles use. A word the speller would keep as a typo
in its only article is not learned (published copy has typos too). Existing lines, comments and
deletions made in review stay as they are; new words are appended under a dated comment.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from edtool.errors import EdtoolError
from edtool.styleguide import StyleGuide


class LexiconError(EdtoolError):
    """Could not learn: no content repository, no word list configured, git failed."""


@dataclass
class Learned:
    path: Path
    articles: int = 0
    new: list[str] = field(default_factory=list)
    total: int = 0


def content_root(guide: StyleGuide, content_repo: str | Path | None = None) -> Path:
    from edtool.desk import content_repo_path
    from edtool.messages import msg

    folder = content_repo_path(guide, content_repo)
    if folder is None:
        raise LexiconError(msg("publish.no-content-repo"))
    return folder


def published_articles(root: Path) -> list[tuple[str, str]]:
    """(path, text) of every Markdown file git tracks in the content repository."""
    from edtool.messages import msg

    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", "*.md"], capture_output=True,
                             check=True).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.CalledProcessError):
        raise LexiconError(msg("publish.not-a-repo", path=root)) from None
    articles = []
    for name in sorted(n for n in out.split("\0") if n):
        try:
            articles.append((name, (root / name).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue  # a file that cannot be read teaches nothing
    return articles


def learn(guide: StyleGuide, content_repo: str | Path | None = None, write: bool = True) -> Learned:
    from edtool.checkrun import CheckRun
    from edtool.checks import grammar, spelling
    from edtool.draft import Draft, DraftError
    from edtool.messages import msg

    target = grammar._learned_path(guide)
    if target is None:
        raise LexiconError(msg("vocabulary.not-configured"))
    existing = grammar.read_term_file(target) if target.exists() else []
    run = CheckRun(guide)
    known = set(existing) | set(run.desk_terms)
    settings = run.grammar_settings
    session = run.grammar_session
    root = content_root(guide, content_repo)
    articles_of: dict[str, set[str]] = defaultdict(set)
    names: set[str] = set()
    result = Learned(target)
    for name, text in published_articles(root):
        try:
            draft = Draft.from_text(text, str(root / name))
        except DraftError:
            continue
        pieces = grammar.pieces_of(draft)
        if not pieces:
            continue
        result.articles += 1
        language = grammar.draft_language(draft, settings)
        matches = session.check_texts([p.text for p in pieces], language, grammar.blocks_of(pieces))
        tags = draft.front_matter.get("tags")
        article = spelling.Article.of([p.segment.text for p in pieces], tags if isinstance(tags, list) else ())
        for piece, found in zip(pieces, matches):
            for match in found:
                if not grammar._is_speller(match):
                    continue
                start, end = grammar._speller_span(piece.text, match.offset, match.length)
                token = piece.text[start:end]
                verdict = spelling.judge(token, match.replacements, spelling.context_at(piece.text, start, end),
                                         article)
                for part in spelling.changed_parts(token, match.replacements):
                    part = part.strip(".'’")
                    if not part or part in known:
                        continue
                    articles_of[part].add(name)
                    if not verdict.keep:
                        names.add(part)
    result.new = sorted(w for w, where in articles_of.items() if w in names or len(where) >= 2)
    result.total = len(existing) + len(result.new)
    if write and result.new:
        _append(target, result.new, result.articles)
    return result


def _append(path: Path, words: list[str], articles: int) -> None:
    from edtool.fsutil import atomic_write

    old = path.read_text(encoding="utf-8") if path.exists() else (
        "# Words of the published articles that LanguageTool does not know: names, brands, terms.\n"
        "# Written by `edtool vocabulary learn`; review it like code (delete what is a typo). One term a line.\n")
    if old and not old.endswith("\n"):
        old += "\n"
    block = f"\n# learned {dt.date.today().isoformat()} from {articles} published articles\n" + "".join(
        f"{w}\n" for w in words)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, (old + block).encode("utf-8"))


__all__ = ["learn", "Learned", "LexiconError", "content_root"]
