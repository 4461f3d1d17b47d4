"""What the caregiver's page asks of the core: a preview said with a voice, and where the page
is (with its pairing code) kept for the displays' status line."""

from __future__ import annotations

from dataclasses import replace

from accessible_companion.core.effects import Record, Speak
from accessible_companion.core.events import PageAddress, SayPreview, VoiceCommand
from accessible_companion.core.settings import Mode
from tests.support.harness import Harness, menu_set, of_type, settings

MENUS = menu_set(home=["Water", "Tea"])


def test_a_preview_is_said_with_the_voice_asked_for_and_never_journaled() -> None:
    h = Harness.start(MENUS, settings(Mode.STEP))
    main = h.send(SayPreview("I would like some water, please.", "main"))
    assert [(s.voice, s.text) for s in of_type(main, Speak)] == [("main", "I would like some water, please.")]
    cue = h.send(SayPreview("Water", "cue"))
    assert [(s.voice, s.text) for s in of_type(cue, Speak)] == [("cue", "Water")]
    assert not of_type(main + cue, Record)
    assert h.send(SayPreview("   ", "main")) == []


def test_repeat_says_the_users_last_phrase_not_the_caregivers_preview() -> None:
    h = Harness.start(MENUS, replace(settings(Mode.STEP), voice_commands=True))
    h.wait(0.3)
    h.press(2)  # selects Water
    h.wait(3)
    h.send(SayPreview("Testing the main voice", "main"))
    h.wait(3)
    again = of_type(h.send(VoiceCommand("repeat")), Speak)
    assert [s.text for s in again] == ["Water"]


def test_the_page_address_and_code_reach_the_view_and_change_with_it() -> None:
    h = Harness.start(MENUS, settings(Mode.STEP))
    assert (h.companion.view().page_url, h.companion.view().page_code) == ("", "")
    assert h.send(PageAddress("http://192.168.1.7:8765/", "123456")) == []
    view = h.companion.view()
    assert (view.page_url, view.page_code) == ("http://192.168.1.7:8765/", "123456")
    h.send(PageAddress("http://192.168.1.7:8765/", "654321"))
    assert h.companion.view().page_code == "654321"
    h.wait(5)  # the scan goes on; the address stays
    assert h.companion.view().page_url == "http://192.168.1.7:8765/"
