"""Voice commands in a real room, through the real process (issue 14): a room's sounds fire
nothing, and a command said over a cue that goes to an earphone is taken.

As tests/e2e/test_run_voice.py: the companion runs on examples/ko with the small Korean
model, its microphone is the monitor of the private PulseAudio null sink `testmic`, and
the test plays into that sink with paplay. The room's sounds come from
bench/stream_sources.py (held out from tuning): pink noise, a SYNTHETIC cough, and real
recorded speech (asterisk-core-sounds, English, Spanish and Russian; espeak-ng voices of
other languages where they are not installed) back to back over a synthetic music bed.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from bench import stream_sources as src
from bench.voice_corpus import normalize, pink
from rigs.pulse import EAR, MIC, PulseServer, Recording, alsa_pcm, loud_windows
from rigs.speech_clips import RATE, RELIABLE, make_clip, synthesize, to_pcm, write_wav
from tests.e2e.test_run_voice import (
    HEARD_TIMEOUT,
    KOREAN,
    READY_TIMEOUT,
    listening,
    notice,
    quiet,
    say,
    start,
    voice_lines,
)
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display, listening)  # fixtures, used by name below

TALK_SECONDS = 60.0
"""The continuous talk over music, as the issue's Done-when asks (a minute)."""
QUIET_AFTER = 2.5
"""Seconds of quiet after the noise and the talk before the command (3.5 s with the wait for
quiet and the clip's lead-in). By design a first command needs 1 s of quiet before it and the
last 4 s to be at most 20% speech (utterance.isolation; 35% before, when said ~2.5 s after the
noise it was rejected as "in continuous speech" in 1 of 3 runs, ~2 s after in 1 of 1)."""
COUGH_AFTER = 0.5
"""Seconds from the cough's end to the command, in one clip (exact: paplay's start is not): a
cough is no speech and breaks no quiet (Segmenter.forget). When it counted as speech, "next"
was turned down until 2.7 s after a 1.1 s cough."""


def talk_over_music(seconds: float, seed: int) -> tuple[np.ndarray, list[str]]:
    """Speech back to back (gaps 0.05-0.8 s, -9 to -2 dB) over music at -26 dB and room tone,
    as bench/voice_streams.py's talk-over-music; real recordings where installed. Returns the
    samples and what was said."""
    rng = np.random.default_rng(seed)
    count = int(seconds * RATE)
    out = src.room_tone(count, seed) + src.music(seconds, seed + 1) * src.db(-26)
    real = [
        path
        for lang in src.real_languages()
        if lang != "alsa"
        for path in src.real_files(lang)
        if path.parent.name != "silence"  # asterisk's silence/*.wav hold no speech
    ]
    said: list[str] = []
    at = int(0.3 * RATE)
    while at < count:
        if real:
            path = real[int(rng.integers(0, len(real)))]
            what, speech = f"real {path.parent.name}/{path.stem}", normalize(src.trim(src.read_wav(path)))
        else:
            voice = src.OTHER_VOICES[int(rng.integers(0, len(src.OTHER_VOICES)))]
            texts = src.OTHER_TALK[src.LANGUAGE_OF[voice.voice]]
            what = texts[int(rng.integers(0, len(texts)))]
            speech = src.speak(what, voice)
        at = src.place(out, at, speech, src.db(rng.uniform(-9, -2))) + int(rng.uniform(0.05, 0.8) * RATE)
        said.append(what)
    return out, said


def talk_over_music_wav(path: Path, seconds: float, seed: int) -> list[str]:
    samples, said = talk_over_music(seconds, seed)
    wav(samples, path)
    return said


def wav(samples: np.ndarray, path: Path) -> Path:
    return write_wav(path, to_pcm(samples), RATE)


def command_alone(app: Companion, server: PulseServer, folder: Path) -> TraceLine:
    """Say "next" on its own once the companion is quiet; the command it was heard as."""
    quiet(app)
    mark = len(app.lines())
    say(server, RELIABLE["next"], folder)
    return app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, mark)


