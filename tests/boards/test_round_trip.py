"""Out and back in: our menus -> .obz -> our menus are the same menus (every item field, ids,
titles, columns, row cues, pictures and recordings); a real board -> our menus -> .obz -> our
menus is the same too, and the fields other tools put there (`ext_...`) survive."""

from __future__ import annotations

import io
import json
import wave
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from accessible_companion.boards.api import export_boards, import_boards
from accessible_companion.cli import main
from accessible_companion.config.loader import default_config_dir, load_config
from accessible_companion.core.menus import Action, MenuSet

from .helpers import DATA, REAL

OURS = """menus:
  - id: home
    title: Home
    columns: 3
    row_cues: [First, Second]
    items:
      - {label: Water, say: "I would like some water, please.", cue: Drink, voice: [water, drink], id: w,
         image: pics/water.png, sound: voice/water.wav}
      - {label: "No", source: "Caregiver's notes"}
      - {label: More, menu: more}
      - {label: Rest 15, action: rest, minutes: 15}
      - {label: "Energy: low", action: check-in, answer: low}
      - {label: Step mode, action: mode, mode: step}
  - id: more
    items:
      - {label: Next mode, action: mode}
      - {label: Home, action: home}
      - {label: "10:30", action: help, say: Come at once}
      - {label: Up, action: back}
"""


def menus_of(folder: Path | None) -> MenuSet:
    return load_config(folder).menus


def with_files_read(menus: MenuSet, folder: Path) -> MenuSet:
    """The menus with each picture and recording path replaced by the file's bytes: a file moves
    into `images/` or `sounds/` on import; what it holds must not change."""

    def read(relative: str) -> str:
        return (folder / relative).read_bytes().hex() if relative else ""

    return MenuSet(
        {
            menu_id: replace(
                menu, items=tuple(replace(i, image=read(i.image), sound=read(i.sound)) for i in menu.items)
            )
            for menu_id, menu in menus.menus.items()
        }
    )


def boards_in(obz: Path) -> dict[str, Any]:
    with zipfile.ZipFile(obz) as archive:
        return {
            name: json.loads(archive.read(name))
            for name in archive.namelist()
            if name.endswith((".obf", ".json"))
        }


def test_the_built_in_config_comes_back_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "built-in.obz"
    assert main(["boards", "export", "--out", str(out)]) == 0
    assert "Exported 17 boards" in capsys.readouterr().out
    assert main(["boards", "import", str(out), "--into", str(tmp_path / "again")]) == 0
    assert capsys.readouterr().err == ""  # nothing lost, nothing renamed
    assert menus_of(tmp_path / "again") == menus_of(None)
    assert menus_of(default_config_dir()) == menus_of(tmp_path / "again")


def test_every_field_of_ours_comes_back(tmp_path: Path) -> None:
    config = tmp_path / "ours"
    (config / "pics").mkdir(parents=True)
    (config / "voice").mkdir()
    (config / "pics" / "water.png").write_bytes(b"\x89PNG\r\n\x1a\nwater")
    (config / "voice" / "water.wav").write_bytes(_wav())
    (config / "menus.yaml").write_text(OURS, encoding="utf-8")
    before = menus_of(config)
    report = export_boards(tmp_path / "ours.obz", config)
    assert (report.boards, report.buttons, report.images, report.sounds, report.problems) == (2, 10, 1, 1, ())
    again = import_boards(tmp_path / "ours.obz", tmp_path / "again")
    assert again.problems == ()
    after = menus_of(tmp_path / "again")
    assert with_files_read(after, tmp_path / "again") == with_files_read(before, config)
    water = after["home"].items[0]
    assert (water.image, water.sound) == (
        "images/water.png",
        str(tmp_path / "again" / "sounds" / "water.wav"),
    )
    assert after["home"].row_cues == ("First", "Second")
    assert after["more"].columns == 0  # none given: display.columns applies, after the trip too
    assert [i.action for i in after["more"].items] == [Action.MODE, Action.HOME, Action.HELP, Action.BACK]


