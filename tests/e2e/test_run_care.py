"""The real process paces rest, asks how the user is, and calls for help; all journaled.

Durations are seconds here (a test config), switch presses come from xdotool on Xvfb,
and everything is read back from the trace and from the SQLite journal on disk.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from accessible_companion.core.records import Alert, CheckIn, PressTimed, Rest, RestOffered
from accessible_companion.journal import Journal
from rigs.xvfb import xdotool
from tests.e2e.test_run_switch import press
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below

SETTINGS = """
settings:
  scanning: {mode: step, long_press: 0.6}
  rest:
    after_active_minutes: 0.05     # 3 s of presses
    active_gap_seconds: 10
    choices_minutes: [0.05, 0.1]   # rests of 3 and 6 s
    snooze_minutes: 1
  check_ins:
    scale: [low, medium, high]
  help:
    hold_seconds: 1.5
    cancel_seconds: 1
    repeat_seconds: 3
  fatigue: {enabled: false}
"""


def highlighted(app: Companion, label: str, after: int) -> TraceLine:
    return app.wait_for(event("highlight", label=label), timeout=5, after=after)


def step_to(app: Companion, display: str, label: str) -> None:
    """Press switch 1 until `label` is highlighted (step mode)."""
    for _ in range(12):
        lines = app.lines()
        last = [line for line in lines if line["event"] == "highlight"][-1]
        if last["label"] == label:
            return
        press(display, "space")
        app.wait_for(event("highlight"), timeout=5, after=len(lines))
        time.sleep(0.35)  # past debounce and the post-selection pause
    raise AssertionError(f"{label} was never highlighted")


def select(app: Companion, display: str) -> TraceLine:
    mark = len(app.lines())
    press(display, "Return")
    line = app.wait_for(event("select"), timeout=5, after=mark)
    time.sleep(0.35)
    return line


def choose_offered(app: Companion, display: str, label: str) -> TraceLine:
    """Not now comes first, and presses are ignored for a moment after an offer appears."""
    time.sleep(0.9)
    step_to(app, display, label)
    return select(app, display)


def test_rest_check_in_and_alert_end_to_end(xvfb_display: str, tmp_path: Path) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS, encoding="utf-8")
    journal = tmp_path / "journal.sqlite3"
    app = Companion.start(
        tmp_path,
        "--config",
        str(config),
        "--input",
        "x11",
        "--no-speech",
        "--no-voice",
        "--journal",
        str(journal),
        env={"DISPLAY": xvfb_display},
    )
    try:
        app.wait_for(event("ready"))
        # 1. Active for 3 s: a rest is offered; the first length is taken and runs its course.
        for _ in range(5):
            press(xvfb_display, "space")
            time.sleep(0.8)
        app.wait_for(event("menu", menu="~rest-offer"), timeout=5)
        taken = choose_offered(app, xvfb_display, "Rest 0.05 minutes")
        assert taken["action"] == "rest"
        app.wait_for(event("idle", reason="rest"), timeout=5)
        ended = app.wait_for(event("record", kind="Rest"), timeout=10)
        # 2. A press wakes the scan (one past the moment after the rest's end);
        # "How I feel" > "Rate my energy" > "high".
        time.sleep(0.9)
        mark = len(app.lines())
        press(xvfb_display, "space")
        app.wait_for(event("highlight"), timeout=5, after=mark)
        time.sleep(0.35)
        step_to(app, xvfb_display, "How I feel")
        select(app, xvfb_display)
        step_to(app, xvfb_display, "Rate my energy")
        select(app, xvfb_display)
        app.wait_for(event("menu", menu="~check-in"), timeout=5)
        step_to(app, xvfb_display, "high")
        select(app, xvfb_display)
        checked = app.wait_for(event("record", kind="CheckIn"), timeout=5)
        # 3. A long hold calls for help; after the cancel window the caregiver's key stops it.
        mark = len(app.lines())
        press(xvfb_display, "space", hold=2.0)
        raised = app.wait_for(event("alert", trigger="hold"), timeout=5, after=mark)
        app.wait_for(event("notify"), timeout=5, after=mark)
        time.sleep(3.5)  # the alert repeats meanwhile
        xdotool(xvfb_display, "key", "Escape")
        answered = app.wait_for(event("record", kind="Alert", stage="ended"), timeout=5, after=mark)
    finally:
        assert app.stop() == 0
    lines = app.lines()
    assert ended["ended_by"] == "time" and ended["planned_seconds"] == 3.0
    assert checked["answer"] == "high" and checked["value"] == 10.0
    assert raised["alert"] == 1
    assert answered["acknowledged_by"] == "caregiver" and answered["cancelled"] is False
    assert answered["seconds_to_ack"] >= 3.5
    repeats = [
        line
        for line in lines[lines.index(raised) :]
        if line["event"] == "speak" and line["earcon"] == "alert"
    ]
    assert len(repeats) >= 2
    # The journal on disk holds the same, written by its own thread and closed cleanly.
    with Journal(journal) as stored:
        assert [s.entry for s in stored.rest_offers()] == [RestOffered("active", True)]
        assert [s.entry for s in stored.rests()] == [Rest(3.0, 3.0, "time")]
        assert [s.entry for s in stored.checkins()] == [CheckIn("How is your energy?", "high", 10.0)]
        assert [s.entry for s in stored.alerts()] == [
            Alert("hold", "caregiver", answered["seconds_to_ack"], False)
        ]
        # Every press, measured (pacing, issue 13): the same rows as the trace's records.
        check_presses([s.entry for s in stored.entries(PressTimed)], lines)


def check_presses(presses: list[PressTimed], lines: list[TraceLine]) -> None:
    """Every press journaled as measured, the same rows as the trace's records."""
    traced = [line for line in lines if line["event"] == "record" and line["kind"] == "PressTimed"]
    assert len(presses) == len(traced) >= 12
    kinds = [p.action for p in presses]
    assert kinds.count("select") >= 4 and kinds.count("step") >= 5 and "wake" in kinds
    assert {p.mode for p in presses} == {"step"}
    holds = [p.hold for p in presses]
    assert all(hold is not None and 0.05 <= hold < 1.5 for hold in holds), holds
    # A press with a highlight has its reaction; this test mostly waits 0.35 s or more first.
    reactions = [p.reaction for p in presses if p.action != "wake"]
    assert all(r is not None and r >= 0 for r in reactions), reactions
    assert statistics.median(r for r in reactions if r is not None) >= 0.3, reactions
