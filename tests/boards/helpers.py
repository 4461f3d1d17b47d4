"""Building small board sets for tests, and reading back what an import wrote."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from accessible_companion.config.loader import load_config
from accessible_companion.core.menus import MenuSet, back_item

DATA = Path(__file__).resolve().parents[1] / "data" / "obf"
REAL = ("lots_of_stuff.obz", "links.obz", "simple.obf", "foreign.obf")


def board(board_id: str, *buttons: dict[str, Any], columns: int = 0, **extra: Any) -> dict[str, Any]:
    """A board whose grid holds its buttons row by row (`columns` to a row; default: one row)."""
    ids = [b["id"] for b in buttons]
    width = columns or max(1, len(ids))
    rows = [ids[i : i + width] for i in range(0, len(ids), width)] or [[]]
    rows[-1] += [None] * (width - len(rows[-1]))
    grid = {"rows": len(rows), "columns": width, "order": rows}
    return {"format": "open-board-0.1", "id": board_id, "buttons": list(buttons), "grid": grid, **extra}


def obz(
    path: Path,
    boards: dict[str, dict[str, Any]],
    root: str = "",
    files: dict[str, bytes] | None = None,
    images: dict[str, str] | None = None,
) -> Path:
    """An .obz of `boards` (path in the package -> board) and `files`, with a manifest (`root`
    defaults to the first board; `images`: the manifest's paths.images)."""
    paths: dict[str, Any] = {"boards": {b["id"]: p for p, b in boards.items()}, "images": images or {}}
    manifest = {"format": "open-board-0.1", "root": root or next(iter(boards)), "paths": paths}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for inner, data in boards.items():
            archive.writestr(inner, json.dumps(data))
        for inner, raw in (files or {}).items():
            archive.writestr(inner, raw)
    return path


def obf(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def written_menus(folder: Path) -> MenuSet:
    """The menus of a config folder as the companion loads them, without the Back items it adds."""
    config = load_config(folder)
    back = back_item(config.settings)
    menus = {}
    for menu_id, menu in config.menus.menus.items():
        items = menu.items[:-1] if menu_id != "home" and menu.items and menu.items[-1] == back else menu.items
        menus[menu_id] = type(menu)(menu.id, menu.title, items, menu.columns, menu.row_cues)
    return MenuSet(menus)
