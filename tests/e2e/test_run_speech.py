"""The real process speaks each highlighted item: recorded from a private PulseAudio sink."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from rigs.pulse import PulseServer, loud_windows
from tests.e2e.test_run_switch import press
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below


def test_each_highlight_is_heard(pulse_server: PulseServer, xvfb_display: str, tmp_path: Path) -> None:
    with pulse_server.record() as recording:
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
            first = app.wait_for(event("speech_end", utterance=1))
            time.sleep(0.5)
            press(xvfb_display, "space")
            second = app.wait_for(event("speech_end", utterance=2))
            time.sleep(0.3)
        finally:
            assert app.stop() == 0
        samples = recording.stop()
    lines = app.lines()
    assert [line for line in lines if line["event"] == "error"] == []
    names = [(line["event"], line.get("utterance")) for line in lines]
    assert names.index(("speech_start", 1)) < names.index(("speech_end", 1))
    # Both cues were played to their end, not cut or failed.
    assert first["interrupted"] is False
    assert second["interrupted"] is False
    spoken = [line["text"] for line in lines if line["event"] == "speak"]
    assert spoken[:2] == ["Phrases", "Call for help"]
    # Two separate bursts of speech: a gap of silence between the two cues.
    windows = loud_windows(samples, recording.rate)
    assert windows, "no speech reached the speaker sink"
    bursts = 1 + sum(1 for a, b in itertools.pairwise(windows) if b - a > 10)
    assert bursts >= 2, windows
    # The home menu's cues were rendered ahead into the on-disk cache, for this and the next run.
    cached = list((tmp_path / "cache" / "accessible-companion" / "speech").glob("*.wav"))
    assert len(cached) >= 6, cached
