"""The real process loses its sound server mid-speech and gets it back.

The switch must keep working while there is no audio, the loss must be traced, and
speech must come back on its own once a server listens on the same socket again
(PulseAudio restarted by systemd or by the user), without restarting the companion.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rigs.pulse import PulseServer, loud_windows
from tests.e2e.test_run_switch import press
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below

RECOVERY_TIMEOUT = 15.0
"""Seconds from the server's return to the first speech: RETRY_MAX (10 s) plus margin."""
OUTAGE = 3.0
"""Seconds the server stays down while the switch is pressed: three backoff steps."""
SLOW = 0.015
"""Seconds from speak to speech_end that mark a real try of the device (~30 ms with the
new device listing), not an utterance finished at once during the backoff (~1 ms)."""


def last_utterance(lines: list[TraceLine]) -> int:
    return max((line["utterance"] for line in lines if line["event"] == "speak"), default=0)


def press_until_heard(app: Companion, display: str, after: int, silent_until: int) -> tuple[TraceLine, int]:
    """Press every ~0.6 s until an utterance after `silent_until` starts sounding; return
    its speech_start line and the number of presses."""
    end = time.monotonic() + RECOVERY_TIMEOUT
    presses = 0
    while time.monotonic() < end:
        before = len(app.lines())
        press(display, "space")
        presses += 1
        app.wait_for(event("highlight"), timeout=2, after=before)
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            for line in app.lines()[after:]:
                if line["event"] == "speech_start" and line["utterance"] > silent_until:
                    return line, presses
            time.sleep(0.02)
    raise AssertionError(f"no speech within {RECOVERY_TIMEOUT} s: {app.lines()[after:]}")


def test_speech_survives_the_sound_server_dying_and_coming_back(
    pulse_server: PulseServer, xvfb_display: str, tmp_path: Path
) -> None:
    app = Companion.start(
        tmp_path,
        "--mode",
        "step",
        "--input",
        "x11",
        env={"DISPLAY": xvfb_display, **pulse_server.client_env()},
    )
    try:
        app.wait_for(event("ready"))
        with pulse_server.record():  # a listener keeps the null sink running in small steps
            app.wait_for(event("speech_start", utterance=1))
            pulse_server.kill()  # mid-utterance: the first cue lasts ~0.5 s
            killed = len(app.lines())

        # No audio: every press still moves the highlight, and the loss is traced.
        killed_at = time.monotonic()
        while time.monotonic() - killed_at < OUTAGE:
            before = len(app.lines())
            press(xvfb_display, "space")
            app.wait_for(event("highlight"), timeout=2, after=before)
            time.sleep(0.3)  # past debounce
        error = app.wait_for(event("error", component="speech"), timeout=5, after=killed)
        print(f"\nerror while the server is down: {error['message']!r}")

        pulse_server.restart()
        back_at = time.monotonic()
        back = len(app.lines())
        silent_until = last_utterance(app.lines())
        with pulse_server.record() as recording:
            started, presses = press_until_heard(app, xvfb_display, back, silent_until)
            took = time.monotonic() - back_at
            # Stop pressing: the cue plays to its end, which is the recovery.
            app.wait_for(event("notice", text="audio output working again"), timeout=10, after=back)
            app.wait_for(event("speech_end", utterance=started["utterance"]), timeout=10, after=back)
            time.sleep(0.2)
            samples = recording.stop()
    finally:
        assert app.stop() == 0

    lines = app.lines()
    assert loud_windows(samples, recording.rate), "nothing reached the restarted server's speaker"
    errors = [line["message"] for line in lines if line["event"] == "error"]
    assert errors and all(line["component"] == "speech" for line in lines if line["event"] == "error"), errors
    assert len(errors) <= 3, errors  # once per distinct failure, not once per utterance
    assert lines[-1]["event"] == "stop"
    # Every utterance of the outage finished (interrupted); how long each took to give up.
    # (An error earcon with no text, when the core asks for one, is not tried on the device.)
    speak_at = {line["utterance"]: line["t"] for line in lines if line["event"] == "speak" and line["text"]}
    ends = {line["utterance"]: line for line in lines if line["event"] == "speech_end"}
    outage = [u for u in speak_at if 1 < u <= silent_until]
    assert outage and all(ends[u]["interrupted"] for u in outage), [ends.get(u) for u in outage]
    costs = [round(1000 * (ends[u]["t"] - speak_at[u])) for u in outage]
    # Tried at most at 0.5, 1.5 and 3.5 s after the loss (backoff), not on every press.
    assert sum(cost >= 1000 * SLOW for cost in costs) <= 3, costs
    print(
        f"errors {errors}\n"
        f"server back -> speech_start of utterance {started['utterance']}: {took:.2f} s "
        f"({presses} presses after the restart)\n"
        f"outage utterances: speak -> speech_end (ms): {costs}"
    )
