"""Scanning stories with a fake clock: every mode and the edges, at exact times.

Test timings (tests/support/harness.py): interval 1.0, first-item extra 0.5, loops 2,
acceptance 0.05, debounce 0.1, long-press 0.6, post-selection pause 0.3.
"""

from __future__ import annotations

import pytest

from accessible_companion.core.effects import EnterMenu, HoldReady, Idle, Select, Speak
from accessible_companion.core.pacing import FALLBACK_FACTOR, FALLBACK_PAD, estimate_seconds
from accessible_companion.core.settings import Mode
from tests.support.harness import (
    SUBMENU,
    Harness,
    highlight_times,
    highlights,
    menu_set,
    of_type,
    selected,
    settings,
)

ABC = menu_set(home=["A", "B", "C"])


# Auto scan.


def test_auto_scan_moves_every_interval_with_first_item_extra_then_idles_after_loops() -> None:
    h = Harness.start(ABC, settings())
    h.wait(20)
    assert highlight_times(h) == [
        (0.0, "A"),  # first item: interval + extra
        (1.5, "B"),
        (2.5, "C"),
        (3.5, "A"),  # a new pass gets no extra
        (4.5, "B"),
        (5.5, "C"),
    ]
    idles = [(t, e) for t, e in h.effects if isinstance(e, Idle)]
    assert idles == [(6.5, Idle("home", "loops"))]
    assert h.companion.view().state == "idle"
    assert h.companion.next_deadline() is None  # nothing moves until a press


def test_any_press_after_idle_resumes_at_the_first_item_without_selecting() -> None:
    h = Harness.start(ABC, settings())
    h.wait(7)
    new = h.press()
    assert selected(new) == []
    assert highlights(new) == ["A"]
    assert h.companion.view().state == "scanning"
    start = h.now
    h.wait(1.6)
    assert highlight_times(h)[-1] == (pytest.approx(start + 1.5), "B")


def test_press_during_first_item_extra_selects_the_first_item() -> None:
    h = Harness.start(ABC, settings())
    h.wait(1.2)  # inside A's 1.5 s (1.0 interval + 0.5 extra)
    assert selected(h.press()) == ["A"]


def test_press_selects_the_item_highlighted_when_it_went_down() -> None:
    h = Harness.start(ABC, settings())
    h.wait(1.4)
    # Held across the moment B would have come: the highlight waits for the release.
    new = h.press(hold=0.5)
    assert selected(new) == ["A"]
    assert "B" not in highlights(new)


def test_press_shorter_than_acceptance_is_ignored_and_scanning_carries_on() -> None:
    h = Harness.start(ABC, settings())
    h.wait(0.5)
    new = h.press(hold=0.04)
    assert selected(new) == []
    h.wait(2)
    # The highlight waited only while the switch was down (0.04 s).
    assert highlight_times(h)[1] == (pytest.approx(1.54), "B")


def test_press_exactly_at_acceptance_counts() -> None:
    h = Harness.start(ABC, settings())
    h.wait(0.5)
    assert selected(h.press(hold=0.05)) == ["A"]


def test_bounce_inside_debounce_is_ignored_and_a_later_press_counts() -> None:
    h = Harness.start(ABC, settings(post_selection_pause=0.0))
    h.wait(0.3)
    assert selected(h.press(hold=0.1)) == ["A"]  # released at 0.4
    h.wait(0.05)
    assert selected(h.press(hold=0.1)) == []  # went down at 0.45, inside 0.1 s debounce
    h.wait(0.2)
    assert selected(h.press(hold=0.1)) == ["A"]  # went down at 0.75


def test_bounce_does_not_extend_the_debounce_window() -> None:
    h = Harness.start(ABC, settings(post_selection_pause=0.0))
    h.wait(0.3)
    h.press(hold=0.1)  # released at 0.4: debounce until 0.5
    h.wait(0.05)
    h.press(hold=0.02)  # a bounce at 0.45-0.47, ignored
    h.wait(0.04)
    assert selected(h.press(hold=0.1)) == ["A"]  # down at 0.51: counts


