"""The one error of publishing."""

from __future__ import annotations

from edtool.errors import EdtoolError


class PublishError(EdtoolError):
    """Refused or failed; `fatal` stops the whole run (exit 2), otherwise only this draft (exit 1)."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.message, self.fatal = message, fatal
        self.exit_code = 2 if fatal else 1
