"""The segmenter's rules (isolation, running talk, duration) and the level normalisation."""

from __future__ import annotations

import array
import random
from collections.abc import Callable
from dataclasses import replace

import pytest

from accessible_companion.core.commands import syllables
from accessible_companion.voice.recognizer import MAX_GAIN, Gated, normalise
from accessible_companion.voice.utterance import (
    COMPLETE,
    INCOMPLETE,
    Segmenter,
    Segmenting,
    Utterance,
    busy_room,
    going_on,
    heard_so_far,
    isolation,
    plausible,
    quiet_needed,
)
from accessible_companion.voice.vad import Detector


def run(segmenter: Segmenter, pattern: list[tuple[bool, float]]) -> list[Utterance]:
    """Feed stretches of (speech, seconds); the utterances that came out."""
    out: list[Utterance] = []
    for speech, seconds in pattern:
        for _ in range(round(seconds / 0.01)):
            done = segmenter.push(speech)
            if done is not None:
                out.append(done)
    return out


RULES = Segmenting(end_silence=0.3, gap_before=0.4, history=4.0, busy_share=0.35)


def test_a_word_said_alone_is_an_isolated_utterance() -> None:
    found = run(Segmenter(RULES), [(False, 2.0), (True, 0.5), (False, 0.5)])
    assert [(u.start, u.end, u.voiced, u.reason, u.busy) for u in found] == [(200, 250, 50, "", 0)]
    assert found[0].gap >= 200
    assert found[0].seconds == pytest.approx(0.5)


def test_the_end_comes_after_end_silence_not_before() -> None:
    segmenter = Segmenter(RULES)
    assert run(segmenter, [(False, 1.0), (True, 0.4), (False, 0.29)]) == []
    assert run(segmenter, [(False, 0.02)]) != []


def test_short_gaps_inside_a_word_do_not_split_it() -> None:
    found = run(Segmenter(RULES), [(False, 1.0), (True, 0.2), (False, 0.1), (True, 0.2), (False, 0.5)])
    assert [(u.start, u.end, u.reason) for u in found] == [(100, 150, "")]


def test_speech_too_soon_after_other_speech_is_continuous() -> None:
    found = run(Segmenter(RULES), [(False, 1.0), (True, 0.5), (False, 0.35), (True, 0.4), (False, 0.5)])
    assert [u.reason for u in found] == ["", "in continuous speech"]


def test_a_pause_in_running_talk_does_not_make_the_next_piece_isolated() -> None:
    talk = [(True, 0.8), (False, 0.5)] * 4  # a television: 62% speech, with pauses longer than gap_before
    found = run(Segmenter(RULES), [(False, 1.0), *talk, (True, 0.4), (False, 0.5)])
    assert found[-1].reason == "in continuous speech"


def test_after_running_talk_has_faded_a_word_counts_again() -> None:
    talk = [(True, 0.8), (False, 0.5)] * 4
    found = run(Segmenter(RULES), [(False, 1.0), *talk, (False, 4.0), (True, 0.4), (False, 0.5)])
    assert found[-1].reason == ""


LONE = Segmenting(gap_before=0.4, busy_share=0.35, history=4.0, streak=5.0, lone_gap=1.0, lone_busy=0.2)
"""Looser limits within 5 s of an accepted command, stricter ones otherwise."""
LONG_AGO = 10**6


def test_a_first_command_needs_the_longer_quiet_before_it() -> None:
    assert isolation(LONE, gap=80, busy=40, since_command=LONG_AGO) == "in continuous speech"
    assert isolation(LONE, gap=100, busy=40, since_command=LONG_AGO) == ""


def test_a_first_command_needs_a_quieter_past() -> None:
    # 0.9 s of speech in the last 4 s: 22%, over the 20% a first command may have.
    assert isolation(LONE, gap=300, busy=90, since_command=LONG_AGO) == "in continuous speech"
    assert isolation(LONE, gap=300, busy=80, since_command=LONG_AGO) == ""


