"""`--changed-since REF`: which lines of a file differ from a git ref (what a pull request adds).

Plain `git` in a subprocess (no GitPython): `git diff -U0 REF -- FILE` for the work tree, with
`--cached` for the staged content the hook checks. Line numbers are those of the new file. A file
git does not track counts as changed throughout; a tracked file without changes has no lines.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from edtool.diagnostics import Category, Diagnostic
from edtool.engine import FileResult
from edtool.errors import EdtoolError
from edtool.messages import msg

ALL = None  # every line counts as changed
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
# options that keep a user's git configuration from changing the output we parse
_DIFF = ["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames"]


class ChangesError(EdtoolError):
    """--changed-since cannot work here (exit status 2)."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise ChangesError(msg("changed.no-git")) from None


def added_lines(diff: bytes) -> set[int]:
    """Line numbers (new file) that a unified diff with -U0 adds or changes."""
    lines: set[int] = set()
    for match in _HUNK.finditer(diff):
        start = int(match.group(1))
        count = int(match.group(2)) if match.group(2) is not None else 1
        lines.update(range(start, start + count))
    return lines


@dataclass
class Repo:
    root: Path
    ref: str
    staged: bool
    changed: set[str] = field(default_factory=set)  # paths relative to root with any change
    tracked: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, folder: Path, ref: str, staged: bool) -> "Repo":
        top = _git(["rev-parse", "--show-toplevel"], folder)
        if top.returncode != 0:
            raise ChangesError(msg("changed.no-repo", path=folder))
        root = Path(os.fsdecode(top.stdout.rstrip(b"\n")))
        if _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root).returncode != 0:
            raise ChangesError(msg("changed.bad-ref", ref=ref, repo=root))
        repo = cls(root, ref, staged)
        names = repo._run([*_DIFF, *repo._cached(), "--name-only", "-z", ref, "--"])
        repo.changed = {os.fsdecode(n) for n in names.split(b"\0") if n}
        listed = repo._run(["ls-files", "-z"])
        repo.tracked = {os.fsdecode(n) for n in listed.split(b"\0") if n}
        return repo

    def _cached(self) -> list[str]:
        return ["--cached"] if self.staged else []

    def _run(self, args: list[str]) -> bytes:
        result = _git(args, self.root)
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", "replace").strip() or f"Exit-Status {result.returncode}"
            raise ChangesError(msg("changed.git-failed", ref=self.ref, detail=detail))
        return result.stdout

    def lines(self, name: str) -> set[int] | None:
        """Changed lines of `name` (relative to root): ALL for an untracked file."""
        if name not in self.tracked:
            return ALL
        if name not in self.changed:
            return set()
        return added_lines(self._run([*_DIFF, *self._cached(), "--text", "-U0", self.ref, "--", name]))


class ChangedLines:
    """Changed lines per file, for files in one or more repositories."""

    def __init__(self, ref: str, staged: bool = False):
        self.ref, self.staged = ref, staged
        self._repos: dict[Path, Repo] = {}
        self._cache: dict[str, set[int] | None] = {}

    def _repo(self, folder: Path) -> Repo:
        folder = folder.resolve()
        for root, repo in self._repos.items():
            if folder == root or root in folder.parents:
                return repo
        repo = Repo.open(folder, self.ref, self.staged)
        self._repos[repo.root.resolve()] = repo
        return repo

    def check_folder(self, folder: Path) -> None:
        """Raise ChangesError unless `folder` is in a git repository that knows the ref."""
        self._repo(folder)

    def lines(self, path: str | Path) -> set[int] | None:
        key = str(path)
        if key not in self._cache:
            full = Path(os.path.realpath(path))
            repo = self._repo(full.parent if not full.is_dir() else full)
            try:
                name = full.relative_to(repo.root.resolve()).as_posix()
            except ValueError:
                name = ""
            self._cache[key] = repo.lines(name) if name else ALL
        return self._cache[key]

    def has_changes(self, path: str | Path) -> bool:
        lines = self.lines(path)
        return lines is ALL or bool(lines)


def draft_lines(raw: str, lines: set[int]) -> set[int]:
    """git counts lines at LF only; a draft also ends a line at a lone CR. Map git's line numbers
    to the draft's (the identity unless the file has lone CRs)."""
    if "\r" not in raw.replace("\r\n", ""):
        return lines
    out: set[int] = set()
    draft_line = 1
    chunks = raw.split("\n")
    for git_line, chunk in enumerate(chunks, 1):
        crlf = git_line < len(chunks) and chunk.endswith("\r")
        parts = chunk.count("\r") - crlf + 1
        if git_line in lines:
            out.update(range(draft_line, draft_line + parts))
        draft_line += parts
    return out


def keep_changed(result: FileResult, lines: set[int] | None) -> None:
    """Drop findings that touch no changed line; findings about the file itself stay."""
    if lines is ALL:
        return
    if result.draft is not None:
        lines = draft_lines(result.draft.raw, lines)

    def touches(d: Diagnostic) -> bool:
        return d.category == Category.FILE or any(n in lines for n in range(d.line, d.end_line + 1))

    result.diagnostics = [d for d in result.diagnostics if touches(d)]
