"""Per-paragraph result cache: LanguageTool's matches for one paragraph's text.

The key hashes the paragraph text, the language, the server's identity (the LanguageTool version
of the local server, the URL of a shared one) and the settings sent with the request (disabled
rules and categories). One small JSON file per entry under <cache>/results/, written atomically,
so parallel runs need no lock. Vocabulary and severities apply after the cache, so changing them
does not invalidate it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from edtool.fsutil import atomic_write
from edtool.languagetool import cache_dir
from edtool.languagetool.client import LTMatch

FORMAT = 1


class ResultCache:
    def __init__(self, server_id: str, settings: dict, folder: Path | None = None):
        self.folder = folder or cache_dir() / "results"
        self.prefix = json.dumps([FORMAT, server_id, settings], sort_keys=True, ensure_ascii=False)
        self.hits = self.misses = 0

    def key(self, text: str, language: str) -> str:
        digest = hashlib.sha256()
        digest.update(self.prefix.encode("utf-8"))
        digest.update(b"\0" + language.encode("utf-8") + b"\0" + text.encode("utf-8"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, text: str, language: str) -> list[LTMatch] | None:
        try:
            data = json.loads(self._path(self.key(text, language)).read_text(encoding="utf-8"))
            found = [LTMatch.from_json(item) for item in data["matches"]]
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, text: str, language: str, matches: list[LTMatch]) -> None:
        data = json.dumps({"matches": [m.to_json() for m in matches]}, ensure_ascii=False).encode("utf-8")
        try:
            atomic_write(self._path(self.key(text, language)), data, sync=False)
        except OSError:
            pass  # a cache that cannot be written only costs speed
