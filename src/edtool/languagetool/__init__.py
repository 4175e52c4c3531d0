"""LanguageTool for edtool: install (Maven), a local server that outlives one command, a client
and a per-paragraph result cache.

Everything lives in edtool's cache folder: $EDTOOL_CACHE_DIR, else $XDG_CACHE_HOME/edtool, else
~/.cache/edtool. Nothing here imports typer; language-tool-python is imported only when a request
is actually sent (see client.py).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from edtool.errors import EdtoolError

CACHE_ENV = "EDTOOL_CACHE_DIR"
URL_ENV = "EDTOOL_LANGUAGETOOL_URL"
JAVA_ENV = "EDTOOL_JAVA"
MIN_JAVA = 17  # LanguageTool 6.x is Java 17 bytecode
POM = Path(__file__).with_name("pom.xml")


class LanguageToolError(EdtoolError):
    """LanguageTool cannot be used; `message` is German and says what to do."""

    def __init__(self, message: str, kind: str = "unavailable"):
        super().__init__(message)
        self.message = message
        self.kind = kind  # no-java, no-maven, not-installed, start-failed, crashed, timeout, remote-down, ...


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "edtool"


@lru_cache(maxsize=1)
def pinned_version() -> str:
    """The LanguageTool version the shipped pom.xml pins."""
    found = re.search(r"<languagetool\.version>([^<]+)</languagetool\.version>", POM.read_text(encoding="utf-8"))
    return found.group(1).strip() if found else "unknown"


def install_dir(version: str | None = None) -> Path:
    return cache_dir() / f"languagetool-{version or pinned_version()}"


def lib_dir(version: str | None = None) -> Path:
    return install_dir(version) / "lib"
