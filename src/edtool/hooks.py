"""A plain git pre-commit hook for desks without the pre-commit framework.

`install` writes .git/hooks/pre-commit (or core.hooksPath) and never replaces a foreign hook
without force. `check_staged` checks what is staged, not the work tree: the blobs in the index.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from functools import partial
from pathlib import Path, PurePosixPath

from edtool.draft import Draft
from edtool.engine import CheckOptions, FileResult, check_sources
from edtool.errors import EdtoolError
from edtool.fsutil import atomic_write
from edtool.messages import msg
from edtool.styleguide import StyleGuide

MARKER = "# edtool-hook: pre-commit"
FAST_SKIP = "grammar,spelling"


class HookError(EdtoolError):
    pass


def _git(args: list[str], cwd: Path | None = None) -> bytes:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    if result.returncode != 0:
        raise HookError(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout


def repo_root(start: Path | None = None) -> Path:
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], start).decode().strip())
    except (HookError, OSError):
        raise HookError(msg("hooks.not-a-repo", path=(start or Path.cwd()))) from None


def hook_path(root: Path) -> Path:
    hooks = Path(_git(["rev-parse", "--git-path", "hooks"], root).decode().strip())
    return (hooks if hooks.is_absolute() else root / hooks) / "pre-commit"


def script(skip: str | None, baseline: str | None = None) -> str:
    args = "hooks run" + (f" --skip {skip}" if skip else "")
    args += f" --baseline {shlex.quote(baseline)}" if baseline else ""
    python = shlex.quote(sys.executable)
    return (f"#!/bin/sh\n{MARKER}\n# Checks the staged drafts; installed by `edtool hooks install`.\n"
            f"if [ -x {python} ]; then exec {python} -m edtool {args}; fi\n"
            f"exec edtool {args}\n")


def install(start: Path | None = None, force: bool = False, full: bool = False,
            baseline: Path | None = None) -> Path:
    """`baseline`: a baseline file the hook passes to `hooks run` (stored relative to the root,
    where git runs hooks)."""
    root = repo_root(start)
    hook = hook_path(root)
    if hook.exists() or hook.is_symlink():
        try:
            ours = MARKER in hook.read_text(encoding="utf-8", errors="replace")
        except OSError:
            ours = False
        if not ours:
            backup = hook.with_name("pre-commit.edtool-backup")
            if not force:
                raise HookError(msg("hooks.foreign", hook=hook, backup=backup))
            os.replace(hook, backup)
    if baseline is not None and not baseline.is_file():
        raise HookError(msg("baseline.missing", path=baseline))
    accepted = os.path.relpath(baseline.resolve(), root.resolve()) if baseline is not None else None
    atomic_write(hook, script(None if full else FAST_SKIP, accepted).encode("utf-8"))
    os.chmod(hook, 0o755)
    from edtool.languagetool.prestart import prestart

    prestart(start=root)  # the writer starts work: warm LanguageTool up in the background (never blocks)
    return hook


def staged_drafts(root: Path, drafts_dir: Path) -> list[str]:
    """Staged (added, copied, modified, renamed) Markdown files under the drafts folder."""
    out = _git(["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"], root)
    try:
        prefix = PurePosixPath(drafts_dir.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        prefix = PurePosixPath(".")
    names = []
    for name in out.decode("utf-8", "replace").split("\0"):
        if not name.endswith(".md"):
            continue
        path = PurePosixPath(name)
        if str(prefix) == "." or path.is_relative_to(prefix):
            names.append(name)
    return names


def check_staged(guide: StyleGuide, options: CheckOptions, start: Path | None = None) -> list[FileResult]:
    root = repo_root(start)
    from edtool.desk import drafts_dir as desk_drafts

    drafts_dir = desk_drafts(guide).resolve()

    def staged(name: str) -> Draft:
        return Draft.from_bytes(_git(["show", f":{name}"], root), name)

    return check_sources(((name, partial(staged, name)) for name in staged_drafts(root, drafts_dir)), guide, options)
