"""A board set brought into the caregiver's own config, beside their menus, never over them.

`boards.api.import_boards` makes a whole new config folder from an .obf or .obz (it never mixes
into an existing one). The page wants the boards in the config the companion runs, so that
folder is made in a temporary place first, then its menus are taken in as new files under
`boards/<name>/` of the config, with their pictures and recordings beside them:

- the board set's root (`home` in the new folder) gets an id of its own (from the file's name),
  and any menu or item id the caregiver already uses is renamed, with every link to it;
- Home gains one item that opens the imported root, at its end;
- all of it is one save (`saving.save`): checked with the real loader first, written by the
  config writer, kept as a version (a restore of the version before takes the menus out again),
  journaled and applied.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..boards.api import ImportReport, import_boards
from ..boards.folder import render
from ..boards.media import safe_stem
from ..boards.problems import BoardsError
from ..boards.problems import Problem as BoardProblem
from ..config.document import HOME, ConfigDocument, EditError
from ..config.problems import ConfigError, Problem
from ..durable import sync_folder
from . import saving
from .state import PageState

BOARDS_FOLDER = "boards"
"""Where imported board sets go in the config folder, one folder each."""
FOLDER_MODE = 0o755


@dataclass(frozen=True)
class BoardImport:
    """How an import went."""

    error: str = ""
    """Why nothing could be imported at all (not a board, a hostile package), or ""."""
    problems: list[Problem] = field(default_factory=list)
    """Why the imported menus were not taken into the config (it would not load with them)."""
    carried: tuple[BoardProblem, ...] = ()
    """What did not come along as it was, with its place in the board file."""
    renamed: tuple[str, ...] = ()
    """Ids changed so as not to clash with the caregiver's, in words."""
    folder: str = ""
    """Where the menus went, relative to the config folder."""
    root: str = ""
    """The menu id of the board set's root, now opened from Home."""
    undo: int | None = None
    """The version just before the import: restoring it takes the imported menus out again."""
    label: str = ""
    """The label of the item on Home that opens it."""
    report: ImportReport | None = None
    saved: saving.Saved | None = None

    @property
    def ok(self) -> bool:
        return not self.error and not self.problems


def import_into_config(state: PageState, upload: Path, who: str) -> BoardImport:
    """Import the board file `upload` into the config at `state.config` (blocking: call from a
    worker thread). Nothing is written unless the config loads with the imported menus."""
    with saving.one_change:
        return _import(state, upload, who)


def _import(state: PageState, upload: Path, who: str) -> BoardImport:
    config = state.config
    if not config.is_dir():
        return BoardImport(error="The config is a single file: boards can only be added to a config folder.")
    with tempfile.TemporaryDirectory(prefix="companion-board-") as work:
        try:
            report = import_boards(upload, Path(work) / "board")
        except BoardsError as error:
            return BoardImport(error=str(error))
        carried = tuple(p for p in report.problems if not _about_home(p))
        try:
            document = ConfigDocument.read(config)
        except ConfigError as error:
            return BoardImport(problems=list(error.problems), report=report, carried=carried)
        stem = safe_stem(Path(upload.name).stem, "board")
        folder = _free_folder(config, stem)
        merge = _Merge(document, stem)
        texts = {
            folder / path.relative_to(report.folder): merge.menu_file(path.read_text(encoding="utf-8"))
            for path in report.files
        }
        try:
            for path, text in texts.items():
                document.add_file(path, text)
            root = merge.ids[HOME]
            label = merge.title or stem
            document.add_item(HOME, {"label": label, "menu": root})
        except EditError as error:
            return BoardImport(error=str(error), report=report, carried=carried)
        summary = f"Imported '{label}' from {upload.name} ({report.menus} menus, {report.items} items)"
        try:
            saved = saving.save(
                state, document, who, summary, before_write=_copier(report.folder, folder, set(report.files))
            )
        except OSError as error:  # a full disk, a folder that became read-only
            shutil.rmtree(folder, ignore_errors=True)  # what was copied in before it failed
            return BoardImport(error=f"the files could not be written: {error.strerror or error}")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    relative = str(folder.relative_to(config))
    if not saved.ok:  # refused before anything was copied or written
        return BoardImport(problems=saved.problems, carried=carried, report=report)
    assert saved.version is not None
    before = state.history.before(saved.version)
    return BoardImport(
        undo=before.number if before else None,
        carried=carried,
        renamed=tuple(merge.told),
        folder=relative,
        root=root,
        label=label,
        report=report,
        saved=saved,
    )


