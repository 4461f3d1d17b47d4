"""The menus as the user meets them: Home first, each submenu under the item that opens it.

A menu opened by two items is shown under the first; the second says where it is. Menus
no item reaches are listed after, as their own trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config.document import HOME, ConfigDocument
from ..core.menus import Action
from .item_words import action_of, does


@dataclass
class ItemRow:
    index: int
    label: str
    does: str
    opens: str = ""
    """The id of the menu it opens ("" if it opens none)."""
    submenu: MenuView | None = None
    """That menu, when it is shown here (not under an item above)."""


@dataclass
class MenuView:
    id: str
    title: str
    file: str
    """Its file, relative to the config folder."""
    depth: int
    items: list[ItemRow] = field(default_factory=list)


@dataclass(frozen=True)
class MenuTree:
    home: MenuView | None
    unreached: list[MenuView]
    titles: dict[str, str]
    """Every menu's title by id (the id when it has none), in file order."""


def menu_tree(document: ConfigDocument) -> MenuTree:
    titles = {menu_id: document.menu_title(menu_id) or menu_id for menu_id in document.menu_ids()}
    shown: set[str] = set()

    def view(menu_id: str, depth: int) -> MenuView:
        shown.add(menu_id)
        menu = MenuView(
            menu_id, titles[menu_id], _relative(document.menu_file(menu_id), document.root), depth
        )
        for index, item in enumerate(document.items(menu_id)):
            target = str(item.get("menu", "")) if action_of(item) is Action.MENU else ""
            menu.items.append(ItemRow(index, str(item.get("label", "")), does(item, titles), target))
        for row in menu.items:  # after the rows: a menu opened twice in one menu goes under the first
            if row.opens in titles and row.opens not in shown:
                row.submenu = view(row.opens, depth + 1)
        return menu

    home = view(HOME, 0) if HOME in titles else None
    unreached = [view(menu_id, 0) for menu_id in titles if menu_id not in shown]
    return MenuTree(home, unreached, titles)


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if root.is_dir() and path.is_relative_to(root) else path.name
