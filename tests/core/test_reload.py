"""A new config while running: where the scan goes on, when it is applied, with a fake clock."""

from __future__ import annotations

from dataclasses import replace

from accessible_companion.core.effects import ConfigApplied, Speak
from accessible_companion.core.events import ConfigChanged, ConfigRejected, SwitchDown
from accessible_companion.core.menus import Action, Item, MenuSet
from accessible_companion.core.reload import kept_settings, placed, same_item
from accessible_companion.core.settings import FatigueWatch, Mode, RestPacing, Settings
from tests.support.harness import Harness, highlights, menu_set, of_type, settings

MENUS = menu_set(
    home=["Water", "Tea", Item("More", action=Action.MENU, menu="more", id="more-item")],
    more=["Thanks", "Sorry", "Yes"],
)
QUIET = {"rest": RestPacing(after_active_minutes=0), "fatigue": FatigueWatch(enabled=False)}


def config(mode: Mode = Mode.STEP, **scanning: object) -> Settings:
    return replace(settings(mode, **scanning), **QUIET)  # type: ignore[arg-type]


def changed(menus: MenuSet, config_settings: Settings) -> ConfigChanged:
    return ConfigChanged(menus, config_settings, "/tmp/config")


def applied(h: Harness) -> list[ConfigApplied]:
    return [e for _, e in h.effects if isinstance(e, ConfigApplied)]


def into_more_at_sorry(h: Harness) -> None:
    for switch in (1, 1, 2, 1):  # to More, select it, to Sorry
        h.wait(0.5)
        h.press(switch)
    assert h.companion.view().menu == "more" and h.highlighted() == "Sorry"


def test_a_new_label_shows_at_once_and_the_scan_stays_on_its_item() -> None:
    h = Harness.start(MENUS, config())
    into_more_at_sorry(h)
    new = menu_set(home=["Water", Item("Further", action=Action.MENU, menu="more")], more=["Thanks", "Sorry"])
    h.send(changed(new, config()))
    assert applied(h) == [ConfigApplied("reload", "/tmp/config")]
    view = h.companion.view()
    assert (view.menu, view.labels, h.highlighted()) == ("more", ("Thanks", "Sorry", "Back"), "Sorry")
    h.wait(0.5)
    assert highlights(h.press(1)) == ["Back"]


def test_an_item_is_found_by_id_then_label_else_its_position_is_clamped() -> None:
    items = (Item("A", id="a"), Item("B"), Item("C"))
    assert same_item(Item("renamed", id="a"), 2, items) == 0
    assert same_item(Item("C"), 0, items) == 2
    assert same_item(Item("gone"), 7, items) == 2
    assert same_item(None, 1, items) == 1


def test_a_gone_menu_goes_home_and_a_gone_middle_menu_leaves_the_path() -> None:
    old = menu_set(home=["x"], a=["y"], b=["z"])
    assert placed(["home", "a", "b"], 0, old, menu_set(home=["x"], b=["z"])) == (["home", "b"], 0)
    assert placed(["home", "a"], 0, old, menu_set(home=["x"], b=["z"])) is None
    h = Harness.start(MENUS, config())
    into_more_at_sorry(h)
    h.send(changed(menu_set(home=["Juice", "Water"]), config()))
    view = h.companion.view()
    assert (view.menu, h.highlighted()) == ("home", "Juice")


def test_a_change_waits_while_the_switch_is_held_and_applies_on_release() -> None:
    h = Harness.start(MENUS, config())
    h.wait(0.5)
    h.down(1)
    h.send(changed(menu_set(home=["Juice", "Tea"]), config()))
    assert applied(h) == [] and h.companion.view().labels[0] == "Water"
    h.wait(0.1)
    h.up(1)
    assert len(applied(h)) == 1 and h.companion.view().labels[0] == "Juice"


def test_a_change_waits_for_the_end_of_an_alert() -> None:
    h = Harness.start(MENUS, config())
    h.wait(0.5)
    h.down(1)
    h.wait(2.5)  # a hold for help
    h.up(1)
    assert h.companion.view().state == "alert"
    h.send(changed(menu_set(home=["Juice", "Tea"]), config()))
    h.wait(1.0)
    assert applied(h) == []
    h.send(SwitchDown(3, key="escape"))  # the caregiver ends the alert
    assert len(applied(h)) == 1 and h.companion.view().labels[0] == "Juice"


def test_new_timing_starts_with_the_next_highlight() -> None:
    h = Harness.start(MENUS, config(Mode.AUTO))
    h.wait(1.6)  # Tea highlighted at 1.5 s, its dwell ends at 2.5 s
    assert h.highlighted() == "Tea"
    h.send(changed(MENUS, config(Mode.AUTO, interval=3.0)))
    h.wait(1.0)
    assert h.highlighted() == "More"  # at 2.5 s: the running dwell kept its length
    h.wait(2.8)
    assert h.highlighted() == "More"
    h.wait(0.2)
    assert h.highlighted() == "Water"  # 3 s later


def test_speed_the_user_chose_stays_unless_the_caregiver_changed_it() -> None:
    base = config(interval=1.0)
    running = base.with_scanning(interval=1.5, mode=Mode.AUTO)
    assert kept_settings(running, base, replace(base, voice_commands=True)).scanning == running.scanning
    new = config(interval=2.0)
    assert kept_settings(running, base, new).scanning.interval == 2.0
    assert kept_settings(running, base, new).scanning.mode is Mode.AUTO


def test_a_rejected_config_is_said_and_shown_and_the_menus_stay() -> None:
    h = Harness.start(MENUS, config())
    said = h.send(ConfigRejected((("/c/menus.yaml:3", "unknown key 'lable'"),)))
    text = "The caregiver's changes have a problem; using the last working menus."
    assert [e.text for e in of_type(said, Speak)] == [text]
    assert h.companion.view().notice == text and h.companion.view().labels[0] == "Water"