def test_going_on_from_a_command_the_looser_limits_apply() -> None:
    # "next, next, next": 0.5 s of quiet, a third of the past speech, 1.5 s after the last one.
    assert isolation(LONE, gap=50, busy=130, since_command=150) == ""
    assert isolation(LONE, gap=50, busy=130, since_command=501) == "in continuous speech"
    # Even then, less quiet than gap_before is running talk.
    assert isolation(LONE, gap=30, busy=40, since_command=150) == "in continuous speech"


def test_going_on_another_command_needs_a_past_less_busy_than_the_same_one_again() -> None:
    # 1.5 s of speech in the last 4 s (37%): the same command again, not another.
    busy = Utterance(0, 50, 50, gap=100, busy=150, alone=False)
    assert going_on(LONE, busy, same=True) == ""
    assert going_on(LONE, busy, same=False) == "in continuous speech"
    assert going_on(LONE, replace(busy, busy=130), same=False) == ""
    # A first command's limits met: nothing more to ask.
    assert going_on(LONE, replace(busy, alone=True), same=False) == ""


def test_going_on_another_command_needs_the_longer_quiet_the_same_one_does_not() -> None:
    # 0.5 s after "next": "next" again, not a television's next word.
    close = Utterance(0, 50, 50, gap=50, busy=50, alone=False)
    assert going_on(LONE, close, same=True) == ""
    assert going_on(LONE, close, same=False) == "in continuous speech"
    assert going_on(LONE, replace(close, gap=99), same=False) == "in continuous speech"
    assert going_on(LONE, replace(close, gap=100), same=False) == ""


def test_the_companions_answer_to_a_command_passes_as_quiet() -> None:
    # "next", the cue the companion says for it (1.2 s, not heard), then "select" 0.3 s later.
    segmenter = Segmenter(LONE)
    run(segmenter, [(False, 2.0), (True, 0.4), (False, 0.3)])
    segmenter.going_on()
    assert segmenter.skip(120) == 120
    found = run(segmenter, [(False, 0.3), (True, 0.4), (False, 0.5)])
    assert [u.gap for u in found] == [30 + 120 + 30]
    assert going_on(LONE, found[0], same=False) == ""


def test_the_companions_sound_with_no_command_before_it_is_not_made_quiet() -> None:
    # A television talking through the companion's cues: the cue time is not quiet.
    segmenter = Segmenter(LONE)
    run(segmenter, [(False, 2.0), (True, 0.8), (False, 0.3)])
    assert segmenter.skip(120) == 0
    found = run(segmenter, [(False, 0.3), (True, 0.4), (False, 0.5)])
    assert [(u.gap, u.reason) for u in found] == [(60, "in continuous speech")]


def test_the_companions_sound_drops_the_utterance_it_cuts() -> None:
    segmenter = Segmenter(LONE)
    run(segmenter, [(False, 2.0), (True, 0.3)])
    segmenter.skip(50)
    assert not segmenter.active
    assert run(segmenter, [(False, 1.0)]) == []


def test_the_looser_limits_never_loosen_the_strict_ones() -> None:
    odd = Segmenting(gap_before=1.2, busy_share=0.1, lone_gap=0.5, lone_busy=0.3)
    assert isolation(odd, gap=110, busy=0, since_command=LONG_AGO) == "in continuous speech"
    assert isolation(odd, gap=130, busy=50, since_command=LONG_AGO) == "in continuous speech"


def test_commands_one_after_another_count_once_one_was_accepted() -> None:
    segmenter = Segmenter(LONE)
    word = [(True, 0.4), (False, 0.8)]  # a command every 1.2 s, 0.8 s of quiet between them
    reasons = []
    for said in [[(False, 2.0), *word], *[word] * 4]:
        found = run(segmenter, said)
        reasons += [u.reason for u in found]
        segmenter.going_on()
    assert reasons == ["", "", "", "", ""]


