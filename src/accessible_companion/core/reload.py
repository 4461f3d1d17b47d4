"""A new config while running (see README: Live reload): where the scan goes on in the new
menus, and which settings the user changed while running are kept. Pure values, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from .menus import Item, MenuSet
from .pace import long_press_bounds
from .settings import Settings, fastest_interval


def placed(stack: Sequence[str], index: int, old: MenuSet, new: MenuSet) -> tuple[list[str], int] | None:
    """The menu stack and highlighted index in `new` that match where the scan is in `old`,
    or None when the current menu is gone (the scan then starts again at home)."""
    current = stack[-1]
    if current not in new.menus:
        return None
    # The path down keeps the menus that still exist, so Back still leads somewhere.
    kept = [new.home, *(menu for menu in stack[1:] if menu in new.menus and menu != new.home)]
    if kept[-1] != current:
        kept.append(current)
    items = old[current].items
    item = items[index] if 0 <= index < len(items) else None
    return kept, same_item(item, index, new[current].items)


def same_item(item: Item | None, index: int, items: Sequence[Item]) -> int:
    """The position of `item` among `items`: by its id if it has one, else by its label,
    else the same position (clamped to the new length)."""
    if item is not None:
        if item.id:
            for position, candidate in enumerate(items):
                if candidate.id == item.id:
                    return position
        for position, candidate in enumerate(items):
            if candidate.label == item.label:
                return position
    return max(0, min(index, len(items) - 1))


def kept_settings(running: Settings, configured: Settings, new: Settings) -> Settings:
    """`new`, except the interval, long press and mode the user (or pacing) changed while
    running (slower, faster, mode items) when the caregiver's new config leaves that setting
    as it was."""
    changes: dict[str, object] = {}
    if new.scanning.interval == configured.scanning.interval:
        # Never faster than the new debounce allows.
        changes["interval"] = max(running.scanning.interval, fastest_interval(new.scanning.debounce))
    if new.scanning.long_press == configured.scanning.long_press:
        # Still clear of the new acceptance and of the hold that calls for help.
        low, high = long_press_bounds(new)
        changes["long_press"] = min(max(running.scanning.long_press, low), max(high, low))
    if new.scanning.mode == configured.scanning.mode:
        changes["mode"] = running.scanning.mode
    kept = new.with_scanning(**changes) if changes else new
    return kept if kept.scanning != new.scanning else new
