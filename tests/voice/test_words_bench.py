"""The word-choice benchmark's grammar: a tried word takes the place of its meaning's words."""

from bench.voice_words import without

PHRASES = ["계속", "넘어가", "메인", "쉬고 싶어", "이야기"]
MEANINGS = {"계속": "next", "넘어가": "next", "메인": "home", "쉬고 싶어": "휴식", "이야기": "이야기"}
OTHERS = ["계속", "넘어가", "메인", "이야기"]
"""All but the rest item's words."""


def test_a_command_loses_all_its_words() -> None:
    assert without(PHRASES, MEANINGS, ("계속", "넘어가"), "next") == ["메인", "쉬고 싶어", "이야기"]


def test_an_item_loses_its_words_and_the_command_words_it_shares() -> None:
    # In the home menu the rest command's words mean the rest item (an item's words win).
    assert without(PHRASES, MEANINGS, (), "휴식") == OTHERS
    assert without(PHRASES, MEANINGS, ("쉬고  싶어",), "rest") == OTHERS


def test_an_unknown_meaning_loses_nothing() -> None:
    assert without(PHRASES, MEANINGS, (), "sleep") == PHRASES