def test_without_an_accepted_command_the_same_words_are_running_talk() -> None:
    segmenter = Segmenter(LONE)
    word = [(True, 0.4), (False, 0.8)]
    found = run(segmenter, [(False, 2.0), *word * 4])
    assert [u.reason for u in found] == [
        "",
        "in continuous speech",
        "in continuous speech",
        "in continuous speech",
    ]


def test_the_streak_ends_a_while_after_the_last_command() -> None:
    segmenter = Segmenter(LONE)
    run(segmenter, [(False, 2.0), (True, 0.5), (False, 0.7)])
    segmenter.going_on()
    found = run(segmenter, [(False, 5.0), (True, 0.5), (False, 0.3), (True, 0.5), (False, 0.7)])
    # 5 s later: the first word is alone (long quiet) but the next, 0.3 s after it, is talk.
    assert [u.reason for u in found] == ["", "in continuous speech"]


def test_long_after_a_command_a_word_close_after_talk_is_running_talk_again() -> None:
    # 0.6 s of quiet is enough within the streak, not 10 s after the last command.
    segmenter = Segmenter(LONE)
    run(segmenter, [(False, 2.0), (True, 0.5), (False, 0.7)])
    segmenter.going_on()
    found = run(segmenter, [(False, 10.0), (True, 0.8), (False, 0.6), (True, 0.5), (False, 0.7)])
    assert [u.reason for u in found] == ["", "in continuous speech"]


def test_a_sound_forgotten_as_no_speech_breaks_no_quiet() -> None:
    """A cough (1.1 s) and "next" 0.4 s after it: running talk, unless the cough is forgotten."""
    for forget, reason in ((False, "in continuous speech"), (True, "")):
        segmenter = Segmenter(LONE)
        (cough,) = run(segmenter, [(False, 2.0), (True, 1.1), (False, 0.3)])
        if forget:
            segmenter.forget(cough)
        (command,) = run(segmenter, [(False, 0.1), (True, 0.4), (False, 0.5)])
        assert command.reason == reason
        if forget:
            assert command.gap >= command.start and command.busy == 0  # quiet since the stream began


def test_a_sound_is_not_forgotten_once_another_has_begun() -> None:
    segmenter = Segmenter(LONE)
    (cough,) = run(segmenter, [(False, 2.0), (True, 1.1), (False, 0.3)])
    run(segmenter, [(True, 0.2)])  # speech already under way: its quiet before was judged
    segmenter.forget(cough)
    (after,) = run(segmenter, [(False, 0.5)])
    assert after.reason == "in continuous speech"


def test_clicks_are_ignored_and_do_not_break_the_quiet() -> None:
    found = run(Segmenter(RULES), [(False, 1.0), (True, 0.03), (False, 0.2), (True, 0.4), (False, 0.5)])
    assert [u.reason for u in found] == [""]


def test_too_long_speech_is_rejected_as_soon_as_it_is() -> None:
    segmenter = Segmenter(RULES)
    found = run(segmenter, [(False, 1.0), (True, 3.1)])
    assert [u.reason for u in found] == ["too long for a command"]
    assert run(segmenter, [(False, 1.0)]) == []  # and not once more at its end


def test_syllables_korean_blocks_and_vowel_groups() -> None:
    assert syllables("다음") == 2
    assert syllables("도와줘") == 3
    assert syllables("next") == 1
    assert syllables("go back") == 2
    assert syllables("radio") == 2  # "a", "io"


def test_the_length_must_suit_the_phrase() -> None:
    assert plausible("다음", 0.5) == ""
    assert plausible("다음", 1.7) == "too long for the phrase"
    assert plausible("다음", 0.1) == "too short for the phrase"
    assert plausible("도와줘", 1.5) == ""
    # A quarter second is no three syllables: a piece of a television's talk.
    assert plausible("음료수", 0.24) == "too short for the phrase"
    assert plausible("음료수", 0.3) == ""
    assert plausible("음료수", 2.2) == ""  # on the longest limit: 3 x 0.6 + 0.4 in floats is 2.1999...
    assert plausible("음료수", 2.21) == "too long for the phrase"


def samples(pcm: bytes) -> array.array[int]:
    return array.array("h", pcm)


