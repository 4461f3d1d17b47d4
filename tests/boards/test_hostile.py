"""Files from anywhere: broken, hostile or simply not boards. Each is refused with the file and
the place and exit status 2, never a crash, and nothing is left behind; a problem in one part of
an otherwise good set is told and the rest is imported."""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import pytest

from accessible_companion.boards import package as package_module
from accessible_companion.boards.api import import_boards
from accessible_companion.boards.problems import BoardsError
from accessible_companion.cli import main
from accessible_companion.config.loader import load_config

from .helpers import board, obf, obz

GOOD = board("a", {"id": 1, "label": "Water"})


def refused(file: Path, tmp_path: Path) -> str:
    into = tmp_path / "out"
    with pytest.raises(BoardsError) as caught:
        import_boards(file, into)
    assert not into.exists()
    assert [p.name for p in tmp_path.iterdir() if "importing" in p.name] == []
    return str(caught.value)


def zip_of(path: Path, **entries: str | bytes) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name.replace("__", "/").replace("DOTDOT", ".."), data)
    return path


MANIFEST = json.dumps({"format": "open-board-0.1", "root": "boards/a.obf"})


def test_bad_json_is_refused_with_its_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.obf"
    bad.write_text('{"format": "open-board-0.1",\n "id": "x",\n "buttons": [{"id": 1 "label": "a"}]}')
    assert main(["boards", "import", str(bad), "--into", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == "error: bad.obf:3:23: not valid JSON: Expecting ',' delimiter\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"hello": 1}', "not an Open Board Format board (format None"),
        (
            '{"format": "open-board-0.1", "id": "x", "buttons": []}',
            "the root board has no button that can be",
        ),
        ("[1, 2]", "expected a JSON object (a board)"),
        ("", "not valid JSON: Expecting value"),
        ('{"format": "open-board-0.1", "x": NaN}', "NaN is not a JSON number"),
        ('{"a":' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply (more than 32 levels)"),
        ('{"a":' + "[" * 40 + "]" * 40 + "}", "nested too deeply (more than 32 levels)"),
    ],
)
def test_not_a_board(content: str, message: str, tmp_path: Path) -> None:
    file = tmp_path / "x.obf"
    file.write_text(content, encoding="utf-8")
    assert message in refused(file, tmp_path)


def test_not_text_and_not_a_zip(tmp_path: Path) -> None:
    binary = tmp_path / "x.obf"
    binary.write_bytes(b"\xff\xfe\x00\x01 garbage")
    assert refused(binary, tmp_path) == "x.obf: not UTF-8 text (byte 0)"
    broken = tmp_path / "broken.obz"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert "broken.obz: not a readable zip" in refused(broken, tmp_path)
    assert "cannot be read" in refused(tmp_path / "missing.obz", tmp_path)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"boards__a.obf": json.dumps(GOOD)}, "no manifest.json"),
        ({"manifest.json": "{}", "boards__a.obf": "{}"}, "manifest.json: no 'root'"),
        (
            {"manifest.json": json.dumps({"root": "boards/b.obf"})},
            "root 'boards/b.obf' is not in the package",
        ),
        ({"manifest.json": json.dumps({"root": "../a.obf"})}, "root '../a.obf' points outside the package"),
        ({"manifest.json": json.dumps({"root": "/etc/passwd"})}, "points outside the package: refused"),
        ({"manifest.json": json.dumps({"format": "grid-3", "root": "a"})}, "is not the Open Board Format"),
        ({"manifest.json": "[]"}, "manifest.json: expected a JSON object"),
        (
            {
                "manifest.json": MANIFEST,
                "boards__a.obf": json.dumps(GOOD),
                "DOTDOT__DOTDOT__evil.sh": "rm -rf",
            },
            "the entry '../../evil.sh' points outside the package (a zip-slip path): refused",
        ),
        (
            {"manifest.json": MANIFEST, "boards__a.obf": json.dumps(GOOD), "boards/a.obf": json.dumps(GOOD)},
            "two entries are named 'boards/a.obf': refused",
        ),
        ({"manifest.json": MANIFEST, "boards__a.obf": "{oops"}, "boards/a.obf:1:2: not valid JSON"),
    ],
)
def test_broken_packages(entries: dict[str, str], message: str, tmp_path: Path) -> None:
    assert message in refused(zip_of(tmp_path / "set.obz", **entries), tmp_path)


