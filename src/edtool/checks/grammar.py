"""Grammar and spelling from LanguageTool, mapped back to exact source positions.

LanguageTool reads the prose view only (title and teaser as their own texts, then headings,
paragraphs, list items, quotes; never front matter, code, HTML, URLs or link targets) and not the
dateline at the start of the first paragraph. Every segment is one cached unit; the segments not
in the cache go to the server in one request, separated by blank lines.

Rule ids: `spelling.<LT rule id>` when LanguageTool's issue type is `misspelling` (the German
speller, GERMAN_SPELLER_RULE, and its kin), else `grammar.<LT rule id>`, e.g. `grammar.DE_AGREEMENT`.

styleguide.yaml, section `grammar:` (all optional):
  server_url           shared LanguageTool server; nothing starts locally (EDTOOL_LANGUAGETOOL_URL wins)
  required             true: LanguageTool unavailable is exit status 2, not a warning
  language             default language when a draft has no `language` field (de-DE)
  idle_minutes         the local server stops after this long without use (30; 0 = never)
  timeout              seconds per request (30)
  disabled_rules       LanguageTool rule ids not to check
  disabled_categories  LanguageTool category ids not to check (e.g. TYPOGRAPHY)
  severity             {key: error|warning|info}; key is an edtool rule id, a LanguageTool rule id,
                       a LanguageTool category id, `grammar`, `spelling` or `default` (first match wins)
  max_suggestions      replacements kept per finding (5)
  foreign_languages    spellers asked whether an unknown word is a foreign term ([en-US]; [] = none)
`vocabulary.accept` lists words and names the desk accepts: spelling findings on them are dropped;
`vocabulary.learned` names a reviewed word list (one term a line, # comments) with the same effect,
written by `edtool vocabulary learn` from the published articles.

Title, teaser and each section of the body (a heading starts one) go to LanguageTool as separate
texts, so rules that look across sentences (sentence beginnings, quotes) never cross them. Speller
findings pass through checks/spelling.py (name or typo, from the article's evidence); grammar
findings that misread news copy, and the weekday check, are in checks/newsrules.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edtool.checks.grammar_settings import (  # noqa: F401  (re-exported)
    LANGUAGES,
    GrammarSettings,
    load_settings,
    warmup_params,
)
from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.draft import Draft, DraftError
from edtool.languagetool import URL_ENV, LanguageToolError, pinned_version
from edtool.messages import msg
from edtool.prose import Segment, prose_of
from edtool.styleguide import StyleGuide

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

SEPARATOR = "\n\n"
MAX_REQUEST_CHARS = 20_000  # shared servers limit text length; local ones get the same chunks
MIN_PARALLEL_CHARS = 1_200  # below this, one request; above, up to WORKERS requests at once
WORKERS = max(1, min(4, os.cpu_count() or 1))  # LanguageTool checks one request on one core
# requests at once when sending ahead for many drafts: more than the server's cores, so that it has the
# next request while edtool reads an answer (2, 3, 4 at once: 4 fastest here, within the noise);
# a shared server gets no more than WORKERS
AHEAD_WORKERS = 2 * WORKERS
_LETTER = re.compile(r"[^\W\d_]")


class GrammarSession:
    """One run's connection to LanguageTool: server, client and cache, set up on first need."""

    def __init__(self, settings: GrammarSettings):
        from edtool.languagetool.cache import ResultCache

        self.settings = settings
        url = os.environ.get(URL_ENV) or settings.server_url
        self.remote_url = url.rstrip("/") if url else None
        server_id = f"remote:{self.remote_url}" if self.remote_url else f"languagetool-{pinned_version()}"
        self.cache = ResultCache(server_id, settings.request_settings)
        self._client = None
        self.failure: LanguageToolError | None = None
        self.prefetched: dict[tuple[str, str], list] = {}  # (language, text) -> matches, see prefetch()
        self.pending: dict[tuple[str, str], object] = {}  # (language, text) -> Future of its request
        self._ahead = None  # the threads sending ahead
        self.stopped = False

    @property
    def requests(self) -> int:
        return self._client.requests if self._client else 0

    def detach(self) -> None:
        """Forget the connection, keep the answers and a known failure (a forked worker opens its own)."""
        self._client = None

    def client(self, restart: bool = False, language: str | None = None):
        if self.failure is not None:
            raise self.failure
        if self._client is None or restart:
            from edtool.languagetool.client import Client

            try:
                if self.remote_url:
                    url, local = self.remote_url, False
                else:
                    from edtool.languagetool.server import ensure_running

                    url, local = ensure_running(self.settings.idle_minutes,
                                              warmup=warmup_params(self.settings, language)).url, True
            except LanguageToolError as exc:
                self.failure = exc
                raise
            except OSError as exc:  # e.g. a cache folder that cannot be written
                from edtool.languagetool import cache_dir

                self.failure = LanguageToolError(msg("grammar.start-failed", detail=str(exc), log=cache_dir()),
                                                 "start-failed")
                raise self.failure from None
            sent = self._client.requests if self._client else 0
            self._client = Client(url, self.settings.timeout, self.settings.disabled_rules,
                                  self.settings.disabled_categories, local=local)
            self._client.requests = sent
        return self._client

    def _lookup(self, text: str, language: str) -> list | None:
        key = (language, text)
        on_its_way = self.pending.get(key)
        if on_its_way is not None and not on_its_way.cancelled():
            on_its_way.result()  # sent ahead and not back yet: wait (it raises nothing)
        found = self.prefetched.get(key)
        return found if found is not None else self.cache.get(text, language)

    def plan(self, texts: list[str], language: str, blocks: list[int] | None = None,
             results: list | None = None) -> list[list[str]]:
        """The requests for the texts that are not cached: texts of different blocks (title, teaser,
        body sections) never share one. `results` gets each text's cached matches (or None)."""
        block_of: dict[str, int] = {}
        for i, text in enumerate(texts):
            found = self._lookup(text, language)
            if results is not None:
                results.append(found)
            if found is None:
                block_of.setdefault(text, blocks[i] if blocks else 0)
        groups: list[list[str]] = []
        for block in dict.fromkeys(block_of.values()):
            groups.extend(_groups([t for t in block_of if block_of[t] == block], WORKERS))
        return groups

    def check_texts(self, texts: list[str], language: str, blocks: list[int] | None = None) -> list[list]:
        """LanguageTool matches for each text, from the cache or from the server. Texts of different
        blocks (title, teaser, body sections) never share a request."""
        results: list[list | None] = []
        groups = self.plan(texts, language, blocks, results)
        fetched: dict[str, list] = {}
        if groups:
            fetched = self._request(groups, language)
            for text, found in fetched.items():
                self.cache.put(text, language, found)
        return [found if found is not None else fetched[text] for text, found in zip(texts, results)]

    def fetch_ahead(self, planned: dict[str, list[list[str]]], wait: bool = True) -> None:
        """Send planned requests (language -> groups), up to AHEAD_WORKERS at a time across drafts,
        and keep the answers for this run (and in the cache). wait=False: in the background, while
        the checks run; a check that needs a text still on its way waits for it (_lookup). A request
        that fails leaves its texts to the check, which asks again or reports the failure."""
        from edtool.languagetool.pool import RequestPool

        jobs = [(language, group) for language, groups in planned.items() for group in groups]
        self.stopped = False
        if not jobs:
            return
        try:  # the connection and each language's client, before any thread
            clients = {language: self.client(language=language) for language in planned}
            for language, client in clients.items():
                client.prepare(language)
        except LanguageToolError as exc:
            if exc.kind != "crashed":  # a killed server is started anew by the first check that asks
                self.failure = self.failure or exc
            return
        workers = WORKERS if self.remote_url else AHEAD_WORKERS
        self._ahead = RequestPool(min(workers, len(jobs)))
        for language, group in jobs:
            future = self._ahead.submit(self._fetch_group, clients[language], group, language)
            for text in group:
                self.pending[(language, text)] = future
        self._ahead.shutdown(wait=wait)  # on Ctrl-C the run's end stops it (engine: stop_prefetch)

    def _fetch_group(self, client, group: list[str], language: str) -> None:
        if self.failure is not None or self.stopped:
            return
        try:
            matches = client.check(SEPARATOR.join(group), language)
        except LanguageToolError as exc:
            if exc.kind != "crashed":  # a killed server is started anew by the check that asks again
                self.failure = self.failure or exc
            return
        for text, found in _split(group, matches).items():
            self.cache.put(text, language, found)
            self.prefetched[(language, text)] = found

    def stop_ahead(self) -> None:
        """Drop the requests not sent yet (the run ends early, e.g. on Ctrl-C)."""
        self.stopped = True
        if self._ahead is not None:
            self._ahead.shutdown(wait=False, cancel_futures=True)

    def _request(self, groups: list[list[str]], language: str, workers: int = 0) -> dict[str, list]:
        joined = [SEPARATOR.join(group) for group in groups]
        workers = workers or WORKERS
        try:
            answers = self.client(language=language).check_many(joined, language, workers)
        except LanguageToolError as exc:
            if exc.kind != "crashed":
                self.failure = exc
                raise
            # killed: start anew once
            answers = self.client(restart=True, language=language).check_many(joined, language, workers)
        out: dict[str, list] = {}
        for group, matches in zip(groups, answers):
            out.update(_split(group, matches))
        return out


