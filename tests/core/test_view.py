"""What the window is shown (`Companion.view()`), and clicks on it (`PointerSelect`), with a
fake clock. Test timings: interval 1.0, first-item extra 0.5, acceptance 0.05 (harness)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from accessible_companion.core.effects import Highlight, Notify, Record, Select
from accessible_companion.core.events import Event, Notice, NotifyDone, PointerSelect, VoiceCommand
from accessible_companion.core.menus import Action, Item, MenuSet
from accessible_companion.core.records import Alert, Rest
from accessible_companion.core.settings import (
    CheckIns,
    DisplaySettings,
    FatigueWatch,
    FollowUp,
    HelpCall,
    Mode,
    RestPacing,
    Settings,
)
from accessible_companion.core.view import View
from tests.support.harness import Harness, menu_set, of_type, selected, settings

MENUS = menu_set(
    home=[
        "Water",
        Item("More", action=Action.MENU, menu="more"),
        Item("Rest 10", action=Action.REST, minutes=10),
        Item("How I feel", action=Action.CHECK_IN),
        Item("Help", action=Action.HELP),
    ],
    more=["Tea", "Coffee", "Juice", "Milk"],
)
QUIET = {"rest": RestPacing(after_active_minutes=0), "fatigue": FatigueWatch(enabled=False)}


def config(mode: Mode = Mode.STEP, **changes: Any) -> Settings:
    return replace(settings(mode), **{**QUIET, **changes})


def view(h: Harness) -> View:
    return h.companion.view()


def choose(h: Harness, index: int) -> None:
    """Step mode: switch 1 to item `index` of a list, switch 2 to select it."""
    for _ in range(index):
        h.wait(0.5)
        h.press(1)
    h.wait(0.5)
    h.press(2)


# Where we are.


def test_a_list_has_one_column_no_row_and_its_path() -> None:
    h = Harness.start(MENUS, config())
    v = view(h)
    assert (v.columns, v.row, v.highlight, v.path, v.screen) == (1, None, 0, ("Home",), "menu")
    choose(h, 1)
    v = view(h)
    assert (v.menu, v.path, v.labels[-1]) == ("more", ("Home", "More"), "Back")


def test_a_grid_shows_its_columns_and_the_row_while_rows_are_scanned() -> None:
    grid = MenuSet({**MENUS.menus, "more": replace(MENUS["more"], columns=2)})
    h = Harness.start(grid, config())
    choose(h, 1)
    v = view(h)
    assert (v.columns, v.row, v.highlight) == (2, 0, None)
    h.wait(0.5)
    h.press(2)
    v = view(h)
    assert (v.columns, v.row, v.highlight) == (2, None, 0)


def test_the_default_columns_make_a_long_menu_a_grid() -> None:
    h = Harness.start(MENUS, config(display=DisplaySettings(columns=2)))
    assert (view(h).columns, view(h).row) == (2, 0)
    assert view(h).look.columns == 2


# The dwell indicator.


def test_dwell_runs_only_after_the_cue_and_not_while_a_press_holds_it() -> None:
    h = Harness.start(MENUS, config(Mode.AUTO), speech_seconds=0.8)
    h.wait(0.5)
    assert view(h).dwell is None  # the cue is still being said
    h.wait(0.5)
    assert view(h).dwell == (pytest.approx(0.8), pytest.approx(2.3))  # 1.0 + 0.5 first-item extra
    h.down()
    assert view(h).dwell is None  # frozen: the press holds the highlight
    h.wait(0.03)
    h.up()  # shorter than acceptance: no press; the dwell goes on where it was
    assert view(h).dwell == (pytest.approx(0.83), pytest.approx(2.33))
    h.wait(30)
    assert view(h).state == "idle" and view(h).dwell is None


def test_no_dwell_where_the_highlight_waits_for_a_press() -> None:
    for mode in (Mode.PRESS_HOLD, Mode.STEP):
        h = Harness.start(MENUS, config(mode))
        h.wait(2)
        assert view(h).dwell is None, mode


def test_inverse_dwell_runs_while_held() -> None:
    h = Harness.start(MENUS, config(Mode.INVERSE))
    h.wait(1)
    assert view(h).dwell is None
    h.down()
    h.wait(0.1)  # moving from 1.05
    assert view(h).dwell == (pytest.approx(1.05), pytest.approx(2.05))


# Screens.


def test_rest_screen_with_its_end() -> None:
    h = Harness.start(MENUS, config())
    choose(h, 2)
    v = view(h)
    assert (v.screen, v.state, v.rest_until, v.highlight) == (
        "rest",
        "resting",
        pytest.approx(1.8 + 600),
        None,
    )
    h.wait(1)
    h.press(1)
    assert (view(h).screen, view(h).rest_until) == ("menu", None)


def test_check_in_question_and_follow_up_screens() -> None:
    check_ins = CheckIns(scale=("low", "high"), follow_ups=(FollowUp("Why?", ("pain",)),))
    h = Harness.start(MENUS, config(check_ins=check_ins))
    choose(h, 3)
    assert (view(h).menu, view(h).screen) == ("~check-in", "check-in")
    assert view(h).path == ("Home", "How is your energy?")
    choose(h, 0)
    assert (view(h).title, view(h).screen) == ("Why?", "check-in")
    choose(h, 1)  # skip
    assert view(h).screen == "menu"


def test_offer_of_rest_screen() -> None:
    h = Harness.start(MENUS, config(rest=RestPacing(after_active_minutes=0.05, active_gap_seconds=10)))
    for _ in range(6):
        h.wait(0.9)
        h.press(1)
    assert (view(h).menu, view(h).screen) == ("~rest-offer", "offer")


def test_alert_screen_and_help_on_the_way_once_a_notification_is_delivered() -> None:
    help_call = HelpCall(cancel_seconds=5, webhook="https://carer.example/alert")
    h = Harness.start(MENUS, config(help=help_call))
    choose(h, 4)
    assert (view(h).screen, view(h).alert_notified) == ("alert", False)
    h.send(NotifyDone("webhook", True, "HTTP 200"))  # not sent yet: not this alert's
    assert view(h).alert_notified is False
    assert of_type(h.wait(5), Notify)
    h.send(NotifyDone("webhook", False, "HTTP 500", 3))
    assert view(h).alert_notified is False
    h.send(NotifyDone("command", True, "exit 0"))
    assert view(h).alert_notified is True
    h.press(1)
    assert (view(h).screen, view(h).alert_notified) == ("menu", False)


# Voice commands, as the status line shows them.


def test_voice_state_follows_the_listeners_notices_by_kind() -> None:
    h = Harness.start(MENUS, config())
    assert view(h).voice == "off"
    h = Harness.start(MENUS, replace(config(), voice_commands=True))
    assert view(h).voice == "loading"
    steps: list[tuple[Event, str]] = [
        (Notice("Voice commands ready.", kind="voice_ready"), "listening"),
        (VoiceCommand("go to sleep"), "asleep"),
        (Notice("Microphone lost.", kind="microphone_lost"), "microphone lost"),
        (Notice("Microphone back.", kind="microphone_back"), "asleep"),
        (VoiceCommand("wake up"), "listening"),
        (Notice("Muted?", kind="microphone_muted"), "microphone lost"),
        (Notice("Microphone back.", kind="microphone_back"), "listening"),
        (Notice("Microphone lost.", kind=""), "listening"),  # never the words: only the kind
        (Notice("No model.", kind="voice_unavailable"), "unavailable"),
    ]
    for event, expected in steps:
        h.wait(0.5)
        h.send(event)
        assert view(h).voice == expected, event


def test_voice_turned_off_from_the_menu_shows_off() -> None:
    menus = menu_set(home=[Item("Voice off", action=Action.VOICE_OFF), "Water"])
    h = Harness.start(menus, replace(config(), voice_commands=True))
    h.send(Notice("ready", kind="voice_ready"))
    h.wait(0.5)
    h.press(2)
    assert view(h).voice == "off"


# Clicks and taps on the window.


def test_a_click_on_an_item_selects_it_as_its_voice_words_would() -> None:
    h = Harness.start(MENUS, config(Mode.AUTO))
    h.wait(0.5)
    new = h.send(PointerSelect("home", 1))
    assert of_type(new, Highlight)[:2] == [Highlight("home", 1, "More"), Highlight("more", 0, "Tea")]
    assert selected(new) == ["More"]
    assert view(h).menu == "more"
    h.wait(0.5)
    assert selected(h.send(PointerSelect("more", 3))) == ["Milk"]


def test_a_click_selects_during_row_scanning_in_every_mode() -> None:
    grid = MenuSet({"home": replace(MENUS["home"], columns=2)})
    for mode in Mode:
        h = Harness.start(grid, config(mode))
        h.wait(0.5)
        assert view(h).row == 0
        assert selected(h.send(PointerSelect("home", 0))) == ["Water"], mode


def test_a_stale_or_wrong_click_does_nothing() -> None:
    h = Harness.start(MENUS, config())
    choose(h, 1)
    assert h.send(PointerSelect("home", 0)) == []  # a menu already left
    assert h.send(PointerSelect("more", 5)) == []  # no such cell
    assert h.send(PointerSelect("more", -1)) == []  # the screen itself, in a menu
    assert view(h).menu == "more"


def test_clicks_do_nothing_when_the_mouse_is_off() -> None:
    h = Harness.start(MENUS, config(display=DisplaySettings(mouse=False)))
    assert h.send(PointerSelect("home", 0)) == []


def test_a_click_on_the_screen_ends_a_rest_as_a_press_does() -> None:
    h = Harness.start(MENUS, config())
    choose(h, 2)
    assert h.send(PointerSelect("home", 0)) == []  # the items are not shown in a rest
    h.wait(60)
    new = h.send(PointerSelect("home", -1))
    assert [r.entry for r in of_type(new, Record)] == [Rest(600.0, 60.0, "user")]
    assert view(h).screen == "menu"


def test_a_click_on_the_screen_cancels_or_answers_a_call_for_help() -> None:
    h = Harness.start(MENUS, config(help=HelpCall(cancel_seconds=5)))
    choose(h, 4)
    h.wait(1)
    new = h.send(PointerSelect("home", -1))
    assert [r.entry for r in of_type(new, Record)] == [Alert("menu", "", None, True, 1, "ended")]
    choose(h, 4)
    h.wait(10)
    new = h.send(PointerSelect("home", -1))
    assert [r.entry for r in of_type(new, Record)] == [Alert("menu", "user", 10.0, False, 2, "ended")]
    assert of_type(new, Select) == []


def test_a_double_click_chooses_once_and_never_cancels_the_help_it_called() -> None:
    h = Harness.start(MENUS, config(help=HelpCall(cancel_seconds=5)))
    h.wait(0.5)
    assert selected(h.send(PointerSelect("home", 0))) == ["Water"]
    h.wait(0.15)  # the second click of a double click, inside the post-selection pause (0.3 s)
    assert h.send(PointerSelect("home", 0)) == []
    h.wait(0.5)
    assert selected(h.send(PointerSelect("home", 4))) == ["Help"]
    h.wait(0.15)  # the window shows the alert by now: the second click lands on the screen
    assert h.send(PointerSelect("home", -1)) == []
    assert view(h).screen == "alert"
    h.wait(0.5)  # past the pause, a click is a press on the alert again
    new = h.send(PointerSelect("home", -1))
    assert [r.entry for r in of_type(new, Record)] == [Alert("menu", "", None, True, 1, "ended")]
