"""The content repository adapter: the only module that imports git (GitPython).

Queries (what is at HEAD, history by path, trailers) and the few writes a publication needs (stage and
commit one path, put one index entry back, push). Knows nothing about drafts or plans.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import git

from edtool.messages import msg
from edtool.publish.errors import PublishError
from edtool.workflow import Person, one_line


class GitFailure(Exception):
    """A git command failed; `detail` is git's own message."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class PushResult:
    ok: bool
    rejected: bool = False  # the remote is ahead
    detail: str = ""


class ContentRepo:
    def __init__(self, folder: Path):
        try:
            self.repo = git.Repo(folder, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise PublishError(msg("publish.not-a-repo", path=folder), fatal=True) from None
        if self.repo.bare or not self.repo.working_tree_dir:
            raise PublishError(msg("publish.not-a-repo", path=folder), fatal=True)
        self.root = Path(self.repo.working_tree_dir).resolve()
        if self.repo.head.is_detached:
            raise PublishError(msg("publish.detached", path=self.root), fatal=True)
        self.git_dir = Path(self.repo.git_dir)
        self._dirty: set[str] | None = None  # one `git status` per run (see dirty)

    def close(self) -> None:
        """End GitPython's helper processes."""
        self.repo.close()

    def __enter__(self) -> "ContentRepo":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- queries ----------------------------------------------------------------------------------
    @property
    def active_branch(self) -> str:
        return self.repo.active_branch.name

    def identity(self) -> Person | None:
        """git's committer identity (user.name and user.email), if one is configured."""
        try:
            ident = self.repo.git.var("GIT_COMMITTER_IDENT")
        except git.GitCommandError:
            return None
        match = re.match(r"^(.*?) <(.*)> \d+ [+-]\d{4}$", ident.strip())
        return Person(one_line(match.group(1)), one_line(match.group(2))) if match and match.group(2) else None

    def head(self) -> str | None:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None  # unborn branch

    def at_head(self, target: str) -> bytes | None:
        """The file's bytes at HEAD (a link: its target), None when HEAD has no file there. Read through
        GitPython's long-running cat-file, not one git process per call."""
        try:
            item = self.repo.head.commit.tree / target
        except (ValueError, KeyError):  # unborn branch, or no such path
            return None
        return item.data_stream.read() if item.type == "blob" else None

    def dirty(self) -> set[str]:
        """Paths that differ from HEAD (staged, changed or untracked), from one `git status` that is kept
        until `forget_status` (a write of ours that git status would see)."""
        if self._dirty is None:
            fields = iter(self.repo.git.status("--porcelain", "-z", "--untracked-files=all").split("\0"))
            found = set()
            for entry in fields:
                if len(entry) > 3:
                    found.add(entry[3:])
                    if entry[0] in "RC":  # a rename or copy: the next field is where it came from
                        found.add(next(fields, ""))
            self._dirty = found
        return self._dirty

    def forget_status(self) -> None:
        self._dirty = None

    def committed(self, names: list[str]) -> None:
        """`names` were just committed as they are in the work tree: clean now."""
        if self._dirty is not None:
            self._dirty.difference_update(names)

    def touched(self, path: Path) -> None:
        """A file of ours was written: forget the status if git could see it."""
        if self._dirty is not None and Path(path).resolve().is_relative_to(self.root):
            self._dirty = None

    def is_dirty(self, target: str) -> bool:
        """Whether `target` (or, if it is a folder, anything in it) differs from HEAD."""
        dirty = self.dirty()
        folder = target.rstrip("/") + "/"
        return target in dirty or any(name.startswith(folder) for name in dirty)

    def history(self, target: str) -> list[tuple[str, str]]:
        """(commit, message) of the commits that touched `target`, newest first."""
        if self.head() is None:
            return []
        out = self.repo.git.log("--format=%H%x00%B%x1e", "--", target)
        entries = []
        for chunk in out.split("\x1e"):
            chunk = chunk.strip("\n")
            if "\x00" in chunk:
                sha, body = chunk.split("\x00", 1)
                entries.append((sha.strip(), body))
        return entries

    def creation(self, target: str) -> tuple[str, str]:
        """(commit, message) of the newest commit that added `target`."""
        out = self.repo.git.log("-1", "--diff-filter=A", "--format=%H%x00%B", "--", target)
        sha, _, body = out.partition("\x00")
        return sha.strip(), body

    def tracked(self) -> list[str]:
        if self.head() is None:
            return []
        return [name for name in self.repo.git.ls_files("-z").split("\0") if name]

    def commits_mentioning(self, text: str) -> list[tuple[str, str, list[str]]]:
        """(commit, message, paths) of the commits whose message contains `text`, newest first."""
        if self.head() is None:
            return []
        out = self.repo.git.log("-F", f"--grep={text}", "--format=%x1e%H%x00%B%x1f", "--name-only")
        found = []
        for chunk in out.split("\x1e"):
            head, _, files = chunk.partition("\x1f")
            sha, _, body = head.partition("\x00")
            if sha.strip():
                found.append((sha.strip(), body, [name for name in files.splitlines() if name.strip()]))
        return found

    def link_on_the_way(self, target: str) -> bool:
        """Whether a symbolic link lies on the way to `target` (or is `target`)."""
        current = self.root
        for part in Path(target).parts:
            current = current / part
            if current.is_symlink():
                return True
        return not (self.root / target).resolve().is_relative_to(self.root)

    def commit_since(self, head: str | None, target: str, message: str) -> str | None:
        """A commit after `head` that touched `target` with exactly this message."""
        if self.head() is None or self.head() == head:
            return None
        since = f"{head}..HEAD" if head else "HEAD"
        for commit in self.repo.iter_commits(since, paths=target, max_count=100):
            if commit.message.strip() == message.strip():
                return commit.hexsha
        return None

    def ahead(self, remote: str, branch: str) -> bool:
        try:
            out = self.repo.git.rev_list("--count", f"{remote}/{branch}..HEAD")
            return int(out.strip() or 0) > 0
        except git.GitCommandError:
            return self.head() is not None  # no remote-tracking branch yet

    def has_remote(self, remote: str) -> bool:
        return remote in [r.name for r in self.repo.remotes]

    # -- writes -----------------------------------------------------------------------------------
    def commit_paths(self, paths: list[tuple[str, bool]], message: str, author: Person, committer: Person) -> str:
        """Stage each path (or, with True, its removal) and commit only those paths; other staged changes
        stay staged."""
        env = {"GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email,
               "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email}
        try:
            removed = [name for name, delete in paths if delete and self.in_index(name)]
            added = [name for name, delete in paths if not delete]
            if removed:
                self.repo.git.rm("-q", "--", *removed)
            if added:
                self.repo.git.add("--", *added)
            self.repo.git.commit("-q", "--cleanup=strip", "-m", message, "--", *removed, *added, env=env)
        except git.GitCommandError as exc:
            raise GitFailure(exc.stderr.strip() if exc.stderr else str(exc)) from None
        return self.repo.head.commit.hexsha

    def in_index(self, target: str) -> bool:
        return bool(self.repo.git.ls_files("--", target).strip())

    def unstage(self, target: str) -> None:
        """Put the index entry of `target` back as it is at HEAD."""
        if self.head() is not None:
            self.repo.git.reset("-q", "--", target)
        else:
            self.repo.git.rm("-q", "--cached", "--ignore-unmatch", "--", target)

    def push(self, remote: str, branch: str) -> PushResult:
        try:
            self.repo.git.push("--porcelain", remote, f"HEAD:refs/heads/{branch}")
        except git.GitCommandError as exc:
            text = f"{exc.stdout or ''}\n{exc.stderr or ''}"
            rejected = bool(re.search(r"rejected|non-fast-forward|fetch first", text))
            return PushResult(False, rejected, (exc.stderr or str(exc)).strip())
        return PushResult(True)

    # -- git's own locks --------------------------------------------------------------------------
    def lock_files(self, branch: str) -> list[Path]:
        """Git's lock files that a killed git would leave behind."""
        names = [self.git_dir / "index.lock", self.git_dir / "HEAD.lock",
                 self.git_dir / "refs" / "heads" / f"{branch}.lock", *self.git_dir.glob("next-index-*.lock")]
        return [path for path in names if path.is_file()]

    def git_processes(self) -> tuple[list[int], bool]:
        """Pids of git processes working in this repository (not this process's own cat-file helpers),
        and whether some git process could not be inspected. Empty and True without /proc."""
        proc = Path("/proc")
        if not (proc / "self" / "cwd").exists():
            return [], True
        me, found, unclear = os.getpid(), [], False
        for entry in proc.iterdir():
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                stat = (entry / "stat").read_text(errors="replace")
            except OSError:
                continue
            name = os.path.basename(argv[0].decode(errors="replace")) if argv and argv[0] else ""
            if name != "git" and not name.startswith("git-"):
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1]) if ")" in stat else -1
            if parent == me and b"cat-file" in argv:
                continue
            try:
                cwd = Path(os.readlink(entry / "cwd"))
            except OSError:
                unclear = True  # another user's git: where it works is not visible
                continue
            if cwd.is_relative_to(self.root) or cwd.is_relative_to(self.git_dir):
                found.append(int(entry.name))
        return found, unclear
