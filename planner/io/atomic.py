"""Atomic file writes: a temp file in the target folder, fsync, check what was written, then
rename over the target. Any failure keeps the old file and removes the temp file.

Temp files are named `.<name>.cost-planner-<pid>-<n>.tmp`, so one left by a killed program is
recognised and removed later (`remove_stale_temp_files`)."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

#: A temp file older than this (seconds) is stale even if its program still runs.
STALE_AFTER = 10 * 60

_TEMP_RE = re.compile(r"^\..+\.cost-planner-(\d+)-\d+\.tmp$")
_counter = itertools.count(1)


class WriteError(OSError):
    """A file could not be written; `filename` is the target (never the temp file) and the old
    file, if any, is unchanged."""

    def __init__(self, target: Path, reason: str, code: int = errno.EIO) -> None:
        super().__init__(code, reason, str(target))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def temp_path_for(target: Path) -> Path:
    """A fresh temp file name beside `target`, recognisable as this program's."""
    return target.parent / f".{target.name}.cost-planner-{os.getpid()}-{next(_counter)}.tmp"


def _pid_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would signal the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, owned by someone else
        return True
    return True


def remove_stale_temp_files(folder: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove this program's temp files in `folder` whose program has gone, or that are older
    than `older_than` seconds; returns what was removed. Never raises."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for e in entries:
        m = _TEMP_RE.match(e.name)
        if m is None:
            continue
        try:
            if not e.is_file(follow_symlinks=False):
                continue
            if _pid_running(int(m.group(1))) and now - e.stat().st_mtime < older_than:
                continue
            os.unlink(e.path)
            removed.append(Path(e.path))
        except OSError:
            continue
    return removed


def remove_stale_user_temp_files() -> list[Path]:
    """Temp files a killed run left in the user's own folders (data, autosaves, config,
    cache); for the window's start-up."""
    from planner import paths

    removed: list[Path] = []
    for folder in (paths.user_data_dir(), paths.autosave_dir(), paths.user_config_dir(),
                   paths.user_cache_dir()):
        removed += remove_stale_temp_files(folder)
    return removed


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _mode_for(path: Path) -> int:
    """The old file's permissions, or the usual ones for a new file (0666 less the umask)."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(
    path: Path, produce: Callable[[Path], None], verify: Callable[[Path], None]
) -> None:
    """`produce(temp)` writes the temp file, `verify(temp)` raises ValueError or OSError if it
    is not right; then the temp file replaces `path`. On any failure (or an exception such as
    a cancel) the temp file is removed and `path` is left as it was; OSError and ValueError
    come out as WriteError naming `path`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(path, f"cannot create the folder ({e.strerror or e})", e.errno or errno.EIO) from e
    remove_stale_temp_files(path.parent)
    tmp = temp_path_for(path)
    try:
        produce(tmp)
        _fsync_file(tmp)
        verify(tmp)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, WriteError):
            raise
        if isinstance(e, OSError):
            raise WriteError(path, e.strerror or str(e), e.errno or errno.EIO) from e
        if isinstance(e, ValueError):
            raise WriteError(path, str(e)) from e
        raise
    _fsync_dir(path.parent)


def check_size(tmp: Path, expected: int | None = None) -> int:
    """The temp file's size; ValueError if it is empty or not `expected` bytes."""
    size = os.stat(tmp).st_size
    if size == 0:
        raise ValueError("the file came out empty (is the disk full?)")
    if expected is not None and size != expected:
        raise ValueError(f"only {size} of {expected} bytes were written (is the disk full?)")
    return size


def _open_new(tmp: Path) -> BinaryIO:
    """The temp file, created for this write only (never an existing file), private to the
    user until it replaces the target."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def write_bytes_atomic(
    path: Path, data: bytes, verify: Callable[[Path], None] | None = None
) -> None:
    """Write `data` to `path` so that a failure at any point leaves the old file intact; the
    written size is checked, then `verify` if given."""

    def produce(tmp: Path) -> None:
        with _open_new(tmp) as f:
            f.write(data)
            f.flush()

    def check(tmp: Path) -> None:
        if data:
            check_size(tmp, len(data))
        if verify is not None:
            verify(tmp)

    write_atomic(path, produce, check)


def write_chunks_atomic(path: Path, chunks: Iterable[str], encoding: str = "utf-8") -> None:
    """write_bytes_atomic for text made a piece at a time (a large file is never held whole
    in memory); the written size is checked against what was produced."""
    written = 0

    def produce(tmp: Path) -> None:
        nonlocal written
        with _open_new(tmp) as f:
            for chunk in chunks:
                data = chunk.encode(encoding)
                f.write(data)
                written += len(data)
            f.flush()

    write_atomic(path, produce, lambda tmp: check_size(tmp, written) and None)


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))