def test_the_exported_boards_speak_the_format(tmp_path: Path) -> None:
    config = tmp_path / "ours"
    config.mkdir()
    (config / "menus.yaml").write_text(OURS.replace("image: pics/water.png, sound: voice/water.wav", ""))
    export_boards(tmp_path / "ours.obz", config)
    files = boards_in(tmp_path / "ours.obz")
    manifest = files["manifest.json"]
    assert manifest["root"] == "boards/home.obf"
    assert manifest["paths"]["boards"] == {"home": "boards/home.obf", "more": "boards/more.obf"}
    home = files["boards/home.obf"]
    assert (home["format"], home["id"], home["name"], home["locale"]) == (
        "open-board-0.1",
        "home",
        "Home",
        "en",
    )
    assert home["grid"] == {"rows": 2, "columns": 3, "order": [["1", "2", "3"], ["4", "5", "6"]]}
    water, no, more = home["buttons"][:3]
    assert water["vocalization"] == "I would like some water, please."
    assert water["ext_accessiblecompanion_cue"] == "Drink"
    assert water["ext_accessiblecompanion_voice"] == ["water", "drink"]
    assert no["ext_accessiblecompanion_source"] == "Caregiver's notes"
    assert more["load_board"] == {"id": "more", "name": "more", "path": "boards/more.obf"}
    assert home["buttons"][3]["ext_accessiblecompanion_minutes"] == 15
    assert home["ext_accessiblecompanion_row_cues"] == ["First", "Second"]
    more_board = files["boards/more.obf"]
    assert more_board["ext_accessiblecompanion_default_columns"] is True
    # The Back item the companion adds is not exported (importing adds it again); "Up" is the caregiver's.
    assert [b["label"] for b in more_board["buttons"]] == ["Next mode", "Home", "10:30", "Up"]
    assert more_board["buttons"][1]["action"] == ":home"


@pytest.mark.parametrize("name", REAL)
def test_a_real_board_comes_back_the_same(name: str, tmp_path: Path) -> None:
    first = import_boards(DATA / name, tmp_path / "first")
    export_boards(tmp_path / "out.obz", tmp_path / "first")
    second = import_boards(tmp_path / "out.obz", tmp_path / "second")
    assert menus_of(tmp_path / "second") == menus_of(tmp_path / "first")
    assert (second.menus, second.items, second.images, second.sounds) == (
        first.menus,
        first.items,
        first.images,
        first.sounds,
    )
    # The files written are a fixed point from then on (the first export may add what the format
    # requires and a board lacked, such as its `locale`).
    export_boards(tmp_path / "again.obz", tmp_path / "second")
    import_boards(tmp_path / "again.obz", tmp_path / "third")
    for yaml_file in (tmp_path / "second").glob("*.yaml"):
        text = yaml_file.read_text(encoding="utf-8").split("\n", 1)[1]  # past the "Imported from" line
        assert (tmp_path / "third" / yaml_file.name).read_text(encoding="utf-8").split("\n", 1)[1] == text


def test_other_tools_fields_survive_the_trip(tmp_path: Path) -> None:
    import_boards(DATA / "lots_of_stuff.obz", tmp_path / "first")
    export_boards(tmp_path / "out.obz", tmp_path / "first")
    files = boards_in(tmp_path / "out.obz")
    home = files["boards/home.obf"]
    assert home["ext_speaker_url"] == "http://www.example.com/mylink"
    assert home["license"]["author_name"] == "Brian Whitmer"
    feelings, spelling, _, clear, kitty = home["buttons"]
    assert spelling["action"] == "+less"  # not honoured here, handed back to the tool that can
    assert clear["action"] == ":clear"
    assert feelings["border_color"] == "rgb( 255, 0,  0) "
    sound = next(s for s in home["sounds"] if s["id"] == feelings["sound_id"])
    assert sound["ext_speaker_coolness"] == 4 and sound["license"]["author_name"] == "PD Ezwa"
    assert "url" in sound and "path" not in sound  # it stays on the web, as it came
    # Its MP3 is not imported (a recording must be WAV, FLAC or Ogg): its record goes back
    # as it came, without a file of ours.
    assert all(s.get("path") is None or s["path"] in files for s in home["sounds"]), home["sounds"]
    assert kitty["label"] == "kitty"
    inline = files["boards/inline_images.obf"]
    assert inline["ext_speaker_settings"] == {
        "db_id": "12532523",
        "board_color": "green",
        "board_sound": "open.wav",
    }
    assert inline["buttons"][0]["ext_speaker_best"] is True
    with zipfile.ZipFile(tmp_path / "out.obz") as archive:
        image = next(i for i in inline["images"] if i["id"] == inline["buttons"][0]["image_id"])
        assert archive.read(image["path"])[:4] == b"\x89PNG"


def _wav() -> bytes:
    """A tenth of a second of a recording: a WAV file the loader accepts."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\1\0" * 1600)
    return buffer.getvalue()