def rms(pcm: bytes) -> float:
    values = samples(pcm)
    return float((sum(v * v for v in values) / len(values)) ** 0.5)


def tone(amplitude: int, count: int = 1600) -> bytes:
    return array.array("h", [amplitude if i % 20 < 10 else -amplitude for i in range(count)]).tobytes()


def word(count: int) -> bytes:
    """Loud audio whose every stretch differs (a tone repeats: a shifted cut would still match)."""
    return array.array("h", [4000 + (i * 7919) % 3000 for i in range(count)]).tobytes()


def test_a_soft_utterance_is_brought_up_to_the_target_level() -> None:
    assert rms(normalise(tone(1000), target=3000)) == pytest.approx(3000, rel=0.01)


def test_the_gain_is_capped_so_the_room_is_not_made_into_words() -> None:
    assert rms(normalise(tone(30), target=3000)) == pytest.approx(30 * MAX_GAIN, rel=0.02)


def test_a_loud_utterance_is_brought_down_and_nothing_clips() -> None:
    loud = normalise(tone(20000), target=3000)
    assert rms(loud) == pytest.approx(3000, rel=0.01)
    peaky = array.array("h", [0] * 1599 + [8000]).tobytes()
    assert max(abs(v) for v in samples(normalise(peaky, target=3000))) <= 32000


def test_silence_is_left_alone() -> None:
    assert normalise(bytes(3200)) == bytes(3200)


def loud_frames(frame: bytes) -> bool:
    """A stand-in detector: a frame is speech when it is loud."""
    return rms(frame) > 1000


def room(seconds: float) -> bytes:
    return array.array("h", [(i * 7919) % 41 - 20 for i in range(round(seconds * 16000))]).tobytes()


def feed(gated: Gated, pcm: bytes) -> list[tuple[Utterance, bytes]]:
    found = [gated.feed(pcm[i : i + 1600]) for i in range(0, len(pcm), 1600)]
    return [f for f in found if f is not None]


def test_in_a_quiet_room_the_detector_does_not_run() -> None:
    gated = Gated(Detector(loud_frames), RULES)
    assert feed(gated, room(10.0)) == []
    assert gated.decided == 0


def test_quiet_frames_at_once_are_the_same_as_one_by_one() -> None:
    rng = random.Random(4)
    by_frame, at_once = Segmenter(LONE), Segmenter(LONE)
    for _ in range(400):
        if rng.random() < 0.5:
            pattern = [(True, rng.choice((0.05, 0.3, 0.6, 4.0)))]
            assert run(by_frame, pattern) == run(at_once, pattern)
            continue
        frames = rng.choice((1, 5, 20, 150, 600))
        ended = [u for u in (by_frame.push(False) for _ in range(frames)) if u is not None]
        if at_once.active:  # the end of an utterance is judged frame by frame
            assert ended == [u for u in (at_once.push(False) for _ in range(frames)) if u is not None]
        else:
            assert ended == []
            at_once.quiet(frames)
        assert by_frame.frame == at_once.frame
        assert by_frame._past.speech == at_once._past.speech and by_frame._room.speech == at_once._room.speech


def test_listening_is_idle_after_three_quiet_seconds_and_not_while_something_is_said() -> None:
    gated = Gated(Detector(loud_frames), RULES)
    feed(gated, room(2.9))
    assert not gated.idle  # a listener that just began may be about to hear something
    feed(gated, room(0.2))
    assert gated.idle
    feed(gated, room(1.0) + tone(5000, 1600))  # speech began: its end is awaited
    assert not gated.idle
    feed(gated, room(2.0))
    assert not gated.idle
    feed(gated, room(1.5))
    assert gated.idle


def test_an_utterance_comes_with_its_pre_roll_and_tail() -> None:
    gated = Gated(Detector(loud_frames), RULES)
    speech = tone(5000, 8000)  # 0.5 s
    found = feed(gated, room(2.0) + speech + room(1.0))
    assert len(found) == 1
    utterance, pcm = found[0]
    assert (utterance.start, utterance.end, utterance.reason) == (200, 250, "")
    assert len(pcm) == round((Gated.PRE_ROLL + 0.5 + Gated.TAIL) * 16000) * 2
    assert pcm[round(Gated.PRE_ROLL * 16000) * 2 :].startswith(speech[:3200])


