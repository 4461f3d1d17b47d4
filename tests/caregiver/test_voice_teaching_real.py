"""Recording the user's takes from the Voice page with a real microphone: the page's own
process reads a private PulseAudio server's `testmic` (PULSE_SOURCE: its monitor), while
espeak-ng's voice is played into it, as a user would say the word after Record is pressed."""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.voice.teaching import TAKES, TakeFolder
from rigs.pulse import MIC, PulseServer, Recording
from rigs.speech_clips import make_clip
from tests.support.fixtures import pulse_server

from .conftest import RecordingLink, csrf_of

pytestmark = [pytest.mark.real, pytest.mark.timeout(120)]
_ = pulse_server  # a fixture, used by name below


@pytest.fixture
def listening(pulse_server: PulseServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recording]:
    """The default input is the mic sink's monitor; kept busy (an idle null sink stalls new streams)."""
    monkeypatch.setenv("PULSE_SOURCE", f"{MIC}.monitor")
    with pulse_server.record(source=f"{MIC}.monitor") as recording:
        yield recording


def test_takes_recorded_from_the_page_are_saved_as_voice_teach_saves_them(
    client: TestClient, link: RecordingLink, listening: Recording, pulse_server: PulseServer, tmp_path: Path
) -> None:
    client.app.state.page.takes_root = tmp_path / "takes"  # type: ignore[attr-defined]
    clip = make_clip("next", tmp_path / "next.wav", voice="en")
    with wave.open(str(clip), "rb") as wav:
        clip_seconds = wav.getnframes() / wav.getframerate()
    token = csrf_of(client.get("/voice").text)
    for n in range(1, TAKES + 1):
        # The user says the word a moment after the caregiver pressed Record.
        player = threading.Timer(1.0, lambda: pulse_server.play(clip, sink=MIC).wait(timeout=20))
        player.start()
        started = time.monotonic()
        page = client.post("/voice/record", data={"csrf": token, "phrase": "next"})
        player.join()
        assert page.status_code == 200
        assert time.monotonic() - started < 8.0, "the take ended when the word did, not at the wait's end"
        expected = f"All {TAKES} takes of 'next' are saved" if n == TAKES else f"Take {n} of {TAKES}"
        assert expected in page.text, page.text[-3000:]
    takes = TakeFolder.of("en", tmp_path / "takes").recordings()["next"]
    assert len(takes) == TAKES
    for pcm in takes:
        seconds = len(pcm) / 2 / 16000
        # The word and a little around it: not the whole wait, not a click.
        assert 0.3 < seconds < clip_seconds + 1.5, seconds
    assert link.paused[-1] == 0 and len(link.paused) == TAKES + 1
    # The page now shows the set and how well it works (one command taught: nothing to confuse).
    html = client.get("/voice").text
    block = html[html.index('id="word-next"') :][:1500]
    assert f"<dd>{TAKES}, recorded" in block
