"""Grid menus as `check` sees them: a caregiver's row cues must be one per row.

How many rows a menu has depends on its `columns` (or `display.columns`) and on its items,
the Back item the companion adds included, so this is checked on the finished menus.
"""

from __future__ import annotations

from ..core.grid import Layout
from ..core.menus import Action, MenuSet
from ..core.settings import Settings
from .kinds import dotted
from .problems import Problem
from .yaml_lines import LinedYaml, Location


def row_cue_problems(
    menus: MenuSet, settings: Settings, where: dict[str, tuple[LinedYaml, Location]]
) -> list[Problem]:
    """`row_cues` on a menu that is a list, or not one for each row (`menus`: with Back items)."""
    problems: list[Problem] = []
    for menu_id, menu in menus.menus.items():
        if not menu.row_cues or menu_id not in where:
            continue
        doc, location = where[menu_id]
        name = dotted((*location, "row_cues"))
        layout = Layout.of(menu, settings.display.columns)
        back = any(item.action is Action.BACK for item in menu.items)
        cells = f"{layout.count} items{', Back included' if back else ''}"
        if not layout.is_grid:
            columns = menu.columns or settings.display.columns
            message = f"{name}: menu '{menu_id}' is a list ({cells}, columns {columns}): it has no rows"
        elif len(menu.row_cues) != layout.rows:
            message = (
                f"{name}: {len(menu.row_cues)} given, but menu '{menu_id}' has {layout.rows} rows "
                f"({cells}, {layout.columns} to a row)"
            )
        else:
            continue
        problems.append(doc.problem((*location, "row_cues"), message))
    return problems
