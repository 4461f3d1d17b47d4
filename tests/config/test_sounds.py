"""An item's `sound:` in a config: resolved from its file's folder, checked at its line (missing is a
warning, a wrong file an error), decoded by `check`, written back by the config writer, and
kept with the last good config."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accessible_companion import paths
from accessible_companion.cli import main
from accessible_companion.config import ConfigError, load_config
from accessible_companion.config.document import ConfigDocument
from accessible_companion.config.last_good import choose
from rigs.tones import write_tone

MENU = """\
menus:
  - id: home
    items:
      - label: Water
        say: I would like some water, please.
        sound: {sound}
      - label: Tea
"""


def config_with(tmp_path: Path, sound: str, recordings: dict[str, float] | None = None) -> Path:
    """A config folder with menus/home.yaml (sound: on line 6) and tones in recordings/."""
    folder = tmp_path / "cfg"
    (folder / "menus").mkdir(parents=True)
    (folder / "menus" / "home.yaml").write_text(MENU.format(sound=sound), encoding="utf-8")
    for name, seconds in (recordings or {}).items():
        (folder / "recordings").mkdir(exist_ok=True)
        write_tone(folder / "recordings" / name, seconds=seconds, rate=16000)
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    return [str(p).replace(str(folder), "") for p in caught.value.problems]


def test_a_sound_is_found_from_its_files_folder_with_its_length(tmp_path: Path) -> None:
    folder = config_with(tmp_path, "../recordings/water.flac", {"water.flac": 1.75})
    config = load_config(folder)
    water = config.menus["home"].items[0]
    assert water.sound == str(folder / "recordings" / "water.flac")
    assert water.sound_seconds == pytest.approx(1.75)
    assert water.say == "I would like some water, please."
    assert config.warnings == ()


def test_a_missing_recording_is_a_warning_and_the_config_is_used(tmp_path: Path) -> None:
    folder = config_with(tmp_path, "../recordings/water.wav")
    config = load_config(folder)
    assert config.menus["home"].items[0].sound == str(folder / "recordings" / "water.wav")
    assert [str(w).replace(str(folder), "") for w in config.warnings] == [
        "/menus/home.yaml:6: warning: menus[0].items[0].sound: '../recordings/water.wav' is not there; "
        "its words will be spoken"
    ]


@pytest.mark.parametrize(
    ("sound", "content", "said"),
    [
        (
            "water.mp3",
            b"ID3\x04" + bytes(100),
            "'water.mp3' cannot be played: not a WAV, FLAC or Ogg file (it is an MP3)",
        ),
        ("water.wav", b"just text", "'water.wav' cannot be played: not a WAV, FLAC or Ogg file"),
        ("../../outside.wav", None, "'../../outside.wav' is outside the config folder"),
    ],
)
def test_a_wrong_file_is_an_error_at_its_line(
    tmp_path: Path, sound: str, content: bytes | None, said: str
) -> None:
    folder = config_with(tmp_path, sound)
    if content is not None:
        (folder / "menus" / sound).write_bytes(content)
    else:
        write_tone(tmp_path / "outside.wav", seconds=0.1)
    found = problems(folder)
    assert len(found) == 1 and found[0].startswith(f"/menus/home.yaml:6: menus[0].items[0].sound: {said}")


def test_a_recording_longer_than_a_minute_is_an_error(tmp_path: Path) -> None:
    folder = config_with(tmp_path, "../recordings/voicemail.flac", {"voicemail.flac": 61})
    assert problems(folder) == [
        "/menus/home.yaml:6: menus[0].items[0].sound: '../recordings/voicemail.flac' is 61 s long; "
        "a recording may be at most 60 s"
    ]


def test_a_sound_goes_with_speak_only(tmp_path: Path) -> None:
    folder = config_with(tmp_path, "x.wav")
    text = (folder / "menus" / "home.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      - label: Tea\n", "      - label: Rest\n        action: rest\n        sound: x.wav\n"
    )
    (folder / "menus" / "home.yaml").write_text(text, encoding="utf-8")
    assert "/menus/home.yaml:9: 'sound' goes with 'action: speak', not 'rest'" in problems(folder)


def test_an_absolute_path_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "bank").mkdir()
    elsewhere = write_tone(tmp_path / "bank" / "water.wav", seconds=0.5, rate=16000)
    folder = config_with(tmp_path, str(elsewhere))
    assert load_config(folder).menus["home"].items[0].sound == str(elsewhere)


def test_check_prints_warnings_and_passes_and_decodes_each_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_with(tmp_path, "../recordings/water.flac", {"water.flac": 1.0})
    text = (folder / "menus" / "home.yaml").read_text(encoding="utf-8")
    text += "        sound: ../recordings/tea.flac\n"
    text += "      - label: Coffee\n        sound: ../recordings/coffee.wav\n"
    (folder / "menus" / "home.yaml").write_text(text, encoding="utf-8")
    # A header that promises FLAC, then garbage: only decoding finds it.
    good = (folder / "recordings" / "water.flac").read_bytes()
    (folder / "recordings" / "tea.flac").write_bytes(good[:200] + bytes(range(256)) * 40)
    assert main(["check", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("OK: 1 menus, 3 items")
    lines = [line.replace(str(folder), "") for line in captured.err.splitlines()]
    assert lines[0].startswith(
        "/menus/home.yaml:8: warning: menus[0].items[1].sound: '../recordings/tea.flac' cannot be decoded"
    )
    assert lines[1] == (
        "/menus/home.yaml:10: warning: menus[0].items[2].sound: '../recordings/coffee.wav' is not there; "
        "its words will be spoken"
    )
    assert len(lines) == 2


def test_check_with_an_error_lists_the_warnings_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_with(tmp_path, "../recordings/gone.wav")
    with (folder / "menus" / "home.yaml").open("a", encoding="utf-8") as file:
        file.write("        menu: nowhere\n")
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "menu 'nowhere' is not defined" in err
    assert "warning: menus[0].items[0].sound: '../recordings/gone.wav' is not there" in err


def test_the_config_writer_sets_a_sound_and_checks_it_where_the_recordings_are(tmp_path: Path) -> None:
    folder = config_with(tmp_path, "../recordings/water.flac", {"water.flac": 1.0, "tea.wav": 0.5})
    doc = ConfigDocument.read(folder)
    doc.set_item_field("home", 1, "sound", "../recordings/tea.wav")
    config = doc.check()  # on a copy of the YAML files: the recordings are found in the real folder
    assert config.warnings == ()
    assert config.menus["home"].items[1].sound == str(folder / "recordings" / "tea.wav")
    doc.save()
    text = (folder / "menus" / "home.yaml").read_text(encoding="utf-8")
    assert text.endswith("      - label: Tea\n        sound: ../recordings/tea.wav\n")
    doc.set_item_field("home", 1, "sound", "../recordings/gone.wav")
    warned = doc.check()
    assert [w.file for w in warned.warnings] == [folder / "menus" / "home.yaml"]
    doc.set_action("home", 0, "rest")  # a sound goes with speak: it goes when the action changes
    doc.save()
    assert "water.flac" not in (folder / "menus" / "home.yaml").read_text(encoding="utf-8")


def test_recordings_are_kept_with_the_last_good_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = config_with(tmp_path, "../recordings/water.flac", {"water.flac": 1.0})
    assert choose(folder).reason == "given"
    kept = paths.last_good_config_dir()
    copied = kept / "recordings" / "water.flac"
    assert copied.read_bytes() == (folder / "recordings" / "water.flac").read_bytes()
    assert oct(copied.stat().st_mode & 0o777) == "0o600"
    # A broken edit and a lost recording: the run starts on the copy, with the user's voice.
    (folder / "menus" / "home.yaml").write_text(MENU.format(sound="x.wav") + "        action: fly\n")
    os.unlink(folder / "recordings" / "water.flac")
    chosen = choose(folder)
    assert chosen.reason == "last_good"
    water = chosen.config.menus["home"].items[0]
    assert Path(water.sound).resolve() == copied.resolve()
    assert chosen.config.warnings == ()
