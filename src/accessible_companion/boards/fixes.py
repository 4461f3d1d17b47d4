"""What the companion's checks need from imported menus, made so and told: no empty menu,
every menu reachable from home, distinct voice words in a menu, unique item ids, one row cue
per row. (The same rules as `config/loader.py`; `check` on the written folder confirms them.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.commands import normalize_words
from ..core.grid import Layout
from ..core.menus import Action, Item, Menu
from ..core.settings import Settings
from .names import HOME
from .problems import Problem

if TYPE_CHECKING:
    from .to_menus import ImportedMenu


def fix_menus(menus: list[ImportedMenu], settings: Settings, problems: list[Problem]) -> list[ImportedMenu]:
    kept = _without_empty(menus, problems)
    kept = _reachable(kept, problems)
    for menu in kept:
        _distinct_voices(menu, settings, problems)
        _row_cues(menu, settings, problems)
    _unique_item_ids(kept, problems)
    return kept


def _without_empty(menus: list[ImportedMenu], problems: list[Problem]) -> list[ImportedMenu]:
    """A board none of whose buttons came along is left out, and buttons that opened it become
    phrases (a menu must have items)."""
    empty = {menu.id for menu in menus if not menu.items}
    for menu in menus:
        if menu.id in empty:
            problems.append(
                Problem(menu.board.file, "no button of this board could be imported: it is left out")
            )
            continue
        for item, where in zip(menu.items, menu.wheres, strict=True):
            if item.get("menu") in empty:
                problems.append(
                    Problem(
                        where, f"it opened board '{item.pop('menu')}', which is left out: it is now a phrase"
                    )
                )
    return [menu for menu in menus if menu.id not in empty]


def _reachable(menus: list[ImportedMenu], problems: list[Problem]) -> list[ImportedMenu]:
    """Menus that home leads to; a board only hidden or unplaced buttons opened is told and left out."""
    by_id = {menu.id: menu for menu in menus}
    seen = {HOME}
    todo = [HOME]
    while todo:
        for item in by_id[todo.pop()].items:
            target = item.get("menu")
            if isinstance(target, str) and target in by_id and target not in seen:
                seen.add(target)
                todo.append(target)
    for menu in menus:
        if menu.id not in seen:
            problems.append(
                Problem(menu.board.file, "only buttons that are not imported open this board: it is left out")
            )
    return [menu for menu in menus if menu.id in seen]


def _distinct_voices(menu: ImportedMenu, settings: Settings, problems: list[Problem]) -> None:
    """Two items of one menu must not be chosen by the same words (by default an item's words
    are its label); nor may an item take the words of the Back item the companion adds."""
    owner: dict[str, str] = {}
    if menu.id != HOME and all(item.get("action") != Action.BACK.value for item in menu.items):
        owner = {normalize_words(words): settings.messages.back for words in settings.commands.back}
    for item, where in zip(menu.items, menu.wheres, strict=True):
        label = item["label"]
        words = item.get("voice") or [label]
        clash = next((w for w in words if owner.get(normalize_words(w), label) != label), None)
        if clash is None:
            for spoken in words:
                owner.setdefault(normalize_words(spoken), label)
            continue
        number = 2
        while normalize_words(f"{label} {number}") in owner:
            number += 1
        item["voice"] = [f"{label} {number}"]
        owner[normalize_words(f"{label} {number}")] = label
        problems.append(
            Problem(
                where,
                f"'{clash}' would also choose '{owner[normalize_words(clash)]}' by voice: "
                f"this item is chosen by voice with '{label} {number}'",
            )
        )


def _row_cues(menu: ImportedMenu, settings: Settings, problems: list[Problem]) -> None:
    """Row cues kept only when there is one for each row (the Back item the companion adds is a cell)."""
    cues = menu.fields.get("row_cues")
    if not cues:
        return
    back = menu.id != HOME and all(item.get("action") != Action.BACK.value for item in menu.items)
    count = len(menu.items) + (1 if back else 0)
    shape = Menu(menu.id, menu.id, (Item("cell"),) * count, menu.fields.get("columns", 0))
    layout = Layout.of(shape, settings.display.columns)
    if layout.is_grid and len(cues) == layout.rows:
        return
    del menu.fields["row_cues"]
    rows = f"{layout.rows} rows" if layout.is_grid else "no rows (it is a list)"
    problems.append(
        Problem(menu.board.file, f"{len(cues)} row cues, but the menu has {rows}: they are left out")
    )


def _unique_item_ids(menus: list[ImportedMenu], problems: list[Problem]) -> None:
    first: dict[str, str] = {}
    for menu in menus:
        for item, where in zip(menu.items, menu.wheres, strict=True):
            item_id = item.get("id")
            if item_id is None:
                continue
            if item_id in first:
                del item["id"]
                problems.append(
                    Problem(where, f"the item id '{item_id}' is already used ({first[item_id]}): dropped")
                )
            else:
                first[item_id] = where
