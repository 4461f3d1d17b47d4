"""The expected time to each item and the "Used most" suggestions, figured by hand.

With the default settings: interval 1.5 s, first-item extra 1.0 s, acceptance 0.05 s, long
press 0.6 s, post-selection pause 0.3 s; the cue voice at 200 words a minute says one word in
0.3 + 0.3 = 0.6 s. A reaction of 1.0 s and a quick hold of 0.2 s make a quick press 1.2 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accessible_companion.caregiver import reach_time
from accessible_companion.caregiver.reach_time import (
    Reaction,
    choice_seconds,
    pick_seconds,
    reach_seconds,
    reaction_of,
    suggestion_words,
    suggestions,
)
from accessible_companion.core.menus import Action, Item, Menu, MenuSet
from accessible_companion.core.records import PhraseUsed, PressTimed
from accessible_companion.core.settings import DisplaySettings, Mode, Settings, Speech
from accessible_companion.journal.store import Journal

MENUS = MenuSet(
    {
        "home": Menu(
            "home", "Home", (Item("Help", Action.HELP), Item("Phrases", Action.MENU, menu="phrases"))
        ),
        "phrases": Menu("phrases", "Phrases", (Item("Hello"), Item("Thanks"), Item("Water"))),
    }
)


def settings(mode: Mode = Mode.AUTO, auditory: bool = False, columns: int = 1) -> Settings:
    plain = Settings().with_scanning(mode=mode, auditory=auditory)
    return Settings(scanning=plain.scanning, display=DisplaySettings(columns=columns))


CUES = ["one", "two", "three", "four"]


def test_auto_waits_first_item_extra_and_intervals_then_a_reaction_and_a_quick_press() -> None:
    assert choice_seconds(0, CUES, settings(), 1.0) == pytest.approx(1.2)  # there at once
    assert choice_seconds(2, CUES, settings(), 1.0) == pytest.approx(1.0 + 2 * 1.5 + 1.2)


def test_auditory_scanning_adds_each_passed_cue() -> None:
    assert choice_seconds(2, CUES, settings(auditory=True), 1.0) == pytest.approx(1.0 + 3.0 + 2 * 0.6 + 1.2)
    quiet = Settings(scanning=settings(auditory=True).scanning, speech=Speech(cues=False))
    assert choice_seconds(2, CUES, quiet, 1.0) == pytest.approx(5.2)  # no cues spoken: none waited for


def test_press_hold_is_quick_presses_then_a_long_one() -> None:
    assert choice_seconds(2, CUES, settings(Mode.PRESS_HOLD), 1.0) == pytest.approx(2 * 1.2 + 1.0 + 0.6)


def test_step_is_presses_of_switch_1_then_one_of_switch_2() -> None:
    assert choice_seconds(2, CUES, settings(Mode.STEP), 1.0) == pytest.approx(3 * 1.2)


def test_inverse_holds_through_the_intervals_and_lets_go() -> None:
    assert choice_seconds(2, CUES, settings(Mode.INVERSE), 1.0) == pytest.approx(1.0 + 0.05 + 3.0 + 1.0)
    # Auditory: the second item's cue is waited for while held (the first's ended before acceptance).
    assert choice_seconds(2, CUES, settings(Mode.INVERSE, auditory=True), 1.0) == pytest.approx(5.65)
    assert choice_seconds(0, CUES, settings(Mode.INVERSE), 1.0) == pytest.approx(2.05)


def test_a_submenu_item_adds_the_way_there_and_the_pause_after_opening() -> None:
    seconds = reach_seconds(MENUS, settings(), 1.0)
    assert seconds["home"] == pytest.approx([1.2, 3.7])
    # Phrases (3.7) + pause 0.3 + Thanks (3.7)
    assert seconds["phrases"][1] == pytest.approx(7.7)


def test_a_grid_is_rows_then_items() -> None:
    grid = Menu("home", "Home", tuple(Item(word) for word in "abcdefg"))
    # Item 5 is in row 1, third cell: row 1 (3.7) + pause 0.3 + cell 2 (5.2).
    assert pick_seconds(grid, 5, settings(columns=3), 1.0) == pytest.approx(9.2)
    assert pick_seconds(grid, 5, settings(columns=1), 1.0) == pytest.approx(1.0 + 5 * 1.5 + 1.2)


def press(reaction: float | None, kind: str = "select") -> PressTimed:
    return PressTimed("auto", kind, reaction, 0.1, 0.2, False)


def test_the_reaction_is_the_median_of_enough_measured_presses_else_the_default() -> None:
    assert reaction_of([press(0.7)] * 19) == Reaction(1.0, 0)
    rows = [press(0.5)] * 10 + [press(0.8, "step")] * 11 + [press(9.0, "wake"), press(None)]
    assert reaction_of(rows) == Reaction(0.8, 21)


def used(label: str, menu: str = "phrases") -> PhraseUsed:
    return PhraseUsed(menu, label, label)


def journal_phrases(path: Path, rows: list[PhraseUsed]) -> list[PhraseUsed]:
    """The rows as they come back from a real journal."""
    with Journal(path) as journal:
        for at, row in enumerate(rows):
            journal.record(row, at=1000.0 + at)
        return [stamped.entry for stamped in journal.phrases()]


def test_a_much_used_item_after_less_used_ones_is_suggested_earlier(tmp_path: Path) -> None:
    rows = journal_phrases(tmp_path / "journal.sqlite3", [used("Water")] * 6 + [used("Hello"), used("Gone")])
    found = suggestions(MENUS, settings(), rows, 1.0)
    assert len(found) == 1  # Phrases (opened 7 times) stays after Help: a call for help keeps its place
    water = found[0]
    assert (water.menu_id, water.index, water.to_index, water.uses) == ("phrases", 2, 0, 6)
    assert water.saved_each == pytest.approx(5.2 - 1.2)
    assert suggestion_words(water, "Phrases") == (
        "'Water': chosen 6 times in 14 days, 3rd in Phrases. "
        "Moved to 1st it takes about 4 s less each time, about 24 s over those 14 days."
    )


def test_fewer_uses_than_the_minimum_or_already_first_suggest_nothing(tmp_path: Path) -> None:
    rows = journal_phrases(tmp_path / "journal.sqlite3", [used("Water")] * (reach_time.MIN_USES - 1))
    assert suggestions(MENUS, settings(), rows, 1.0) == []
    assert suggestions(MENUS, settings(), [used("Hello")] * 9, 1.0) == []


def test_a_menu_opener_counts_the_phrases_chosen_under_it() -> None:
    menus = MenuSet(
        {
            "home": Menu("home", "Home", (Item("Yes"), Item("Phrases", Action.MENU, menu="phrases"))),
            "phrases": MENUS["phrases"],
        }
    )
    found = suggestions(menus, settings(Mode.STEP), [used("Hello")] * 5, 1.0)
    assert [(s.menu_id, s.index, s.to_index, s.saved_each) for s in found] == [
        ("home", 1, 0, pytest.approx(1.2))
    ]


def test_words_for_counts_and_times() -> None:
    assert [reach_time.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "112th",
    ]  # fmt: skip
    assert reach_time.seconds_words(6.04) == "about 6 s"
    assert reach_time.seconds_words(0.44) == "about 0.4 s"
    assert reach_time.seconds_words(41 * 6) == "about 4 minutes"
