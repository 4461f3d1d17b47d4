"""A deliberate call for help takes one gesture from any state (issue 13, item 5).

Random events (presses, holds, taps on both switches, rests, offers of rest, check-ins,
alerts raised and cancelled, pauses, voice commands, the caregiver's key) at random times
bring the real companion with the built-in config into some state, in every mode. Then
one deliberate gesture: a switch held for help.hold_seconds, begun at least debounce after
the last release (in inverse mode, switch 1's quick presses). The alert must be raised by
the time the hold reaches hold_seconds (+ a tick), unless an alert is running already.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accessible_companion.config import load_config
from accessible_companion.core.commands import command_words
from accessible_companion.core.effects import AlertRaised
from accessible_companion.core.events import SwitchDown, SwitchTap, VoiceCommand
from accessible_companion.core.settings import CheckIns, Mode, RestPacing, Settings
from tests.support.harness import Harness, of_type

CONFIG = load_config(None)
WORDS = sorted(command_words(CONFIG.settings.commands))
TICK = 0.01

events = st.one_of(
    st.tuples(st.just("press"), st.sampled_from([1, 2]), st.floats(0.0, 2.6)),
    st.tuples(st.just("tap"), st.sampled_from([1, 2]), st.just(0.0)),
    st.tuples(st.just("wait"), st.just(0), st.floats(0.0, 40.0)),
    st.tuples(st.just("voice"), st.sampled_from(range(len(WORDS))), st.just(0.0)),
    st.tuples(st.just("caregiver"), st.just(0), st.just(0.0)),
)


def _settings(mode: Mode, active_minutes: float, check_in: bool) -> Settings:
    settings = CONFIG.settings.with_scanning(mode=mode)
    # Offers of rest and check-ins come often, at random moments of the events.
    rest = replace(RestPacing(), after_active_minutes=active_minutes, snooze_minutes=0.5)
    check_ins = replace(CheckIns(), times=("00:01", "00:03", "00:05")) if check_in else CheckIns()
    return replace(settings, rest=rest, check_ins=check_ins, voice_commands=True)


def _run(h: Harness, kind: str, number: int, value: float) -> None:
    match kind:
        case "press":
            h.press(number, hold=value)
        case "tap":
            h.send(SwitchTap(number))
        case "wait":
            h.wait(value)
        case "voice":
            h.send(VoiceCommand(WORDS[number]))
        case "caregiver":
            h.send(SwitchDown(3, key="escape"))
    h.wait(0.01)


def _raised_since(h: Harness, start: float) -> bool:
    return any(isinstance(e, AlertRaised) and t >= start for t, e in h.effects)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mode=st.sampled_from(list(Mode)),
    active_minutes=st.sampled_from([0.0, 0.2, 0.5]),
    check_in=st.booleans(),
    speech=st.sampled_from([0.0, 0.4, 1.5]),
    before=st.lists(events, max_size=25),
    switch=st.sampled_from([1, 2]),
    gap=st.floats(0.0, 1.0),
)
def test_one_gesture_calls_for_help_from_any_state(
    mode: Mode,
    active_minutes: float,
    check_in: bool,
    speech: float,
    before: list[tuple[str, int, float]],
    switch: int,
    gap: float,
) -> None:
    settings = _settings(mode, active_minutes, check_in)
    h = Harness.start(CONFIG.menus, settings, speech, day_offset=0.0)
    for kind, number, value in before:
        _run(h, kind, number, value)
    # The deliberate gesture begins at least debounce after the last release.
    timing, help_call = settings.scanning, settings.help
    h.wait(timing.debounce + 0.001 + gap)
    assume(h.companion.view().state != "alert")
    start = h.now
    if mode is Mode.INVERSE and switch == 1:
        # Here a hold moves the scan: quick presses call for help.
        quick = timing.acceptance + 0.02
        for number in range(help_call.presses):
            if number:
                h.wait(timing.debounce + 0.02)
            h.down(1)
            h.wait(quick)
            if number < help_call.presses - 1:
                h.up(1)
        assert _raised_since(h, start), f"{mode.value}: the quick presses did not call for help"
        h.up(1)
        return
    h.down(switch)
    h.wait(help_call.hold_seconds + TICK)
    assert _raised_since(h, start), f"{mode.value}: holding switch {switch} did not call for help"
    assert of_type([e for t, e in h.effects if t >= start], AlertRaised)
    h.up(switch)
