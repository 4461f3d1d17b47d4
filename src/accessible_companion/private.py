"""Private files and folders: one home for "only this user may read it".

The journal, trace, log, report, CSV export, speech cache and spill file hold health data
(what the user said, when they rested, when they called for help). They are made 0600 in
folders 0700 here, by explicit modes and `chmod`, never by trusting the process umask: the
user's umask is theirs (022 on most systems), and SQLite sets its files' mode itself.

Folders the user named (the folder of `--trace`, of `--out`) are never changed when they
already exist: only folders made here, and the companion's own folders (`tighten_at_start`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TextIO, cast

log = logging.getLogger(__name__)

_user_umask: list[int] = []
"""The umask before `tighten_at_start` first changed it (empty until then)."""

FILE_MODE = 0o600
FOLDER_MODE = 0o700
UMASK = 0o077
"""The umask `run` sets as well: files a library makes on its own are private too."""

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
"""Files SQLite keeps next to a database; they hold recent entries, so they are tightened too."""


def make_folder(folder: Path) -> Path:
    """Create `folder` and any missing parents, each new one 0700; existing ones are left as they are.

    Raises OSError as `mkdir` does (read-only, not a folder, ...).
    """
    missing: list[Path] = []
    at = folder
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            new.mkdir(mode=FOLDER_MODE)
            os.chmod(new, FOLDER_MODE)  # mkdir's mode passes through the umask
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    return folder


def _open_fd(path: Path, flags: int) -> int:
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        info = os.fstat(fd)
        # An existing file keeps its old mode on open; a regular file of ours is tightened.
        if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077 and info.st_uid == os.getuid():
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def open_text(path: Path, mode: str = "a", newline: str | None = None) -> TextIO:
    """Open `path` for writing as text, created 0600 (an existing file of ours is made 0600).

    `mode` is "a" (append), "w" (truncate) or "x" (must be new). The folder must exist.
    """
    flags = {"a": os.O_WRONLY | os.O_APPEND, "w": os.O_WRONLY | os.O_TRUNC, "x": os.O_WRONLY | os.O_EXCL}
    fd = _open_fd(path, flags[mode])
    return cast(TextIO, os.fdopen(fd, mode, encoding="utf-8", newline=newline))


def open_binary(path: Path, mode: str = "ab") -> IO[bytes]:
    """Like `open_text`, in bytes: "ab", "wb" or "xb"."""
    flags = {"ab": os.O_WRONLY | os.O_APPEND, "wb": os.O_WRONLY | os.O_TRUNC, "xb": os.O_WRONLY | os.O_EXCL}
    fd = _open_fd(path, flags[mode])
    return os.fdopen(fd, mode)


def prepare_database(path: Path) -> None:
    """Before SQLite opens `path`: create it empty and 0600 if missing, tighten it and its side files.

    SQLite makes a new database 0644 whatever the umask allows, and its -wal and -shm files copy
    the database's mode; an empty 0600 file made first is taken as a new database, and the side
    files follow it. Never raises: a path SQLite cannot open is for SQLite to report in its words.
    """
    # It exists (tightened below), or SQLite will say why it cannot be made.
    with contextlib.suppress(OSError):
        os.close(_open_fd(path, os.O_WRONLY | os.O_EXCL))
    tighten_files(Path(f"{path}{suffix}") for suffix in ("", *SQLITE_SIDE_FILES))


def tighten_files(files: Iterable[Path]) -> list[Path]:
    """Make each existing regular file of ours 0600 (links and other owners' files are skipped).

    Returns the files changed. A failure is logged and the rest carry on.
    """
    changed = []
    for path in files:
        try:
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o077 or info.st_uid != os.getuid():
                continue
            os.chmod(path, FILE_MODE)
            changed.append(path)
        except FileNotFoundError:
            continue
        except OSError as error:
            log.warning("cannot make %s private: %s", path, error)
    return changed


def tighten_folder(folder: Path) -> list[Path]:
    """Make `folder` 0700 and the regular files directly in it 0600 (not below: models are public).

    Returns what was changed; nothing when the folder does not exist.
    """
    try:
        info = folder.lstat()
    except OSError:
        return []
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return []
    changed = []
    if info.st_mode & 0o077:
        try:
            os.chmod(folder, FOLDER_MODE)
            changed.append(folder)
        except OSError as error:
            log.warning("cannot make %s private: %s", folder, error)
    return changed + tighten_files(_files_in(folder))


def _files_in(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as entries:
            yield from (Path(entry.path) for entry in entries if entry.is_file(follow_symlinks=False))
    except OSError as error:
        log.warning("cannot list %s to make it private: %s", folder, error)


def tighten_at_start(folders: Iterable[Path], files: Iterable[Path] = ()) -> list[Path]:
    """At the start of a run: set the umask to 077, tighten the companion's folders and `files`.

    The umask covers what libraries create on their own; the explicit modes elsewhere do not
    rely on it. Returns what was changed (for the trace).
    """
    previous = os.umask(UMASK)
    if not _user_umask:
        _user_umask.append(previous)
    changed: list[Path] = []
    for folder in folders:
        changed += tighten_folder(folder)
    return changed + tighten_files(files)


def user_umask() -> int:
    """The umask the user started the companion with, once `tighten_at_start` changed it; else -1.

    For the caregiver's notify command: what it creates follows their umask, not ours.
    """
    return _user_umask[0] if _user_umask else -1


def mode_of(path: Path) -> int:
    """The permission bits of `path` (for tests and diagnostics)."""
    return stat.S_IMODE(path.stat().st_mode)