def test_audio_stays_in_step_with_the_frames_after_an_utterance_is_cut() -> None:
    gated = Gated(Detector(loud_frames), RULES)
    feed(gated, room(2.0) + tone(5000, 4000))  # 0.25 s of speech, then the companion speaks
    gated.reset()
    gated.skip(room(1.0))  # no command before it: left out of time
    speech = word(8000)
    found = feed(gated, room(1.5) + speech + room(1.0))
    assert len(found) == 1
    pcm = found[0][1]
    assert pcm[round(Gated.PRE_ROLL * 16000) * 2 :].startswith(speech[:3200])


def test_the_companions_answer_to_a_command_is_silence_in_the_audio() -> None:
    gated = Gated(Detector(loud_frames), LONE)
    feed(gated, room(2.0) + tone(5000, 8000) + room(0.4))
    gated.going_on()
    gated.skip(tone(5000, 16000))  # its cue, 1 s: in time, as quiet, and not as its sound
    speech = word(8000)
    found = feed(gated, room(0.3) + speech + room(1.0))
    assert len(found) == 1
    utterance, pcm = found[0]
    assert utterance.gap >= 130
    assert pcm[round(Gated.PRE_ROLL * 16000) * 2 :].startswith(speech[:3200])
    assert max(samples(pcm[: round(0.3 * 16000) * 2])) < 1000


def hiss(count: int) -> bytes:
    """Loud noise: no pitch, as a cough or a breath."""
    rng = random.Random(7)
    return array.array("h", [round(rng.gauss(0, 5000)) for _ in range(count)]).tobytes()


def test_the_decisions_are_the_same_whatever_the_blocks_the_microphone_gives() -> None:
    pcm = (
        room(4.0) + word(8000) + room(0.5) + word(4800) + room(3.5) + hiss(4000) + room(1.2)
        + tone(300, 4000) + room(3.3) + word(6400) + room(0.2) + tone(5000, 1200) + room(4.0)
    )  # fmt: skip

    def heard(size: Callable[[Gated], int]) -> list[tuple[Utterance, bytes]]:
        # A detector whose verdicts depend on the frames it was given before, as webrtcvad's
        # and silero's do: the gate must give it the same frames whatever the blocks.
        given = [0]

        def adapts(frame: bytes) -> bool:
            given[0] += 1
            return rms(frame) > 1000 and given[0] % 3 != 0

        gated = Gated(Detector(adapts), LONE, min_voiced=0.3)
        found, offset = [], 0
        while offset < len(pcm):
            step = size(gated)
            found.append(gated.feed(pcm[offset : offset + step]))
            offset += step
        return [f for f in found if f is not None]

    short = heard(lambda gated: 640)
    assert len(short) == 4
    assert heard(lambda gated: 6400 if gated.idle else 640) == short  # the microphone's pacing
    assert heard(lambda gated: 1000) == short  # blocks that are not whole pieces


def test_an_unvoiced_sound_breaks_no_quiet_when_voicing_is_asked_for() -> None:
    """A 1 s hiss, then a word 0.4 s after it: said alone when no-speech sounds are forgotten
    (`min_voiced`); a voiced sound (a tone at 400 Hz) in its place still counts."""
    cases = [
        (hiss(16000), 0.12, ""),
        (hiss(16000), 0.0, "in continuous speech"),
        (tone(5000, 16000), 0.12, "in continuous speech"),
    ]
    for sound, min_voiced, reason in cases:
        gated = Gated(Detector(loud_frames), LONE, min_voiced=min_voiced)
        found = feed(gated, room(2.0) + sound + room(0.4) + word(6400) + room(1.0))
        assert [u.reason for u, _ in found][-1] == reason, (min_voiced, found)
        assert len(found) == 2


