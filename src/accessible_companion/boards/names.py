"""Menu ids for imported boards: valid for the companion and unique, with each change told."""

from __future__ import annotations

from .media import safe_stem

HOME = "home"
OWN_PREFIX = "~"
"""Menu ids starting with `~` are the companion's own (its offers and questions)."""
MAX_ID = 100


class MenuIds:
    """Hands out menu ids: the root board becomes `home`; any other board keeps its id unless
    it is blank, starts with `~`, is `home`, or is taken."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def root(self, board_id: str) -> tuple[str, str]:
        """(`home`, why it changed, or "")."""
        self.taken.add(HOME)
        if board_id == HOME:
            return HOME, ""
        return (
            HOME,
            f"the root board '{board_id}' becomes the home menu (id '{HOME}': the companion starts there)",
        )

    def other(self, board_id: str) -> tuple[str, str]:
        """(a free id for the board, why it changed, or "")."""
        wanted = board_id.strip().lstrip(OWN_PREFIX).strip()[:MAX_ID] or "board"
        menu_id = wanted
        number = 2
        while menu_id in self.taken:
            menu_id = f"{wanted}_{number}"
            number += 1
        self.taken.add(menu_id)
        if menu_id == board_id:
            return menu_id, ""
        why = []
        if board_id.strip().startswith(OWN_PREFIX):
            why.append(f"ids starting with {OWN_PREFIX} are the companion's own")
        if not board_id.strip():
            why.append("it is blank")
        if len(board_id.strip()) > MAX_ID:
            why.append(f"at most {MAX_ID} characters")
        if menu_id != wanted:
            why.append("'home' is the root board's" if wanted == HOME else "another board has it")
        why = why or ["spaces around it are dropped"]
        return menu_id, f"the board id '{board_id}' becomes menu id '{menu_id}' ({'; '.join(why)})"


def file_names(menu_ids: list[str]) -> dict[str, str]:
    """One YAML file name per menu id, safe on any disk and unique (home first)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for menu_id in menu_ids:
        stem = safe_stem(menu_id, "menu").lower()
        name = f"{stem}.yaml"
        number = 2
        while name in used:
            name = f"{stem}-{number}.yaml"
            number += 1
        used.add(name)
        names[menu_id] = name
    return names
