"""The config writer: edits keep the caregiver's comments and layout, and never save an invalid config."""

from __future__ import annotations

import difflib
import os
import shutil
import stat
from pathlib import Path

import pytest

from accessible_companion.config import ConfigError, load_config
from accessible_companion.config.document import ConfigDocument, EditError
from accessible_companion.core.menus import Action

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = {"builtin": ROOT / "config", "ko": ROOT / "examples" / "ko"}
ALL_FILES = [
    (name, path.relative_to(folder))
    for name, folder in CONFIGS.items()
    for path in sorted(folder.rglob("*.yaml"))
]
# A setting each settings file gives, to change in the one-line test.
SETTING_TO_CHANGE = {"builtin": ("scanning.interval", 2.25), "ko": ("listening.min_seconds", 0.2)}


def copy_config(tmp_path: Path, name: str = "builtin") -> Path:
    target = tmp_path / name
    shutil.copytree(CONFIGS[name], target)
    return target


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
        if line[:1] in "+-"
    ]


def test_the_shipped_files_are_all_covered():
    assert len(ALL_FILES) >= 12
    assert {name for name, _ in ALL_FILES} == set(CONFIGS)


@pytest.mark.parametrize(("name", "relative"), ALL_FILES, ids=[f"{n}/{r}" for n, r in ALL_FILES])
def test_unchanged_files_render_byte_identical(tmp_path, name, relative):
    folder = copy_config(tmp_path, name)
    doc = ConfigDocument.read(folder)
    assert doc.texts()[folder / relative].encode("utf-8") == (folder / relative).read_bytes()
    assert doc.changed_files() == []
    assert doc.save() == []


@pytest.mark.parametrize(("name", "relative"), ALL_FILES, ids=[f"{n}/{r}" for n, r in ALL_FILES])
def test_one_change_touches_one_line(tmp_path, name, relative):
    folder = copy_config(tmp_path, name)
    file = folder / relative
    before = file.read_text(encoding="utf-8")
    doc = ConfigDocument.read(folder)
    if relative.name == "settings.yaml":
        dotted, value = SETTING_TO_CHANGE[name]
        doc.set_setting(dotted, value)
    else:
        menu_id = next(m for m in doc.menu_ids() if doc.menu_file(m) == file)
        doc.set_item_field(menu_id, 0, "label", doc.item(menu_id, 0)["label"] + " now")
    assert doc.save() == [file]
    diff = changed_lines(before, file.read_text(encoding="utf-8"))
    assert len(diff) == 2 and diff[0].startswith("-") and diff[1].startswith("+"), diff
    load_config(folder)


# Each edit: the result loads with the real loader and has the change.


def test_set_a_setting_keeps_the_comments_around_it(tmp_path):
    folder = copy_config(tmp_path)
    doc = ConfigDocument.read(folder)
    assert doc.setting("scanning.interval") == 1.5
    doc.set_setting("scanning.interval", 2)
    doc.set_setting("speech.cue.volume", 0.5)
    doc.set_setting("switches.switch1", ["space", "f9"])
    doc.save()
    config = load_config(folder)
    assert config.settings.scanning.interval == 2
    assert config.settings.speech.cue.volume == 0.5
    assert config.settings.switches.switch1 == ("space", "f9")
    text = (folder / "settings.yaml").read_text(encoding="utf-8")
    assert "    interval: 2\n" in text
    assert "    switch1: [space, f9]    # main switch" in text  # the comment keeps its column
    assert "# How long each item stays highlighted" in text


def test_set_a_setting_adds_the_section_it_needs(tmp_path):
    folder = copy_config(tmp_path, "ko")
    doc = ConfigDocument.read(folder)
    assert doc.setting("scanning.interval") is None  # left at its default
    doc.set_setting("scanning.interval", 2.5)
    doc.save()
    assert load_config(folder).settings.scanning.interval == 2.5


def test_an_unknown_setting_is_refused_at_once(tmp_path):
    doc = ConfigDocument.read(copy_config(tmp_path))
    with pytest.raises(EditError, match="scanning has no setting 'intervall'"):
        doc.set_setting("scanning.intervall", 2)


def test_item_text_fields(tmp_path):
    folder = copy_config(tmp_path)
    doc = ConfigDocument.read(folder)
    water = doc.items("phrases").index(next(i for i in doc.items("phrases") if i["label"] == "Water"))
    doc.set_item_field("phrases", water, "say", "Water, please.")
    doc.set_item_field("phrases", water, "cue", "Drink")
    doc.set_item_field("phrases", water, "voice", ["water", "drink", "thirsty"])
    doc.set_item_field("phrases", water, "source", "the family")
    assert doc.item("phrases", water) == {
        "label": "Water",
        "say": "Water, please.",
        "cue": "Drink",
        "voice": ["water", "drink", "thirsty"],
        "source": "the family",
    }
    doc.save()
    item = load_config(folder).menus.menus["phrases"].items[water]
    assert (item.say, item.cue, item.voice, item.source) == (
        "Water, please.",
        "Drink",
        ("water", "drink", "thirsty"),
        "the family",
    )
    doc.set_item_field("phrases", water, "cue", "")
    doc.save()
    assert load_config(folder).menus.menus["phrases"].items[water].cue == ""
    with pytest.raises(EditError):
        doc.set_item_field("phrases", water, "label", "")
    with pytest.raises(EditError):
        doc.set_item_field("phrases", water, "action", "rest")


