"""The real process with a speech engine that cannot start, and with a frozen sound server.

Speech faults never stop the rest: with espeak-ng's data folder empty the engine cannot
start (without espeak's "don't exit" flag the library called exit(1) and took the switch
with it); with PulseAudio stopped (SIGSTOP) every call into the audio device blocks. In
both the scan, the display and the switch go on, the error is traced and shown, and a
phrase the user chose meanwhile is said when speech is back or shown as not spoken.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rigs.pulse import PulseServer
from tests.e2e.test_run_switch import press
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below

FREEZE = 10.0
"""Seconds the sound server stays stopped."""
NOTICED_WITHIN = 2.5
"""Seconds from the first utterance of the freeze to the traced error: the 1.5 s limit plus margin."""


def step(app: Companion, display: str, key: str, **highlight: object) -> None:
    """Press `key` and wait for the highlight (or menu) it leads to."""
    before = len(app.lines())
    press(display, key)
    app.wait_for(event("highlight", **highlight), timeout=5, after=before)
    time.sleep(0.35)  # past debounce and the post-selection pause


def test_an_empty_espeak_data_folder_leaves_the_switch_working(
    pulse_server: PulseServer, xvfb_display: str, tmp_path: Path
) -> None:
    (tmp_path / "espeak" / "espeak-ng-data").mkdir(parents=True)
    app = Companion.start(
        tmp_path,
        "--mode",
        "step",
        "--input",
        "x11",
        env={
            "DISPLAY": xvfb_display,
            "ESPEAK_DATA_PATH": str(tmp_path / "espeak"),
            **pulse_server.client_env(),
        },
    )
    try:
        app.wait_for(event("ready"))
        error = app.wait_for(event("error", component="speech"), timeout=10)
        assert "espeak-ng could not load its data" in error["message"], error
        # Well after the first cue the companion still scans and selects by switch.
        time.sleep(1.0)
        step(app, xvfb_display, "space", menu="home", index=1)
        step(app, xvfb_display, "space", menu="home", index=2)
        step(app, xvfb_display, "space", menu="home", index=3)
        before = len(app.lines())
        press(xvfb_display, "Return")
        chosen = app.wait_for(event("select", menu="home"), timeout=5, after=before)
        assert chosen["label"] == "Rest"
    finally:
        status = app.stop()
    errors = app.stderr()
    assert status == 0, errors
    # The engine is tried again with backoff, not on every cue (each try prints a line).
    assert errors.count("Error processing file") <= 6, errors
    lines = app.lines()
    assert lines[-1]["event"] == "stop"
    worded = {line["utterance"] for line in lines if line["event"] == "speak" and line["text"]}
    assert worded and not any(
        line["event"] == "speech_start" and line["utterance"] in worded for line in lines
    )
    assert app.proc is not None and app.proc.stdout is not None
    shown = app.proc.stdout.read().decode(errors="replace")
    assert "espeak-ng could not load its data" in shown, shown[-2000:]


def test_a_frozen_sound_server_is_noticed_and_speech_comes_back(
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
        # A listener keeps the null sink running in small steps, so streams end on time.
        with pulse_server.record():
            app.wait_for(event("speech_end", utterance=1), timeout=10)  # speech works before
            before = len(app.lines())
            step(app, xvfb_display, "Return", menu="phrases")  # into the phrases menu
            cue = app.wait_for(event("speak", voice="cue"), timeout=5, after=before)
            app.wait_for(event("speech_end", utterance=cue["utterance"]), timeout=10, after=before)
            with pulse_server.frozen():
                frozen_at = time.monotonic()
                frozen = len(app.lines())
                # The user chooses a phrase while the server is frozen.
                press(xvfb_display, "Return")
                chosen = app.wait_for(event("select", menu="phrases"), timeout=5, after=frozen)
                said = app.wait_for(
                    lambda line: line["event"] == "speak" and line["voice"] == "main" and line["text"],
                    timeout=5,
                    after=frozen,
                )
                error = app.wait_for(event("error", component="speech"), timeout=10, after=frozen)
                noticed = error["t"] - said["t"]
                # The switch keeps working all through the freeze.
                moved = 0
                while time.monotonic() - frozen_at < FREEZE:
                    step(app, xvfb_display, "space", menu="phrases")
                    moved += 1
            continued = len(app.lines())
            # The phrase is said once the server answers again, or shown as not spoken. Its
            # start is looked for from the error on: the companion can start it before this
            # test has read the trace after SIGCONT (seen once in CI, under load: only
            # "working again" came after `continued`).
            outcome = app.wait_for(
                lambda line: (
                    (line["event"] == "speech_start" and line["utterance"] == said["utterance"])
                    or (line["event"] == "notice" and line.get("kind") == "not_spoken")
                ),
                timeout=15,
                after=app.lines().index(error) + 1,
            )
            back = app.wait_for(
                event("notice", text="audio output working again"), timeout=15, after=continued
            )
    finally:
        status = app.stop()
    assert status == 0, app.stderr()
    lines = app.lines()
    assert lines[-1]["event"] == "stop"
    print(
        f"\nchose {chosen['label']!r}; error {noticed:.2f} s after the phrase was asked: "
        f"{error['message']!r}; "
        f"{moved} presses during the freeze; then {outcome}, {back['t'] - lines[continued]['t']:.2f} s "
        "from the first line after SIGCONT to 'working again'"
    )
    assert noticed < NOTICED_WITHIN
    assert "not responding" in error["message"]
    assert outcome["event"] == "speech_start", outcome  # a 10 s freeze is recent enough to say it
    # ...and said for good: not given up on later, after a start that stalled.
    assert not any(line.get("kind") == "not_spoken" for line in lines), lines[continued:]
    assert moved >= 5