def test_a_long_unvoiced_noise_breaks_no_quiet_either() -> None:
    """A 5 s hiss (too long for a command: a kettle, a vacuum cleaner), then a word 1.2 s
    after it: said alone, and the room not busy, when no-speech sounds are forgotten; a
    voiced sound (a tone) in its place is running talk."""
    cases = [(hiss(5 * 16000), 0.12, "", 0), (tone(5000, 5 * 16000), 0.12, "in continuous speech", 500)]
    for sound, min_voiced, reason, talk in cases:
        gated = Gated(Detector(loud_frames), LONE, min_voiced=min_voiced)
        found = feed(gated, room(2.0) + sound + room(1.2) + word(6400) + room(1.0))
        assert [u.reason for u, _ in found] == ["too long for a command", reason], (min_voiced, found)
        assert abs(found[-1][0].room - talk) <= 2, found


def test_a_detector_that_needs_the_past_gets_it_when_the_room_turns_loud() -> None:
    heard: list[bytes] = []

    def remember(frame: bytes) -> bool:
        heard.append(frame)
        return loud_frames(frame)

    gated = Gated(Detector(remember, warmup=30), RULES)
    feed(gated, room(2.0) + tone(5000, 8000) + room(1.0))
    assert heard[:30] == [room(2.0)[i : i + 320] for i in range(64000 - 30 * 320, 64000, 320)]


# Sound that is not speech (music: `vad.Heard.SOUND`), weighed by its level.


def run_levels(segmenter: Segmenter, pattern: list[tuple[str, float, float]]) -> list[Utterance]:
    """Feed stretches of (quiet | sound | speech, seconds, level in dB)."""
    out: list[Utterance] = []
    for kind, seconds, level in pattern:
        for _ in range(round(seconds / 0.01)):
            done = segmenter.push(kind == "speech", level, kind == "sound")
            if done is not None:
                out.append(done)
    return out


def test_sound_quieter_than_the_speech_after_it_is_no_talk_before_it() -> None:
    """Music under a user who speaks over it: the command is said alone; the same sound as
    loud as the speech (a television's talk the detector's second stage turned down) is
    running talk before it."""
    for level, reason, busy in ((-32.0, "", 0), (-22.0, "in continuous speech", 380)):
        found = run_levels(
            Segmenter(LONE),
            [("quiet", 1.0, -60), ("sound", 4.0, level), ("speech", 0.5, -20), ("quiet", 1.0, -60)],
        )
        assert [(u.start, u.reason, u.busy) for u in found] == [(500, reason, busy)], level


def test_sound_just_before_speech_is_its_onset() -> None:
    """The second stage calls speech late: the sound that runs into it (at most `onset`) is
    its start, and is no talk before it however loud; a longer run of sound is not."""
    found = run_levels(
        Segmenter(LONE), [("quiet", 2.0, -60), ("sound", 0.1, -10), ("speech", 0.4, -20), ("quiet", 1.0, -60)]
    )
    assert [(u.start, u.end, u.reason, u.busy, u.sound_end) for u in found] == [(200, 250, "", 0, 0)]
    found = run_levels(
        Segmenter(LONE), [("quiet", 2.0, -60), ("sound", 0.5, -40), ("speech", 0.4, -20), ("quiet", 1.0, -60)]
    )
    assert [(u.start, u.reason, u.sound_end) for u in found] == [(250, "", 250)]


def test_the_audio_of_an_utterance_after_music_starts_where_the_music_ends() -> None:
    """Music right up to the command was heard as filler words: the pre-roll stops at it."""

    def confirmed(frame: bytes, voice: bool) -> bool:  # a stand-in second stage: loud frames are speech
        return rms(frame) > 4000

    gated = Gated(Detector(loud_frames, confirm=confirmed), LONE)
    speech = tone(8000, 8000)  # 0.5 s, 10 dB over the music
    found = feed(gated, room(2.0) + tone(2500, 32000) + speech + room(1.0))
    assert len(found) == 1
    utterance, pcm = found[0]
    assert (utterance.start, utterance.sound_end, utterance.reason) == (400, 400, "")
    assert pcm.startswith(speech[:3200])
    assert len(pcm) == round((0.5 + Gated.TAIL) * 16000) * 2


