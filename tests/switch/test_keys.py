"""Key names: validation, canonical form, terminal characters."""

from __future__ import annotations

import pytest

from accessible_companion.switch import keys

VALID = (
    *("space", "enter", "tab", "esc", "f1", "f12", "f24", "up", "page_up", "print_screen"),
    *("a", "Z", "1", ";", "é", " "),
    *("mouse:left", "mouse:middle", "mouse:right", "mouse:button8", "mouse:button30"),
    *("Space", "ENTER", "F9", "Return", "escape", "Mouse:Left"),
)
INVALID = (
    *("", "spacebar", "f0", "f25", "ab", "\t", "\n", "\x1b", "page up", " space"),
    *("mouse:", "mouse:button4", "mouse:button7", "mouse:button31", "mouse:scroll_up", "button8"),
)


@pytest.mark.parametrize("name", VALID)
def test_valid_names(name: str) -> None:
    assert keys.is_valid_key_name(name)


@pytest.mark.parametrize("name", INVALID)
def test_invalid_names(name: str) -> None:
    assert not keys.is_valid_key_name(name)


def test_canonical_names() -> None:
    assert keys.canonical_key_name("Space") == "space"
    assert keys.canonical_key_name("Return") == "enter"
    assert keys.canonical_key_name("ESCAPE") == "esc"
    assert keys.canonical_key_name("A") == "A"  # single characters are kept as written
    assert keys.canonical_key_name("nope") is None


def test_known_names_are_canonical() -> None:
    assert "space" in keys.KNOWN_KEY_NAMES
    assert "mouse:button8" in keys.KNOWN_KEY_NAMES
    assert all(keys.canonical_key_name(name) == name for name in keys.KNOWN_KEY_NAMES)


def test_mouse_buttons() -> None:
    assert keys.mouse_button("mouse:left") == 1
    assert keys.mouse_button("mouse:middle") == 2
    assert keys.mouse_button("mouse:right") == 3
    assert keys.mouse_button("mouse:button9") == 9
    assert keys.mouse_button("space") is None
    assert keys.mouse_button("mouse:nope") is None


@pytest.mark.parametrize(
    ("name", "chars"),
    [
        ("space", (" ",)),
        ("Space", (" ",)),
        ("enter", ("\r", "\n")),
        ("tab", ("\t",)),
        ("esc", ("\x1b",)),
        ("backspace", ("\x7f", "\x08")),
        ("a", ("a", "A")),
        ("B", ("B", "b")),
        ("1", ("1",)),
        (";", (";",)),
        ("ß", ("ß",)),  # "ß".upper() is two characters: not a key a terminal sends
        ("f9", ()),
        ("up", ()),
        ("page_up", ()),
        ("mouse:left", ()),
        ("nope", ()),
    ],
)
def test_terminal_chars(name: str, chars: tuple[str, ...]) -> None:
    assert keys.terminal_chars(name) == chars


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("space", "Space"),
        ("enter", "Enter"),
        ("f9", "F9"),
        ("page_up", "Page Up"),
        ("a", "'a'"),
        ("mouse:left", "left mouse button"),
        ("mouse:button8", "mouse button 8"),
    ],
)
def test_display_name(name: str, shown: str) -> None:
    assert keys.display_name(name) == shown
