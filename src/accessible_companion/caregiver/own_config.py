"""The caregiver's own copy of the config, which their page edits when the companion runs
without `--config` (the built-in config is part of the program: never edited in place).

Kept light (no web server imported): `run` makes the copy before it chooses its config.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import paths, private
from ..config.loader import default_config_dir
from ..durable import sync_folder


def caregiver_copy() -> Path:
    """The caregiver's own config (`paths.user_config_dir()`), which the page edits when the
    companion runs without `--config`: made private from the built-in one if it is missing
    (whole or not at all: copied aside, then renamed into place)."""
    target = paths.user_config_dir()
    if target.is_dir():
        return target
    private.make_folder(target.parent)
    temp = Path(tempfile.mkdtemp(prefix=".config-", dir=target.parent))  # 0700
    try:
        source = default_config_dir()
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            relative = file.relative_to(source)
            private.make_folder((temp / relative).parent)
            with file.open("rb") as data, private.open_binary(temp / relative, "xb") as out:
                shutil.copyfileobj(data, out)
                out.flush()
                os.fsync(out.fileno())
        os.rename(temp, target)
        sync_folder(target.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if target.is_dir():  # made meanwhile by another companion or `caregiver` command
            return target
        raise
    return target
