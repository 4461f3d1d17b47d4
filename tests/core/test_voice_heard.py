"""Every voice outcome is journaled by the core (VoiceHeard): a command taken, and words heard
but not taken with why, counted against a command only when they were its words; a sound
nothing was made of, and anything while voice commands are off, are not kept."""

from __future__ import annotations

from dataclasses import replace

from accessible_companion.core.effects import Effect, Record
from accessible_companion.core.events import VoiceCommand, VoiceRejected
from accessible_companion.core.menus import Item
from accessible_companion.core.records import VoiceHeard
from accessible_companion.core.settings import Mode
from tests.support.harness import Harness, menu_set, selected, settings

MENUS = menu_set(home=[Item("Water", voice=("water",)), "Tea"])


def listening(on: bool = True) -> Harness:
    h = Harness.start(MENUS, replace(settings(Mode.STEP), voice_commands=on))
    h.wait(0.5)  # the fake clock: events and deadlines at known times
    return h


def heard(effects: list[Effect]) -> list[VoiceHeard]:
    return [e.entry for e in effects if isinstance(e, Record) and isinstance(e.entry, VoiceHeard)]


def test_a_command_taken_is_journaled_with_its_words_and_still_acts() -> None:
    h = listening()
    effects = h.send(VoiceCommand("Water.", 0.91))
    assert heard(effects) == [VoiceHeard("water", "water", True, "", 0.91)]
    assert selected(effects) == ["Water"]


def test_words_not_taken_count_against_the_command_they_were() -> None:
    h = listening()
    unsure = h.send(VoiceRejected("Go back", "unsure (0.55)", 0.55))
    assert heard(unsure) == [VoiceHeard("go back", "go back", False, "unsure (0.55)", 0.55)]
    # An item's words are a phrase too.
    short = h.send(VoiceRejected("water", "too short (0.08 s)", 0.9))
    assert heard(short) == [VoiceHeard("water", "water", False, "too short (0.08 s)", 0.9)]
    # Other speech (a filler, grammar words run together) is a try at no command.
    other = h.send(VoiceRejected("um next water", "not a command", 0.4))
    assert heard(other) == [VoiceHeard("um next water", "", False, "not a command", 0.4)]
    # A cough heard as a command's words was no try at it: kept, counted against nothing.
    cough = h.send(VoiceRejected("water", "not speech (4% voiced)", 1.0, speech=False))
    assert heard(cough) == [VoiceHeard("water", "", False, "not speech (4% voiced)", 1.0)]
    assert selected(unsure + short + other + cough) == []


def test_nothing_is_kept_of_a_sound_with_no_words_nor_while_voice_is_off() -> None:
    h = listening()
    assert h.send(VoiceRejected("", "not alone", 0.0)) == []
    assert h.send(VoiceRejected(" ... ", "nothing", 0.0)) == []
    off = listening(on=False)
    assert off.send(VoiceCommand("water", 0.9)) == []
    assert off.send(VoiceRejected("next", "unsure (0.50)", 0.5)) == []
