"""The rules that decide whether something heard is a command, and the half-duplex gate."""

from __future__ import annotations

import json

import pytest

from accessible_companion.voice.hearing import (
    UNKNOWN,
    Endpointer,
    HalfDuplex,
    Rules,
    Word,
    grammar,
    judge,
    parse_result,
    second_reading,
    sounds_alike,
    unsure_phrase,
)

PHRASES = ("next", "go back", "water")
RULES = Rules(min_confidence=0.9, min_seconds=0.15)


def words(*spec: tuple[str, float]) -> tuple[Word, ...]:
    """Words 0.3 s long, one after the other."""
    return tuple(Word(text, conf, 0.3 * i, 0.3 * i + 0.3) for i, (text, conf) in enumerate(spec))


def test_an_allowed_phrase_heard_surely_is_accepted() -> None:
    verdict = judge("go back", words(("go", 0.95), ("back", 1.0)), PHRASES, RULES)
    assert verdict.accepted
    assert verdict.phrase == "go back"
    assert verdict.confidence == 0.95


def test_a_run_of_grammar_words_is_not_a_command() -> None:
    # The bigram grammar happily outputs "next next water" for a sentence.
    verdict = judge("next next water", words(("next", 1.0), ("next", 1.0), ("water", 1.0)), PHRASES, RULES)
    assert not verdict.accepted
    assert verdict.reason == "not a command"


def test_a_filler_is_not_a_command() -> None:
    verdict = judge("today", words(("today", 1.0)), PHRASES, RULES)
    assert (verdict.accepted, verdict.reason) == (False, "not a command")


def test_one_unsure_word_rejects_the_phrase() -> None:
    verdict = judge("go back", words(("go", 1.0), ("back", 0.62)), PHRASES, RULES)
    assert not verdict.accepted
    assert verdict.reason == "unsure (0.62)"
    assert verdict.confidence == 0.62


def test_a_phrase_heard_unsure_may_be_confirmed_from_half_sure() -> None:
    """`unsure_phrase`: what a second reading may still confirm (`Rules.unsure_margin`)."""
    assert unsure_phrase(judge("Go back", words(("go", 1.0), ("back", 0.62)), PHRASES, RULES)) == "go back"
    assert unsure_phrase(judge("go back", words(("go", 1.0), ("back", 0.49)), PHRASES, RULES)) == ""
    assert unsure_phrase(judge("go back", words(("go", 1.0), ("back", 0.95)), PHRASES, RULES)) == ""  # taken
    assert unsure_phrase(judge("today", words(("today", 0.6)), PHRASES, RULES)) == ""  # a filler
    # Too short and unsure: too short, never confirmed.
    short = judge("next", (Word("next", 0.7, 2.0, 2.1),), PHRASES, RULES)
    assert short.reason.startswith("too short") and unsure_phrase(short) == ""


def test_too_short_to_be_speech() -> None:
    verdict = judge("next", (Word("next", 1.0, 2.0, 2.1),), PHRASES, RULES)
    assert not verdict.accepted
    assert verdict.reason.startswith("too short")
    assert judge("next", (Word("next", 1.0, 2.0, 2.2),), PHRASES, RULES).accepted


def test_unknown_word_marker_rejects() -> None:
    verdict = judge(f"next {UNKNOWN}", words(("next", 1.0), (UNKNOWN, 1.0)), PHRASES, RULES)
    assert (verdict.accepted, verdict.reason) == (False, "unknown word")


def test_case_and_punctuation_do_not_matter() -> None:
    assert judge("Water!", words(("water", 1.0)), PHRASES, RULES).phrase == "water"


def test_grammar_leaves_out_fillers_that_are_words_of_a_phrase() -> None:
    built = grammar(PHRASES, ["today", "go", "back", "Water", "the"], known=[UNKNOWN])
    assert built == ["go back", "next", "water", "the", "today", UNKNOWN]


def test_parse_result_reads_words_and_confidence() -> None:
    result = json.dumps(
        {
            "text": "go back",
            "result": [{"word": "go", "conf": 0.5, "start": 1.0, "end": 1.2}, {"word": "back"}],
        }
    )
    text, parsed = parse_result(result)
    assert text == "go back"
    assert parsed[0] == Word("go", 0.5, 1.0, 1.2)
    assert parsed[1].confidence == 1.0


def readings(*spec: tuple[str, float]) -> str:
    """A vosk result with alternatives (SetMaxAlternatives), best first."""
    return json.dumps({"alternatives": [{"text": text, "confidence": score} for text, score in spec]})


def test_a_second_reading_confirms_a_command_that_leads_the_next_reading() -> None:
    assert second_reading(readings(("go back", 31.0), ("go", 29.5)), "go back", 1.0) == ""
    assert second_reading(readings(("Go back", 31.0)), "go back", 1.0) == ""  # no second reading at all


