"""Banked phrases in the core: a `sound` travels with the phrase, menus prepare their recordings,
`repeat` plays it again, and the scan waits for a recording as for the words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from accessible_companion.core.effects import Highlight, Prepare, Record, Speak, trace_fields
from accessible_companion.core.events import VoiceCommand
from accessible_companion.core.menus import Action, Item
from accessible_companion.core.records import PhraseUsed, PressTimed
from accessible_companion.core.settings import Mode
from tests.support.harness import Harness, menu_set, of_type, settings

WATER = Item(
    "Water", say="I would like some water, please.", sound="/cfg/recordings/water.flac", sound_seconds=3.2
)


def test_selecting_a_banked_item_asks_for_its_recording_and_journals_its_words() -> None:
    h = Harness.start(menu_set(home=[WATER, "Tea"]), settings(Mode.STEP))
    h.wait(0.3)
    new = h.press(2)
    mains = [e for e in of_type(new, Speak) if e.voice == "main"]
    assert mains == [
        Speak(2, "main", "", "select"),
        Speak(3, "main", "I would like some water, please.", sound="/cfg/recordings/water.flac"),
    ]
    assert [r.entry for r in of_type(new, Record) if not isinstance(r.entry, PressTimed)] == [
        PhraseUsed("home", "Water", "I would like some water, please.")
    ]


def test_entering_a_menu_prepares_the_recordings_of_its_phrases_only() -> None:
    odd = Item("More", action=Action.MENU, menu="more")
    h = Harness.start(menu_set(home=[WATER, "Tea", odd], more=["Hello"]), settings(Mode.STEP))
    prepared = [e for _, e in h.effects if isinstance(e, Prepare) and e.voice == "main"]
    assert prepared == [
        Prepare("main", ("I would like some water, please.", "Tea"), ("/cfg/recordings/water.flac",))
    ]


def test_repeat_plays_the_recording_again() -> None:
    config = replace(settings(Mode.STEP), voice_commands=True)
    h = Harness.start(menu_set(home=[WATER, "Tea"]), config)
    h.wait(0.3)
    h.press(2)
    h.wait(5)
    again = of_type(h.send(VoiceCommand("repeat")), Speak)
    assert [(s.text, s.sound) for s in again] == [("I would like some water, please.", WATER.sound)]


def next_highlight_after_selecting(item: Item) -> float:
    """Speech never reports an end here: when the scan moves on by its estimate alone."""
    h = Harness.start(menu_set(home=[item, "Tea"]), settings(Mode.AUTO), speech_seconds=1e6)
    h.wait(0.1)
    h.press(2)
    chosen = h.now
    h.wait(60)
    moved = [t for t, e in h.effects if isinstance(e, Highlight) and e.label == "Tea" and t > chosen]
    return moved[0] - chosen


def test_the_scan_waits_for_a_long_recording_even_when_its_end_is_never_reported() -> None:
    words = Item("Water", say="Water")
    banked = replace(words, sound="/cfg/water.wav", sound_seconds=10.0)
    assert next_highlight_after_selecting(words) < 6
    # Twice its length (the fallback's margin for lost ends), not the two words' estimate.
    assert next_highlight_after_selecting(banked) > 2 * 10.0


def test_a_recording_of_unknown_length_waits_as_its_words_would() -> None:
    words = Item("Water", say="Water")
    assert next_highlight_after_selecting(replace(words, sound="/cfg/water.wav")) == pytest.approx(
        next_highlight_after_selecting(words)
    )


def test_the_trace_names_the_recordings_file_and_only_for_a_banked_phrase() -> None:
    fields = trace_fields(Speak(3, "main", "Water", sound="/home/anna/config/recordings/water.flac"))
    assert fields == {
        "event": "speak",
        "utterance": 3,
        "voice": "main",
        "text": "Water",
        "earcon": "",
        "sound": "water.flac",
    }
    assert "sound" not in (trace_fields(Speak(4, "cue", "Water")) or {})