def _split(texts: list[str], matches: list) -> dict[str, list]:
    """Matches of texts joined by SEPARATOR, back to each text with its own offsets."""
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + len(SEPARATOR)
    out: dict[str, list] = {text: [] for text in texts}
    index = 0
    for match in sorted(matches, key=lambda m: m.offset):
        while index + 1 < len(starts) and match.offset >= starts[index + 1]:
            index += 1
        local = match.shifted(-starts[index])
        if local.offset >= 0 and local.offset + local.length <= len(texts[index]):  # never across two texts
            out[texts[index]].append(local)
    return out


def _groups(texts: list[str], workers: int) -> list[list[str]]:
    """Texts in order, in up to `workers` requests of similar size (small drafts: one request)."""
    total = sum(len(t) + len(SEPARATOR) for t in texts)
    count = max(1, min(workers, len(texts), total // MIN_PARALLEL_CHARS), -(-total // MAX_REQUEST_CHARS))
    target = total / count
    groups: list[list[str]] = [[]]
    size = 0
    for text in texts:
        length = len(text) + len(SEPARATOR)
        if groups[-1] and (size + length / 2 > target or size + length > MAX_REQUEST_CHARS):
            groups.append([])
            size = 0
        groups[-1].append(text)
        size += length
    return groups


def prefetch(sources: list, run: CheckRun, wait: bool = True) -> None:
    """Before checking many drafts: send the uncached texts of all of them to LanguageTool, up to
    AHEAD_WORKERS requests at a time, so the server never waits for our side between drafts; the
    checks then read the answers (GrammarSession.prefetched). wait=False: the requests go on in the
    background while the checks run (the checks of a draft wait only for its own texts). The
    requests are the ones the checks would send one draft after another (same grouping; a text an
    earlier draft had is not sent again), so the findings are the same. Drafts are loaded here and
    again by the checks (a few milliseconds each) rather than all kept in memory. LanguageTool
    unavailable: nothing fetched, the checks report it as they would."""
    settings = run.grammar_settings
    if not settings.enabled or len(sources) < 2:
        return
    session = run.grammar_session
    planned: dict[str, list[list[str]]] = {}
    seen: set[tuple[str, str]] = set()
    for _, load in sources:
        try:
            draft = load()
        except DraftError:
            continue  # the check reports it
        pieces = pieces_of(draft)
        language = draft_language(draft, settings)
        fresh = [i for i, p in enumerate(pieces) if (language, p.text) not in seen]
        blocks = blocks_of(pieces)
        groups = session.plan([pieces[i].text for i in fresh], language, [blocks[i] for i in fresh])
        seen.update((language, p.text) for p in pieces)
        planned.setdefault(language, []).extend(groups)
    session.fetch_ahead(planned, wait)


def stop_prefetch(run: CheckRun) -> None:
    session = run.started_grammar_session
    if session is not None:
        session.stop_ahead()


# -- what LanguageTool reads ---------------------------------------------------------------------
@dataclass(frozen=True)
class Piece:
    segment: Segment
    start: int  # index in segment.text where the checked text begins (after a dateline)
    text: str


def pieces_of(draft: Draft) -> list[Piece]:
    from edtool.checks.dateline import text_starts

    view = prose_of(draft)
    starts = text_starts(view)
    pieces = []
    for segment in view.segments:
        start = starts.get(id(segment), 0)
        text = segment.text[start:]
        if _LETTER.search(text):
            pieces.append(Piece(segment, start, text))
    return pieces


def blocks_of(pieces: list[Piece]) -> list[int]:
    """A block number per piece: the title, the teaser, and each body section (a heading starts one)."""
    out, block, previous = [], -1, None
    for piece in pieces:
        scope = piece.segment.scope
        if scope in ("title", "teaser", "heading") or previous in ("title", "teaser") or previous is None:
            block += 1
        out.append(block)
        previous = scope
    return out


def draft_language(draft: Draft, settings: GrammarSettings) -> str:
    value = draft.front_matter.get("language")
    return value if isinstance(value, str) and value in LANGUAGES else settings.language


# -- vocabulary ----------------------------------------------------------------------------------
_TERM = re.compile(r"[^\W_][\w.&'’+/ -]*(?<=[\w.+])")
MAX_TERM = 80


def _learned_path(guide: StyleGuide):
    from pathlib import Path

    value = guide.get("vocabulary", "learned")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise guide.error("„vocabulary.learned“ muss ein Dateipfad sein (z. B. vocabulary/learned.txt)",
                          "vocabulary", "learned")
    path = Path(value)
    return path if path.is_absolute() else Path(guide.path).resolve().parent / path


def read_term_file(path) -> list[str]:
    """The terms of a reviewed word list: one a line, `#` starts a comment; none while the file does
    not exist. A broken line is a StyleGuideError that names the file and line."""
    from edtool.styleguide import StyleGuideError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []  # not learned yet: `edtool vocabulary learn` writes it
    except UnicodeDecodeError:
        raise StyleGuideError(str(path), 1, 1, msg("vocabulary.encoding", path=path)) from None
    except OSError as exc:
        raise StyleGuideError(str(path), 1, 1, str(exc)) from None
    terms = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if len(line) > MAX_TERM or not _TERM.fullmatch(line) or "  " in line:
            column = len(raw) - len(raw.lstrip()) + 1
            raise StyleGuideError(str(path), number, column, msg("vocabulary.bad-term", term=line[:60]))
        terms.append(line)
    return terms


def read_desk_terms(guide: StyleGuide) -> tuple[str, ...]:
    """Words and names the desk accepts: vocabulary.accept and the learned list (once per run:
    CheckRun.desk_terms)."""
    words = [str(w).strip() for w in guide.get("vocabulary", "accept", default=[]) or [] if str(w).strip()]
    path = _learned_path(guide)
    if path is not None:
        words.extend(read_term_file(path))
    return tuple(dict.fromkeys(words))


def vocabulary_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for the desk's terms (once per run: CheckRun.vocabulary)."""
    words = sorted(set(terms), key=len, reverse=True)
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in words)
    # a word as a whole, optionally with a genitive s or an apostrophe
    return re.compile(rf"(?<![\w-])(?:{alternation})(?:s|'s?|’s?)?(?![\w])")


def _accepted_spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)] if pattern else []