def test_a_label_yaml_would_misread_is_quoted(tmp_path):
    folder = copy_config(tmp_path)
    doc = ConfigDocument.read(folder)
    doc.set_item_field("phrases", 2, "label", "Off")  # YAML 1.1 reads a bare Off as false
    doc.set_item_field("phrases", 0, "label", "Yes please")  # was "Yes": keeps its quotes
    doc.save()
    text = (folder / "menus" / "phrases.yaml").read_text(encoding="utf-8")
    assert '- label: "Off"' in text and '- label: "Yes please"' in text
    assert load_config(folder).menus.menus["phrases"].items[2].label == "Off"


def test_set_action_with_its_argument(tmp_path):
    folder = copy_config(tmp_path)
    doc = ConfigDocument.read(folder)
    doc.set_action("phrases", 3, Action.REST, 10)
    pain = {"label": "Pain", "action": "rest", "minutes": 10, "say": "I am in pain."}
    assert doc.item("phrases", 3) == pain
    doc.set_action("phrases", 4, "check-in", "thirsty")
    doc.set_action("home", 0, Action.SPEAK)  # was `menu: phrases`; phrases is then reached no more ...
    doc.set_action("home", 1, Action.MENU, "phrases")  # ... until Call for help opens it
    assert "action" not in doc.item("home", 1) and doc.item("home", 1)["menu"] == "phrases"
    doc.save()
    menus = load_config(folder).menus.menus
    assert (menus["phrases"].items[3].action, menus["phrases"].items[3].minutes) == (Action.REST, 10)
    water = menus["phrases"].items[4]
    assert (water.action, water.answer) == (Action.CHECK_IN, "thirsty")
    assert menus["home"].items[0].action is Action.SPEAK
    assert menus["home"].items[1].menu == "phrases"
    with pytest.raises(EditError, match="unknown action 'fly'"):
        doc.set_action("home", 0, "fly")
    with pytest.raises(EditError, match="takes no argument"):
        doc.set_action("home", 0, Action.HELP, "now")


def test_add_remove_and_move_items(tmp_path):
    folder = copy_config(tmp_path)
    doc = ConfigDocument.read(folder)
    labels = [item["label"] for item in doc.items("phrases")]
    assert doc.add_item("phrases", {"label": "Tea", "say": "Some tea, please.", "voice": ["tea"]}, 2) == 2
    assert doc.add_item("phrases", {"label": "Glasses"}) == len(labels) + 1
    assert doc.remove_item("phrases", 0)["label"] == "Yes"
    doc.move_item("phrases", 0, to_index=3)  # "No" goes down
    doc.move_item("more_phrases", 0, "phrases", 0)  # "Please wait" moves over
    doc.save()
    menus = load_config(folder).menus.menus
    got = [item.label for item in menus["phrases"].items if item.action is not Action.BACK]
    assert got == ["Please wait", "Tea", "Short of breath", "Pain", "No", *labels[4:], "Glasses"]
    assert "Please wait" not in [item.label for item in menus["more_phrases"].items]
    text = (folder / "menus" / "phrases.yaml").read_text(encoding="utf-8")
    assert "        voice: [tea]\n" in text
    assert "      - label: Glasses\n\n  - id: more_phrases\n" in text  # the blank line between menus stays
    with pytest.raises(EditError, match="position 99"):
        doc.move_item("phrases", 99)


def test_comments_survive_a_reorder(tmp_path):
    folder = copy_config(tmp_path, "ko")
    file = folder / "menus" / "settings_menu.yaml"
    before = file.read_text(encoding="utf-8")
    doc = ConfigDocument.read(folder)
    doc.move_item("settings", 0, to_index=3)
    doc.move_item("scan_modes", 3, to_index=0)
    doc.save()
    after = file.read_text(encoding="utf-8")
    comments = sorted(line.partition("#")[2] for line in before.splitlines() if "#" in line)
    assert sorted(line.partition("#")[2] for line in after.splitlines() if "#" in line) == comments
    assert after.splitlines()[:4] == before.splitlines()[:4]  # the header
    moved = after.index('      - label: 느리게                   # "Slower"\n        action: slower\n')
    assert after.index("스캔 방식                # ") < moved  # Slower now comes after Scanning mode
    assert 'label: 스위치 두 개             # "Two switches"' in after
    assert [i.label for i in load_config(folder).menus.menus["settings"].items][3] == "느리게"


