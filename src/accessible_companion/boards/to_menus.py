"""Boards become menus: ids, titles, items in grid order (row by row, empty cells skipped) and
the grid's columns; then what the companion's checks need (no empty menu, every menu reachable
from home, distinct voice words, unique item ids, a row cue per row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config.kinds import MAX_TEXT
from ..config.schema import MAX_COLUMNS
from ..core.settings import Settings
from .fixes import fix_menus
from .items import ItemMaker, fitted
from .media import MediaFiles
from .names import MenuIds
from .obf import OURS, Board, Button
from .package import Package
from .problems import BoardsError, Problem, place
from .walk import walk


@dataclass
class ImportedMenu:
    """One board as a menu, ready to be written as YAML."""

    id: str
    board: Board
    fields: dict[str, Any]
    """`id`, `title`, `columns`, `row_cues`, `obf` (not `items`)."""
    items: list[dict[str, Any]] = field(default_factory=list)
    wheres: list[str] = field(default_factory=list)
    """Each item's button, for messages."""

    def as_yaml(self) -> dict[str, Any]:
        return {**self.fields, "items": self.items}


@dataclass
class Imported:
    menus: list[ImportedMenu]
    """Home first."""
    media: MediaFiles


def import_package(package: Package, settings: Settings, problems: list[Problem]) -> Imported:
    """The package's boards as menus (BoardsError when not even the root board can be one)."""
    walked = walk(package, problems)
    ids = MenuIds()
    menu_ids: dict[str, str] = {}
    for number, (key, board) in enumerate(walked.boards.items()):
        menu_id, why = ids.root(board.id) if number == 0 else ids.other(board.id)
        if why:
            problems.append(Problem(board.file, why))
        menu_ids[key] = menu_id
    media = MediaFiles()
    menus: list[ImportedMenu] = []
    for key, board in walked.boards.items():
        targets = {
            button_id: menu_ids[target]
            for (from_key, button_id), target in walked.targets.items()
            if from_key == key
        }
        maker = ItemMaker(package, board, targets, media, problems)
        menu = ImportedMenu(menu_ids[key], board, _menu_fields(menu_ids[key], board, problems))
        for button in placed(board, problems):
            item = maker.item(button)
            if item is not None:
                menu.items.append(item)
                menu.wheres.append(button.where)
        menus.append(menu)
    if not menus[0].items:
        raise BoardsError(menus[0].board.file, "the root board has no button that can be imported")
    return Imported(fix_menus(menus, settings, problems), media)


def placed(board: Board, problems: list[Problem]) -> list[Button]:
    """The board's buttons as its grid shows them, row by row, empty cells skipped; without a
    grid, as listed. A button the grid does not show is told and left out."""
    order = board.grid.order
    if order is None:
        return list(board.buttons)
    by_id = {button.id: button for button in board.buttons}
    shown: list[Button] = []
    seen: set[str] = set()
    for row_number, row in enumerate(order):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            where = place(board.file, f"grid.order[{row_number}][{column}]")
            if cell not in by_id:
                problems.append(Problem(where, f"no button has the id '{cell}': the cell is left empty"))
            elif cell in seen:
                problems.append(
                    Problem(where, f"the button '{cell}' is placed twice: its first place is kept")
                )
            else:
                seen.add(cell)
                shown.append(by_id[cell])
    for button in board.buttons:
        if button.id not in seen:
            problems.append(
                Problem(button.where, "not placed in the board's grid (not shown there): not imported")
            )
    return shown


def _menu_fields(menu_id: str, board: Board, problems: list[Problem]) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": menu_id}
    if board.name:
        fields["title"] = fitted(board.name, MAX_TEXT)
    columns = _columns(board, problems)
    if columns:
        fields["columns"] = columns
    cues = board.ours.get("row_cues")
    if isinstance(cues, list) and cues and all(isinstance(c, str) and c.strip() for c in cues):
        fields["row_cues"] = [fitted(c, MAX_TEXT) for c in cues]
    elif cues is not None:
        problems.append(Problem(board.file, f"{OURS}row_cues {cues!r} is not a list of cues; ignored"))
    for key in sorted(board.ours.keys() - {"row_cues", "default_columns"}):
        problems.append(Problem(board.file, f"{OURS}{key} is not a field the companion knows; left out"))
    if board.keep:
        fields["obf"] = board.keep
    return fields


def _columns(board: Board, problems: list[Problem]) -> int:
    """The menu's `columns:` from the grid (0: none, so `display.columns` applies)."""
    if board.ours.get("default_columns") is True:
        return 0
    grid = board.grid
    columns = grid.columns or max((len(row) for row in grid.order or ()), default=0)
    if columns > MAX_COLUMNS:
        problems.append(
            Problem(
                place(board.file, "grid"),
                f"{columns} columns: the companion shows at most {MAX_COLUMNS} cells a row, "
                f"so its rows hold {MAX_COLUMNS}",
            )
        )
        return MAX_COLUMNS
    return columns