def test_an_unvoiced_sound_as_loud_as_the_command_breaks_no_quiet_either() -> None:
    """A breath or a hiss that the second stage calls no speech (SOUND), as loud as the word
    0.5 s after it: forgotten when voicing is asked for, so the word is said alone; a voiced
    sound (a tone) in its place is talk the second stage missed."""

    def confirmed(frame: bytes, voice: bool) -> bool:  # a stand-in second stage: the word is speech
        return sum(samples(frame)) / 160 > 2000

    cases = [
        (hiss(16000), 0.12, ""),
        (hiss(16000), 0.0, "in continuous speech"),
        (tone(5000, 16000), 0.12, "in continuous speech"),
    ]
    for sound, min_voiced, reason in cases:
        gated = Gated(Detector(loud_frames, confirm=confirmed), LONE, min_voiced=min_voiced)
        found = feed(gated, room(2.0) + sound + room(0.5) + word(6400) + room(1.0))
        assert [(u.start, u.reason) for u, _ in found] == [(350, reason)], (min_voiced, found)


# The end that adapts: what the recognizer has heard so far sets the quiet that ends it.

PHRASES = ("계속", "다시 듣기", "잠시 멈춤", "잠시")


def test_heard_so_far_tells_a_whole_phrase_from_one_begun() -> None:
    assert heard_so_far("계속", PHRASES) == COMPLETE
    assert heard_so_far("다시", PHRASES) == INCOMPLETE
    assert heard_so_far(" 다시  듣기 ", PHRASES) == COMPLETE
    # A phrase that also begins a longer one may go on.
    assert heard_so_far("잠시", PHRASES) == INCOMPLETE
    assert heard_so_far("듣기", PHRASES) == ""
    assert heard_so_far("계속 다시", PHRASES) == ""
    assert heard_so_far("", PHRASES) == ""


def test_quiet_needed_is_short_only_for_a_whole_phrase_in_a_clear_room() -> None:
    rules = Segmenting(end_silence=0.3, fast_end=0.18, slow_end=0.7)
    assert quiet_needed(rules, COMPLETE, clear=True) == 0.18
    assert quiet_needed(rules, COMPLETE, clear=False) == 0.3
    assert quiet_needed(rules, INCOMPLETE, clear=True) == 0.7
    assert quiet_needed(rules, "", clear=True) == 0.3
    # Never longer than the setting for a whole phrase, never shorter for one begun.
    assert quiet_needed(Segmenting(end_silence=0.8), INCOMPLETE, clear=True) == 0.8
    assert quiet_needed(Segmenting(end_silence=0.1), COMPLETE, clear=True) == 0.1


def ends_after(segmenter: Segmenter, limit: float = 2.0) -> float:
    """Seconds of quiet fed until the utterance in progress ended."""
    for frame in range(round(limit / 0.01)):
        if segmenter.push(False) is not None:
            return (frame + 1) * 0.01
    return limit


def test_a_whole_phrase_in_a_clear_room_ends_early() -> None:
    segmenter = Segmenter(RULES)
    run(segmenter, [(False, 2.0), (True, 0.5)])
    segmenter.hear(COMPLETE)
    assert ends_after(segmenter) == pytest.approx(RULES.fast_end)


def test_a_whole_phrase_after_recent_speech_waits_the_normal_quiet() -> None:
    segmenter = Segmenter(RULES)
    # 0.6 s after other speech: isolated (gap_before 0.4) but not clear (clear_gap 1.0).
    run(segmenter, [(False, 2.0), (True, 0.5), (False, 0.6), (True, 0.5)])
    segmenter.hear(COMPLETE)
    assert ends_after(segmenter) == pytest.approx(0.3)


