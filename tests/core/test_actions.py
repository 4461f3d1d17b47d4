"""What selecting each kind of item does, including settings that take effect at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from accessible_companion.core.effects import Effect, EnterMenu, Prepare, SettingChanged, Speak
from accessible_companion.core.events import AdapterError
from accessible_companion.core.limits import LIMITS
from accessible_companion.core.menus import Action, Item
from accessible_companion.core.settings import Earcons, Mode
from tests.support.harness import Harness, highlight_times, highlights, menu_set, of_type, selected, settings


def first_item(item: Item, mode: Mode = Mode.AUTO, **timing: object) -> Harness:
    """A home menu whose first item is `item`, then two phrases."""
    return Harness.start(menu_set(home=[item, "X", "Y"]), settings(mode, **timing))


def select_first(h: Harness) -> list[Effect]:
    h.wait(0.3)
    return list(h.press(2))


def test_phrase_is_spoken_by_the_main_voice() -> None:
    h = first_item(Item("Water", say="I would like some water, please."))
    new = select_first(h)
    # The select earcon first, on the main voice so no cue can cut it, then the phrase.
    assert [e for e in new if isinstance(e, Speak) and e.voice == "main"] == [
        Speak(2, "main", "", "select"),
        Speak(3, "main", "I would like some water, please."),
    ]


def test_slower_lengthens_the_interval_and_the_next_dwell_uses_it() -> None:
    h = first_item(Item("Slower", action=Action.SLOWER), speed_step=1.25)
    new = select_first(h)
    assert of_type(new, SettingChanged) == [SettingChanged("interval", 1.25)]
    assert [e.text for e in of_type(new, Speak) if e.voice == "main" and e.text] == ["Slower, 1.25 seconds."]
    assert h.highlighted() == "Slower"  # stays, so another press slows again
    at = h.now
    h.wait(2)
    assert highlight_times(h)[-1] == (pytest.approx(at + 1.25 + 0.5), "X")


def test_faster_is_clamped_to_the_allowed_range() -> None:
    low = LIMITS["scanning.interval"].low
    h = first_item(Item("Faster", action=Action.FASTER), interval=low, speed_step=2.0)
    new = select_first(h)
    assert of_type(new, SettingChanged) == [SettingChanged("interval", low)]


def test_faster_never_goes_below_twice_the_debounce() -> None:
    h = first_item(Item("Faster", action=Action.FASTER), interval=0.5, debounce=0.2, speed_step=2.0)
    assert of_type(select_first(h), SettingChanged) == [SettingChanged("interval", 0.4)]


def test_mode_change_takes_effect_at_once() -> None:
    h = first_item(Item("Press and hold", action=Action.MODE, mode=Mode.PRESS_HOLD))
    new = select_first(h)
    assert of_type(new, SettingChanged) == [SettingChanged("mode", "press-hold")]
    h.wait(30)
    assert h.highlighted() == "Press and hold"  # nothing moves by itself now
    assert highlights(h.press(hold=0.1)) == ["X"]


def test_mode_without_a_target_cycles() -> None:
    h = first_item(Item("Next mode", action=Action.MODE))
    assert of_type(select_first(h), SettingChanged) == [SettingChanged("mode", "press-hold")]


def test_voice_commands_on_and_off() -> None:
    h = Harness.start(
        menu_set(home=[Item("Voice on", action=Action.VOICE_ON), Item("Voice off", action=Action.VOICE_OFF)]),
        settings(Mode.STEP),
    )
    h.wait(0.3)
    assert of_type(h.press(2), SettingChanged) == [SettingChanged("voice", True)]
    assert h.companion.voice_commands
    h.wait(0.5)
    h.press(1)
    h.wait(0.5)
    assert of_type(h.press(2), SettingChanged) == [SettingChanged("voice", False)]


def test_home_goes_to_the_top_from_deep_menus() -> None:
    menus = menu_set(
        home=[Item("Deeper", action=Action.MENU, menu="one")],
        one=[Item("Deeper", action=Action.MENU, menu="two")],
        two=[Item("Home", action=Action.HOME)],
    )
    h = Harness.start(menus, settings(Mode.STEP))
    for _ in range(3):
        h.wait(0.5)
        new = h.press(2)
    assert of_type(new, EnterMenu) == [EnterMenu("home")]
    # Back from home stays home.
    assert h.companion.view().menu == "home"


def test_back_at_home_stays_home() -> None:
    h = first_item(Item("Back", action=Action.BACK))
    new = select_first(h)
    assert selected(new) == ["Back"]
    assert of_type(new, EnterMenu) == [EnterMenu("home")]


def test_entering_a_menu_asks_for_its_speech_to_be_rendered_ahead() -> None:
    menus = menu_set(
        home=[
            Item("Water", say="Water, please.", cue="Drink"),
            Item("Help", action=Action.HELP, say="Come now."),
            Item("Tips", action=Action.MENU, menu="tips"),
        ],
        tips=["Rest often"],
    )
    h = Harness.start(menus, settings(Mode.STEP))
    started = [e for _, e in h.effects]
    # The first cue is asked for before anything is rendered ahead.
    assert started.index(Speak(1, "cue", "Drink")) < started.index(Prepare("cue", ("Drink", "Help", "Tips")))
    assert Prepare("main", ("Water, please.", "Come now.")) in started
    h.wait(0.3)
    h.press(1)
    h.wait(0.3)
    h.press(1)
    h.wait(0.3)
    assert Prepare("cue", ("Rest often", "Back")) in h.press(2)


def earcons_of(effects: list[Effect]) -> list[str]:
    return [e.earcon for e in of_type(effects, Speak) if e.earcon]


def test_earcons_mark_select_back_help_and_idle() -> None:
    menus = menu_set(
        home=[Item("More", action=Action.MENU, menu="more"), Item("Help", action=Action.HELP)],
        more=["P"],
    )
    h = Harness.start(menus, settings(Mode.STEP))
    h.wait(0.5)
    assert earcons_of(h.press(2)) == ["select"]
    h.wait(0.5)
    h.press(1)  # to Back
    h.wait(0.5)
    assert earcons_of(h.press(2)) == ["back"]
    h.wait(0.5)
    h.press(1)
    h.wait(0.5)
    assert earcons_of(h.press(2)) == ["alert"]


def test_idle_has_its_earcon_and_a_zero_volume_turns_one_off() -> None:
    h = Harness.start(menu_set(home=["A"]), settings())
    assert earcons_of(h.wait(10)) == ["idle"]
    quiet = settings()
    quiet = replace(quiet, speech=replace(quiet.speech, earcons=Earcons(idle=0.0)))
    h = Harness.start(menu_set(home=["A"]), quiet)
    assert earcons_of(h.wait(10)) == []


def test_without_cues_the_highlight_is_a_tick_and_the_dwell_does_not_wait_for_words() -> None:
    config = settings()
    config = replace(config, speech=replace(config.speech, cues=False, earcons=Earcons(highlight=0.3)))
    h = Harness.start(menu_set(home=["A", "B"]), config, speech_seconds=0.05)
    h.wait(1.6)
    sounds = [e for _, e in h.effects if isinstance(e, Speak)]
    assert [(s.text, s.earcon) for s in sounds] == [("", "highlight"), ("", "highlight")]
    # The tick took 0.05 s, then the first item's 1.5 s dwell.
    assert highlight_times(h)[1] == (pytest.approx(1.55), "B")


def test_an_adapter_error_is_heard_as_an_earcon() -> None:
    h = Harness.start(menu_set(home=["A"]), settings(Mode.STEP))
    new = h.send(AdapterError("switch", "grab refused"))
    assert earcons_of(new) == ["error"]
    assert h.companion.view().notice == "switch: grab refused"
