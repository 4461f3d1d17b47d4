"""How buttons become items and boards become menus, rule by rule, with what is told."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path
from typing import Any

from accessible_companion.boards.api import ImportReport, import_boards
from accessible_companion.config.loader import load_config
from accessible_companion.core.menus import Action, MenuSet

from .helpers import board, obf, obz

PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\npixels").decode()


def run(
    tmp_path: Path,
    boards: dict[str, dict[str, Any]],
    files: dict[str, bytes] | None = None,
    images: dict[str, str] | None = None,
) -> tuple[ImportReport, MenuSet, list[str]]:
    report = import_boards(obz(tmp_path / "set.obz", boards, files=files, images=images), tmp_path / "out")
    return report, load_config(tmp_path / "out").menus, [str(p) for p in report.problems]


def test_actions_map_to_ours_or_are_told(tmp_path: Path) -> None:
    root = board(
        "root",
        {"id": "h", "label": "Home", "action": ":home"},
        {"id": "c", "label": "Clear and home", "action": ":clear", "actions": [":clear", ":home"]},
        {"id": "b", "label": "Delete", "action": ":backspace"},
        {"id": "s", "label": "Space", "action": ":space"},
        {"id": "x", "label": "Flip", "action": ":ext_speakify_flip"},
        {"id": "w", "label": "Odd", "action": "jump"},
        {"id": "l", "label": "A", "action": "+a"},
    )
    _, menus, told = run(tmp_path, {"boards/root.obf": root})
    actions = [item.action for item in menus["home"].items]
    assert actions == [Action.HOME, Action.HOME, *[Action.SPEAK] * 5]
    here = "boards/root.obf: buttons"
    assert (
        f"{here}[1] (id c): action ':clear' has no counterpart (the companion has no sentence to build); "
        "the button goes home" in told
    )
    assert (
        f"{here}[2] (id b): action ':backspace' has no counterpart (the companion has no sentence to "
        "build); the button is imported as a phrase" in told
    )
    assert (
        f"{here}[4] (id x): action ':ext_speakify_flip' belongs to another tool; the button is imported "
        "as a phrase" in told
    )
    assert (
        f"{here}[5] (id w): action 'jump' is not an Open Board Format action; the button is imported "
        "as a phrase" in told
    )
    assert (
        f"{here}[6] (id l): action '+a' (spelling) has no counterpart; the button is imported as a phrase"
        in told
    )


def test_ids_that_clash_with_ours_are_made_valid_and_told(tmp_path: Path) -> None:
    root = board(
        "~start",
        {"id": 1, "label": "Own", "load_board": {"path": "boards/own.obf"}},
        {"id": 2, "label": "Other home", "load_board": {"id": "home"}},
        {"id": 3, "label": "Twin", "load_board": {"path": "boards/twin.obf"}},
    )
    boards = {
        "boards/start.obf": root,
        "boards/own.obf": board("~mine", {"id": 1, "label": "a"}),
        "boards/home.obf": board("home", {"id": 1, "label": "b"}),
        "boards/twin.obf": board("~mine", {"id": 1, "label": "c"}),
    }
    _, menus, told = run(tmp_path, boards)
    assert [item.menu for item in menus["home"].items] == ["mine", "home_2", "mine_2"]
    assert (
        "boards/start.obf: the root board '~start' becomes the home menu (id 'home': the companion "
        "starts there)" in told
    )
    assert (
        "boards/own.obf: the board id '~mine' becomes menu id 'mine' (ids starting with ~ are the "
        "companion's own)" in told
    )
    assert (
        "boards/home.obf: the board id 'home' becomes menu id 'home_2' ('home' is the root board's)" in told
    )
    assert (
        "boards/twin.obf: the board id '~mine' becomes menu id 'mine_2' (ids starting with ~ are the "
        "companion's own; another board has it)" in told
    )


def test_voice_words_are_made_distinct(tmp_path: Path) -> None:
    sub = board("sub", {"id": 1, "label": "back"}, {"id": 2, "label": "Tea"}, {"id": 3, "label": "tea!"})
    root = board(
        "root",
        {"id": 1, "label": "Drinks", "load_board": {"path": "boards/sub.obf"}},
        {"id": 2, "label": "back"},
    )
    _, menus, told = run(tmp_path, {"boards/root.obf": root, "boards/sub.obf": sub})
    back, tea, tea_too, _ = menus["sub"].items
    assert back.voice == ("back 2",)  # "back" is the Back item's (the companion adds it to every submenu)
    assert (tea.voice, tea_too.voice) == ((), ("tea! 2",))
    assert menus["home"].items[1].voice == ()  # home has no Back item
    assert (
        "boards/sub.obf: buttons[0] (id 1): 'back' would also choose 'Back' by voice: this item is chosen "
        "by voice with 'back 2'" in told
    )


def test_grid_order_row_by_row_and_columns(tmp_path: Path) -> None:
    buttons = [{"id": n, "label": f"b{n}"} for n in range(1, 13)]
    root = board("root", *buttons)
    root["grid"] = {"rows": 2, "columns": 12, "order": [[12, None, 3, 99, 4], [None, 1, 3]]}
    _, menus, told = run(tmp_path, {"boards/root.obf": root})
    assert [i.label for i in menus["home"].items] == ["b12", "b3", "b4", "b1"]
    assert menus["home"].columns == 8
    assert (
        "boards/root.obf: grid: 12 columns: the companion shows at most 8 cells a row, so its rows "
        "hold 8" in told
    )
    assert "boards/root.obf: grid.order[0][3]: no button has the id '99': the cell is left empty" in told
    assert (
        "boards/root.obf: grid.order[1][2]: the button '3' is placed twice: its first place is kept" in told
    )
    assert (
        "boards/root.obf: buttons[1] (id 2): not placed in the board's grid (not shown there): not "
        "imported" in told
    )


def test_a_board_without_grid_keeps_the_listed_order(tmp_path: Path) -> None:
    data = {"format": "open-board-0.1", "id": "x", "buttons": [{"label": "one"}, {"label": "two"}]}
    report = import_boards(obf(tmp_path / "x.obf", data), tmp_path / "out")
    assert [i.label for i in load_config(tmp_path / "out").menus["home"].items] == ["one", "two"]
    assert "x.obf: no grid: the buttons are taken in the order they are listed" in [
        str(p) for p in report.problems
    ]


def test_labels_and_vocalizations(tmp_path: Path) -> None:
    long = "word " * 60
    root = board(
        "root",
        {"id": 1, "vocalization": "Only spoken"},
        {"id": 2, "label": long},
        {"id": 3, "label": "  ", "vocalization": None},
        {"id": 4, "label": 42},
        {"id": 5, "label": "tab\tand\nline"},
        {"id": 6, "label": "No"},
    )
    _, menus, told = run(tmp_path, {"boards/root.obf": root})
    spoken, shortened, number, cleaned, no = menus["home"].items
    assert (spoken.label, spoken.say) == ("Only spoken", "")
    assert len(shortened.label) == 200 and shortened.say == long.strip()
    assert (number.label, cleaned.label, no.label) == ("42", "tab and line", "No")
    assert "boards/root.obf: buttons[0] (id 1): no label: its vocalization is shown as the label" in told
    assert "boards/root.obf: buttons[2] (id 3): no label and no vocalization: not imported" in told


def test_empty_and_unreachable_boards(tmp_path: Path) -> None:
    root = board(
        "root",
        {"id": 1, "label": "Empty", "load_board": {"path": "boards/empty.obf"}},
        {"id": 2, "label": "Secret", "load_board": {"path": "boards/secret.obf"}, "hidden": True},
        {"id": 3, "label": "Myself", "load_board": {"path": "boards/root.obf"}},
    )
    boards = {
        "boards/root.obf": root,
        "boards/empty.obf": board("empty", {"id": 1, "label": "", "hidden": True}),
        "boards/secret.obf": board("secret", {"id": 1, "label": "s"}),
    }
    _, menus, told = run(tmp_path, boards)
    assert set(menus.menus) == {"home"}
    empty, myself = menus["home"].items
    assert (empty.action, myself.action, myself.menu) == (Action.SPEAK, Action.MENU, "home")
    assert "boards/empty.obf: no button of this board could be imported: it is left out" in told
    assert (
        "boards/root.obf: buttons[0] (id 1): it opened board 'empty', which is left out: it is now a phrase"
        in told
    )
    assert "boards/secret.obf: only buttons that are not imported open this board: it is left out" in told


def test_our_fields_are_checked(tmp_path: Path) -> None:
    root = board(
        "root",
        {"id": 1, "label": "Fly", "ext_accessiblecompanion_action": "fly"},
        {
            "id": 2,
            "label": "Rest",
            "ext_accessiblecompanion_action": "rest",
            "ext_accessiblecompanion_minutes": -3,
        },
        {
            "id": 3,
            "label": "Mode",
            "ext_accessiblecompanion_action": "mode",
            "ext_accessiblecompanion_mode": "fast",
        },
        {"id": 4, "label": "W", "ext_accessiblecompanion_voice": 3, "ext_accessiblecompanion_colour": "red"},
        {"id": 5, "label": "Ans", "ext_accessiblecompanion_answer": "low"},
        {"id": 6, "label": "Sub", "ext_accessiblecompanion_action": "menu"},
        {"id": 7, "label": "Id", "ext_accessiblecompanion_id": "same"},
        {"id": 8, "label": "Id2", "ext_accessiblecompanion_id": "same"},
        ext_accessiblecompanion_row_cues=["only one"],
        ext_accessiblecompanion_shade=1,
    )
    _, menus, told = run(tmp_path, {"boards/root.obf": root})
    items = menus["home"].items
    assert [i.action for i in items] == [Action.SPEAK, Action.REST, Action.MODE, *[Action.SPEAK] * 5]
    assert (items[1].minutes, items[2].mode, items[4].answer, items[6].id, items[7].id) == (
        None,
        None,
        "",
        "same",
        "",
    )
    here = "boards/root.obf: buttons"
    for expected in (
        f"{here}[0] (id 1): ext_accessiblecompanion_action 'fly' is not one of the companion's actions; "
        "ignored",
        f"{here}[1] (id 2): ext_accessiblecompanion_minutes -3 is not a valid minutes; ignored",
        f"{here}[2] (id 3): ext_accessiblecompanion_mode 'fast' is not a valid mode; ignored",
        f"{here}[3] (id 4): ext_accessiblecompanion_voice 3 is not a list of words; ignored",
        f"{here}[3] (id 4): ext_accessiblecompanion_colour is not a field the companion knows; left out",
        f"{here}[4] (id 5): ext_accessiblecompanion_answer does not go with the action 'speak'; ignored",
        "boards/root.obf: ext_accessiblecompanion_shade is not a field the companion knows; left out",
        "boards/root.obf: 1 row cues, but the menu has no rows (it is a list): they are left out",
    ):
        assert expected in told, told
    assert any(t.startswith(f"{here}[7] (id 8): the item id 'same' is already used") for t in told)


def test_pictures_and_sounds(tmp_path: Path) -> None:
    root = board(
        "root",
        {"id": 1, "label": "inline", "image_id": "a", "sound_id": "s"},
        {"id": 2, "label": "same bytes", "image_id": "b"},
        {"id": 3, "label": "broken", "image_id": "c"},
        {"id": 4, "label": "not a picture", "image_id": "d"},
        {"id": 5, "label": "symbol", "image_id": "e"},
        {"id": 6, "label": "listed", "image_id": "m"},
        {"id": 7, "label": "cut short", "sound_id": "t"},
        images=[
            {"id": "a", "data": PNG, "license": {"type": "CC0"}},
            {"id": "b", "data": PNG},
            {"id": "c", "data": "data:image/png;base64,@@@@"},
            {"id": "d", "data": "data:application/x-sh;base64,ZWNobw==", "content_type": "application/x-sh"},
            {"id": "e", "symbol": {"set": "symbolstix", "filename": "x.png"}},
        ],
        sounds=[
            {"id": "s", "path": "sounds/hello.wav", "content_type": "audio/wav", "ext_x_take": 2},
            {"id": "t", "path": "sounds/cut.ogg", "content_type": "audio/ogg"},
        ],
    )
    boards = {"boards/root.obf": root}
    files = {"sounds/hello.wav": _wav(), "sounds/cut.ogg": b"OggS", "pictures/m.png": b"\x89PNG m"}
    report, menus, told = run(tmp_path, boards, files=files, images={"m": "pictures/m.png"})
    inline, same, broken, not_picture, symbol, listed, cut = menus["home"].items
    assert inline.image == same.image == "images/image-a.png"
    assert inline.sound == str(tmp_path / "out" / "sounds" / "hello.wav")  # the loader makes it absolute
    assert Path(inline.sound).read_bytes() == _wav()
    assert cut.sound == ""
    assert broken.image == not_picture.image == symbol.image == ""
    assert listed.image == "images/m.png"
    assert (report.images, report.sounds) == (2, 1)
    here = "boards/root.obf: buttons"
    assert any(
        t.startswith(f"{here}[2] (id 3): image 'c' is not imported: its data: URL cannot be read")
        for t in told
    )
    assert (
        f"{here}[3] (id 4): image 'd' is not imported: 'application/x-sh' is not a kind of image the "
        "companion keeps" in told
    )
    assert (
        f"{here}[4] (id 5): image 'e' is not imported: it is from the symbol set 'symbolstix', which the "
        "companion does not have" in told
    )
    assert any(
        t.startswith(
            f"{here}[6] (id 7): sound 't' is not imported: it is not a recording the companion can play"
        )
        for t in told
    ), told
    text = (tmp_path / "out" / "home.yaml").read_text(encoding="utf-8")
    assert "license:\n          type: CC0" in text and "ext_x_take: 2" in text


def _wav() -> bytes:
    """A tenth of a second of silence as a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 1600)
    return buffer.getvalue()


def test_a_single_board_can_link_to_itself_only(tmp_path: Path) -> None:
    data = board(
        "me",
        {"id": 1, "label": "Again", "load_board": {"id": "me"}},
        {"id": 2, "label": "Away", "load_board": {"path": "boards/other.obf", "url": "https://x.example/b"}},
    )
    report = import_boards(obf(tmp_path / "me.obf", data), tmp_path / "out")
    again, away = load_config(tmp_path / "out").menus["home"].items
    assert (again.action, again.menu, away.action) == (Action.MENU, "home", Action.SPEAK)
    assert (
        "me.obf: buttons[1] (id 2): load_board points to boards/other.obf, outside this single board file; "
        "the button is imported as a phrase" in [str(p) for p in report.problems]
    )