def test_press_inside_post_selection_pause_is_ignored() -> None:
    h = Harness.start(ABC, settings(debounce=0.0, post_selection_pause=0.3))
    h.wait(0.3)
    h.press(hold=0.1)  # selects at 0.4; guard until 0.7
    h.wait(0.1)
    assert selected(h.press(hold=0.1)) == []
    h.wait(0.2)
    assert selected(h.press(hold=0.1)) == ["A"]


def test_a_held_key_that_repeats_is_one_press() -> None:
    h = Harness.start(ABC, settings())
    h.wait(0.3)
    h.down()
    h.wait(0.2)
    h.down()  # X auto-repeat sends more downs
    h.down()
    h.wait(0.2)
    assert selected(h.up()) == ["A"]
    assert selected(h.up()) == []  # a stray second release does nothing


def test_after_a_phrase_scanning_restarts_at_the_top_once_the_phrase_is_spoken() -> None:
    h = Harness.start(ABC, settings(), speech_seconds=0.8)
    h.wait(2.5)  # cue A ends 0.8, B at 2.3
    assert h.highlighted() == "B"
    new = h.press(hold=0.1)
    assert selected(new) == ["B"]
    mains = [e for e in new if isinstance(e, Speak) and e.voice == "main" and e.text]
    assert [m.text for m in mains] == ["B"]
    assert highlights(new) == ["A"]
    selected_at = h.now
    h.wait(3)
    # Phrase and cue both end 0.8 s after the selection; then the first-item dwell of 1.5 s.
    assert highlight_times(h)[-1] == (pytest.approx(selected_at + 0.8 + 1.5), "B")


# Auditory pacing.


def test_dwell_starts_when_the_cue_has_been_spoken() -> None:
    h = Harness.start(ABC, settings(), speech_seconds=0.8)
    h.wait(5)
    assert highlight_times(h)[:3] == [(0.0, "A"), (2.3, "B"), (pytest.approx(4.1), "C")]


def test_without_auditory_pacing_the_dwell_starts_at_the_highlight() -> None:
    h = Harness.start(ABC, settings(auditory=False), speech_seconds=0.8)
    h.wait(3)
    assert highlight_times(h)[:3] == [(0.0, "A"), (1.5, "B"), (2.5, "C")]


def test_lost_speech_never_stops_the_scan() -> None:
    h = Harness.start(ABC, settings(), speech_seconds=1000.0)  # the engine never reports an end
    h.wait(5)
    rate = h.companion.settings.speech.cue.rate
    fallback = estimate_seconds("A", rate) * FALLBACK_FACTOR + FALLBACK_PAD + 1.5
    assert highlight_times(h)[1] == (pytest.approx(fallback), "B")


# Press-hold.


def test_press_hold_short_press_moves_and_long_hold_selects() -> None:
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    h.wait(30)
    assert highlights([e for _, e in h.effects]) == ["A"]  # nothing moves by itself
    assert highlights(h.press(hold=0.2)) == ["B"]
    h.wait(0.2)
    h.down()
    ready = h.wait(0.7)
    assert ready == [HoldReady(1)]
    assert h.companion.view().state == "hold-ready"
    assert selected(h.up()) == ["B"]


def test_press_hold_hold_ready_comes_exactly_at_long_press() -> None:
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    h.wait(1)
    h.down()
    assert h.companion.next_deadline() == pytest.approx(1.6)
    assert h.wait(0.599) == []
    assert h.wait(0.002) == [HoldReady(1)]


def test_press_hold_release_just_before_long_press_moves_on() -> None:
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    h.wait(1)
    new = h.press(hold=0.59)
    assert selected(new) == []
    assert highlights(new) == ["B"]