def _about_home(problem: BoardProblem) -> bool:
    """The import's note that the root board becomes the home menu: here it does not (`renamed`
    says what it became instead)."""
    return "becomes the home menu" in problem.message


def _free_folder(config: Path, stem: str) -> Path:
    base = config / BOARDS_FOLDER
    folder, number = base / stem, 2
    while folder.exists():
        folder, number = base / f"{stem}-{number}", number + 1
    return folder


def _copier(source: Path, target: Path, skip: set[Path]) -> Callable[[], None]:
    """Copies the import's pictures, recordings and notes (everything but its menu files, which
    the config writer writes) into `target`; run once the check has passed."""

    def copy() -> None:
        for path in sorted(source.rglob("*")):
            if path in skip or not path.is_file():
                continue
            out = target / path.relative_to(source)
            for folder in reversed([out.parent, *out.parent.parents]):
                if not folder.exists():  # (`boards/` too, at the first import)
                    folder.mkdir()
                    os.chmod(folder, FOLDER_MODE)
            shutil.copyfile(path, out)
            with out.open("rb+") as file:
                os.fsync(file.fileno())
            os.chmod(out, 0o644)
        for folder in {target, *(p.parent for p in target.rglob("*"))}:
            sync_folder(folder)

    return copy


class _Merge:
    """Renames the imported menus' ids (and item ids) that the caregiver's config already uses."""

    def __init__(self, document: ConfigDocument, stem: str) -> None:
        self._stem = stem
        self._menus_taken = set(document.menu_ids())
        self._items_taken = {
            str(item["id"]) for menu in document.menu_ids() for item in document.items(menu) if item.get("id")
        }
        self.ids: dict[str, str] = {}
        self.title = ""
        self.told: list[str] = []

    def menu_file(self, text: str) -> str:
        """One imported menu file (`menus: [one menu]`, as boards/folder.py writes them), renamed."""
        header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
        data: dict[str, Any] = yaml.safe_load(text)
        for menu in data["menus"]:
            self._rename(menu)
        return render(data["menus"][0], header) if len(data["menus"]) == 1 else header + yaml.safe_dump(data)

    def _rename(self, menu: dict[str, Any]) -> None:
        old = str(menu["id"])
        menu["id"] = self._menu_id(old)
        if old == HOME:
            self.title = str(menu.get("title") or "")
        for item in menu.get("items") or []:
            if "menu" in item:
                item["menu"] = self._menu_id(str(item["menu"]))
            if item.get("id"):
                item["id"] = self._item_id(str(item["id"]))

    def _menu_id(self, old: str) -> str:
        if old not in self.ids:
            # The root is home in the new folder; here it is a menu of its own, named for the file.
            wanted = self._stem if old == HOME else old
            new = _free(wanted, self._menus_taken, f"{self._stem}_{old}")
            self.ids[old] = new
            if old == HOME:
                self.told.append(f"The board set's first board is the menu '{new}' here, opened from Home.")
            elif new != old:
                self.told.append(f"The menu id '{old}' was taken already: the imported menu is '{new}'.")
        return self.ids[old]

    def _item_id(self, old: str) -> str:
        new = _free(old, self._items_taken, f"{self._stem}_{old}")
        if new != old:
            self.told.append(f"The item id '{old}' was taken already: the imported item's id is '{new}'.")
        return new


def _free(wanted: str, taken: set[str], instead: str) -> str:
    """`wanted` if free, else `instead`, then `instead_2`, ...; marked as taken."""
    found, number = wanted, 2
    if found in taken:
        found = instead
    while found in taken:
        found, number = f"{instead}_{number}", number + 1
    taken.add(found)
    return found
