"""The escalating call for help (issue 15): contacts called in order, each at its
`after_seconds` from when the call went out, until somebody acknowledges; "I need
something" quietly calls the first contact only. Fake time (tests/support/harness.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from accessible_companion.core.effects import NotifyContact, Record, Speak
from accessible_companion.core.events import Acknowledge, NotifyDone, SwitchDown
from accessible_companion.core.menus import Action, Item
from accessible_companion.core.records import Alert, NotifyResult
from accessible_companion.core.settings import (
    Contact,
    FatigueWatch,
    HelpCall,
    Mode,
    RestPacing,
    Settings,
    VoiceOut,
    help_channels,
)
from tests.support.harness import Harness, menu_set, of_type, settings

MENUS = menu_set(
    home=[
        Item("Help", action=Action.HELP, say="Come now."),
        Item("Need", action=Action.NEED, say="Could you come?"),
        "Water",
    ]
)
CONTACTS = (
    Contact("Anna", url="json://127.0.0.1:9/anna", after_seconds=0),
    Contact("Ben", url="ntfy://ntfy.sh/ben-topic-secret", after_seconds=60),
    Contact("Carol", command=("/bin/true",), after_seconds=180),
)


def config(**help_call: Any) -> Settings:
    help_settings = HelpCall(cancel_seconds=5, repeat_seconds=10, contacts=CONTACTS, **help_call)
    return replace(
        settings(Mode.STEP),
        rest=RestPacing(after_active_minutes=0),
        fatigue=FatigueWatch(enabled=False),
        help=help_settings,
    )


def calls(h: Harness) -> list[tuple[float, str, int, str]]:
    """(when, contact, index, level) of every contact called so far."""
    return [(t, e.name, e.contact, e.level) for t, e in h.effects if isinstance(e, NotifyContact)]


def alerts(h: Harness) -> list[Alert]:
    return [e.entry for _, e in h.effects if isinstance(e, Record) and isinstance(e.entry, Alert)]


def raise_by_hold(h: Harness) -> None:
    h.wait(0.5)
    h.down(1)
    h.wait(2.0)  # raised at 2.5 s
    h.up(1)


def test_help_now_calls_every_contact_in_turn_at_its_time() -> None:
    h = Harness.start(MENUS, config())
    raise_by_hold(h)
    h.wait(4.9)
    assert calls(h) == []  # the cancel window (5 s from 2.5 s) sends nothing
    h.wait(0.2)
    assert calls(h) == [(7.5, "Anna", 0, "now")]
    assert h.companion.view().notice == "Calling Anna…"
    h.wait(59.8)
    assert len(calls(h)) == 1
    h.wait(0.2)
    assert calls(h)[-1] == (67.5, "Ben", 1, "now")
    assert h.companion.view().notice == "Calling Ben…"
    h.wait(120)
    assert calls(h)[-1] == (187.5, "Carol", 2, "now")
    h.wait(600)
    assert len(calls(h)) == 3  # each contact once
    # The room alarm kept repeating all along.
    chimes = [t for t, e in h.effects if isinstance(e, Speak) and e.earcon == "alert"]
    assert len(chimes) > 70 and chimes[-1] > 780


def test_an_acknowledgement_stops_the_escalation_and_is_journaled() -> None:
    h = Harness.start(MENUS, config())
    raise_by_hold(h)
    h.wait(30)
    assert [c[1] for c in calls(h)] == ["Anna"]
    h.send(Acknowledge(7, "Anna"))  # another alert's: nothing
    assert h.companion.view().state == "alert"
    h.send(Acknowledge(1, "Anna"))
    assert h.companion.view().state != "alert"
    h.wait(600)
    assert [c[1] for c in calls(h)] == ["Anna"]  # Ben was never called
    assert alerts(h)[-1] == Alert("hold", "Anna", 30.0, False, 1, "ended", "now")


def test_the_room_hears_who_is_coming() -> None:
    h = Harness.start(MENUS, config())
    raise_by_hold(h)
    h.wait(30)
    mark = len(h.effects)
    h.send(Acknowledge(1, "Anna"))
    said = [e.text for _, e in h.effects[mark:] if isinstance(e, Speak) and e.voice == "main"]
    assert said[0] == "Anna is coming."
    assert "Alert stopped." not in said
    assert h.companion.view().notice == "Anna is coming."
    # Each contact is told how to acknowledge: the link's text and, without a link, the key's.
    first = next(e for _, e in h.effects if isinstance(e, NotifyContact))
    assert (first.ack_link, first.ack_key) == (
        "I'm coming: {url}",
        "Press the caregiver key to stop the alarm.",
    )


def test_the_caregiver_key_and_a_press_acknowledge_too() -> None:
    for by in ("caregiver", "user"):
        h = Harness.start(MENUS, config())
        raise_by_hold(h)
        h.wait(70)  # Anna and Ben called
        if by == "caregiver":
            h.send(SwitchDown(3, key="escape"))
        else:
            h.press(1)  # taken at its release, past acceptance
        h.wait(600)
        assert [c[1] for c in calls(h)] == ["Anna", "Ben"], by
        ended = alerts(h)[-1]
        assert (ended.acknowledged_by, ended.stage) == (by, "ended")
        assert ended.seconds_to_ack is not None and 70.0 <= ended.seconds_to_ack <= 70.2


def test_a_cancel_in_the_window_calls_nobody() -> None:
    h = Harness.start(MENUS, config())
    raise_by_hold(h)
    h.wait(1)
    h.press(1)
    h.wait(600)
    assert calls(h) == []
    assert alerts(h)[-1] == Alert("hold", "", None, True, 1, "ended", "now")


def test_a_failed_contact_does_not_stop_the_next() -> None:
    h = Harness.start(MENUS, config())
    raise_by_hold(h)
    h.wait(6)
    h.send(NotifyDone("apprise", False, "A Connection error occurred", 3, alert=1, contact="Anna"))
    results = [e.entry for _, e in h.effects if isinstance(e, Record) and isinstance(e.entry, NotifyResult)]
    # The result names its call (alert 1), so the report places it even among overlapping calls.
    assert results == [NotifyResult("apprise", False, "A Connection error occurred", "Anna", alert=1)]
    assert "Anna" in h.companion.view().notice
    h.wait(60)
    assert [c[1] for c in calls(h)] == ["Anna", "Ben"]


def test_i_need_something_is_quiet_and_calls_the_first_contact_only() -> None:
    h = Harness.start(MENUS, config())
    h.wait(0.5)
    h.press(1)  # to Need
    h.wait(0.5)
    raised = h.press(2)
    spoken = of_type(raised, Speak)
    assert ("Could you come?", "cue") in [(s.text, s.voice) for s in spoken]
    assert not [s for s in spoken if s.earcon == "alert"]  # no alarm
    h.wait(600)
    assert [(c[1], c[3]) for c in calls(h)] == [("Anna", "need")]
    later = [e for t, e in h.effects if t > 10 and isinstance(e, Speak)]
    assert later and not [s for s in later if s.earcon == "alert" or s.voice == "main"]
    assert alerts(h)[0] == Alert("menu", "", None, False, 1, "raised", "need")


def test_i_need_something_is_said_by_the_main_voice_when_the_cues_are_in_an_earphone() -> None:
    # A cue voice that only the user hears would tell the room nothing.
    for cue in (VoiceOut(device="earphone"), VoiceOut(channel="left")):
        base = config()
        h = Harness.start(MENUS, replace(base, speech=replace(base.speech, cue=cue)))
        h.wait(0.5)
        h.press(1)  # to Need
        h.wait(0.5)
        spoken = of_type(h.press(2), Speak)
        assert ("Could you come?", "main") in [(s.text, s.voice) for s in spoken], cue
        assert not [s for s in spoken if s.earcon == "alert"]  # still no alarm


def test_the_older_command_and_webhook_are_contacts_at_zero_seconds() -> None:
    help_call = HelpCall(notify_command=("/bin/true",), webhook="https://carer.example/h", contacts=CONTACTS)
    assert [(c.kind, c.contact.name, c.contact.after_seconds) for c in help_channels(help_call)] == [
        ("command", "command", 0.0),
        ("webhook", "webhook", 0.0),
        ("apprise", "Anna", 0.0),
        ("apprise", "Ben", 60.0),
        ("command", "Carol", 180.0),
    ]
    h = Harness.start(MENUS, config(notify_command=("/bin/true",)))
    raise_by_hold(h)
    h.wait(5)
    assert [(c[1], c[2]) for c in calls(h)] == [("command", 0), ("Anna", 1)]
    assert h.companion.view().notice == "Calling Anna…"  # the command has no person to name
