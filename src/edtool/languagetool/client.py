"""Talks to a LanguageTool server through language-tool-python.

Why language-tool-python and not a hand-written HTTP call: it is the client the desk's scripts
already know, it builds the /v2/check parameters (language, disabled rules and categories), checks
the language against the server's /v2/languages, and parses the answer into `Match` objects with
offsets corrected for characters outside the BMP. edtool points it at a server it manages
(`remote_server=`), never lets it download or start one, and adds what a pre-commit hook needs:
one attempt per request with a timeout, and errors turned into a message that says what to do.
The package (and `requests`) is imported only when a request is sent, so a run whose paragraphs
are all cached does not pay for the import.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

from edtool.languagetool import LanguageToolError
from edtool.messages import msg


@dataclass(frozen=True)
class LTMatch:
    """One LanguageTool finding; offset and length count Python characters of the sent text."""

    offset: int
    length: int
    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "LTMatch":
        return cls(**dict(data, replacements=tuple(data.get("replacements", ()))))

    def shifted(self, delta: int) -> "LTMatch":
        return LTMatch(self.offset + delta, self.length, self.rule_id, self.category, self.issue_type,
                       self.message, self.replacements)


def _python_length(text: str, offset: int, utf16_length: int) -> int:
    """LanguageTool counts UTF-16 units; turn a length at `offset` into Python characters."""
    units = count = 0
    while units < utf16_length and offset + count < len(text):
        units += 2 if ord(text[offset + count]) > 0xFFFF else 1
        count += 1
    return count


_TOOL_CLASS = None
_MATCH_LOCK = threading.Lock()


def _tool_class():
    """A LanguageTool subclass with one attempt per request and our timeout (built on first use)."""
    global _TOOL_CLASS
    if _TOOL_CLASS is None:
        import language_tool_python

        class _Tool(language_tool_python.LanguageTool):
            def __init__(self, url: str, language: str, timeout: float):
                self._TIMEOUT = timeout  # read by language-tool-python for every request
                super().__init__(language, remote_server=url)

            def _query_server(self, url, params=None, num_tries=2, method="get"):
                return super()._query_server(url, params, num_tries=1, method=method)

            def _create_params(self, text):
                # sorted, not in set order: LanguageTool caches a rule pipeline per parameter string,
                # and a set's order changes from process to process (a new pipeline costs seconds)
                params = super()._create_params(text)
                for key, values in (("disabledRules", self.disabled_rules),
                                    ("disabledCategories", self.disabled_categories)):
                    if values:
                        params[key] = ",".join(sorted(values))
                return params

            def check(self, text):
                # as LanguageTool.check, but Match objects are built under a lock: Match keeps
                # per-text state on the class, and edtool sends requests from several threads
                response = self._query_server(self._url + "check", self._create_params(text), method="post")
                with _MATCH_LOCK:
                    return [language_tool_python.Match(match, text) for match in response["matches"]]

        _TOOL_CLASS = _Tool
    return _TOOL_CLASS


class Client:
    def __init__(self, url: str, timeout: float = 30.0, disabled_rules=(), disabled_categories=(),
                 local: bool = True):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.disabled_rules = set(disabled_rules)
        self.disabled_categories = set(disabled_categories)
        self.local = local
        self._tools: dict[str, object] = {}
        self.requests = 0  # /v2/check requests sent, for tests and benchmarks

    def _tool(self, language: str):
        tool = self._tools.get(language)
        if tool is None:
            tool = _tool_class()(self.url, language, self.timeout)
            tool.disabled_rules = set(self.disabled_rules)
            tool.disabled_categories = set(self.disabled_categories)
            self._tools[language] = tool
        return tool

    def prepare(self, language: str) -> None:
        """Build the client for `language` now (it asks the server for its languages), so that
        requests from several threads share one."""
        try:
            self._tool(language)
        except Exception as exc:  # e.g. the server's language list cannot be read
            raise self._explain(exc) from None

    def check_many(self, texts: list[str], language: str, workers: int = 1) -> list[list[LTMatch]]:
        """One request per text, up to `workers` at once (LanguageTool checks a request on one core)."""
        if len(texts) <= 1 or workers <= 1:
            return [self.check(text, language) for text in texts]
        from edtool.languagetool.pool import RequestPool

        self.prepare(language)  # build the client once, outside the threads
        pool = RequestPool(min(workers, len(texts)))
        try:
            return pool.map(lambda text: self.check(text, language), texts)
        finally:
            pool.shutdown(wait=False)  # all answered, or Ctrl-C: never wait for a request in flight

    def check(self, text: str, language: str) -> list[LTMatch]:
        try:
            tool = self._tool(language)
            with _MATCH_LOCK:
                self.requests += 1
            matches = tool.check(text)
        except Exception as exc:  # language-tool-python wraps requests' errors in its own
            raise self._explain(exc) from None
        found = []
        for match in matches:
            length = _python_length(text, match.offset, match.error_length)
            found.append(LTMatch(match.offset, length, match.rule_id, match.category or "",
                                 getattr(match, "rule_issue_type", "") or "", match.message,
                                 tuple(match.replacements or ())))
        return found

    def _explain(self, exc: Exception) -> LanguageToolError:
        chain, cause = [], exc
        while cause is not None and len(chain) < 5:
            chain.append(cause)
            cause = cause.__cause__ or cause.__context__
        names = {type(c).__name__ for c in chain}
        if names & {"Timeout", "ReadTimeout", "ConnectTimeout", "TimeoutError", "timeout"}:
            return LanguageToolError(msg("grammar.timeout", seconds=f"{self.timeout:g}", url=self.url), "timeout")
        if names & {"ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "RemoteDisconnected",
                    "ProtocolError", "ChunkedEncodingError"}:
            detail = type(chain[-1]).__name__
            if self.local:
                return LanguageToolError(msg("grammar.crashed", detail=detail), "crashed")
            return LanguageToolError(msg("grammar.remote-down", url=self.url, detail=detail), "remote-down")
        return LanguageToolError(msg("grammar.bad-response", url=self.url, detail=str(exc)[:200]), "bad-response")
