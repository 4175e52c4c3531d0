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
`vocabulary.accept` lists words and names the desk accepts: spelling findings on them are dropped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from edtool.diagnostics import Category, Diagnostic, Severity
from edtool.draft import Draft
from edtool.languagetool import URL_ENV, LanguageToolError, pinned_version
from edtool.messages import msg
from edtool.prose import Segment, prose_of
from edtool.styleguide import StyleGuide

LANGUAGES = ("de-DE", "de-AT", "de-CH")
SEPARATOR = "\n\n"
MAX_REQUEST_CHARS = 20_000  # shared servers limit text length; local ones get the same chunks
MIN_PARALLEL_CHARS = 1_200  # below this, one request; above, up to WORKERS requests at once
WORKERS = max(1, min(4, os.cpu_count() or 1))  # LanguageTool checks one request on one core
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class GrammarSettings:
    server_url: str | None = None
    required: bool = False
    language: str = "de-DE"
    idle_minutes: float = 30.0
    timeout: float = 30.0
    disabled_rules: tuple[str, ...] = ()
    disabled_categories: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    max_suggestions: int = 5
    enabled: bool = True

    @property
    def request_settings(self) -> dict:
        """What changes LanguageTool's answer (part of the cache key)."""
        return {"disabled_rules": sorted(self.disabled_rules), "disabled_categories": sorted(self.disabled_categories)}


