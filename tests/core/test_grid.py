"""Grid boards with row-column scanning, with a fake clock: rows first, then the items of the
chosen row, in every mode (README: Grid boards).

Test timings (tests/support/harness.py): interval 1.0, first-item extra 0.5, loops 2,
acceptance 0.05, debounce 0.1, long-press 0.6, post-selection pause 0.3. The board below
has 8 items in rows of 3: [A B C] [D E F] [G H].
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from accessible_companion.core.effects import (
    ConfigApplied,
    Effect,
    Highlight,
    HighlightRow,
    Idle,
    Prepare,
    Select,
    Speak,
    trace_fields,
)
from accessible_companion.core.events import ConfigChanged, VoiceCommand
from accessible_companion.core.grid import Cursor, Layout, row_cue
from accessible_companion.core.menus import Action, Item, Menu, MenuSet
from accessible_companion.core.settings import DisplaySettings, FatigueWatch, Mode, RestPacing, Settings
from tests.support.harness import Harness, highlight_times, menu_set, of_type, selected, settings

QUIET = {"rest": RestPacing(after_active_minutes=0), "fatigue": FatigueWatch(enabled=False)}


def board(columns: int = 3, row_cues: tuple[str, ...] = ()) -> MenuSet:
    """The home board A-H in rows of `columns`."""
    home = menu_set(home=list("ABCDEFGH"))["home"]
    return MenuSet({"home": replace(home, columns=columns, row_cues=row_cues)})


def config(mode: Mode = Mode.AUTO, **scanning: object) -> Settings:
    return replace(settings(mode, **scanning), **QUIET)  # type: ignore[arg-type]


def rows(effects: list[Effect]) -> list[int]:
    return [e.row for e in of_type(effects, HighlightRow)]


def row_times(h: Harness) -> list[tuple[float, int]]:
    return [(round(t, 6), e.row) for t, e in h.effects if isinstance(e, HighlightRow)]


def cues(effects: list[Effect]) -> list[str]:
    return [e.text for e in of_type(effects, Speak) if e.voice == "cue"]


def place(h: Harness) -> tuple[int | None, str | None]:
    """(highlighted row, highlighted item) as the view shows them."""
    view = h.companion.view()
    item = view.labels[view.highlight] if view.highlight is not None else None
    return view.row, item


# The layout.


def test_a_menu_is_a_grid_only_when_its_items_do_not_fit_one_row() -> None:
    menu = Menu("m", "M", tuple(Item(x) for x in "ABCDE"))
    assert Layout.of(menu, 1) == Layout(5, 1)  # the setting's default: a list
    assert Layout.of(menu, 2) == Layout(5, 2)
    assert Layout.of(replace(menu, columns=5), 2) == Layout(5, 1)  # one row: a list
    assert Layout.of(replace(menu, columns=4), 1) == Layout(5, 4)  # its own columns win
    grid = Layout(5, 2)
    assert (grid.rows, list(grid.cells(2)), grid.row_of(3)) == (3, [4], 1)


def test_a_rows_cue_is_its_first_two_items_or_the_caregivers() -> None:
    menu = Menu("m", "M", (Item("Water", cue="Drink"), Item("Tea"), Item("Juice"), Item("Bread")))
    layout = Layout(4, 3)
    assert [row_cue(menu, layout, r) for r in (0, 1)] == ["Drink, Tea", "Bread"]
    given = replace(menu, row_cues=("Drinks", ""))
    assert [row_cue(given, layout, r) for r in (0, 1)] == ["Drinks", "Bread"]


def test_the_cursor_leaves_a_row_on_the_same_row_after_its_passes() -> None:
    layout = Layout(8, 3)
    cursor = Cursor()
    cursor.top(layout)
    assert [cursor.next(layout, 1) for _ in range(3)] == ["moved", "moved", "wrapped"]
    cursor.row = 2
    cursor.enter_row(layout)
    assert cursor.index == 6
    assert [cursor.next(layout, 2) for _ in range(4)] == ["moved", "moved", "moved", "left row"]
    assert (cursor.row, cursor.index) == (2, 6)


# Auto scan.


def test_auto_rows_then_items_with_the_first_item_extra_on_entering_a_row() -> None:
    h = Harness.start(board(), config())
    assert place(h) == (0, None)
    assert h.companion.view().columns == 3
    h.wait(2.0)  # row 0 for 1.5 s (first extra), row 1 from 1.5
    assert row_times(h) == [(0.0, 0), (1.5, 1)]
    new = h.press()  # down at 2.0, up at 2.1: enters row 1
    assert selected(new) == [] and rows(new) == []
    assert [(e.index, e.label) for e in of_type(new, Highlight)] == [(3, "D")]
    assert place(h) == (None, "D")
    h.wait(2.0)  # D has 1.0 + 0.5 s, then E
    assert highlight_times(h)[-1] == (pytest.approx(3.6), "E")
    assert selected(h.press()) == ["E"]
    assert place(h) == (0, None)  # after a selection the board starts again at its first row


def test_after_row_loops_the_scan_goes_back_to_the_same_row() -> None:
    h = Harness.start(board(), config())
    h.wait(2.0)
    h.press()  # into row 1 at 2.1
    h.wait(3.6)  # D 1.5, E 1.0, F 1.0: back to row 1 at 5.6, then row 2 at 6.6
    assert row_times(h)[-1] == (pytest.approx(5.6), 1)
    assert place(h) == (1, None)
    h.wait(1.0)
    assert row_times(h)[-1] == (pytest.approx(6.6), 2)


def test_row_loops_counts_passes_through_the_row() -> None:
    h = Harness.start(board(), config(row_loops=2))
    h.wait(0.5)
    h.press()  # into row 0 at 0.6
    h.wait(6.4)  # A 1.5, B, C, A, B, C: 6.5 s, back to row 0 at 7.1
    assert place(h) == (None, "C")
    h.wait(0.2)
    assert place(h) == (0, None)


def test_loops_count_passes_over_the_rows_and_end_in_idle() -> None:
    h = Harness.start(board(), config())
    h.wait(20)
    assert row_times(h) == [(0.0, 0), (1.5, 1), (2.5, 2), (3.5, 0), (4.5, 1), (5.5, 2)]
    assert [(t, e) for t, e in h.effects if isinstance(e, Idle)] == [(6.5, Idle("home", "loops"))]
    assert place(h) == (None, None)
    new = h.press()  # any press goes on from the first row
    assert rows(new) == [0] and selected(new) == []


def test_entering_a_row_is_a_press_so_the_passes_over_the_rows_start_again() -> None:
    h = Harness.start(board(), config(loops=1))
    h.wait(3.0)  # row 2 at 2.5
    h.press()  # into row 2 at 3.1: G 1.5, H 1.0, back to row 2 at 5.6
    h.wait(5.4)  # rows 0 at 6.6 and 1 at 7.6; back on row 2 at 8.6 is a pass: it stops there
    assert place(h) == (1, None)
    h.wait(20)
    idles = [(round(t, 6), e) for t, e in h.effects if isinstance(e, Idle)]
    assert idles == [(pytest.approx(8.6), Idle("home", "loops"))]


def test_a_press_just_after_entering_a_row_is_ignored() -> None:
    h = Harness.start(board(), config())
    h.wait(0.5)
    h.press()  # into row 0, released at 0.6: presses ignored until 0.9
    h.wait(0.1)
    assert selected(h.press()) == []
    h.wait(0.2)
    assert selected(h.press()) == ["A"]


def test_a_pass_through_a_row_during_the_pause_does_not_count() -> None:
    # Items pass faster than the post-selection pause: the first pass is not the user's.
    h = Harness.start(
        board(), config(interval=0.25, first_item_extra=0.0, debounce=0.1, post_selection_pause=2)
    )
    h.wait(0.1)
    h.press()  # into row 0 at 0.2: presses ignored until 2.2; A B C pass by 0.95
    h.wait(1.0)
    assert place(h)[0] is None  # still in the row
    # A B C from 1.7: A and B passed by 2.2, so that pass does not count either; the
    # pass from 2.45 does, and the scan goes back to the rows at 3.2.
    h.wait(1.9)
    assert place(h)[0] is None
    h.wait(0.2)
    assert place(h) == (0, None)


# The other modes: the same press meanings on rows as on items.


def test_press_hold_short_press_moves_over_rows_and_items_a_long_hold_selects() -> None:
    h = Harness.start(board(), config(Mode.PRESS_HOLD))
    h.wait(0.5)
    assert rows(h.press(hold=0.2)) == [1]
    h.wait(0.3)
    entered = h.press(hold=0.7)
    assert [e.label for e in of_type(entered, Highlight)] == ["D"]
    for label in ("E", "F"):
        h.wait(0.5)
        assert [e.label for e in of_type(h.press(hold=0.2), Highlight)] == [label]
    h.wait(0.5)
    assert rows(h.press(hold=0.2)) == [1]  # past the row's last item: back to that row
    h.wait(0.5)
    assert rows(h.press(hold=0.2)) == [2]
    h.wait(0.5)
    h.press(hold=0.7)
    h.wait(0.5)
    h.press(hold=0.2)
    h.wait(0.5)
    assert selected(h.press(hold=0.7)) == ["H"]


def test_step_switch_one_moves_switch_two_enters_the_row_and_selects() -> None:
    h = Harness.start(board(), config(Mode.STEP))
    h.wait(0.5)
    h.press(1)
    h.wait(0.5)
    h.press(1)
    assert place(h) == (2, None)
    h.wait(0.5)
    h.press(2)
    assert place(h) == (None, "G")
    h.wait(0.5)
    h.press(1)
    h.wait(0.5)
    assert selected(h.press(2)) == ["H"]


def test_inverse_hold_moves_over_rows_release_enters_hold_again_release_selects() -> None:
    h = Harness.start(board(), config(Mode.INVERSE))
    h.wait(1.0)
    h.down()  # moves from 1.05
    h.wait(1.1)
    assert place(h) == (1, None)
    assert [e.label for e in of_type(h.up(), Highlight)] == ["D"]
    assert h.companion.view().state == "waiting"
    h.wait(1.0)
    h.down()
    h.wait(1.1)
    assert place(h) == (None, "E")
    assert selected(h.up()) == ["E"]


def test_switch_two_enters_a_row_and_selects_in_every_mode() -> None:
    for mode in Mode:
        h = Harness.start(board(), config(mode))
        h.wait(0.5)
        h.press(2)
        h.wait(0.5)
        assert selected(h.press(2)) == ["A"], mode


def test_a_tap_on_a_row_in_auto_enters_it() -> None:
    h = Harness.start(board(), config())
    h.wait(0.5)
    assert [e.label for e in of_type(h.tap(), Highlight)] == ["A"]


# Cues and speech.


def test_a_rows_cue_is_said_and_the_rows_cues_are_rendered_ahead() -> None:
    h = Harness.start(board(), config())
    first = [e for _, e in h.effects]
    assert cues(first) == ["A, B"]
    prepared = [e.texts for e in of_type(first, Prepare) if e.voice == "cue"]
    assert prepared == [("A", "B", "C", "D", "E", "F", "G", "H", "A, B", "D, E", "G, H")]
    assert cues(h.wait(2.6)) == ["D, E", "G, H"]


def test_caregiver_row_cues_are_said_and_traced() -> None:
    h = Harness.start(board(row_cues=("Drinks", "Food", "Other")), config())
    assert cues([e for _, e in h.effects]) == ["Drinks"]
    row = of_type([e for _, e in h.effects], HighlightRow)[0]
    assert trace_fields(row) == {"event": "highlight", "menu": "home", "row": 0, "label": "Drinks"}


def test_a_rows_dwell_waits_for_its_cue() -> None:
    h = Harness.start(board(), config(), speech_seconds=0.8)
    h.wait(3)
    assert row_times(h)[:2] == [(0.0, 0), (2.3, 1)]


def test_repeat_says_the_rows_cue() -> None:
    h = Harness.start(board(), replace(config(Mode.STEP), voice_commands=True))
    h.wait(0.5)
    assert cues(h.send(VoiceCommand("repeat"))) == ["A, B"]


# Voice.


def test_an_items_voice_words_select_it_during_row_scanning() -> None:
    h = Harness.start(board(), replace(config(), voice_commands=True))
    h.wait(0.5)
    assert place(h) == (0, None)
    new = h.send(VoiceCommand("f"))
    assert [e.label for e in of_type(new, Highlight)] == ["F"]
    assert selected(new) == ["F"]


def test_voice_next_and_select_work_on_rows() -> None:
    h = Harness.start(board(), replace(config(Mode.STEP), voice_commands=True))
    h.wait(0.5)
    assert rows(h.send(VoiceCommand("next"))) == [1]
    h.wait(0.5)
    assert [e.label for e in of_type(h.send(VoiceCommand("select")), Highlight)] == ["D"]
    h.wait(0.5)
    assert selected(h.send(VoiceCommand("select"))) == ["D"]


# Menus: Back, submenus.


def test_the_back_item_is_the_last_cell_of_a_grid() -> None:
    menus = menu_set(home=[Item("More", action=Action.MENU, menu="more"), "X"], more=list("PQRS"))
    more = replace(menus["more"], columns=2)
    grid = replace(config(Mode.STEP), display=DisplaySettings(columns=3))
    h = Harness.start(MenuSet({**menus.menus, "more": more}), grid)
    h.wait(0.5)
    h.press(2)  # a list at home (2 items in a row of 3)
    assert place(h) == (0, None)
    view = h.companion.view()
    assert (view.labels, view.columns, view.path) == (("P", "Q", "R", "S", "Back"), 2, ("Home", "More"))
    h.wait(0.5)
    h.press(1)
    h.wait(0.5)
    h.press(1)
    assert place(h) == (2, None)  # the row of Back alone
    h.wait(0.5)
    h.press(2)
    h.wait(0.5)
    new = h.press(2)
    assert of_type(new, Select) == [Select("more", "Back", "back")]
    assert h.companion.view().menu == "home"


def test_a_list_menu_in_a_grid_config_scans_as_a_list() -> None:
    h = Harness.start(menu_set(home=["A", "B", "C"]), replace(config(), display=DisplaySettings(columns=3)))
    assert (h.companion.view().columns, place(h)) == (1, (None, "A"))
    assert of_type([e for _, e in h.effects], HighlightRow) == []


# A new config while running.


def changed(menus: MenuSet, new: Settings) -> ConfigChanged:
    return ConfigChanged(menus, new, "/tmp/config")


def test_a_reload_with_the_same_layout_keeps_the_row() -> None:
    h = Harness.start(board(), config(Mode.STEP))
    h.wait(0.5)
    h.press(1)
    new = h.send(changed(board(), config(Mode.STEP)))
    assert of_type(new, ConfigApplied) and place(h) == (1, None)
    assert of_type(new, HighlightRow) == []
    h.wait(0.5)
    h.press(2)
    h.wait(0.5)
    h.press(1)
    h.send(changed(board(), config(Mode.STEP)))
    assert place(h) == (None, "E")


def test_a_reload_that_changes_the_columns_starts_the_menu_at_its_top() -> None:
    h = Harness.start(board(), config(Mode.STEP))
    h.wait(0.5)
    h.press(1)
    h.wait(0.5)
    h.press(2)  # on D, in row 1
    new = h.send(changed(board(columns=4), config(Mode.STEP)))
    assert rows(new) == [0]
    assert (h.companion.view().columns, place(h)) == (4, (0, None))
    new = h.send(changed(board(columns=1), config(Mode.STEP)))  # now a list
    assert [e.label for e in of_type(new, Highlight)] == ["A"]
    assert (h.companion.view().columns, place(h)) == (1, (None, "A"))


def test_a_reload_of_the_default_columns_regrids_a_menu_without_its_own() -> None:
    h = Harness.start(menu_set(home=list("ABCDE")), config(Mode.STEP))
    h.wait(0.5)
    h.press(1)
    assert place(h) == (None, "B")
    grid = replace(config(Mode.STEP), display=DisplaySettings(columns=2))
    h.send(changed(menu_set(home=list("ABCDE")), grid))
    assert (h.companion.view().columns, place(h)) == (2, (0, None))


# The call for help.


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("in_row", [False, True])
def test_help_with_switch_one_alone_on_rows_and_in_a_row(mode: Mode, in_row: bool) -> None:
    h = Harness.start(board(), config(mode))
    if in_row:
        h.wait(0.5)
        h.press(2)
        assert place(h) == (None, "A")
    h.wait(1.0)
    if mode is Mode.INVERSE:  # where a hold moves the scan: three quick presses
        for _ in range(3):
            h.press(1, hold=0.06)
            h.wait(0.15)
    else:
        h.down(1)
        h.wait(2.0)
    assert h.companion.view().state == "alert"
    assert h.companion.view().screen == "alert"