def test_size_limits_refuse_big_files_and_zip_bombs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    padded = board("a", {"id": 1, "label": "x", "ext_pad": " " * 200_000})
    bomb = zip_of(tmp_path / "bomb.obz", **{"manifest.json": MANIFEST, "boards__a.obf": json.dumps(padded)})
    assert bomb.stat().st_size < 5_000  # 200 KB of spaces pack to almost nothing
    monkeypatch.setattr(package_module, "MAX_BOARD_BYTES", 100_000)
    assert "boards/a.obf: the board is 200,1" in refused(bomb, tmp_path)
    big = obf(tmp_path / "big.obf", padded)
    assert "big.obf: is 200,1" in refused(big, tmp_path)
    monkeypatch.setattr(package_module, "MAX_FILE_BYTES", 1_000)
    assert "bomb.obz: is 200,1" not in refused(big, tmp_path)
    assert ": refused" in refused(big, tmp_path)


def test_unpacking_is_bounded_in_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    boards = {
        f"boards/b{n}.obf": board(f"b{n}", {"id": 1, "label": f"word {n}", "ext_pad": "-" * 5_000})
        for n in range(5)
    }
    boards["boards/a.obf"] = board(
        "a", *({"id": n, "label": f"{n}", "load_board": {"path": f"boards/b{n}.obf"}} for n in range(5))
    )
    package = obz(tmp_path / "set.obz", boards, root="boards/a.obf")
    monkeypatch.setattr(package_module, "MAX_TOTAL_BYTES", 15_000)
    assert "set.obz: unpacks to more than 15,000 bytes: refused" in refused(package, tmp_path)


def test_hostile_parts_of_a_good_set_are_told_and_left_out(tmp_path: Path) -> None:
    root = board(
        "a",
        {"id": 1, "label": "escape", "load_board": {"path": "../../etc/passwd"}},
        {"id": 2, "label": "picture", "image_id": "p"},
        {"id": 1, "label": "again"},
        {"id": 3, "label": "ok", "image_id": "q"},
        images=[
            {"id": "p", "path": "../secret.png"},
            {"id": "q", "path": "images/q.png"},
            {"id": "q", "url": "x"},
        ],
    )
    entries = {
        "manifest.json": MANIFEST,
        "boards__a.obf": json.dumps(root).replace('"label": "ok"', '"label": "ok", "label": "fine"'),
    }
    entries["images__q.png"] = "\x89PNG"
    report = import_boards(zip_of(tmp_path / "set.obz", **entries), tmp_path / "out")
    told = [str(p) for p in report.problems]
    assert (
        "boards/a.obf: buttons[0] (id 1): load_board path '../../etc/passwd' points outside the package: "
        "refused; the button is imported as a phrase" in told
    )
    assert any(
        "buttons[1] (id 2): image 'p' is not imported: ../secret.png: points outside" in t for t in told
    )
    assert (
        "boards/a.obf: buttons[2] (id 1): the button id '1' is used twice (first at buttons[0]): "
        "this one is not imported" in told
    )
    assert "boards/a.obf: images[2] (id q): the id 'q' is used twice (first at images[1]): left out" in told
    assert "boards/a.obf: the key 'label' is given twice in one object; the last is used" in told
    menus = load_config(tmp_path / "out").menus
    assert [i.label for i in menus["home"].items] == ["escape", "picture", "fine"]
    assert not any(Path(tmp_path / "out").rglob("secret*"))


def test_an_import_never_mixes_into_a_folder_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    used = tmp_path / "config"
    used.mkdir()
    (used / "menus.yaml").write_text("menus: []\n")
    file = obf(tmp_path / "a.obf", GOOD)
    assert main(["boards", "import", str(file), "--into", str(used)]) == 2
    assert "is not empty: import into a new folder" in capsys.readouterr().err
    assert [p.name for p in used.iterdir()] == ["menus.yaml"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["boards", "import", str(file), "--into", str(empty)]) == 0
    assert (empty / "home.yaml").is_file()
