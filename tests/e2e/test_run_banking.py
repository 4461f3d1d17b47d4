"""Message banking in the real process: selecting a banked item plays its recording on the main
voice's channel (recorded from the private PulseAudio sink), and a missing recording is spoken by
the synthetic voice, told once."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from rigs.pulse import PulseServer
from rigs.tones import dominant_frequency, tone_share, write_tone
from tests.e2e.test_run_switch import press
from tests.speech.test_speaker_banking import loud_runs
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below

TONE = 587.0
"""Hz: apart from the earcons (880-1760 Hz) and from espeak's voice, which is no pure tone."""

CONFIG = """\
settings:
  scanning:
    mode: step
  speech:
    cue: {channel: left}
    main: {channel: right, volume: 0.8}
menus:
  - id: home
    items:
      - label: Water
        say: I would like some water, please.
        sound: ../recordings/water.flac
      - label: Cold
        say: I am cold
        sound: ../recordings/cold.wav
"""


def choose(app: Companion, display: str, steps: int) -> TraceLine:
    """Step `steps` times from the first item, select, and return the banked phrase's `speak` line."""
    after = len(app.lines())
    for _ in range(steps):
        press(display, "space")
        time.sleep(0.35)  # past debounce
    press(display, "Return")
    said = app.wait_for(lambda line: line["event"] == "speak" and bool(line.get("sound")), after=after)
    app.wait_for(event("speech_end", utterance=said["utterance"]), timeout=10, after=after)
    time.sleep(0.4)
    return said


def test_a_banked_item_plays_its_recording_and_a_missing_one_its_words(
    pulse_server: PulseServer, xvfb_display: str, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    (config / "menus").mkdir(parents=True)
    (config / "menus" / "home.yaml").write_text(CONFIG, encoding="utf-8")
    (config / "recordings").mkdir()
    write_tone(config / "recordings" / "water.flac", frequency=TONE, seconds=1.5, rate=48000, channels=2)
    with pulse_server.record(channels=2) as recording:
        app = Companion.start(
            tmp_path,
            "--config",
            str(config),
            "--input",
            "x11",
            env={"DISPLAY": xvfb_display, **pulse_server.client_env()},
        )
        try:
            app.wait_for(event("ready"))
            app.wait_for(event("speech_end", utterance=1), timeout=15)
            time.sleep(0.5)
            water = choose(app, xvfb_display, 0)
            cold = choose(app, xvfb_display, 1)
            again = choose(app, xvfb_display, 1)
        finally:
            assert app.stop() == 0
        stereo = recording.stop()
    lines = app.lines()
    assert [line for line in lines if line["event"] == "error"] == []
    assert (water["voice"], water["text"], water["sound"]) == (
        "main",
        "I would like some water, please.",
        "water.flac",
    )
    assert (cold["sound"], again["sound"], cold["text"]) == ("cold.wav", "cold.wav", "I am cold")
    ends = {line["utterance"]: line["interrupted"] for line in lines if line["event"] == "speech_end"}
    assert not ends[water["utterance"]] and not ends[cold["utterance"]] and not ends[again["utterance"]]
    # Told once, though chosen twice; shown and traced, not said to the room.
    missing = [line for line in lines if line["event"] == "notice" and line["kind"] == "sound_missing"]
    assert [(n["text"], n["level"], n["spoken"]) for n in missing] == [
        ("Recording cold.wav: not found; its words are spoken instead", "warning", False)
    ]
    # The journal keeps the phrase's words, as for any phrase.
    records = [line["text"] for line in lines if line["event"] == "record" and line["kind"] == "PhraseUsed"]
    assert records == ["I would like some water, please.", "I am cold", "I am cold"]

    audio = np.asarray(stereo, dtype=np.float64)
    left, right = audio[0::2], audio[1::2]
    rate = recording.rate
    runs = [
        (a, b, dominant_frequency(right[a:b], rate)) for a, b in loud_runs(right, rate) if b - a > 0.3 * rate
    ]
    # The recording: one run on the right (the main voice's channel) at the tone's pitch, and a
    # pure tone there (a harmonic of espeak's voice can be the strongest bin near 587 Hz too).
    toned = [
        (a, b) for a, b, pitch in runs if abs(pitch - TONE) < 5 and tone_share(right[a:b], rate, TONE) > 0.5
    ]
    assert len(toned) == 1, [(a / rate, b / rate, pitch) for a, b, pitch in runs]
    start, end = toned[0]
    print(
        f"\nrecording heard for {(end - start) / rate:.2f} s of 1.5 s "
        f"at {dominant_frequency(right[start:end], rate):.1f} Hz"
    )
    # The select earcon (0.14 s, main voice) may run into it; its end may lose a little (see
    # tests/speech/test_speaker_banking.py).
    assert 0.9 <= (end - start) / rate <= 1.75
    assert np.sqrt(np.mean(left[start:end] ** 2)) < np.sqrt(np.mean(right[start:end] ** 2)) / 50
    # The words said instead of the missing recording, twice, after it: speech on the right.
    assert len([a for a, _, _ in runs if a > end]) >= 2, [(a / rate, b / rate, pitch) for a, b, pitch in runs]