def test_add_rename_and_delete_menus(tmp_path):
    folder = copy_config(tmp_path)
    doc = ConfigDocument.read(folder)
    file = doc.add_menu("family", "Family", [{"label": "Call Anna", "say": "Please call Anna."}])
    assert file == folder / "menus" / "family.yaml"
    doc.add_item("home", {"label": "Family", "menu": "family"})
    assert doc.rename_menu("more_phrases", "other_phrases") == 1
    doc.save()
    config = load_config(folder)
    assert config.menus.menus["family"].title == "Family"
    assert "other_phrases" in config.menus.menus and "more_phrases" not in config.menus.menus
    assert config.menus.menus["phrases"].items[8].menu == "other_phrases"

    with pytest.raises(EditError, match="opened by 'Family' in 'home'"):
        doc.delete_menu("family")
    doc.remove_item("home", len(doc.items("home")) - 1)
    doc.delete_menu("family")
    doc.save()
    assert "family" not in load_config(folder).menus.menus
    with pytest.raises(EditError, match="keeps its name"):
        doc.rename_menu("home", "start")
    with pytest.raises(EditError, match="already a menu"):
        doc.rename_menu("rest", "phrases")
    with pytest.raises(EditError, match="cannot be deleted"):
        doc.delete_menu("home")


# Saving: only valid configs, only changed files, atomically, with the file's permissions.


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda doc: doc.set_setting("scanning.interval", 99), "settings.yaml:23: scanning.interval: 99"),
        (
            lambda doc: doc.set_action("home", 0, Action.MENU, "nowhere"),
            "home.yaml:10: menu 'nowhere' is not defined",
        ),
        (lambda doc: doc.add_menu("lonely", items=[{"label": "Hi"}]), "lonely.yaml:2: menu 'lonely' cannot"),
    ],
    ids=["interval out of range", "item opens a missing menu", "unreachable new menu"],
)
def test_save_refuses_an_invalid_config_and_writes_nothing(tmp_path, edit, message):
    folder = copy_config(tmp_path)
    before = snapshot(folder)
    doc = ConfigDocument.read(folder)
    edit(doc)
    with pytest.raises(ConfigError) as error:
        doc.save()
    assert any(str(problem).startswith(f"{folder}/") for problem in error.value.problems)
    assert message in str(error.value)
    assert snapshot(folder) == before


def test_save_replaces_only_changed_files_and_keeps_their_permissions(tmp_path):
    folder = copy_config(tmp_path)
    phrases = folder / "menus" / "phrases.yaml"
    os.chmod(phrases, 0o640)
    inodes = {path: path.stat().st_ino for path in folder.rglob("*.yaml")}
    doc = ConfigDocument.read(folder)
    doc.set_item_field("phrases", 3, "say", "It hurts.")
    assert doc.save() == [phrases]
    assert stat.S_IMODE(phrases.stat().st_mode) == 0o640
    assert phrases.stat().st_ino != inodes[phrases]  # replaced, not written in place
    assert all(path.stat().st_ino == inode for path, inode in inodes.items() if path != phrases)
    shipped = sorted(p.name for p in (CONFIGS["builtin"] / "menus").iterdir())
    assert sorted(p.name for p in phrases.parent.iterdir()) == shipped  # no temp file left behind


def test_a_single_file_config(tmp_path):
    file = tmp_path / "companion.yaml"
    file.write_text(
        "# mine\nmenus:\n  - id: home\n    items:\n      - label: Water   # the most asked\n",
        encoding="utf-8",
    )
    doc = ConfigDocument.read(file)
    doc.add_item("home", {"label": "Tea"})
    doc.set_setting("scanning.interval", 2.0)
    assert doc.save() == [file]
    assert file.read_text(encoding="utf-8") == (
        "# mine\nsettings:\n  scanning:\n    interval: 2.0\nmenus:\n  - id: home\n    items:\n"
        "      - label: Water   # the most asked\n      - label: Tea\n"
    )
    assert load_config(file).settings.scanning.interval == 2.0


def test_comment_lines_above_an_item_move_with_it(tmp_path):
    file = tmp_path / "companion.yaml"
    file.write_text(
        "menus:\n  - id: home\n    items:\n      - label: One\n      # about two\n      - label: Two\n"
        "        cue: zwei\n\n      # about three\n      - label: Three\n",
        encoding="utf-8",
    )
    doc = ConfigDocument.read(file)
    doc.move_item("home", 1, to_index=2)
    doc.save()
    assert file.read_text(encoding="utf-8") == (
        "menus:\n  - id: home\n    items:\n      - label: One\n\n      # about three\n      - label: Three\n"
        "      # about two\n      - label: Two\n        cue: zwei\n"
    )
    doc.remove_item("home", 2)  # the comment above it goes with it
    doc.set_item_field("home", 1, "cue", "")
    doc.save()
    assert "about two" not in file.read_text(encoding="utf-8")
