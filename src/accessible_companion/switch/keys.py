"""Switch key names: validation, canonical form, and what a terminal delivers for each.

Pure on purpose: importing pynput without an X display fails, and the config checker must
work anywhere. Names follow pynput's `Key` members (space, enter, f9, page_up, ...), plus
single printable characters and `mouse:left|middle|right|button8..button30`.
"""

from __future__ import annotations

_FUNCTION_KEYS = tuple(f"f{n}" for n in range(1, 25))

NAMED_KEYS: frozenset[str] = frozenset(
    {
        *("alt", "alt_l", "alt_r", "alt_gr", "backspace", "caps_lock"),
        *("cmd", "cmd_l", "cmd_r", "ctrl", "ctrl_l", "ctrl_r", "delete"),
        *("down", "end", "enter", "esc", "home", "left", "page_down", "page_up", "right"),
        *("shift", "shift_l", "shift_r", "space", "tab", "up"),
        *("media_play_pause", "media_volume_mute", "media_volume_down", "media_volume_up"),
        *("media_previous", "media_next"),
        *("insert", "menu", "num_lock", "pause", "print_screen", "scroll_lock"),
        *_FUNCTION_KEYS,
    }
)
"""Named keys (pynput `Key` names; f21-f24 too, which X keyboards may have)."""

ALIASES: dict[str, str] = {"return": "enter", "escape": "esc"}
"""Other spellings caregivers use, and the name they mean."""

MOUSE_BUTTONS: dict[str, int] = {
    "mouse:left": 1,
    "mouse:middle": 2,
    "mouse:right": 3,
    **{f"mouse:button{n}": n for n in range(8, 31)},
}
"""Mouse switch names and their X button numbers (4-7 are scroll wheel steps, not buttons)."""

KNOWN_KEY_NAMES: frozenset[str] = NAMED_KEYS | frozenset(MOUSE_BUTTONS)
"""Every canonical multi-character name (single characters are valid as well)."""

# What a terminal in cbreak mode delivers for named keys. Enter arrives as "\r" or, with the
# usual ICRNL input setting, as "\n"; backspace as DEL or ^H depending on the terminal.
_TERMINAL_CHARS: dict[str, tuple[str, ...]] = {
    "space": (" ",),
    "enter": ("\r", "\n"),
    "tab": ("\t",),
    "esc": ("\x1b",),
    "backspace": ("\x7f", "\x08"),
}


def canonical_key_name(name: str) -> str | None:
    """The canonical form of a key name (lower case, aliases resolved), or None if invalid."""
    if len(name) == 1:
        return name if name.isprintable() else None
    lowered = name.lower()
    lowered = ALIASES.get(lowered, lowered)
    return lowered if lowered in KNOWN_KEY_NAMES else None


def is_valid_key_name(name: str) -> bool:
    """Whether `name` names a key, a single character, or a mouse button."""
    return canonical_key_name(name) is not None


def mouse_button(name: str) -> int | None:
    """The X button number of a mouse switch name, or None for keys."""
    canonical = canonical_key_name(name)
    return MOUSE_BUTTONS.get(canonical) if canonical else None


def terminal_chars(name: str) -> tuple[str, ...]:
    """The characters a terminal delivers for this key; empty if it cannot deliver it alone.

    A letter gives both cases, so Shift or Caps Lock does not take the switch away.
    """
    canonical = canonical_key_name(name)
    if canonical is None:
        return ()
    if len(canonical) == 1:
        cases = (canonical, canonical.lower(), canonical.upper())
        return tuple(dict.fromkeys(c for c in cases if len(c) == 1))
    return _TERMINAL_CHARS.get(canonical, ())


def display_name(name: str) -> str:
    """A readable name for notices: Space, Page Up, F9, 'a', left mouse button."""
    canonical = canonical_key_name(name)
    if canonical is None:
        return repr(name)
    if len(canonical) == 1:
        return repr(canonical)
    if canonical in MOUSE_BUTTONS:
        button = canonical.removeprefix("mouse:")
        if button.startswith("button"):
            return f"mouse button {button.removeprefix('button')}"
        return f"{button} mouse button"
    return canonical.replace("_", " ").title()
