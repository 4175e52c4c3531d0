"""File helpers: atomic writes (a temporary file in the same folder, then a rename; never a
half-written draft), removal of the temporary files a killed write leaves behind, reading a draft
without ever blocking on a FIFO, and file names shown faithfully."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

TEMP_TAG = "edtool-"
# Our temporary files: ".<name>.edtool-<8 random>.tmp"; older versions wrote ".<name>.<8 random>.tmp".
_TEMP = re.compile(r"^\..+\.(?:edtool-)?[a-z0-9_]{8}\.tmp$")
STALE_AFTER = 60.0  # seconds; a write takes milliseconds, so an older temporary file is a leftover


_TIDIED: set[str] = set()  # folders this process has written to (and tidied once)


def atomic_write(path: str | Path, data: bytes, overwrite: bool = True, sync: bool = True,
                 follow_symlinks: bool = False) -> None:
    """Write `data` to `path` atomically. With overwrite=False an existing file raises FileExistsError.
    sync=False skips the fsync, for files that only cost speed when lost (caches, records).
    follow_symlinks=True writes a symlinked file's target and keeps the link a link. The first write into
    a folder in this process removes the temporary files a killed write left there."""
    path = Path(path)
    if follow_symlinks and path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.path.abspath(path.parent)
    if folder not in _TIDIED:
        _TIDIED.add(folder)
        remove_stale_temps(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{TEMP_TAG}", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if path exists, atomically
            os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def is_temp_name(name: str) -> bool:
    """True for the name of a temporary file atomic_write makes."""
    return bool(_TEMP.match(name))


def remove_stale_temps(folder: str | Path, recursive: bool = False, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove our own temporary files that a killed write left in `folder` (only regular files
    named like ours and older than `older_than` seconds, so a write in progress is never hit)."""
    removed: list[Path] = []
    now = time.time()
    folders = [Path(folder)]
    while folders:
        current = folders.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if recursive and entry.is_dir(follow_symlinks=False) and entry.name != ".git":
                    folders.append(Path(entry.path))
                elif (is_temp_name(entry.name) and entry.is_file(follow_symlinks=False)
                      and now - entry.stat(follow_symlinks=False).st_mtime >= older_than):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue  # gone meanwhile, or not ours to remove
    return removed


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (its first `limit` bytes, if given). Anything else (a FIFO, a device)
    raises NotRegularFile without blocking: the file is opened non-blocking and checked before the first
    read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path)
        if limit is not None:
            return os.read(fd, limit)
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class NotRegularFile(OSError):
    """A path that is no regular file (a FIFO, a socket, a device)."""


def display_path(path: str | Path) -> str:
    """A file name as text, faithfully: bytes that are not UTF-8 appear as backslash escapes (\\xff),
    never as U+FFFD."""
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except (UnicodeError, TypeError):
        return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
