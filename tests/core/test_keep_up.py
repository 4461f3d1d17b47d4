"""Speech that keeps up (issue 13, item 8): a newly chosen phrase cuts the one the main voice
is saying, so nothing piles up behind it; the highlight's cue waits behind at most that one
phrase; the call for help cuts whatever is being said. Driven with one output that says one
thing at a time, as the real adapter does when cue and main share a device."""

from __future__ import annotations

import dataclasses

from accessible_companion.core.effects import AlertRaised, Speak, StopMain
from accessible_companion.core.events import VoiceCommand
from accessible_companion.core.settings import Mode, Settings
from accessible_companion.core.utterances import Utterances

from ..support.harness import SUBMENU, Harness, SerialSpeech, menu_set, of_type, settings

LONG = (
    "Could you please open the window a little and then bring me a glass of cold water with a straw, "
    "thank you so much"
)
PHRASE_SECONDS = 7.6
"""The issue's phrase: 7.6 s to say."""
EARCON_SECONDS = 0.1
CUE_SECONDS = 0.4

MENUS = menu_set(home=[LONG, "Yes", SUBMENU], more=["Tea"])


def seconds(request: Speak) -> float:
    if request.voice == "cue":
        return CUE_SECONDS
    if not request.text:
        return EARCON_SECONDS
    return PHRASE_SECONDS if request.text == LONG else 1.5


def start(config: Settings) -> tuple[Harness, SerialSpeech]:
    speech = SerialSpeech(seconds)
    return Harness.start(MENUS, config, serial=speech), speech


def phrases(requests: list[Speak]) -> list[Speak]:
    return [r for r in requests if r.voice == "main" and r.text == LONG]


def test_fifteen_quick_selections_leave_at_most_one_phrase_waiting_and_the_cue_prompt() -> None:
    # The issue: press-hold, speech on, 15 selections of a 7.6 s phrase in quick succession left
    # 9 phrases (~70 s) queued at the last press, and the cue waited behind them.
    h, speech = start(settings(Mode.PRESS_HOLD))
    waiting: list[int] = []
    for _ in range(15):
        assert h.highlighted() == LONG
        h.press(hold=0.7)  # past long_press: selects
        waiting.append(len(phrases(speech.waiting_main())))
        h.wait(0.4)  # past the post-selection pause
    last_press = h.now - 0.4
    assert max(waiting) <= 1, waiting
    # The cue of the highlight now (the phrase item, after the last selection): said right after
    # the one phrase allowed, not after a backlog.
    cue = [e for _, e in h.effects if isinstance(e, Speak) and e.voice == "cue"][-1]
    h.wait(60.0)
    assert speech.started[cue.utterance] - last_press <= EARCON_SECONDS + PHRASE_SECONDS + 0.01
    # Each newer choice cut the older one; the last was said in full.
    said = phrases([e for _, e in h.effects if isinstance(e, Speak)])
    assert len(said) == 15
    assert [r.utterance for r in said[:-1]] == [
        u for u in speech.interrupted if u in {r.utterance for r in said}
    ]
    assert said[-1].utterance not in speech.interrupted


def test_a_step_after_a_phrase_is_cued_after_that_phrase_alone() -> None:
    h, speech = start(settings(Mode.PRESS_HOLD))
    h.press(hold=0.7)
    h.wait(0.4)
    h.press(hold=0.1)  # a short press steps
    assert h.highlighted() == "Yes"
    cue = [e for _, e in h.effects if isinstance(e, Speak) and e.voice == "cue"][-1]
    h.wait(30.0)
    phrase = phrases([e for _, e in h.effects if isinstance(e, Speak)])[0]
    assert phrase.utterance not in speech.interrupted  # a cue never cuts a phrase
    assert speech.started[cue.utterance] <= speech.started[phrase.utterance] + PHRASE_SECONDS + 0.01


def test_other_choices_do_not_cut_the_phrase() -> None:
    # Only a newly chosen phrase cuts: entering a submenu while the phrase is said leaves it be.
    h, speech = start(settings(Mode.PRESS_HOLD))
    h.press(hold=0.7)
    h.wait(0.4)
    h.press(hold=0.1)
    h.wait(0.3)  # past debounce
    h.press(hold=0.1)
    assert h.highlighted() == "More"
    h.wait(0.3)
    effects = h.press(hold=0.7)
    assert not of_type(effects, StopMain)
    h.wait(30.0)
    assert h.companion.view().menu == "more"
    assert not phrases(
        [e for _, e in h.effects if isinstance(e, Speak) and e.utterance in speech.interrupted]
    )


def test_the_call_for_help_is_never_queued_behind_a_phrase() -> None:
    h, speech = start(settings(Mode.PRESS_HOLD))
    h.press(hold=0.7)  # the long phrase starts
    h.wait(0.4)
    h.press(hold=0.7)  # and again: one phrase speaking, none left behind it
    h.wait(0.4)
    h.down()
    h.wait(2.5)  # held past help's 2 s
    raised = [t for t, e in h.effects if isinstance(e, AlertRaised)]
    assert len(raised) == 1
    alarm = next(e for _, e in h.effects if isinstance(e, Speak) and e.earcon == "alert")
    assert speech.started[alarm.utterance] == raised[0]  # at once, not after the phrase
    assert all(
        r.utterance in speech.interrupted for r in phrases([e for _, e in h.effects if isinstance(e, Speak)])
    )


def test_cut_main_only_when_the_main_voice_has_something_left() -> None:
    utterances = Utterances(Settings().speech)
    assert utterances.cut_main() == []
    cue = utterances.speak("cue", "Yes")
    phrase = utterances.speak("main", "Hello")
    assert utterances.cut_main() == [StopMain()]
    assert not utterances.main_pending
    assert utterances.sounding(cue.utterance)  # the cue is not the main voice's
    assert not utterances.sounding(phrase.utterance)
    assert utterances.last_main == "Hello"  # `repeat` still has it


def test_repeat_cuts_too() -> None:
    # "Again" is the user's phrase chosen anew: it cuts the one being said, as choosing it does.
    h, speech = start(dataclasses.replace(settings(Mode.PRESS_HOLD), voice_commands=True))
    h.press(hold=0.7)
    h.wait(1.0)
    effects = h.send(VoiceCommand("again"))
    assert of_type(effects, StopMain)
    said = phrases([e for _, e in h.effects if isinstance(e, Speak)])
    assert len(said) == 2
    assert said[0].utterance in speech.interrupted
    assert speech.started[said[1].utterance] == h.now