def test_press_hold_next_wraps_around_the_menu() -> None:
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    for _ in range(3):
        h.wait(0.3)
        h.press(hold=0.1)
    assert h.highlighted() == "A"


# Inverse.


def test_inverse_highlight_moves_only_while_held_and_release_selects() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(10)
    assert h.highlighted() == "A"
    h.down()  # at 10.0; counts from 10.05 (acceptance)
    h.wait(2.5)
    assert highlight_times(h)[1:] == [(pytest.approx(11.05), "B"), (pytest.approx(12.05), "C")]
    assert selected(h.up()) == ["C"]


def test_inverse_short_press_selects_the_current_item() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(1)
    assert selected(h.press(hold=0.2)) == ["A"]


def test_inverse_press_shorter_than_acceptance_does_nothing() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(1)
    assert h.press(hold=0.03) == []


def test_inverse_held_through_all_loops_stops_and_release_only_resumes() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(1)
    h.down()
    new = h.wait(10)
    assert of_type(new, Idle) == [Idle("home", "loops")]
    released = h.up()
    assert selected(released) == []
    assert highlights(released) == ["A"]


# Step (two switches).


def test_step_switch_one_moves_and_switch_two_selects() -> None:
    h = Harness.start(ABC, settings(Mode.STEP))
    h.wait(0.5)
    h.press(1)
    h.wait(0.3)
    h.press(1)
    h.wait(0.3)
    assert selected(h.press(2)) == ["C"]


def test_step_long_hold_of_switch_one_also_selects_so_one_switch_is_never_stuck() -> None:
    h = Harness.start(ABC, settings(Mode.STEP))
    h.wait(0.5)
    assert selected(h.press(1, hold=0.7)) == ["A"]


@pytest.mark.parametrize("mode", list(Mode))
def test_switch_two_selects_in_every_mode(mode: Mode) -> None:
    h = Harness.start(ABC, settings(mode))
    h.wait(0.5)
    assert selected(h.press(2)) == ["A"]


# Taps (a terminal: no releases).


@pytest.mark.parametrize(
    ("mode", "switch", "expect_select"),
    [
        (Mode.AUTO, 1, True),
        (Mode.PRESS_HOLD, 1, False),
        (Mode.INVERSE, 1, False),
        (Mode.STEP, 1, False),
        (Mode.PRESS_HOLD, 2, True),
        (Mode.INVERSE, 2, True),
    ],
)
def test_taps(mode: Mode, switch: int, expect_select: bool) -> None:
    h = Harness.start(ABC, settings(mode))
    h.wait(0.5)
    new = h.tap(switch)
    if expect_select:
        assert selected(new) == ["A"]
    else:
        assert selected(new) == []
        assert highlights(new) == ["B"]


def test_taps_are_debounced() -> None:
    h = Harness.start(ABC, settings(Mode.STEP))
    h.wait(0.5)
    h.tap()
    h.wait(0.05)
    assert h.tap() == []


# Menus.


def test_submenu_then_back_returns_to_the_top_of_the_parent() -> None:
    menus = menu_set(home=[SUBMENU, "X"], more=["P", "Q"])
    h = Harness.start(menus, settings())
    h.wait(0.5)
    new = h.press()
    assert of_type(new, EnterMenu) == [EnterMenu("more")]
    assert h.companion.view().labels == ("P", "Q", "Back")  # Back added by itself
    h.wait(3.0)  # P 1.5 s, Q 1.0 s, then Back
    assert h.highlighted() == "Back"
    new = h.press()
    assert of_type(new, Select)[0].action == "back"
    assert of_type(new, EnterMenu) == [EnterMenu("home")]
    assert h.highlighted() == "More"


def test_view_shows_what_is_spoken() -> None:
    h = Harness.start(ABC, settings(), speech_seconds=0.5)
    assert h.companion.view().speaking == "A"
    h.wait(0.6)
    assert h.companion.view().speaking == ""
