"""One error family: everything that stops a command is an EdtoolError.

The class carries the exit status (2: cannot run, 1: refused); the message is German and, where the
cause is in a file, located as `path:line:column: …`. The CLI catches EdtoolError once
(edtool.cli.main.run). A draft's own defects are Diagnostics, not errors.
"""

from __future__ import annotations


class EdtoolError(Exception):
    """Base class; `exit_code` may be overridden per class or per instance."""

    exit_code: int = 2

    def __init__(self, message: str = "", *, path: str | None = None, line: int = 0, column: int = 0,
                 exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.path, self.line, self.column = path, line, column
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def location(self) -> str | None:
        """`path:line:column`, or None when the error points into no file."""
        if not getattr(self, "path", None) or not getattr(self, "line", 0):
            return None
        return f"{self.path}:{self.line}:{self.column or 1}"

    def located(self, path) -> str:
        """The message as `path:line:column: …` for an error found in the text of `path`."""
        self.path = str(path) if path is not None else None
        return str(self)

    def __str__(self) -> str:
        text = getattr(self, "message", None) or (str(self.args[0]) if self.args else "")
        where = self.location
        return f"{where}: {text}" if where else text

