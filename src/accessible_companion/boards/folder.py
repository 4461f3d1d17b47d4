"""Writing an imported board set as a config folder: one YAML file per menu, pictures in
`images/`, recordings in `sounds/`, what changed in `import-notes.txt`. The folder appears whole
or not at all, and only after the companion's own loader has accepted it."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..config.loader import load_config
from ..config.problems import ConfigError
from ..durable import sync_folder
from .names import file_names
from .problems import BoardsError, Problem
from .to_menus import Imported

NOTES = "import-notes.txt"
FOLDER_MODE = 0o755
FILE_MODE = 0o644
"""A config is read by the companion and edited by the caregiver: not private like the journal."""


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no `&anchors` (the loader counts aliases), and text that YAML 1.1 would read as
    something else (`No`, `10:30`) in quotes, as PyYAML's safe dumper always does."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(menu: dict[str, Any], header: str) -> str:
    body = yaml.dump(
        {"menus": [menu]},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return header + body


def ready_folder(folder: Path) -> None:
    """BoardsError unless `folder` is new or an empty folder: an import never mixes into a config."""
    if folder.is_dir():
        if any(folder.iterdir()):
            raise BoardsError(str(folder), "is not empty: import into a new folder")
    elif folder.exists():
        raise BoardsError(str(folder), "is a file: import into a new folder")


def write_folder(folder: Path, imported: Imported, source: str, problems: list[Problem]) -> list[Path]:
    """Write the config into `folder` (new or empty); the YAML files written. BoardsError if the
    result would not load (then nothing is left behind)."""
    ready_folder(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.importing-", dir=folder.parent))
    try:
        written = _fill(staging, imported, source, problems)
        try:
            load_config(staging)
        except ConfigError as error:
            raise BoardsError(
                str(folder), "the imported menus do not pass check, so nothing was written:\n" + str(error)
            ) from None
        if folder.is_dir():
            folder.rmdir()
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        sync_folder(folder.parent)
    return [folder / path.relative_to(staging) for path in written]


def _fill(staging: Path, imported: Imported, source: str, problems: list[Problem]) -> list[Path]:
    os.chmod(staging, FOLDER_MODE)
    names = file_names([menu.id for menu in imported.menus])
    written: list[Path] = []
    for menu in imported.menus:
        header = f"# Imported from {source}: {menu.board.file} (board '{menu.board.id}').\n"
        path = staging / names[menu.id]
        _write(path, render(menu.as_yaml(), header).encode("utf-8"))
        written.append(path)
    for relative, data in imported.media.files.items():
        path = staging / relative
        if not path.parent.exists():
            path.parent.mkdir()
            os.chmod(path.parent, FOLDER_MODE)
        _write(path, data)
    notes = [f"Imported from {source}.", ""]
    notes += [str(problem) for problem in problems] or ["Everything came along."]
    _write(staging / NOTES, ("\n".join(notes) + "\n").encode("utf-8"))
    return written


def _write(path: Path, data: bytes) -> None:
    with path.open("xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, FILE_MODE)
