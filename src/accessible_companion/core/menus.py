"""The menu model: menus of items, each item with one action. Pure data, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from .settings import Mode, Settings


class Action(StrEnum):
    """What selecting an item does."""

    SPEAK = "speak"
    """Say the item's `say` text with the main voice (the default action)."""
    MENU = "menu"
    """Open the submenu named by `menu`."""
    BACK = "back"
    """Go up one menu."""
    HOME = "home"
    """Go to the home menu."""
    REST = "rest"
    """Start a rest (`minutes` optional)."""
    CHECK_IN = "check-in"
    """Record how the user feels (`answer` optional)."""
    HELP = "help"
    """Call for help ("Help now": the alarm, every contact in turn)."""
    NEED = "need"
    """"I need something": a quieter call, to the first contact only."""
    SLOWER = "slower"
    """Lengthen the scan interval."""
    FASTER = "faster"
    """Shorten the scan interval."""
    MODE = "mode"
    """Switch scanning mode (`mode` names one; none = the next mode)."""
    VOICE_ON = "voice-on"
    """Turn voice commands on."""
    VOICE_OFF = "voice-off"
    """Turn voice commands off."""
    PAUSE = "pause"
    """Stop scanning until the next press."""
    SNOOZE = "snooze"
    """Not now: put off the offered rest (offers of rest only)."""


@dataclass(frozen=True)
class Item:
    """One menu item."""

    label: str
    """Shown on the display."""
    action: Action = Action.SPEAK
    """What selecting it does."""
    say: str = ""
    """Spoken to the room by the main voice when selected (defaults to the label)."""
    cue: str = ""
    """Spoken by the cue voice while scanning (defaults to the label)."""
    voice: tuple[str, ...] = ()
    """Words that select it by voice (defaults to the label)."""
    menu: str = ""
    """Target menu id, for `menu` items."""
    mode: Mode | None = None
    """Target mode, for `mode` items (None = cycle to the next mode)."""
    minutes: float | None = None
    """Rest length, for `rest` items."""
    answer: str = ""
    """Recorded answer, for `check-in` items."""
    id: str = ""
    """Optional caregiver id."""
    source: str = ""
    """Where the advice comes from (strategies keep their source)."""
    sound: str = ""
    """A recording of the user's own voice to play instead of saying `say` (message banking;
    `say` is spoken when it cannot be played). The loader makes it an absolute path."""
    sound_seconds: float = 0.0
    """The recording's length when the config was loaded (0: unknown), for how long the scan
    waits for it at most if its end is never reported."""
    image: str = ""
    """A picture for the item (a file; path relative to the config file's folder). Kept from
    imported boards for export; not shown yet."""

    @property
    def say_text(self) -> str:
        return self.say or self.label

    @property
    def cue_text(self) -> str:
        return self.cue or self.label

    @property
    def voice_words(self) -> tuple[str, ...]:
        return self.voice or (self.label,)


@dataclass(frozen=True)
class Menu:
    """A menu: a title and its items in scan order."""

    id: str
    title: str
    items: tuple[Item, ...]
    columns: int = 0
    """Cells per row: more than 1 lays it out as a grid (see `grid.py`); 0 = `display.columns`."""
    row_cues: tuple[str, ...] = ()
    """The caregiver's cue for each row of a grid ("" or missing: its first items' cues)."""


@dataclass(frozen=True)
class MenuSet:
    """All menus by id; `home` is where the companion starts."""

    menus: Mapping[str, Menu]
    home: str = "home"

    def __getitem__(self, menu_id: str) -> Menu:
        return self.menus[menu_id]


def back_item(settings: Settings) -> Item:
    """The Back item the companion adds: it says the caregiver's word for Back and is chosen
    by voice with the back command's words (so it adds no new words for the recognizer)."""
    return Item(settings.messages.back, action=Action.BACK, voice=settings.commands.back)


def with_back_items(menus: MenuSet, settings: Settings) -> MenuSet:
    """Every menu but home gets the Back item at its end unless it has one already."""
    back = back_item(settings)
    fixed: dict[str, Menu] = {}
    for menu_id, menu in menus.menus.items():
        needs_back = menu_id != menus.home and all(i.action is not Action.BACK for i in menu.items)
        fixed[menu_id] = replace(menu, items=(*menu.items, back)) if needs_back else menu
    return MenuSet(fixed, menus.home)


def reachable(menus: MenuSet) -> set[str]:
    """Menu ids reachable from home through submenu items."""
    seen = {menus.home}
    todo = [menus.home]
    while todo:
        for item in menus.menus[todo.pop()].items:
            if item.action is Action.MENU and item.menu in menus.menus and item.menu not in seen:
                seen.add(item.menu)
                todo.append(item.menu)
    return seen


def paths_from_home(menus: MenuSet) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each reachable menu, the (menu id, item index) steps that open it from home."""
    paths: dict[str, tuple[tuple[str, int], ...]] = {menus.home: ()}
    todo = [menus.home]
    while todo:
        menu_id = todo.pop(0)
        for index, item in enumerate(menus.menus[menu_id].items):
            if item.action is Action.MENU and item.menu in menus.menus and item.menu not in paths:
                paths[item.menu] = (*paths[menu_id], (menu_id, index))
                todo.append(item.menu)
    return paths
