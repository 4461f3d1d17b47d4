"""`check` on broken configs: every problem reported with its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from accessible_companion.cli import main
from accessible_companion.config import ConfigError, load_config

HOME_OK = """\
menus:
  - id: home
    items:
      - label: Water
"""
GRID_HOME = """\
menus:
  - id: home
    columns: 2
    row_cues: [Drinks, Food]
    items: [{label: Water}, {label: Tea}, {label: Bread}]
"""

# name -> (files, expected "file:line: message part" for every problem, in order)
BROKEN: dict[str, tuple[dict[str, str], list[str]]] = {
    "yaml syntax": (
        {"menus.yaml": "menus:\n  - id: home\n    items: [\n      - label: x\n"},
        ["menus.yaml:3: this '[' is never closed"],
    ),
    "unknown key with a hint": (
        {"menus.yaml": HOME_OK + "        lable: Drink\n"},
        ["menus.yaml:5: unknown key 'lable' (did you mean 'label'?)"],
    ),
    "unknown action": (
        {"menus.yaml": HOME_OK + "      - label: Fly\n        action: fly\n"},
        ["menus.yaml:6: unknown action 'fly'"],
    ),
    "missing label": (
        {"menus.yaml": HOME_OK + "      - say: Hello\n"},
        ["menus.yaml:5: missing 'label'"],
    ),
    "menu referenced but not defined": (
        {"menus.yaml": HOME_OK + "      - label: More\n        menu: mroe_phrases\n"},
        ["menus.yaml:6: menu 'mroe_phrases' is not defined"],
    ),
    "duplicate menu ids across files": (
        {
            "a.yaml": HOME_OK + "      - label: Other\n        menu: other\n",
            "b.yaml": (
                "menus:\n  - id: other\n    items: [{label: One}]\n  - id: other\n    items: [{label: Two}]\n"
            ),
        },
        ["b.yaml:4: menu id 'other' is used twice (first at"],
    ),
    "duplicate item ids": (
        {"menus.yaml": HOME_OK + "        id: w\n      - label: Tea\n        id: w\n"},
        ["menus.yaml:7: item id 'w' is used twice"],
    ),
    "unreachable menu": (
        {"menus.yaml": HOME_OK + "  - id: lost\n    items:\n      - label: Alone\n"},
        ["menus.yaml:5: menu 'lost' cannot be reached from home"],
    ),
    "timing outside its range": (
        {
            "menus.yaml": HOME_OK,
            "settings.yaml": "settings:\n  scanning:\n    interval: 20\n    loops: 0\n",
        },
        [
            "settings.yaml:3: scanning.interval: 20 is outside its range 0.25 to 10 s",
            "settings.yaml:4: scanning.loops: 0 is outside its range 1 to 20 passes",
        ],
    ),
    "same voice words in one menu": (
        {"menus.yaml": HOME_OK + "      - label: Drink\n        voice: [drink, WATER!]\n"},
        ["menus.yaml:5: items 'Water' and 'Drink' in menu 'home' have the same voice words 'WATER!'"],
    ),
    "no home menu": (
        {"menus.yaml": "menus:\n  - id: start\n    items: [{label: A}]\n"},
        ["menus.yaml:2: no menu with id 'home'"],
    ),
    "empty menu": (
        {"menus.yaml": "menus:\n  - id: home\n    items: []\n"},
        ["menus.yaml:3: menu 'home' has no items"],
    ),
    "key of another action": (
        {"menus.yaml": HOME_OK + "        minutes: 5\n"},
        ["menus.yaml:5: 'minutes' goes with 'action: rest', not 'speak'"],
    ),
    "not a number": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  scanning:\n    interval: slow\n"},
        ["settings.yaml:3: scanning.interval: expected a number of seconds, got text 'slow'"],
    ),
    "unknown mode": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  scanning:\n    mode: fast\n"},
        ["settings.yaml:3: scanning.mode: 'fast' is not one of"],
    ),
    "unknown switch key": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  switches:\n    switch1: [spacebar]\n"},
        ["settings.yaml:3: switches.switch1: unknown key name 'spacebar'"],
    ),
    "acceptance not shorter than long press": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  scanning:\n    acceptance: 0.8\n"},
        ["settings.yaml:3: scanning.acceptance (0.8 s) must be shorter than scanning.long_press (0.6 s)"],
    ),
    "debounce too long for the interval": (
        {
            "menus.yaml": HOME_OK,
            "settings.yaml": "settings:\n  scanning:\n    interval: 1\n    debounce: 0.8\n",
        },
        ["settings.yaml:4: scanning.debounce (0.8 s) must be at most half of scanning.interval (1 s)"],
    ),
    "pitch outside its range": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  speech:\n    cue: {pitch: 120}\n"},
        ["settings.yaml:3: speech.cue.pitch: 120 is not 0 to 100"],
    ),
    "earcon volume outside its range": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  speech:\n    earcons:\n      select: 2\n"},
        ["settings.yaml:4: speech.earcons.select: 2 is not 0 to 1"],
    ),
    "the same words for two voice commands": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  commands:\n    sleep: [stop]\n"},
        ["settings.yaml:3: commands: 'stop' is both stop and sleep"],
    ),
    "an item with the caregiver's back words, in a menu that gets a Back item": (
        {
            "menus.yaml": HOME_OK + "      - label: More\n        menu: more\n"
            "  - id: more\n    items:\n      - label: Behind\n        voice: zurück\n",
            "settings.yaml": "settings:\n  commands:\n    back: [zurück]\n  messages:\n    back: Zurück\n",
        },
        ["menus.yaml:8: items 'Behind' and 'Zurück' in menu 'more' have the same voice words 'zurück'"],
    ),
    "bad message placeholder": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  messages:\n    slower: Slower {secs}\n"},
        ["settings.yaml:3: messages.slower: bad placeholder 'secs'"],
    ),
    "settings twice": (
        {"a.yaml": HOME_OK + "settings: {}\n", "b.yaml": "settings:\n  voice_commands: true\n"},
        ["b.yaml:1: settings are given again (first at"],
    ),
    "grid columns outside their range": (
        {"menus.yaml": "menus:\n  - id: home\n    columns: 9\n    items: [{label: A}]\n"},
        ["menus.yaml:3: menus[0].columns: must be at most 8"],
    ),
    "row cues not one per row": (
        {"menus.yaml": GRID_HOME.replace("[Drinks, Food]", "[Drinks]")},
        ["menus.yaml:4: menus[0].row_cues: 1 given, but menu 'home' has 2 rows (3 items, 2 to a row)"],
    ),
    "row cues counted with the Back item": (
        {
            "menus.yaml": HOME_OK + "      - label: More\n        menu: more\n"
            "  - id: more\n    columns: 2\n    row_cues: [a]\n    items: [{label: X}, {label: Y}]\n",
        },
        ["menus.yaml:9: menus[1].row_cues: 1 given, but menu 'more' has 2 rows (3 items, Back included"],
    ),
    "row cues on a list": (
        {"menus.yaml": GRID_HOME.replace("columns: 2", "columns: 3")},
        ["menus.yaml:4: menus[0].row_cues: menu 'home' is a list (3 items, columns 3): it has no rows"],
    ),
    "a blank row cue": (
        {"menus.yaml": GRID_HOME.replace("[Drinks, Food]", '[Drinks, " "]')},
        ["menus.yaml:4: menus[0].row_cues[1] is blank"],
    ),
    "row loops outside their range": (
        {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n  scanning:\n    row_loops: 0\n"},
        ["settings.yaml:3: scanning.row_loops: 0 is outside its range 1 to 10 passes"],
    ),
    "key given twice": (
        {"menus.yaml": HOME_OK + "        label: Tea\n"},
        ["menus.yaml:5: 'label' is given twice"],
    ),
}


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_config_is_reported_with_file_and_line(case: str, tmp_path: Path) -> None:
    files, expected = BROKEN[case]
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, files))
    reported = [str(p).removeprefix(f"{tmp_path}/") for p in caught.value.problems]
    assert len(reported) == len(expected), reported
    for line, want in zip(reported, expected, strict=True):
        assert line.startswith(want), (line, want)


def test_check_command_exits_2_and_lists_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, _ = BROKEN["timing outside its range"]
    assert main(["check", str(write(tmp_path, files))]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}/settings.yaml:3: scanning.interval" in err
    assert f"{tmp_path}/settings.yaml:4: scanning.loops" in err
    assert "2 problems found." in err


def test_check_accepts_the_built_in_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out.strip()
    config = load_config()
    assert out == config.summary()
    assert out.startswith(f"OK: {len(config.menus.menus)} menus")


def test_settings_only_config_keeps_the_built_in_menus(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, {"settings.yaml": "settings:\n  scanning:\n    interval: 2.5\n"}))
    assert config.settings.scanning.interval == 2.5
    assert config.menus.menus.keys() == load_config().menus.menus.keys()


def test_menus_only_config_keeps_the_built_in_settings(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, {"menus.yaml": HOME_OK}))
    assert config.settings == load_config().settings
    assert list(config.menus.menus) == ["home"]


def test_a_single_file_config(tmp_path: Path) -> None:
    path = write(tmp_path, {"all.yaml": HOME_OK + "settings:\n  scanning:\n    mode: step\n"}) / "all.yaml"
    config = load_config(path)
    assert config.settings.scanning.mode == "step"


def test_every_default_strategy_keeps_its_source() -> None:
    config = load_config()
    tips = [
        item
        for menu_id, menu in config.menus.menus.items()
        if menu_id.startswith("tips_")
        for item in menu.items
    ]
    strategies = [item for item in tips if item.action == "speak"]
    assert strategies and all(item.source for item in strategies)


def test_the_built_in_settings_file_spells_out_the_code_defaults() -> None:
    # config/settings.yaml is what caregivers copy and read: it must not drift from the code.
    from accessible_companion.core.settings import Settings

    assert load_config().settings == Settings()


def test_the_english_back_word_is_free_when_the_caregiver_chose_another(tmp_path: Path) -> None:
    # The Back items say and hear the caregiver's words, so an item may use "back".
    more = "  - id: more\n    items:\n      - label: back\n"
    menus = HOME_OK + "      - label: More\n        menu: more\n" + more
    settings = "settings:\n  commands:\n    back: [zurück]\n"
    config = load_config(write(tmp_path, {"menus.yaml": menus, "settings.yaml": settings}))
    back = config.menus["more"].items[-1]
    assert (back.label, back.voice) == ("Back", ("zurück",))


def test_a_grid_menu_and_its_row_cues_are_loaded(tmp_path: Path) -> None:
    settings = "settings:\n  scanning:\n    row_loops: 2\n  display:\n    columns: 4\n"
    config = load_config(write(tmp_path, {"menus.yaml": GRID_HOME, "settings.yaml": settings}))
    home = config.menus["home"]
    assert (home.columns, home.row_cues) == (2, ("Drinks", "Food"))
    assert (config.settings.scanning.row_loops, config.settings.display.columns) == (2, 4)