def test_a_second_reading_close_to_another_turns_the_command_down() -> None:
    assert (
        second_reading(readings(("next", 27.4), ("water", 26.7)), "next", 1.0)
        == "close to another reading (0.70)"
    )
    # The margin is the caregiver's: a smaller one lets this close call through.
    assert second_reading(readings(("next", 27.4), ("water", 26.7)), "next", 0.5) == ""


def test_the_rules_are_the_caregivers_settings() -> None:
    from accessible_companion.core.settings import Listening

    listening = Listening(
        min_confidence=0.7, min_seconds=0.2, min_voiced=0.0, min_margin=1.5, unsure_margin=2.0, busy_margin=3
    )
    assert Rules.of(listening) == Rules(
        min_confidence=0.7, min_seconds=0.2, min_voiced=0.0, min_margin=1.5, unsure_margin=2.0, busy_margin=3
    )
    assert Rules.of(Listening()) == Rules()  # one set of defaults


def test_a_busy_room_asks_for_a_second_reading_a_quiet_one_does_not() -> None:
    assert Rules().margin(busy=False) == 0.0
    assert Rules().margin(busy=True) == 1.0
    assert Rules(busy_margin=0.0).margin(busy=True) == 0.0  # off: a busy room heard as a quiet one
    # The stricter of the two settings wins.
    assert Rules(min_margin=2.0).margin(busy=True) == 2.0
    assert Rules(min_margin=0.5).margin(busy=False) == 0.5


def test_a_second_reading_of_other_words_turns_the_command_down() -> None:
    why = "heard otherwise on a second reading"
    assert second_reading(readings(("next water", 19.4), ("next", 16.7)), "next", 0.5) == why
    assert second_reading(readings(), "next", 0.5) == why
    assert second_reading(readings(("", 5.0)), "next", 0.5) == why


def test_half_duplex_mutes_while_speaking_and_for_the_tail() -> None:
    gate = HalfDuplex(tail=0.4)
    assert gate.open_at(10.0)
    gate.speaking(True, 10.0)
    assert gate.open_at(9.99)  # captured before the companion spoke
    assert not gate.open_at(10.0)
    assert not gate.open_at(11.5)
    gate.speaking(False, 12.0)
    assert not gate.open_at(12.39)  # the speaker's buffer and the room still sound
    assert gate.open_at(12.4)
    gate.speaking(False, 13.0)  # a repeated "stopped" does not move the tail
    assert gate.open_at(12.5)


def test_half_duplex_tells_a_long_block_the_companions_sound_began_or_ended_in() -> None:
    gate = HalfDuplex(tail=0.4)
    assert gate.open_over(9.8, 10.0) and gate.quiet_for(10.0) == float("inf")
    gate.speaking(True, 10.1)
    assert gate.open_over(9.8, 10.0)
    assert not gate.open_over(9.9, 10.1) and gate.open_at(9.9)
    assert gate.quiet_for(10.0) == 0.0
    gate.speaking(False, 10.3)
    assert not gate.open_over(10.5, 10.8) and gate.open_at(10.8)  # the tail ends within it
    assert gate.open_over(10.8, 11.0)
    assert gate.quiet_for(13.7) == pytest.approx(3.0)
    gate.speaking(True, 14.0)
    gate.speaking(False, 14.05)  # a click of sound wholly inside a block
    assert not gate.open_over(13.9, 14.6) and gate.open_at(14.6)


def test_endpointer_ends_after_quiet_following_speech() -> None:
    ends = Endpointer(end_silence=0.2)
    blocks = [30.0] * 10 + [3000.0] * 6 + [40.0] * 3 + [35.0] * 2
    heard = [ends.update(rms, 0.05) for rms in blocks]
    # 0.3 s of speech, then the 4th quiet block (0.2 s) ends it; not before, not twice.
    assert heard.index(True) == 19
    assert heard.count(True) == 1


def test_endpointer_ignores_clicks_and_follows_a_noisy_room() -> None:
    ends = Endpointer(end_silence=0.1, min_voiced=0.1)
    click = [ends.update(rms, 0.05) for rms in [20.0] * 5 + [5000.0] + [20.0] * 10]
    assert True not in click  # 50 ms of sound is a click, not speech
    room = Endpointer(end_silence=0.1)
    steady = [room.update(rms, 0.05) for rms in [800.0, 820.0, 790.0] * 20]
    assert True not in steady  # a loud but steady room is background, not speech
    after = [room.update(rms, 0.05) for rms in [6000.0] * 4 + [800.0] * 3]
    assert after.index(True) == 5 and after.count(True) == 1  # speech above the room, then 0.1 s


def test_fillers_that_sound_like_a_phrase_are_left_out() -> None:
    assert sounds_alike("계속", "계속해")  # one syllable more: 2 of 6 letters
    assert not sounds_alike("날씨", "넘어가")
    built = grammar(["계속", "물"], ["계속해", "날씨", "물론"])
    assert built == ["계속", "물", "날씨"]
