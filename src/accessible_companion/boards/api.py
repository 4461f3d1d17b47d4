"""Import and export as functions, for the command line and the caregiver's page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..config.loader import load_config
from .folder import ready_folder, write_folder
from .obz import write_obz
from .package import open_package
from .problems import BoardsError, Problem, place
from .to_menus import import_package
from .to_obf import Exporter
from .written import written_menus


@dataclass(frozen=True)
class ImportReport:
    folder: Path
    files: tuple[Path, ...]
    """The YAML files written, home's first."""
    menus: int
    items: int
    images: int
    sounds: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ExportReport:
    out: Path
    boards: int
    buttons: int
    images: int
    sounds: int
    problems: tuple[Problem, ...]


def import_boards(file: Path, into: Path) -> ImportReport:
    """Turn the .obf or .obz `file` into a new config folder `into` that `check` accepts.

    Raises BoardsError when no usable config can be made (not a board, the root board
    unreadable, a hostile package); everything else that did not come along is in `problems`.
    """
    ready_folder(into)
    problems: list[Problem] = []
    try:
        package = open_package(file, problems)
        try:
            # Imported menus run with the built-in settings until the caregiver adds their own.
            imported = import_package(package, load_config().settings, problems)
        finally:
            package.close()
    except BoardsError as error:
        if error.where.startswith((file.name, str(file))):
            raise
        raise BoardsError(place(file.name, error.where), error.message) from None
    problems = list(in_order(problems))
    try:
        written = write_folder(into, imported, file.name, problems)
    except OSError as error:
        raise BoardsError(str(into), f"cannot be written: {error.strerror or error}") from None
    media = imported.media.files
    return ImportReport(
        folder=into,
        files=tuple(written),
        menus=len(imported.menus),
        items=sum(len(menu.items) for menu in imported.menus),
        images=sum(1 for name in media if name.startswith("images/")),
        sounds=sum(1 for name in media if name.startswith("sounds/")),
        problems=tuple(problems),
    )


def in_order(problems: list[Problem]) -> tuple[Problem, ...]:
    """By file, then by place, numbers as numbers (`buttons[2]` before `buttons[10]`); the order
    of discovery within one place."""
    return tuple(
        sorted(problems, key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.where)])
    )


def export_boards(out: Path, config: Path | None = None) -> ExportReport:
    """Write the menus of the config at `config` (None: the built-in one) as the .obz `out`.

    Raises ConfigError when the config has problems, BoardsError when `out` cannot be written.
    """
    loaded = load_config(config)
    problems: list[Problem] = []
    exporter = Exporter(loaded, written_menus(config), problems)
    packed = exporter.run()
    if out.is_dir():
        raise BoardsError(str(out), "is a folder: give a file name ending in .obz")
    try:
        write_obz(out, packed.entries)
    except OSError as error:
        raise BoardsError(str(out), f"cannot be written: {error.strerror or error}") from None
    return ExportReport(
        out=out,
        boards=len(packed.paths["boards"]),
        buttons=exporter.buttons,
        images=len(packed.paths["images"]),
        sounds=len(packed.paths["sounds"]),
        problems=in_order(problems),
    )
