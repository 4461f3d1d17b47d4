"""Writes that survive a power cut: a new or renamed file's name lasts only once its folder is synced."""

from __future__ import annotations

import os
from pathlib import Path


def sync_folder(folder: Path) -> None:
    """fsync `folder`, so a file created or renamed in it is still there after a crash.

    Raises OSError as `os.open` and `os.fsync` do.
    """
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