def test_noise_a_cough_and_a_minute_of_talk_over_music_fire_nothing(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    """Played back to back into one running companion; after each, a command said alone is
    taken (not deafness), after the cough 0.5 s after it. The cough comes first: within 5 s of
    a command taken, the same command again is held only to a streak's looser limits. Seeds:
    noise 14, cough 1401, talk 1402 (none used for tuning)."""
    # Made before the companion starts (~2.6 s): made beside its start, the CPU they took once
    # left its first cue unrendered ("the speech engine wrote no audio"), in CI.
    began = time.monotonic()
    said = talk_over_music_wav(tmp_path / "talk.wav", TALK_SECONDS, 1402)
    noise = wav(pink(3 * RATE, 14) * src.db(-20), tmp_path / "noise.wav")  # RMS -20 dBFS, a loud hiss
    spec = RELIABLE["next"]
    cough = wav(
        np.concatenate(
            [
                src.room_tone(RATE // 2, 14),
                src.cough(1401) * src.db(-6),
                src.room_tone(round(COUGH_AFTER * RATE), 15),
                synthesize(spec.words, spec.voice, spec.speed, spec.pitch),
                src.room_tone(RATE, 16),
            ]
        ),
        tmp_path / "cough.wav",
    )
    app = start(pulse_server, xvfb_display, tmp_path, "--mode", "step")
    talk_path = tmp_path / "talk.wav"
    marks = [time.monotonic() - began]
    assert talk_path.exists()
    heard: list[TraceLine] = []
    fired: list[list[TraceLine]] = []
    turned_down: list[int] = []
    try:
        quiet(app)
        for sound in (cough, noise, talk_path):  # the cough's command first: no command before it
            mark = len(app.lines())
            assert pulse_server.play(sound, sink=MIC).wait(timeout=TALK_SECONDS + 20) == 0
            if sound == cough:  # its command is in the clip
                command = app.wait_for(event("input", source="voice", kind="command"), HEARD_TIMEOUT, mark)
            else:
                time.sleep(QUIET_AFTER)  # a beat of quiet, as a user waits before speaking
            turned_down.append(len(voice_lines(app, "rejected", mark)))
            fired.append(
                [
                    line
                    for line in app.lines()[mark:]
                    if line["event"] == "select"
                    or (line["event"] == "input" and line.get("kind") == "command")
                ]
            )
            if sound == cough:
                fired[-1].remove(command)
            else:
                command = command_alone(app, pulse_server, tmp_path)
            heard.append(command)
            marks.append(time.monotonic() - began)
    finally:
        assert app.stop() == 0
    assert fired == [[], [], []], (fired, said)
    assert [line["key"] for line in heard] == [RELIABLE["next"].words] * 3
    # The talk was heard and turned down (traced as rejected), not missed.
    assert len(said) >= 15 and turned_down[2] >= 2, (turned_down, said)  # 5-10 in 4 runs
    print("seconds at ready, after cough, noise, talk:", [round(m, 1) for m in marks])
    print(
        f"turned down: cough {turned_down[0]}, noise {turned_down[1]}, talk {turned_down[2]}",
        f"({len(said)} prompts)",
    )
    assert [line for line in app.lines() if line["event"] == "error"] == []


def cue_config(folder: Path) -> Path:
    """examples/ko with the cue voice on the `earphone` device, slowed so that a cue lasts
    long enough (~1 s) to say a command over it."""
    config = folder / "ko"
    shutil.copytree(KOREAN, config)
    settings = config / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    cue = "cue:  {voice: ko, rate: 190, pitch: 50, volume: 0.6}"
    assert cue in text
    settings.write_text(
        text.replace(cue, "cue:  {voice: ko, rate: 80, pitch: 50, volume: 0.6, device: earphone}"),
        encoding="utf-8",
    )
    return config


def sounding_cue(app: Companion, timeout: float = 30.0) -> TraceLine:
    """The `speak` line of a cue of 3 syllables or more that is sounding now (its first samples
    went out, it has not ended) while no main phrase sounds; waits for one."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        lines = app.lines()
        started = {line["utterance"] for line in lines if line["event"] == "speech_start"}
        ended = {line["utterance"] for line in lines if line["event"] == "speech_end"}
        speaks = [line for line in lines if line["event"] == "speak"]
        main_busy = any(line["utterance"] not in ended for line in speaks if line["voice"] == "main")
        for line in speaks:
            if (
                line["voice"] == "cue"
                and not main_busy
                and len(line["text"]) >= 3
                and line["utterance"] in started - ended
            ):
                return line
        time.sleep(0.01)
    raise AssertionError(f"no cue sounded alone in {timeout} s: {app.lines()}")


def sound_times(recording: Recording, since: float, threshold: float = 300.0) -> list[float]:
    """time.monotonic() of the 20 ms windows after `since` louder than `threshold` RMS."""
    return [
        t
        for t in (
            recording.time_of(w * int(recording.rate * 0.02))
            for w in loud_windows(recording.samples(), recording.rate, threshold=threshold)
        )
        if t >= since
    ]


def test_a_command_said_over_a_cue_in_the_earphone_is_taken(
    pulse_server: PulseServer, xvfb_display: str, listening: Recording, tmp_path: Path
) -> None:
    """The cue voice goes to the PulseAudio sink `testear` through an ALSA pcm named
    `earphone` (HOME/.asoundrc, as README says a user sets it up) and `speech.cue.device:
    earphone`; the main voice to the default sink. Listening goes on through the cues."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text(alsa_pcm("earphone", EAR), encoding="utf-8")
    command = make_clip(RELIABLE["item"].words, tmp_path / "item.wav", pad_seconds=0.1)
    with pulse_server.record(source=f"{EAR}.monitor") as ear:
        app = Companion.start(
            tmp_path,
            "--config",
            str(cue_config(tmp_path)),
            "--input",
            "x11",
            "--mode",
            "auto",
            "--interval",
            "0.5",
            env={
                "DISPLAY": xvfb_display,
                **pulse_server.client_env(),
                "PULSE_SOURCE": f"{MIC}.monitor",
                "HOME": str(home),
            },
        )
        try:
            app.wait_for(event("ready"))
            app.wait_for(notice("voice_ready"), timeout=READY_TIMEOUT)
            sounding_cue(app)  # one whole cue first: the earphone's stream is open and warm
            quiet_mic = listening.samples()
            time.sleep(1.5)
            cue = sounding_cue(app)
            played = time.monotonic()
            mark = len(app.lines())
            assert pulse_server.play(command, sink=MIC).wait(timeout=20) == 0
            chosen = app.wait_for(event("select"), HEARD_TIMEOUT, mark)
        finally:
            assert app.stop() == 0
        said = sound_times(listening, played)
        cue_sound = sound_times(ear, played - 2.0)
    lines = app.lines()
    heard = voice_lines(app, "command")
    assert chosen["label"] == RELIABLE["item"].label and heard, lines
    # It overlapped: the cue was sounding (speech_start, no speech_end) when the command
    # began, and the earphone carried the cue's sound while the command was being said.
    assert said, "the command did not reach the microphone"
    overlap = [t for t in cue_sound if said[0] <= t <= said[-1]]
    assert len(overlap) >= 5, (said[0], said[-1], cue_sound[:3], cue_sound[-3:])
    ends = [line for line in lines if line["event"] == "speech_end" and line["utterance"] == cue["utterance"]]
    assert ends and lines.index(ends[0]) > lines.index(cue)
    # The cues went to the earphone and not to the microphone (nor the speaker).
    assert max(abs(s) for s in ear.samples()) > 3000
    assert max(abs(s) for s in quiet_mic) < 100, "a cue reached the microphone"
    print(
        f"command over the cue: {said[-1] - said[0]:.2f} s said,",
        f"{len(overlap) * 0.02:.2f} s of it over the cue",
    )