def test_nothing_heard_yet_waits_the_normal_quiet() -> None:
    segmenter = Segmenter(RULES)
    run(segmenter, [(False, 2.0), (True, 0.5)])
    segmenter.hear("")
    assert ends_after(segmenter) == pytest.approx(0.3)


def test_a_phrase_begun_keeps_the_utterance_open_through_a_pause_between_words() -> None:
    segmenter = Segmenter(RULES)
    run(segmenter, [(False, 2.0), (True, 0.4)])
    segmenter.hear(INCOMPLETE)
    assert run(segmenter, [(False, 0.5), (True, 0.4)]) == []  # one utterance, not two
    segmenter.hear(COMPLETE)
    assert ends_after(segmenter) == pytest.approx(RULES.fast_end)
    assert segmenter.push(False) is None


def test_a_whole_phrase_heard_in_the_pause_after_its_start_is_a_guess() -> None:
    """The recognizer often fills in the rest of a phrase begun while the speaker pauses:
    without speech since, the utterance still waits for the rest."""
    segmenter = Segmenter(RULES)
    run(segmenter, [(False, 2.0), (True, 0.4), (False, 0.2)])
    segmenter.hear(INCOMPLETE)
    run(segmenter, [(False, 0.1)])
    segmenter.hear(COMPLETE)
    assert ends_after(segmenter) == pytest.approx(0.7 - 0.3)


def test_running_talk_makes_the_room_busy_for_a_minute() -> None:
    """Talk too long to be a command (a television) counts; a minute later it no longer does."""
    rules = Segmenting()
    segmenter = Segmenter(rules)
    talk = run(segmenter, [(False, 2.0), (True, 8.0), (False, 4.5)])
    assert [u.reason for u in talk] == ["too long for a command"]
    after = run(segmenter, [(True, 0.5), (False, 1.0)])
    assert [u.reason for u in after] == [""]
    assert after[0].room == 800 and busy_room(rules, after[0])
    later = run(segmenter, [(False, 60.0), (True, 0.5), (False, 1.0)])
    assert later[0].room == 0 and not busy_room(rules, later[0])


def test_short_pieces_of_running_talk_count_too() -> None:
    """Words 0.3 s apart are each too soon after the last to be said alone: all of them count."""
    rules = Segmenting()
    segmenter = Segmenter(rules)
    pieces = run(segmenter, [(False, 2.0)] + [(True, 0.4), (False, 0.35)] * 20 + [(False, 4.5)])
    assert {u.reason for u in pieces[1:]} == {"in continuous speech"}
    heard = run(segmenter, [(True, 0.5), (False, 1.0)])
    # All but the first piece (said after 2 s of quiet, alone) count: 19 x 0.4 s.
    assert heard[0].room == 19 * 40 and busy_room(rules, heard[0])


def test_the_users_own_commands_and_coughs_never_make_the_room_busy() -> None:
    """Said alone, again and again (a user trying a command that is not heard): never busy.
    A cough forgotten as no speech does not count either."""
    rules = Segmenting()
    segmenter = Segmenter(rules)
    tries = run(segmenter, [(False, 2.0)] + [(True, 0.8), (False, 3.3)] * 20)
    assert [u.reason for u in tries] == [""] * 20
    assert tries[-1].room == 0
    # Just over the share of running talk, then a cough (1.2 s, too soon to be said alone).
    run(segmenter, [(True, 3.1), (False, 0.5)])
    cough = run(segmenter, [(True, 1.2), (False, 0.5)])
    assert [u.reason for u in cough] == ["in continuous speech"]
    segmenter.forget(cough[0])
    heard = run(segmenter, [(False, 4.5), (True, 0.5), (False, 1.0)])
    assert heard[0].room == 310 and not busy_room(rules, heard[0])


def test_the_share_that_makes_a_room_busy_is_a_rule() -> None:
    utterance = Utterance(0, 50, 50, room=601)
    assert busy_room(Segmenting(), utterance)
    assert not busy_room(Segmenting(room_share=0.2), utterance)
    assert not busy_room(Segmenting(), replace(utterance, room=600))