def _number(guide: StyleGuide, section: dict, key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise guide.error(f"„grammar.{key}“ muss eine Zahl ab 0 sein", "grammar", key)
    return float(value)


def _names(guide: StyleGuide, section: dict, key: str) -> tuple[str, ...]:
    value = section.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise guide.error(f"„grammar.{key}“ muss eine Liste von Regel-IDs sein", "grammar", key)
    return tuple(v.strip() for v in value)


def warmup_params(settings: GrammarSettings, language: str | None = None) -> dict:
    """The /v2/check parameters our requests carry, as the client sends them (sorted lists)."""
    params = {"language": language or settings.language}
    if settings.disabled_rules:
        params["disabledRules"] = ",".join(sorted(set(settings.disabled_rules)))
    if settings.disabled_categories:
        params["disabledCategories"] = ",".join(sorted(set(settings.disabled_categories)))
    return params


def load_settings(guide: StyleGuide) -> GrammarSettings:
    def build() -> GrammarSettings:
        section = guide.section("grammar")
        severity: dict[str, Severity] = {}
        raw = section.get("severity") or {}
        if not isinstance(raw, dict):
            raise guide.error("„grammar.severity“ muss eine Zuordnung Regel → Stufe sein", "grammar", "severity")
        for key, value in raw.items():
            try:
                severity[str(key)] = Severity.parse(str(value))
            except ValueError:
                raise guide.error(f"Stufe „{value}“ unbekannt (error, warning, info)", "grammar", "severity", key) from None
        language = section.get("language") or guide.get("language") or "de-DE"
        if language not in LANGUAGES:
            raise guide.error(msg("grammar.bad-language", language=language, allowed=", ".join(LANGUAGES)),
                              "grammar", "language")
        url = section.get("server_url")
        if url is not None and not isinstance(url, str):
            raise guide.error("„grammar.server_url“ muss eine Adresse sein (http://…)", "grammar", "server_url")
        return GrammarSettings(
            server_url=url or None,
            required=bool(section.get("required", False)),
            language=language,
            idle_minutes=_number(guide, section, "idle_minutes", 30),
            timeout=_number(guide, section, "timeout", 30) or 30.0,
            disabled_rules=_names(guide, section, "disabled_rules"),
            disabled_categories=_names(guide, section, "disabled_categories"),
            severity=severity,
            max_suggestions=int(_number(guide, section, "max_suggestions", 5)),
            enabled=bool(section.get("enabled", True)),
        )

    return guide.memo("grammar.settings", build)


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

    @property
    def requests(self) -> int:
        return self._client.requests if self._client else 0

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

    def check_texts(self, texts: list[str], language: str) -> list[list]:
        """LanguageTool matches for each text, from the cache or from the server."""
        results: list[list | None] = [self.cache.get(text, language) for text in texts]
        missing = list(dict.fromkeys(text for text, found in zip(texts, results) if found is None))
        fetched: dict[str, list] = {}
        if missing:
            fetched = self._request(_groups(missing, WORKERS), language)
            for text, found in fetched.items():
                self.cache.put(text, language, found)
        return [found if found is not None else fetched[text] for text, found in zip(texts, results)]

    def _request(self, groups: list[list[str]], language: str) -> dict[str, list]:
        joined = [SEPARATOR.join(group) for group in groups]
        try:
            answers = self.client(language=language).check_many(joined, language, WORKERS)
        except LanguageToolError as exc:
            if exc.kind != "crashed":
                self.failure = exc
                raise
            answers = self.client(restart=True, language=language).check_many(joined, language, WORKERS)  # killed: start anew once
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


def session_for(guide: StyleGuide) -> GrammarSession:
    return guide.memo("grammar.session", lambda: GrammarSession(load_settings(guide)))


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


def draft_language(draft: Draft, settings: GrammarSettings) -> str:
    value = draft.front_matter.get("language")
    return value if isinstance(value, str) and value in LANGUAGES else settings.language


# -- vocabulary ----------------------------------------------------------------------------------
def vocabulary_pattern(guide: StyleGuide) -> re.Pattern | None:
    def build():
        words = guide.get("vocabulary", "accept", default=[]) or []
        words = sorted({str(w).strip() for w in words if str(w).strip()}, key=len, reverse=True)
        if not words:
            return None
        alternation = "|".join(re.escape(w) for w in words)
        # a word as a whole, optionally with a genitive s or an apostrophe
        return re.compile(rf"(?<![\w-])(?:{alternation})(?:s|'s?|’s?)?(?![\w])")

    return guide.memo("grammar.vocabulary", build)


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


def check_grammar(draft: Draft, guide: StyleGuide, session: GrammarSession | None = None) -> list[Diagnostic]:
    settings = load_settings(guide)
    if not settings.enabled:
        return []
    pieces = pieces_of(draft)
    if not pieces:
        return []
    session = session or session_for(guide)
    language = draft_language(draft, settings)
    try:
        results = session.check_texts([p.text for p in pieces], language)
    except LanguageToolError as exc:
        from edtool.engine import ServiceUnavailable

        raise ServiceUnavailable(msg("grammar.unchecked", reason=exc.message), required=settings.required) from None
    vocabulary = vocabulary_pattern(guide)
    found: list[Diagnostic] = []
    for piece, matches in zip(pieces, results):
        accepted = None
        for match in matches:
            spelling = _is_spelling(match)
            if spelling:
                if accepted is None:
                    accepted = _accepted_spans(piece.text, vocabulary)
                if _accepted(piece.text, match.offset, match.offset + match.length, accepted):
                    continue
            category = Category.SPELLING if spelling else Category.GRAMMAR
            rule = f"{category.value}.{match.rule_id}"
            begin = piece.start + match.offset
            source_start, source_end = piece.segment.source_span(begin, begin + match.length)
            line, column = draft.position(source_start)
            end_line, end_column = draft.position(source_end)
            found.append(Diagnostic(
                draft.path, line, column, end_line, end_column, rule, category,
                _severity(settings, rule, match, category), _message(match, piece.text),
                tuple(match.replacements[: settings.max_suggestions]),
                source=piece.text[match.offset : match.offset + match.length],
            ))
    found.sort(key=Diagnostic.sort_key)
    return found


__all__ = ["check_grammar", "load_settings", "GrammarSession", "GrammarSettings", "pieces_of"]
