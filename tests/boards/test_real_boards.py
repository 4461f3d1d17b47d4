"""Real public boards (tests/data/obf, from the Open Board Format's own samples) through the real
command line: `boards import` writes a folder that `check` accepts, with the boards' labels, grid
columns and links, and says what did not come along and where."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from accessible_companion.cli import main
from accessible_companion.config.loader import load_config
from accessible_companion.core.menus import Action, MenuSet

from .helpers import DATA, REAL


def imported(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    folder = tmp_path / name.split(".", maxsplit=1)[0]
    assert main(["boards", "import", str(DATA / name), "--into", str(folder)]) == 0
    told = capsys.readouterr().err
    assert main(["check", str(folder)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("OK: ")
    return folder, told


def labels(menus: MenuSet, menu_id: str) -> list[str]:
    return [item.label for item in menus[menu_id].items]


@pytest.mark.parametrize("name", REAL)
def test_every_real_board_imports_to_a_config_that_check_accepts(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = imported(name, tmp_path, capsys)
    assert (folder / "home.yaml").is_file()
    assert (folder / "import-notes.txt").read_text(encoding="utf-8").startswith(f"Imported from {name}.")


def test_links_keeps_labels_columns_and_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, told = imported("links.obz", tmp_path, capsys)
    menus = load_config(folder).menus
    assert set(menus.menus) == {"home", "simple2", "simple3"}
    assert menus["home"].title == "Simple Board"
    # grid.order [[1, null], [null, 2]]: row by row, empty cells skipped.
    assert labels(menus, "home") == ["feelings", "colors"]
    assert [(i.action, i.menu) for i in menus["home"].items] == [
        (Action.MENU, "simple2"),
        (Action.MENU, "simple3"),
    ]
    assert labels(menus, "simple2") == ["happy", "sad", "Back"]
    assert labels(menus, "simple3") == ["green", "blue", "Back"]
    assert {menu.columns for menu in menus.menus.values()} == {2}
    assert "boards/simple.obf: the root board 'simple' becomes the home menu" in told


def test_lots_of_stuff_says_what_it_could_not_carry_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, told = imported("lots_of_stuff.obz", tmp_path, capsys)
    menus = load_config(folder).menus
    assert set(menus.menus) == {"home", "url_images", "inline_images"}
    # Grid [["b1","b3","b6"],["b4","b2","b5"]]; b5 is hidden.
    assert labels(menus, "home") == ["feelings", "+less", "living things", "Clear Text", "kitty"]
    assert menus["home"].columns == 3
    feelings, spelling, living, clear, kitty = menus["home"].items
    assert (feelings.menu, feelings.say) == ("url_images", "I have some feelings")
    assert living.menu == "inline_images"
    assert spelling.action is clear.action is kitty.action is Action.SPEAK
    assert kitty.sound == ""  # an MP3: the companion plays WAV, FLAC and Ogg (reported below)
    kids, cat, _ = menus["inline_images"].items
    assert (kids.label, kids.say, cat.say) == ("kids", "children", "feline")
    # Their image ids are found through the manifest's paths.images.
    assert (folder / kids.image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (folder / cat.image).is_file() and cat.image != kids.image
    for expected in (
        "boards/root_board.obf: buttons[2] (id b3): action '+less' (spelling) has no counterpart; "
        "the button is imported as a phrase",
        "boards/root_board.obf: buttons[4] (id b4): action ':clear' has no counterpart",
        "boards/root_board.obf: buttons[3] (id b5): hidden on its board: not imported",
        "boards/root_board.obf: buttons[1] (id b2): load_board http://www.example.com/load_board is not in "
        "this package; the button is imported as a phrase",
        "boards/root_board.obf: buttons[0] (id b1): image 'i9' is neither in the board's images nor in the "
        "package",
        "boards/root_board.obf: buttons[0] (id b1): sound 'sss2' is not imported: it is only on the web",
        "boards/root_board.obf: buttons[1] (id b2): sound 'sss1' is not imported: it is not a recording the "
        "companion can play: not a WAV, FLAC or Ogg file (it is an MP3)",
        "boards/path_images.obf: no button leads to this board from the root board: not imported",
        "boards/linked_board.obf: no button leads to this board from the root board: not imported",
    ):
        assert expected in told, told
    notes = (folder / "import-notes.txt").read_text(encoding="utf-8")
    assert "action '+less' (spelling)" in notes


def test_single_boards_keep_inline_pictures_and_foreign_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, told = imported("simple.obf", tmp_path, capsys)
    menus = load_config(folder).menus
    kids, cat = menus["home"].items
    assert (kids.label, kids.say, kids.image) == ("kids", "children", "images/image-12345.svg")
    assert (folder / kids.image).read_text(encoding="utf-8").startswith("<svg")
    assert cat.image == ""
    assert "simple.obf: buttons[1] (id 2): image '119' is not imported: it is only on the web" in told

    folder, told = imported("foreign.obf", tmp_path, capsys)
    menus = load_config(folder).menus
    assert labels(menus, "home") == ["हेर्नुहोस्", "यो", "صرخة", "水很酷哟"]
    assert menus["home"].columns == 5
    assert menus["home"].title == "Foreign Words"


def test_the_installed_command_imports_and_checks(tmp_path: Path) -> None:
    """The same through the real process: the console entry point, its exit status and output."""
    folder = tmp_path / "set"
    command = [sys.executable, "-m", "accessible_companion", "boards", "import", str(DATA / "links.obz")]
    done = subprocess.run([*command, "--into", str(folder)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"into {folder}: 3 menus, 6 items" in done.stdout
    check = [sys.executable, "-m", "accessible_companion", "check", str(folder)]
    done = subprocess.run(check, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("OK: 3 menus"), done.stderr