def _accepted(text: str, start: int, end: int, accepted: list[tuple[int, int]]) -> bool:
    """A spelling match on an accepted term, or on a hyphen compound built on one
    ("Baikonur-Kosmodrom"): the speller flags the compound for the name it does not know."""
    if any(a <= start and end <= b for a, b in accepted):
        return True
    return "-" in text[start:end] and any(start <= a and b <= end for a, b in accepted)


# -- the check -----------------------------------------------------------------------------------
def _is_spelling(match) -> bool:
    return match.issue_type == "misspelling" or "SPELLER" in match.rule_id


def _is_speller(match) -> bool:
    return "SPELLER" in match.rule_id


def _message(match, text: str) -> str:
    """LanguageTool's message; a spelling one names the word, since the speller's own text does not."""
    if _is_spelling(match):
        return f"„{text[match.offset : match.offset + match.length]}“: {match.message}"
    return match.message


def _severity(settings: GrammarSettings, rule: str, match, category: Category) -> Severity:
    for key in (rule, match.rule_id, match.category, category.value, "default"):
        if key in settings.severity:
            return settings.severity[key]
    return Severity.WARNING


def _speller_span(text: str, offset: int, length: int) -> tuple[int, int]:
    """The speller's span widened to the digits it split off ("3" of "3er-Facelifts", "2" of "Tele2")."""
    start, end = offset, offset + length
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return start, end


