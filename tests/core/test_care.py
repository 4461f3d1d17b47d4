"""Rest pacing, rest mode, check-ins, the call for help and fatigue, with a fake clock."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from accessible_companion.core.care import next_time
from accessible_companion.core.effects import Idle, Notify, Record, Select, Speak
from accessible_companion.core.events import NotifyDone, SwitchDown, VoiceCommand
from accessible_companion.core.menus import Action, Item
from accessible_companion.core.records import (
    Alert,
    CheckIn,
    Entry,
    FatigueSignal,
    NotifyResult,
    PhraseUsed,
    PressTimed,
    Rest,
    RestOffered,
    SpeedChanged,
    TimingChanged,
    VoiceHeard,
)
from accessible_companion.core.settings import (
    CheckIns,
    FatigueWatch,
    FollowUp,
    HelpCall,
    Mode,
    RestPacing,
    Settings,
)
from tests.support.harness import Harness, acts, menu_set, of_type, selected, settings

MENUS = menu_set(
    home=[
        "Water",
        "Tea",
        Item("Rest 10", action=Action.REST, minutes=10),
        Item("More", action=Action.MENU, menu="more"),
    ],
    more=["Thanks"],
)
QUIET = {"rest": RestPacing(after_active_minutes=0), "fatigue": FatigueWatch(enabled=False)}


def config(mode: Mode = Mode.STEP, **care: Any) -> Settings:
    return replace(settings(mode), **{**QUIET, **care})


def records(h: Harness) -> list[Entry]:
    """What was journaled, but the measure of every press (tests/core/test_pace.py) and every
    voice outcome (tests/core/test_voice_heard.py)."""
    return [
        e.entry
        for _, e in h.effects
        if isinstance(e, Record) and not isinstance(e.entry, PressTimed | VoiceHeard)
    ]


def main_texts(effects: list[Any]) -> list[str]:
    return [e.text for e in of_type(effects, Speak) if e.voice == "main" and e.text]


def state(h: Harness) -> str:
    return h.companion.view().state


def go_to(h: Harness, label: str) -> None:
    """Step mode: press switch 1 until `label` is highlighted."""
    for _ in range(20):
        if h.highlighted() == label:
            return
        h.wait(0.5)
        h.press(1)
    raise AssertionError(f"{label} never highlighted")


def choose(h: Harness, label: str) -> list[Any]:
    go_to(h, label)
    h.wait(0.5)
    return h.press(2)


# Rest pacing.


def test_a_rest_is_offered_after_the_active_time_and_taken() -> None:
    h = Harness.start(MENUS, config(rest=RestPacing(after_active_minutes=1, active_gap_seconds=30)))
    for _ in range(6):  # presses 10 s apart: 50 s of activity
        h.wait(10)
        h.press(1)
    assert h.companion.view().menu == "home"
    h.wait(10)
    offered = h.press(1)  # 60 s: offered once the press is dealt with
    assert h.companion.view().menu == "~rest-offer"
    assert main_texts(offered) == ["You have been active for 1 minutes. Rest now?"]
    labels = h.companion.view().labels
    # The harmless answer first: a press that lands on the first item by mistake does nothing.
    assert labels == ("Not now", "Rest 5 minutes", "Rest 15 minutes", "Rest 30 minutes")
    taken = choose(h, "Rest 15 minutes")
    assert RestOffered("active", True) in records(h)
    assert of_type(taken, Idle) == [Idle("home", "rest")]
    assert state(h) == "resting"
    assert main_texts(taken) == ["Resting for 15 minutes. Press when you are ready."]


def test_long_gaps_do_not_count_as_active() -> None:
    h = Harness.start(MENUS, config(rest=RestPacing(after_active_minutes=10, active_gap_seconds=30)))
    for _ in range(10):  # ten presses, 5 minutes apart: 9 x 30 s counted
        h.wait(300)
        h.press(1)
    assert h.companion.view().menu == "home"
    # 270 s counted: 20 s more is not yet the 5 minutes of a lower bound; 10 s more is.
    low = Harness.start(MENUS, config(rest=RestPacing(after_active_minutes=5, active_gap_seconds=30)))
    for _ in range(10):
        low.wait(300)
        low.press(1)
    low.wait(19.9)
    low.press(1)
    assert low.companion.view().menu == "home"
    low.wait(9.9)
    low.press(1)
    assert low.companion.view().menu == "~rest-offer"


def test_not_now_snoozes_the_offer() -> None:
    rest = RestPacing(after_active_minutes=1, snooze_minutes=5, active_gap_seconds=30)
    h = Harness.start(MENUS, config(rest=rest))
    for _ in range(7):
        h.wait(10)
        h.press(1)
    h.wait(0.5)
    choose(h, "Not now")
    assert records(h) == [RestOffered("active", False)]
    assert h.companion.view().menu == "home"
    snoozed_at = h.now
    while h.now < snoozed_at + 290:  # still active, but snoozed
        h.wait(10)
        h.press(1)
        assert h.companion.view().menu == "home"
    for _ in range(3):
        h.wait(10)
        h.press(1)
    h.wait(0.5)
    assert h.companion.view().menu == "~rest-offer"


def test_scheduled_reminder_and_check_in_at_times_of_day() -> None:
    # The loop clock's 0 is 09:59:00 local time.
    care: dict[str, Any] = {
        "rest": RestPacing(after_active_minutes=0, reminders=("10:00",)),
        "check_ins": CheckIns(times=("10:05",), scale=("low", "medium", "high")),
    }
    h = Harness.start(MENUS, config(**care), day_offset=9 * 3600 + 59 * 60)
    assert next_time(("10:00",), 0.0, 9 * 3600 + 59 * 60) == 60.0
    offer = h.wait(61)
    assert main_texts(offer) == ["Time for a rest. Rest now?"]
    choose(h, "Not now")
    asked = h.wait(300)
    assert main_texts(asked) == ["How is your energy?"]
    assert h.companion.view().labels == ("low", "medium", "high", "Back")
    # The next reminder is tomorrow.
    choose(h, "low")
    tomorrow = 60 + 24 * 3600
    assert "Time for a rest. Rest now?" not in main_texts(h.wait(tomorrow - 1 - h.now))
    assert main_texts(h.wait(2)) == ["Time for a rest. Rest now?"]


def test_time_of_day_wraps_past_midnight() -> None:
    offset = 23 * 3600 + 30 * 60  # loop time 0 = 23:30
    assert next_time(("00:15",), 0.0, offset) == 45 * 60
    assert next_time(("23:30",), 0.0, offset) == 24 * 3600  # strictly after now
    assert next_time(("10:00",), 0.0, None) is None


# Rest mode.


def rested_harness(mode: Mode = Mode.STEP) -> Harness:
    h = Harness.start(MENUS, replace(config(mode), voice_commands=True))
    h.wait(0.5)
    h.send(VoiceCommand("rest 10"))
    assert state(h) == "resting"
    return h


def test_rest_runs_its_course_with_gentle_cues() -> None:
    h = rested_harness()
    start = h.now
    half = h.wait(300)
    assert [(e.voice, e.text) for e in of_type(half, Speak)] == [("cue", "Halfway through your rest.")]
    end = h.wait(300)
    assert Rest(600.0, 600.0, "time") in records(h)
    assert of_type(end, Idle) == [Idle("home", "rest")]
    assert [e.text for e in of_type(end, Speak)] == ["Your rest is over. Press when you are ready."]
    assert state(h) == "idle"
    assert h.now - start == pytest.approx(600)
    assert selected(h.press(1)) == [] and state(h) == "idle"  # begun with the end: not for it
    h.wait(1)
    assert selected(h.press(1)) == []  # a press wakes the scan
    assert state(h) != "idle"


def test_rest_ignores_everything_but_resume_and_help() -> None:
    h = rested_harness(Mode.AUTO)
    h.wait(1)
    assert h.companion.voice_phrases() == ("help", "help me", "i m rested", "resume")
    for phrase in ("next", "select", "home", "water", "faster"):
        assert acts(h.send(VoiceCommand(phrase))) == []
    assert h.wait(60) == []  # no scanning
    assert state(h) == "resting"
    resumed = h.send(VoiceCommand("I'm rested"))
    assert Rest(600.0, 61.0, "user") in records(h)  # 1 s after "rest 10" at 0.5 s, then 60 s
    assert "Welcome back." in main_texts(resumed)
    assert state(h) == "scanning"


def test_a_press_ends_a_rest_early() -> None:
    h = rested_harness()
    h.wait(120)
    ended = h.press(1)
    assert records(h)[-1] == Rest(600.0, 120.1, "user")
    assert main_texts(ended) == ["Welcome back."]
    assert state(h) == "waiting"


# Check-ins.


def test_check_in_by_switch_with_follow_ups() -> None:
    check_ins = CheckIns(
        scale=("low", "medium", "high"),
        follow_ups=(FollowUp("What tired you?", ("talking", "eating")), FollowUp("Pain?", ("yes", "no"))),
    )
    menus = menu_set(home=[Item("Check in", action=Action.CHECK_IN), "Water"])
    h = Harness.start(menus, config(check_ins=check_ins))
    h.wait(0.5)
    asked = h.press(2)
    assert main_texts(asked) == ["How is your energy?"]
    answered = choose(h, "medium")
    assert main_texts(answered) == ["Noted: medium.", "What tired you?"]
    assert h.companion.view().labels == ("talking", "eating", "Skip", "Back")
    choose(h, "Skip")
    choose(h, "yes")
    assert records(h) == [CheckIn("How is your energy?", "medium", 5.0), CheckIn("Pain?", "yes", None)]
    assert h.companion.view().menu == "home"


def test_check_in_by_voice_on_a_number_scale() -> None:
    menus = menu_set(home=[Item("Check in", action=Action.CHECK_IN), "Water"])
    h = Harness.start(menus, replace(config(), voice_commands=True))
    h.wait(0.5)
    h.send(VoiceCommand("check in"))
    assert "7" in h.companion.voice_phrases()
    h.wait(0.5)
    h.send(VoiceCommand("7"))
    assert records(h) == [CheckIn("How is your energy?", "7", 7.0)]
    assert h.companion.view().menu == "home"


def test_a_caregivers_check_in_item_records_its_answer() -> None:
    menus = menu_set(home=[Item("Energy low", action=Action.CHECK_IN, answer="low", say="My energy is low.")])
    h = Harness.start(menus, config())
    h.wait(0.5)
    new = h.press(2)
    assert records(h) == [CheckIn("Home", "low", None)]
    assert main_texts(new) == ["My energy is low."]


def test_every_offer_and_question_can_be_answered_in_every_mode() -> None:
    # Loop time 0 is 09:59:59.5, so the check-in falls due at 0.5 s.
    check_ins = CheckIns(
        scale=("low", "high"), follow_ups=(FollowUp("Pain?", ("yes", "no")),), times=("10:00",)
    )
    for mode in Mode:
        care = config(mode, check_ins=check_ins, rest=RestPacing(after_active_minutes=0))
        h = Harness.start(MENUS, care, day_offset=10 * 3600 - 0.5)
        h.wait(1.0)
        h.send(VoiceCommand("nothing"))  # any event lets the due question be asked
        assert h.companion.view().menu == "~check-in", mode
        for _ in range(400):  # wait for auto scanning, or step through
            if h.companion.view().menu == "home":
                break
            if mode is Mode.AUTO:
                h.wait(0.2)
                h.press(1, hold=0.06) if h.highlighted() in ("high", "yes") else None
            elif mode is Mode.INVERSE:
                h.wait(0.5)
                h.press(1, hold=0.06)
            else:
                h.wait(0.5)
                h.press(2)
        assert len([r for r in records(h) if isinstance(r, CheckIn)]) == 2, mode


# The call for help.


def test_a_long_hold_calls_for_help_and_the_caregiver_key_stops_it() -> None:
    for mode in (Mode.AUTO, Mode.PRESS_HOLD, Mode.STEP):
        h = Harness.start(MENUS, config(mode))
        h.wait(0.5)
        h.down(1)
        raised = h.wait(2.0)
        assert state(h) == "alert", mode
        assert [(e.text, e.earcon) for e in of_type(raised, Speak)] == [
            ("Please come, I need help now.", "alert"),
            ("Calling for help in 5 seconds. Press to cancel.", ""),  # what is about to happen
        ]
        assert selected(h.up(1)) == []  # the release of that hold does nothing more
        h.wait(30)
        stopped = h.send(SwitchDown(3, key="escape"))
        assert main_texts(stopped) == ["Alert stopped."]
        assert records(h) == [
            Alert("hold", "", None, False, 1, "raised"),
            Alert("hold", "", None, False, 1, "notified"),
            Alert("hold", "caregiver", 30.0, False, 1, "ended"),
        ]


def test_the_alert_repeats_and_notifies_after_the_cancel_window() -> None:
    help_call = HelpCall(cancel_seconds=5, repeat_seconds=10, webhook="http://carer.example/alert")
    h = Harness.start(MENUS, config(help=help_call))
    h.wait(0.5)
    h.down(1)
    h.wait(2.0)
    h.up(1)
    assert not [e for _, e in h.effects if isinstance(e, Notify)]
    # Journaled at once when raised, and again when notified: a crash meanwhile leaves the row.
    assert records(h) == [Alert("hold", "", None, False, 1, "raised")]
    window = h.wait(5)
    assert records(h)[-1] == Alert("hold", "", None, False, 1, "notified")
    assert of_type(window, Notify) == [Notify(1, "Please come, I need help now.", "hold")]
    assert main_texts(window) == ["Help is on the way."]
    repeats = h.wait(25)
    chimes = [e for e in of_type(repeats, Speak) if e.earcon == "alert"]
    assert len(chimes) == 3 and chimes[0].text == "Please come, I need help now."  # at 12.5, 22.5, 32.5 s
    h.send(NotifyDone("webhook", False, "HTTP 500", 3))
    assert records(h)[-1] == NotifyResult("webhook", False, "HTTP 500")
    assert "HTTP 500" in h.companion.view().notice
    h.press(1)  # the user stops it after the cancel window: answered
    assert records(h)[-1] == Alert("hold", "user", 30.1, False, 1, "ended")  # raised at 2.5 s
    assert state(h) == "waiting"


def test_a_press_in_the_cancel_window_cancels_a_false_alarm() -> None:
    h = Harness.start(MENUS, config(help=HelpCall(cancel_seconds=5)))
    h.wait(0.5)
    h.down(1)
    h.wait(2.0)
    h.up(1)
    h.wait(1)
    cancelled = h.press(1)
    assert main_texts(cancelled) == ["Call for help cancelled."]
    assert records(h) == [
        Alert("hold", "", None, False, 1, "raised"),
        Alert("hold", "", None, True, 1, "ended"),
    ]
    assert of_type(h.wait(30), Notify) == []


def test_help_in_inverse_mode_is_the_gesture_and_works_in_a_rest_and_when_idle() -> None:
    h = Harness.start(MENUS, config(Mode.INVERSE, help=HelpCall(presses=3, within_seconds=1.5)))
    h.wait(0.5)
    choose_inverse = [h.press(1, hold=0.06)]
    h.wait(0.12)  # past debounce: a press inside it is a bounce, not one of the gesture
    choose_inverse.append(h.press(1, hold=0.06))
    assert state(h) != "alert" and choose_inverse
    h.wait(0.2)
    h.down(1)
    assert state(h) != "alert"  # not yet: it may be a tremor
    h.wait(0.05)  # the third contact passes acceptance: it is a press
    assert state(h) == "alert"
    assert selected(h.up(1)) == []
    # In a rest: a long hold calls for help, ending the rest.
    h2 = rested_harness()
    h2.wait(60)
    h2.down(1)
    h2.wait(2.0)
    assert state(h2) == "alert"
    assert Rest(600.0, 62.0, "help") in records(h2)
    # Stopped scanning (idle after its loops): a long hold still calls for help.
    h3 = Harness.start(MENUS, config(Mode.AUTO))
    h3.wait(60)
    assert state(h3) == "idle"
    h3.down(1)
    h3.wait(2.0)
    assert state(h3) == "alert"


def test_help_by_voice_and_by_menu_item() -> None:
    menus = menu_set(home=[Item("Help", action=Action.HELP, say="Come to the bedroom."), "Water"])
    h = Harness.start(menus, replace(config(), voice_commands=True))
    h.wait(0.5)
    new = h.press(2)
    assert [(e.text, e.earcon) for e in of_type(new, Speak)] == [
        ("Come to the bedroom.", "alert"),
        ("Calling for help in 5 seconds. Press to cancel.", ""),
    ]
    assert h.companion.view().notice == "Calling for help in 5 seconds. Press to cancel."
    assert h.companion.voice_phrases() == ("quiet", "stop")
    h.wait(6)
    h.send(VoiceCommand("stop"))
    ended = [r for r in records(h) if isinstance(r, Alert) and r.stage == "ended"]
    assert ended == [Alert("menu", "user", 6.0, False, 1, "ended")]
    h.wait(1)
    h.send(VoiceCommand("help me"))
    assert state(h) == "alert"


# Fatigue.


def test_signs_of_fatigue_lead_to_an_offer_of_rest_without_a_slower_scan_in_step() -> None:
    fatigue = FatigueWatch(window=4, max_misses=2, undo_seconds=5)
    h = Harness.start(MENUS, config(Mode.STEP, fatigue=fatigue))
    h.wait(0.5)
    choose(h, "Water")
    for _ in range(2):  # open More, then undo it at once: twice
        h.wait(0.5)
        choose(h, "More")
        h.wait(1)
        choose(h, "Back")
    assert records(h)[-1] == PhraseUsed("home", "Water", "Water")  # 3 presses: too few to tell
    h.wait(0.5)
    choose(h, "Tea")
    h.wait(1)
    assert FatigueSignal("misses", 2, 2) in records(h)
    assert h.companion.view().menu == "~rest-offer"
    # Step mode has no scan: the interval is never used, so no slower scan is offered.
    assert h.companion.view().labels == ("Not now", "Rest 5 minutes", "Rest 15 minutes", "Rest 30 minutes")
    assert "You seem tired. Rest now?" in main_texts([e for _, e in h.effects])
    h.wait(1)
    choose(h, "Not now")
    assert records(h)[-1] == RestOffered("fatigue", False)
    assert h.companion.view().menu == "home"


def test_no_slower_scan_is_offered_or_applied_where_there_is_no_scan() -> None:
    fatigue = FatigueWatch(window=3, max_misses=3)
    for mode in Mode:
        h = Harness.start(MENUS, config(mode, fatigue=fatigue))
        tracker = h.companion._care._fatigue  # the signs themselves are tested on their own
        for _ in range(3):
            tracker.missed_pass()
        h.wait(0.5)
        h.send(VoiceCommand("nothing"))  # any event lets the due offer be made
        labels = h.companion.view().labels
        scans = mode in (Mode.AUTO, Mode.INVERSE)
        assert ("Scan slower" in labels) is scans, mode
        assert labels[0] == "Not now"


def test_phrases_and_speed_changes_are_journaled() -> None:
    menus = menu_set(home=["Water", Item("Slower", action=Action.SLOWER)])
    h = Harness.start(menus, config())
    h.wait(0.5)
    h.press(2)
    choose(h, "Slower")
    # Two switches: nothing moves by itself, so Slower gives a longer hold to choose.
    assert records(h) == [
        PhraseUsed("home", "Water", "Water"),
        TimingChanged("scanning.long_press", 0.6, 0.75, "slower"),
    ]
    assert [e.label for _, e in h.effects if isinstance(e, Select)] == ["Water", "Slower"]


def test_passes_missed_before_a_choice_count_but_a_scan_left_alone_does_not() -> None:
    fatigue = FatigueWatch(window=4, max_misses=2)
    menus = menu_set(home=["A", "B", "C"])
    alone = Harness.start(menus, config(Mode.AUTO, fatigue=fatigue))
    alone.wait(120)  # nobody there: the scan stops after its loops, and stays quiet
    assert state(alone) == "idle"
    assert records(alone) == []
    assert alone.wait(600) == []
    h = Harness.start(menus, config(Mode.AUTO, fatigue=fatigue))

    def after_one_pass(label: str) -> None:
        """Let the highlight go past the last item, round again to `label`."""
        while h.highlighted() != "C":
            h.step()
        h.step()  # round to A: one pass
        while h.highlighted() != label:
            h.step()

    after_one_pass("B")  # one pass missed, then B
    h.press(1, hold=0.06)
    assert records(h)[-1] == PhraseUsed("home", "B", "B")
    after_one_pass("C")
    h.press(1, hold=0.06)
    h.wait(0.5)
    assert FatigueSignal("misses", 2, 2) in records(h)
    assert h.companion.view().menu == "~rest-offer"
    assert h.companion.view().labels[:2] == ("Not now", "Scan slower")
    while h.highlighted() != "Scan slower":
        h.step()
    h.press(1, hold=0.06)
    assert records(h)[-2:] == [RestOffered("fatigue", False), SpeedChanged(1.0, 1.25, "fatigue")]
    assert h.companion.view().menu == "home"
