"""Presses read from trace lines as the companion's press filter counts them (core/presses.py)."""

from __future__ import annotations

from typing import Any

from accessible_companion.caregiver.press_trace import PressReader, Timing
from accessible_companion.caregiver.tuning import IGNORED_PAUSE, IGNORED_SHORT, Press


def line(t: float, event: str, **fields: Any) -> dict[str, Any]:
    return {"t": t, "event": event, **fields}


def key(t: float, kind: str, switch: int = 1, source: str = "switch") -> dict[str, Any]:
    return line(t, "input", source=source, kind=kind, key="space", switch=switch)


def presses(reader: PressReader, *lines: dict[str, Any]) -> list[Press]:
    return [what for trace in lines for kind, what in reader.feed(trace) if kind == "press"]


def test_reaction_from_the_highlight_and_without_a_cue_none_after_it() -> None:
    [press] = presses(
        PressReader(), line(1.0, "highlight", label="Water"), key(1.8, "press"), key(2.0, "release")
    )
    assert press == Press(hold=0.2, reaction=0.8, after_cue=None, at=1.8, switch=1, item="Water")


def test_a_press_held_past_the_long_press_is_marked_long() -> None:
    reader = PressReader()
    [press] = presses(
        reader,
        line(0.0, "highlight", label="A"),
        key(0.5, "press"),
        line(1.1, "hold", switch=1),
        key(1.3, "release"),
    )
    assert press.long and press.hold == 0.8 and not press.ignored


def test_presses_in_the_pause_after_a_selection_and_too_short_ones() -> None:
    reader = PressReader(Timing(acceptance=0.1, debounce=0.0, post_selection_pause=0.5))
    got = presses(
        reader,
        line(0.0, "highlight", label="A"),
        key(1.0, "press"),
        key(1.2, "release"),
        line(1.2, "select", menu="home", label="A", action="speak"),
        key(1.4, "press"),
        key(1.6, "release"),
        key(2.0, "press"),
        key(2.05, "release"),
    )
    assert [p.ignored for p in got] == ["", IGNORED_PAUSE, IGNORED_SHORT]


def test_idle_means_the_next_press_acted_on_no_highlight() -> None:
    got = presses(
        PressReader(),
        line(0.0, "highlight", label="A"),
        line(5.0, "idle", menu="home", reason="loops"),
        key(9.0, "press"),
        key(9.2, "release"),
    )
    assert got[0].reaction is None and got[0].item == ""


def test_taps_repeats_the_caregivers_key_and_other_sources() -> None:
    reader = PressReader()
    got = presses(
        reader,
        line(0.0, "highlight", label="A"),
        key(1.0, "tap", source="terminal"),
        key(2.0, "press"),
        key(2.05, "press"),  # a held key repeating
        key(2.3, "release"),
        key(3.0, "press", switch=3),  # the caregiver's key
        key(3.1, "release", switch=3),
        line(4.0, "input", source="pointer", kind="click", menu="home", index=0),
        key(5.0, "release"),  # a release without its press (the page opened mid-press)
    )
    assert [(p.hold, p.at) for p in got] == [(None, 1.0), (0.3, 2.0)]