def _foreign_words(session: GrammarSession, settings: GrammarSettings, words: list[str]) -> frozenset[str]:
    """The words another language's speller knows (one cached text per word). When that speller does
    not answer, the words simply have no such evidence (they stay reported)."""
    known: set[str] = set()
    words = sorted(set(words))
    for language in settings.foreign_languages:
        if not words:
            break
        before = session.failure
        try:
            results = session.check_texts(words, language)
        except LanguageToolError:  # e.g. loading the language took too long: no evidence, nothing lost
            session.failure = before
            continue
        for word, matches in zip(words, results):
            if not any(_is_spelling(m) for m in matches):
                known.add(word)
        words = [w for w in words if w not in known]
    return frozenset(known)


def _article_texts(draft: Draft, pieces: list[Piece]) -> list[str]:
    return [p.segment.text for p in pieces]


def check_grammar(draft: Draft, run: CheckRun, session: GrammarSession | None = None) -> list[Diagnostic]:
    """LanguageTool's findings on the draft, through the run's session (or `session`)."""
    from edtool.checks import newsrules, spelling

    settings = run.grammar_settings
    if not settings.enabled:
        return []
    pieces = pieces_of(draft)
    if not pieces:
        return []
    session = session or run.grammar_session
    language = draft_language(draft, settings)
    vocabulary = run.vocabulary
    terms = frozenset(w for term in run.desk_terms for w in re.findall(r"[^\W_][\w.]*", term))
    try:
        results = session.check_texts([p.text for p in pieces], language, blocks_of(pieces))
        # the speller's unknown words: which of them are names or terms (checks/spelling.py)
        candidates: list[tuple[Piece, object, int, int]] = []
        for piece, matches in zip(pieces, results):
            accepted = _accepted_spans(piece.text, vocabulary)
            for match in matches:
                stop = match.offset + match.length
                if _is_speller(match) and not _accepted(piece.text, match.offset, stop, accepted):
                    start, end = _speller_span(piece.text, match.offset, match.length)
                    candidates.append((piece, match, start, end))
        tags = draft.front_matter.get("tags")
        article = spelling.Article.of(_article_texts(draft, pieces), tags if isinstance(tags, list) else (), terms)

        def judged() -> dict:
            return {(id(piece), match.offset): (spelling.judge(piece.text[start:end], match.replacements,
                                                               spelling.context_at(piece.text, start, end), article),
                                                start, end)
                    for piece, match, start, end in candidates}

        verdicts = judged()
        # a word the speller would keep as a typo may be a foreign term: ask another language's speller
        # (only for those, so most drafts never load a second language)
        if settings.foreign_languages:
            words = [part for piece, match, start, end in candidates
                     if verdicts[(id(piece), match.offset)][0].reason in ("typo", "unknown")
                     for part in spelling.changed_parts(piece.text[start:end], match.replacements)]
            if words:
                article.foreign = _foreign_words(session, settings, words)
                verdicts = judged()
    except LanguageToolError as exc:
        from edtool.engine import ServiceUnavailable

        raise ServiceUnavailable(msg("grammar.unchecked", reason=exc.message), required=settings.required) from None
    found: list[Diagnostic] = []

    def add(piece: Piece, start: int, end: int, rule: str, category: Category, severity: Severity,
            message: str, suggestions) -> None:
        begin = piece.start + start
        source_start, source_end = piece.segment.source_span(begin, begin + (end - start))
        line, column = draft.position(source_start)
        end_line, end_column = draft.position(source_end)
        found.append(Diagnostic(draft.path, line, column, end_line, end_column, rule, category, severity, message,
                                tuple(suggestions[: settings.max_suggestions]), source=piece.text[start:end]))

    for piece, matches in zip(pieces, results):
        accepted = None
        for match in matches:
            spelling_match = _is_spelling(match)
            start, end = match.offset, match.offset + match.length
            suggestions = list(match.replacements)
            category = Category.SPELLING if spelling_match else Category.GRAMMAR
            rule = f"{category.value}.{match.rule_id}"
            severity = _severity(settings, rule, match, category)
            message = _message(match, piece.text)
            if spelling_match:
                if accepted is None:
                    accepted = _accepted_spans(piece.text, vocabulary)
                if _accepted(piece.text, start, end, accepted):
                    continue
            if _is_speller(match):
                verdict, start, end = verdicts[(id(piece), match.offset)]
                if not verdict.keep:
                    continue
                if verdict.suggestion:
                    suggestions = [verdict.suggestion, *[s for s in suggestions if s != verdict.suggestion]]
                    message = msg("spelling.variant", word=piece.text[start:end], other=verdict.suggestion) \
                        if verdict.reason == "variant" else message
                if verdict.info:
                    severity = Severity.INFO
            elif newsrules.misfires(match.rule_id, piece.text, start, match.length, match.replacements, terms):
                continue
            add(piece, start, end, rule, category, severity, message, suggestions)
    if "WEEKDAY_DATE" not in settings.disabled_rules:
        when = newsrules.article_date(draft.front_matter.get("date"))
        for piece in pieces:
            for start, end, message, suggestion in newsrules.weekday_findings(piece.text, when):
                rule = "grammar.WEEKDAY_DATE"
                severity = settings.severity.get(rule) or settings.severity.get("grammar") \
                    or settings.severity.get("default") or Severity.WARNING
                add(piece, start, end, rule, Category.GRAMMAR, severity, message, [suggestion])
    found.sort(key=Diagnostic.sort_key)
    return found


__all__ = ["check_grammar", "load_settings", "GrammarSession", "GrammarSettings", "pieces_of"]
