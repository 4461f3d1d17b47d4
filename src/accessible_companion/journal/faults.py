"""What went wrong with a journal file, in plain words, and keeping a damaged one aside.

A full disk and a read-only folder need a caregiver's action, so they are named in those words
(SQLite alone says, for example, "cannot rollback - no transaction is active" on a full disk).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from ..durable import sync_folder
from ..errors import one_line

FULL_BELOW = 64 * 1024  # bytes free under which a failed write is told as a full disk


def describe(error: BaseException, path: Path) -> str:
    """What went wrong, in plain words for the two that need action (full disk, read-only)."""
    code = getattr(error, "sqlite_errorcode", None)
    code = None if code is None else code & 0xFF  # the primary code of an extended one
    errno_ = getattr(error, "errno", None)
    text = one_line(error)
    if code == sqlite3.SQLITE_FULL or errno_ == errno.ENOSPC or _disk_full(path.parent):
        return f"the disk is full ({text})"
    read_only = code == sqlite3.SQLITE_READONLY or errno_ in (errno.EROFS, errno.EACCES, errno.EPERM)
    if read_only or _read_only(path.parent):
        return f"the journal's folder or file is read-only ({text})"
    return text


def _disk_full(folder: Path) -> bool:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < FULL_BELOW


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY) or not os.access(folder, os.W_OK)
    except OSError:
        return False


def move_aside(path: Path) -> Path:
    """Rename a damaged journal (and its WAL) to `NAME.corrupt-STAMP`, kept for a look, never deleted."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    with contextlib.suppress(OSError):  # the rename itself happened; its durability is best effort
        sync_folder(path.parent)
    return target
