"""The bedside window's colours and how legible they are (WCAG 2 contrast). No toolkit here:
`check` uses it to refuse an illegible custom theme, the window to paint.

The highlight is never colour alone: the highlighted cell is inverted (its own fill and text
colours) and drawn with a thick frame, so it stands out in shape as well as in colour.
"""

from __future__ import annotations

import math
import re

from ..core.settings import DisplaySettings, ThemeColors, ThemeName

BUILT_IN: dict[ThemeName, ThemeColors] = {
    ThemeName.YELLOW_ON_BLACK: ThemeColors(
        background="#000000", text="#ffff00", highlight="#ffff00", highlight_text="#000000", frame="#ffffff"
    ),
    ThemeName.BLACK_ON_WHITE: ThemeColors(
        background="#ffffff", text="#000000", highlight="#000000", highlight_text="#ffffff", frame="#0000c0"
    ),
}
"""Every built-in theme reaches AAA_TEXT on both text pairs (tests/display/test_themes.py)."""

AAA_TEXT = 7.0
"""WCAG AAA for text: what the built-in themes reach."""
LEAST_TEXT = 4.5
"""WCAG AA for text: below this a custom theme is refused."""
LEAST_SHAPE = 3.0
"""WCAG 1.4.11 for parts that are not text: the frame against the background."""

TEXT_PAIRS = (("text", "background"), ("highlight_text", "highlight"))
"""(foreground, background) colour fields that carry text."""
SHAPE_PAIRS = (("frame", "background"),)

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def colors_of(display: DisplaySettings) -> ThemeColors:
    """The colours in use: a built-in theme's, or the custom ones."""
    return BUILT_IN.get(display.theme, display.colors)


def rgb(color: str) -> tuple[int, int, int]:
    """(r, g, b) of "#rrggbb"; ValueError for anything else."""
    if not _HEX.fullmatch(color):
        raise ValueError(f"'{color}' is not a colour like #ffcc00")
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def luminance(color: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def color_problems(colors: ThemeColors) -> list[tuple[str, str]]:
    """(field, message) for each colour that is not one, and each pair below its least
    contrast; the message names both colours and the ratio."""
    problems: list[tuple[str, str]] = []
    parsed: dict[str, tuple[int, int, int]] = {}
    for name in ("background", "text", "highlight", "highlight_text", "frame"):
        try:
            parsed[name] = rgb(getattr(colors, name))
        except ValueError as error:
            problems.append((name, f"display.colors.{name}: {error}"))
    pairs = [(pair, LEAST_TEXT) for pair in TEXT_PAIRS] + [(pair, LEAST_SHAPE) for pair in SHAPE_PAIRS]
    for (front, back), least in pairs:
        if front not in parsed or back not in parsed:
            continue
        ratio = contrast(parsed[front], parsed[back])
        shown = math.floor(ratio * 100) / 100  # rounded down: a refused ratio never reads as enough
        if ratio < least:
            problems.append(
                (
                    front,
                    f"display.colors: {front} {getattr(colors, front)} on {back} {getattr(colors, back)} "
                    f"has contrast {shown:.2f}:1; at least {least:g}:1 is needed to make it out from the bed",
                )
            )
    return problems
