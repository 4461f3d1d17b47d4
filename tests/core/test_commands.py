"""Voice commands in the core: the same effects as the switch, and nothing when voice is off."""

from __future__ import annotations

from dataclasses import replace

from accessible_companion.core.commands import normalize_words, phrase_table
from accessible_companion.core.effects import Effect, EnterMenu, Idle, Select, SettingChanged, Speak
from accessible_companion.core.events import VoiceCommand
from accessible_companion.core.menus import Action, Item
from accessible_companion.core.settings import Commands, Mode, Settings
from tests.support.harness import Harness, acts, highlights, menu_set, of_type, selected, settings

MENUS = menu_set(
    home=[
        Item("Water", voice=("water", "drink")),
        Item("Rest", action=Action.MENU, menu="rest"),
        Item("Help", action=Action.HELP, say="Come now."),
    ],
    rest=[Item("Rest 5 minutes", action=Action.REST, minutes=5, voice=("five minutes",))],
)


def listening(config: Settings | None = None, mode: Mode = Mode.STEP) -> Harness:
    config = config or settings(mode)
    return Harness.start(MENUS, replace(config, voice_commands=True))


def say(h: Harness, phrase: str) -> list[Effect]:
    h.wait(0.5)
    return acts(h.send(VoiceCommand(phrase)))


def test_saying_an_items_words_selects_it_with_the_switchs_effects() -> None:
    h = listening()
    new = say(h, "Drink!")
    assert selected(new) == ["Water"]
    mains = [e for e in new if isinstance(e, Speak) and e.voice == "main"]
    assert [(m.text, m.earcon) for m in mains] == [("", "select"), ("Water", "")]


def test_item_words_win_over_a_command_with_the_same_words() -> None:
    h = listening()
    assert of_type(say(h, "rest"), EnterMenu) == [EnterMenu("rest")]
    # In the rest menu "rest" is the global command: a rest starts.
    assert of_type(say(h, "rest"), Idle) == [Idle("rest", "rest")]
    assert h.companion.view().state == "resting"


def test_next_select_back_home() -> None:
    h = listening()
    assert highlights(say(h, "next")) == ["Rest"]
    assert selected(say(h, "select")) == ["Rest"]
    back = say(h, "go back")
    assert of_type(back, Select) == [Select("rest", "Back", "back")]
    assert of_type(back, EnterMenu) == [EnterMenu("home")]
    say(h, "rest")
    assert of_type(say(h, "home"), EnterMenu) == [EnterMenu("home")]


def test_help_by_voice_calls_for_help_from_any_menu() -> None:
    h = listening()
    say(h, "rest")
    new = say(h, "help me")
    assert [(e.text, e.earcon) for e in of_type(new, Speak)] == [
        ("Please come, I need help now.", "alert"),
        ("Calling for help in 5 seconds. Press to cancel.", ""),
    ]
    assert h.companion.view().state == "alert"


def test_slower_faster_stop_and_repeat() -> None:
    h = listening(mode=Mode.AUTO)
    assert of_type(say(h, "slower"), SettingChanged) == [SettingChanged("interval", 1.25)]
    assert of_type(say(h, "faster"), SettingChanged) == [SettingChanged("interval", 1.0)]
    stopped = say(h, "quiet")
    assert of_type(stopped, Idle) == [Idle("home", "pause")]
    assert [e.text for e in of_type(stopped, Speak) if e.text] == []  # quiet: the earcon only
    assert highlights(say(h, "next")) == ["Water"]  # wakes the scan
    say(h, "water")
    assert [e.text for e in of_type(say(h, "again"), Speak)] == ["Water"]


def test_asleep_only_the_wake_words_count() -> None:
    h = listening()
    assert of_type(say(h, "go to sleep"), SettingChanged) == [SettingChanged("voice_sleep", True)]
    assert h.companion.voice_phrases() == ("wake up",)
    assert say(h, "water") == []
    assert say(h, "help") == []
    assert of_type(say(h, "Wake up."), SettingChanged) == [SettingChanged("voice_sleep", False)]
    assert selected(say(h, "water")) == ["Water"]


def test_nothing_happens_while_voice_commands_are_off() -> None:
    h = Harness.start(MENUS, settings(Mode.STEP))
    assert say(h, "water") == []
    assert say(h, "next") == []


def test_unknown_phrases_do_nothing() -> None:
    h = listening()
    assert say(h, "banana") == []


def test_what_can_be_said_follows_the_menu() -> None:
    h = listening()
    home = h.companion.voice_phrases()
    assert {"water", "drink", "rest", "help", "next"} <= set(home)
    assert "wake up" not in home and "resume" not in home  # they do nothing here
    say(h, "rest")
    inside = h.companion.voice_phrases()
    assert "five minutes" in inside and "water" not in inside and "back" in inside


def test_caregiver_words_for_a_command() -> None:
    config = replace(settings(Mode.STEP), commands=replace(Commands(), next=("next", "neck")))
    h = listening(config)
    assert highlights(say(h, "neck")) == ["Rest"]


def test_phrases_are_compared_without_case_or_punctuation() -> None:
    assert normalize_words("  Go   BACK! ") == "go back"
    table = phrase_table(MENUS["home"].items, Commands())
    assert table["drink"].index == 0
    assert table["go back"].command == "back"


def test_every_default_item_is_selectable_by_voice_alone() -> None:
    from accessible_companion.config import load_config
    from accessible_companion.core.menus import paths_from_home

    config = load_config()
    paths = paths_from_home(config.menus)
    count = 0
    for menu_id, menu in config.menus.menus.items():
        for item in menu.items:
            h = Harness.start(config.menus, replace(config.settings, voice_commands=True))
            for step_menu, step_index in paths[menu_id]:
                say(h, config.menus[step_menu].items[step_index].voice_words[0])
            assert h.companion.view().menu == menu_id
            heard = say(h, item.voice_words[0])
            if item.action.value in config.settings.listening.confirm:  # said twice
                assert of_type(heard, Select) == []
                heard = say(h, item.voice_words[0])
            chosen = of_type(heard, Select)
            assert [(s.menu, s.label) for s in chosen] == [(menu_id, item.label)]
            count += 1
    assert count == sum(len(m.items) for m in config.menus.menus.values())
