"""No press lost, no alarm missed: acceptance comes first, a hold for help counts from the key
going down, and a hold the core hears of only at its release still calls for help.

Test timings (tests/support/harness.py): interval 1.0, first-item extra 0.5, acceptance 0.05,
debounce 0.1, long-press 0.6, post-selection pause 0.3; help hold 2.0 s, gesture 3 presses in 1.5 s.
"""

from __future__ import annotations

import pytest

from accessible_companion.core.effects import AlertRaised
from accessible_companion.core.events import SwitchDown, SwitchUp
from accessible_companion.core.settings import HelpCall, Mode
from tests.support.harness import Harness, highlights, menu_set, of_type, selected, settings

ABC = menu_set(home=["A", "B", "C"])


def alerts(h: Harness) -> list[AlertRaised]:
    return of_type([e for _, e in h.effects], AlertRaised)


@pytest.mark.parametrize("gap", [0.01, 0.02, 0.04, 0.07])
def test_a_real_press_just_after_a_tremor_tap_is_one_press(gap: float) -> None:
    h = Harness.start(ABC, settings())
    h.wait(0.5)
    assert h.press(hold=0.02) == []  # a tremor: too short to be a press
    h.wait(gap)
    assert selected(h.press(hold=0.1)) == ["A"]


def test_a_bounce_at_the_start_of_a_press_does_not_swallow_the_press() -> None:
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    h.wait(0.5)
    h.press(hold=0.005)
    h.wait(0.005)
    assert highlights(h.press(hold=0.1)) == ["B"]  # a short press steps


def test_a_bounce_after_a_real_release_is_still_debounced() -> None:
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    h.wait(0.5)
    assert highlights(h.press(hold=0.1)) == ["B"]
    h.wait(0.05)  # inside debounce (0.1) after a real press
    assert h.press(hold=0.1) == []


def test_three_taps_shorter_than_acceptance_do_not_call_for_help_in_inverse_mode() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(0.5)
    for _ in range(3):
        h.press(hold=0.02)
        h.wait(0.1)
    h.wait(3)
    assert alerts(h) == []
    assert h.companion.view().state != "alert"


def test_three_real_presses_call_for_help_in_inverse_mode_even_inside_the_post_selection_pause() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(0.5)
    assert selected(h.press(hold=0.06)) == ["A"]  # a selection: the pause (0.3 s) begins
    h.wait(0.11)  # past debounce, inside the pause
    h.press(hold=0.06)  # blocked by the pause, but a real press for the gesture
    h.wait(0.11)
    h.down()
    h.wait(0.06)
    assert [a.trigger for a in alerts(h)] == ["gesture"]


def test_bounces_inside_debounce_are_no_presses_of_the_gesture() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    h.wait(0.5)
    h.press(hold=0.06)
    for _ in range(3):  # a switch bouncing: contacts long enough, but each inside debounce
        h.wait(0.05)
        h.press(hold=0.06)
    h.wait(3)
    assert alerts(h) == []
    # Presses past debounce still make the gesture at once (one bounce between them or not).
    for _ in range(3):
        h.wait(0.12)
        h.press(hold=0.06)
    assert [a.trigger for a in alerts(h)] == ["gesture"]


@pytest.mark.parametrize("mode", [Mode.AUTO, Mode.PRESS_HOLD, Mode.STEP])
def test_a_hold_that_began_as_a_bounce_does_not_call_for_help(mode: Mode) -> None:
    # A switch that bounces and then sticks (or a hand resting on it right after a press) is
    # no call for help; a new press begun after debounce is.
    h = Harness.start(ABC, settings(mode))
    h.wait(0.5)
    h.press(hold=0.1)
    h.wait(0.05)  # inside debounce (0.1)
    h.down()
    h.wait(3.0)
    assert alerts(h) == []
    h.up()
    h.wait(0.11)
    h.down()
    h.wait(2.0)
    assert [a.trigger for a in alerts(h)] == ["hold"]


def test_a_hold_inside_the_guard_after_an_offer_still_calls_for_help() -> None:
    # Something appeared (an offer, a rest's end): presses are ignored for a guard time,
    # but a hold begun then is still a call for help.
    h = Harness.start(ABC, settings(Mode.AUTO))
    h.wait(0.5)
    h.companion._scanner.appeared(h.now, 1.0)  # as care does on opening something
    h.wait(0.2)
    start = h.now
    h.down()
    h.wait(2.0)
    raised = [t for t, e in h.effects if isinstance(e, AlertRaised)]
    assert raised == [pytest.approx(start + 2.0)]


@pytest.mark.parametrize(
    ("mode", "first_hold", "gap", "why"),
    [
        (Mode.AUTO, 0.15, 0.15, "post-selection pause"),
        (Mode.PRESS_HOLD, 0.02, 0.05, "just after a tremor tap"),
        (Mode.PRESS_HOLD, 0.7, 0.15, "post-selection pause after a long press"),
    ],
)
def test_a_hold_for_help_counts_from_the_key_going_down_even_inside_a_pause(
    mode: Mode, first_hold: float, gap: float, why: str
) -> None:
    h = Harness.start(ABC, settings(mode))
    h.wait(0.5)
    h.press(hold=first_hold)
    h.wait(gap)
    start = h.now
    h.down()
    h.wait(1.9)
    assert alerts(h) == [], why
    h.wait(0.2)
    assert [a.trigger for a in alerts(h)] == ["hold"], why
    raised = [t for t, e in h.effects if isinstance(e, AlertRaised)]
    assert raised == [pytest.approx(start + 2.0)]
    assert selected(h.up()) == []


def test_a_hold_for_help_heard_only_at_its_release_still_calls_for_help() -> None:
    # The process was stalled: the down and the up arrive together, no tick in between.
    h = Harness.start(ABC, settings(Mode.PRESS_HOLD))
    h.wait(0.5)
    h.send(SwitchDown(1))
    h.now += 2.5
    new = h.send(SwitchUp(1))
    assert [a.trigger for a in of_type(new, AlertRaised)] == ["hold"]
    assert selected(new) == []


def test_a_gesture_press_heard_only_at_its_release_still_counts() -> None:
    h = Harness.start(ABC, settings(Mode.INVERSE))
    assert h.companion.settings.help == HelpCall()  # the defaults: 3 presses within 1.5 s
    h.wait(0.5)
    for _ in range(3):
        h.send(SwitchDown(1))
        h.now += 0.08
        h.send(SwitchUp(1))
        h.now += 0.1
    assert [a.trigger for a in alerts(h)] == ["gesture"]
