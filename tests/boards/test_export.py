"""`boards export`: what cannot go is told with its file and item; a config with problems, or an
--out that cannot be written, exits with 2 and writes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from accessible_companion.cli import main

MENUS = """menus:
  - id: home
    items:
      - {label: Lost picture, image: pics/gone.png}
      - {label: Not a picture, image: notes.txt}
      - {label: Twice, image: pics/a.png}
      - {label: Again, image: pics/../pics/a.png}
"""


def test_missing_or_odd_files_are_told_and_the_rest_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    (config / "pics").mkdir(parents=True)
    (config / "pics" / "a.png").write_bytes(b"\x89PNG a")
    (config / "notes.txt").write_text("hello")
    (config / "menus.yaml").write_text(MENUS)
    out = tmp_path / "out.obz"
    assert main(["boards", "export", "--out", str(out), "--config", str(config)]) == 0
    told = capsys.readouterr()
    assert "Exported 1 boards, 4 buttons, 1 images, 0 sounds" in told.out
    menus = config / "menus.yaml"
    assert f"{menus}: menu 'home', items[0] ('Lost picture'): image {config}/pics/gone.png: " in told.err
    assert "exported without it" in told.err
    assert (
        f"{menus}: menu 'home', items[1] ('Not a picture'): image {config}/notes.txt: not a kind of image"
        in told.err
    )
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["boards/home.obf", "images/a.png", "manifest.json"]


def test_a_config_with_problems_is_not_exported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "menus.yaml").write_text("menus:\n  - id: home\n    items: [{label: A, menu: nowhere}]\n")
    out = tmp_path / "out.obz"
    assert main(["boards", "export", "--out", str(out), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "has problems; nothing was exported" in err and "menu 'nowhere' is not defined" in err
    assert not out.exists()
    assert main(["boards", "export", "--out", str(tmp_path)]) == 2
    assert "is a folder: give a file name ending in .obz" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_same_menus_give_the_same_bytes(tmp_path: Path) -> None:
    assert main(["boards", "export", "--out", str(tmp_path / "a.obz")]) == 0
    assert main(["boards", "export", "--out", str(tmp_path / "b.obz")]) == 0
    assert (tmp_path / "a.obz").read_bytes() == (tmp_path / "b.obz").read_bytes()
