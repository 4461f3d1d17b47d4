"""Theme colours: the built-in themes are AAA; the contrast maths matches WCAG's examples."""

from __future__ import annotations

import pytest

from accessible_companion.core.settings import DisplaySettings, ThemeColors, ThemeName
from accessible_companion.display.themes import (
    AAA_TEXT,
    BUILT_IN,
    LEAST_SHAPE,
    SHAPE_PAIRS,
    TEXT_PAIRS,
    color_problems,
    colors_of,
    contrast,
    rgb,
)


def _ratio(colors: ThemeColors, front: str, back: str) -> float:
    return contrast(rgb(getattr(colors, front)), rgb(getattr(colors, back)))


def test_every_theme_but_custom_is_built_in() -> None:
    assert set(BUILT_IN) == set(ThemeName) - {ThemeName.CUSTOM}


@pytest.mark.parametrize("name", list(BUILT_IN))
def test_built_in_themes_reach_aaa_for_text_and_highlight(name: ThemeName) -> None:
    colors = BUILT_IN[name]
    for front, back in TEXT_PAIRS:
        assert _ratio(colors, front, back) >= AAA_TEXT, (name, front, back)
    for front, back in SHAPE_PAIRS:
        assert _ratio(colors, front, back) >= LEAST_SHAPE, (name, front, back)
    assert color_problems(colors) == []


def test_the_highlight_differs_from_a_plain_cell_in_fill_not_only_text() -> None:
    for colors in BUILT_IN.values():
        assert colors.highlight != colors.background
        assert _ratio(colors, "highlight", "background") >= LEAST_SHAPE


def test_contrast_matches_wcag_reference_values() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    # WebAIM's checker: #777777 on white is 4.48:1, just below AA.
    assert contrast(rgb("#777777"), rgb("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(rgb("#ffff00"), rgb("#000000")) == pytest.approx(19.56, abs=0.01)


def test_custom_colours_are_used_only_for_the_custom_theme() -> None:
    mine = ThemeColors(background="#101010", text="#f0f0f0")
    assert colors_of(DisplaySettings(theme=ThemeName.CUSTOM, colors=mine)) == mine
    assert colors_of(DisplaySettings(colors=mine)) == BUILT_IN[ThemeName.YELLOW_ON_BLACK]


def test_a_faint_pair_is_named_with_both_colours_and_its_ratio() -> None:
    problems = color_problems(ThemeColors(background="#ffffff", text="#777777", frame="#0000c0"))
    assert problems == [
        (
            "text",
            "display.colors: text #777777 on background #ffffff has contrast 4.47:1; "
            "at least 4.5:1 is needed to make it out from the bed",
        )
    ]
