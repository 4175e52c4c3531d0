"""Output formats, chosen by name: each is a class in its own module, imported only when chosen.

    from edtool.formats import Report, formatter
    formatter("sarif").render(Report(results, guide))
"""

from __future__ import annotations

import importlib

# name -> (module, class)
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("edtool.formats.text", "TextFormatter"),
    "json": ("edtool.formats.json_format", "JsonFormatter"),
    "sarif": ("edtool.formats.sarif", "SarifFormatter"),
    "github": ("edtool.formats.github", "GithubFormatter"),
    "rdjsonl": ("edtool.formats.rdjsonl", "RdjsonlFormatter"),
}
FORMAT_NAMES = tuple(FORMATS)


def formatter(name: str, **options):
    """An instance of the formatter called `name` (KeyError for an unknown name)."""
    module, cls = FORMATS[name]
    return getattr(importlib.import_module(module), cls)(**options)


def __getattr__(name: str):  # Report, Formatter, exit_status without importing the engine up front
    if name in ("Report", "Formatter", "Entry", "exit_status", "suppression", "FAIL_ON"):
        from edtool.formats import base

        return getattr(base, name)
    raise AttributeError(name)
