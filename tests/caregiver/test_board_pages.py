"""Boards on the caregiver's page: real public boards (tests/data/obf, the Open Board Format's own
samples) imported beside the caregiver's menus as one save, what did not come along listed with its
place, and every menu exported as an .obz that imports back to the same menus."""

from __future__ import annotations

import errno
import io
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.boards.api import import_boards
from accessible_companion.boards.written import written_menus
from accessible_companion.caregiver import board_pages
from accessible_companion.caregiver.state import PageState
from accessible_companion.config.loader import load_config
from accessible_companion.core.menus import Action, MenuSet
from accessible_companion.core.records import ConfigEdit

from ..boards.helpers import DATA, REAL
from .conftest import RecordingLink, csrf_of


def upload(
    client: TestClient, name: str, data: bytes | None = None, csrf: str | None = None
) -> tuple[int, str]:
    token = csrf if csrf is not None else csrf_of(client.get("/boards").text)
    body = (DATA / name).read_bytes() if data is None else data
    response = client.post(
        "/boards/import", data={"csrf": token}, files={"board": (name, body, "application/zip")}
    )
    return response.status_code, response.text


def files_of(config: Path) -> dict[str, bytes]:
    return {str(p.relative_to(config)): p.read_bytes() for p in sorted(config.rglob("*")) if p.is_file()}


def menus(config: Path) -> MenuSet:
    return load_config(config).menus


def with_files_read(config: Path) -> MenuSet:
    """The menus with each picture and recording replaced by the file's bytes (a picture's path
    is relative to its menu's file, which moves on the way)."""
    files = written_menus(config)

    def read(base: Path, relative: str) -> str:
        return (base / relative).read_bytes().hex() if relative else ""

    return MenuSet(
        {
            menu_id: replace(
                menu,
                items=tuple(
                    replace(i, image=read(files[menu_id].file.parent, i.image), sound=read(config, i.sound))
                    for i in menu.items
                ),
            )
            for menu_id, menu in menus(config).menus.items()
        }
    )


def test_the_page_offers_export_and_an_import_form(client: TestClient) -> None:
    page = client.get("/boards").text
    assert 'href="/boards/export.obz"' in page and "Export all menus as an .obz" in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf"' in page
    assert '<label for="board">' in page and 'id="board" name="board"' in page
    assert 'aria-describedby="board-help"' in page and "Up to 50 MB" in page


def test_a_real_obz_comes_in_beside_the_caregivers_menus_as_one_save(
    client: TestClient, page_state: PageState, link: RecordingLink
) -> None:
    config = page_state.config
    before = menus(config)
    status, page = upload(client, "links.obz")
    assert status == 200, page
    after = menus(config)
    # The caregiver's menus are all there as they were; Home only gains its last item.
    for menu_id, menu in before.menus.items():
        if menu_id != "home":
            assert after[menu_id] == menu
    assert after["home"].items[:-1] == before["home"].items
    opener = after["home"].items[-1]
    assert (opener.label, opener.action, opener.menu) == ("Simple Board", Action.MENU, "links")
    # The board set: its root is the menu 'links', its links kept.
    assert [i.label for i in after["links"].items] == ["feelings", "colors", "Back"]
    assert [i.menu for i in after["links"].items[:2]] == ["simple2", "simple3"]
    assert [i.label for i in after["simple3"].items] == ["green", "blue", "Back"]
    assert sorted(p.name for p in (config / "boards" / "links").iterdir()) == [
        "home.yaml",
        "import-notes.txt",
        "simple2.yaml",
        "simple3.yaml",
    ]
    # One version, journaled and applied.
    newest = page_state.history.versions(1)[0]
    summary = "Imported 'Simple Board' from links.obz (3 menus, 6 items)"
    assert (newest.summary, newest.who) == (summary, "this computer")
    assert "boards/links/simple2.yaml" in newest.files
    assert link.journaled == [ConfigEdit(newest.number, "this computer", summary)]
    assert link.applied == [f"page:{newest.number}"]
    assert "links.obz is imported" in page and "In use now." in page
    assert f"To take the boards out again, restore version {newest.number - 1} in" in page
    assert "Home now ends with the item “Simple Board”, which opens them." in page
    assert "becomes the home menu" not in page  # it did not: it is the menu 'links' here
    assert "The board set&#39;s first board is the menu &#39;links&#39; here" in page


@pytest.mark.parametrize("name", REAL)
def test_every_real_board_comes_in_and_is_opened_from_home(
    client: TestClient, page_state: PageState, name: str
) -> None:
    status, page = upload(client, name)
    assert status == 200, page
    after = menus(page_state.config)
    opener = after["home"].items[-1]
    assert opener.menu == Path(name).stem and opener.menu in after.menus
    assert f"{name} is imported" in page


def test_what_did_not_come_along_is_listed_with_its_place(client: TestClient, page_state: PageState) -> None:
    status, page = upload(client, "lots_of_stuff.obz")
    assert status == 200, page
    carried = page.split('<ul class="carried">')[1].split("</ul>")[0]
    assert (
        "<li><code>boards/root_board.obf: buttons[2] (id b3)</code>: action &#39;+less&#39; (spelling) "
        "has no counterpart; the button is imported as a phrase</li>"
    ) in carried
    assert "mp3" in carried.lower()  # the companion plays WAV, FLAC and Ogg; said, not dropped silently
    after = menus(page_state.config)
    kids = after["inline_images"].items[0]
    assert (page_state.config / "boards" / "lots_of_stuff" / kids.image).read_bytes()[:4] == b"\x89PNG"


def test_the_same_board_twice_keeps_both_with_their_own_ids(
    client: TestClient, page_state: PageState
) -> None:
    assert upload(client, "links.obz")[0] == 200
    status, page = upload(client, "links.obz")
    assert status == 200, page
    after = menus(page_state.config)
    assert [(i.label, i.menu) for i in after["home"].items[-2:]] == [
        ("Simple Board", "links"),
        ("Simple Board", "links_home"),
    ]
    assert [i.menu for i in after["links_home"].items[:2]] == ["links_simple2", "links_simple3"]
    assert (page_state.config / "boards" / "links-2" / "simple2.yaml").is_file()
    assert (
        "The menu id &#39;simple2&#39; was taken already: the imported menu is &#39;links_simple2&#39;."
        in page
    )


def test_an_import_is_undone_by_restoring_the_version_before(
    client: TestClient, page_state: PageState
) -> None:
    yaml_before = {k: v for k, v in files_of(page_state.config).items() if k.endswith(".yaml")}
    assert upload(client, "simple.obf")[0] == 200
    imported = page_state.history.versions(1)[0].number
    token = csrf_of(client.get("/history").text)
    client.post(f"/history/{imported - 1}/restore", data={"csrf": token})
    assert {k: v for k, v in files_of(page_state.config).items() if k.endswith(".yaml")} == yaml_before


def test_a_file_that_is_no_board_writes_nothing(client: TestClient, page_state: PageState) -> None:
    before = files_of(page_state.config)
    status, page = upload(client, "notes.obz", b"PK\x03\x04 this is not really a zip")
    assert status == 422
    assert "notes.obz was not imported" in page and "cannot be used as boards" in page
    status, page = upload(client, "list.obf", b"[1, 2, 3]")
    assert status == 422 and "list.obf was not imported" in page
    assert files_of(page_state.config) == before
    assert page_state.history.listing() == []


NEED_ITEM = (
    "      - label: I need something\n        action: need\n"
    "        say: Could someone come? I need something.\n"
)


def test_boards_that_do_not_fit_the_config_are_refused_with_the_problems(
    client: TestClient, page_state: PageState, link: RecordingLink
) -> None:
    # Home as a grid of two full rows (its six items, without "I need something") with a cue
    # for each: one more item needs a third cue.
    home = page_state.config / "menus" / "home.yaml"
    text = home.read_text(encoding="utf-8")
    home.write_text(
        text.replace(
            "    title: Home\n", "    title: Home\n    columns: 3\n    row_cues: [Top, Bottom]\n"
        ).replace(NEED_ITEM, "")
    )
    load_config(page_state.config)  # as it is, it loads
    before = files_of(page_state.config)
    status, page = upload(client, "links.obz")
    assert status == 422
    assert "do not fit with your config, so nothing was changed" in page
    assert "<li>menus/home.yaml, line" in page and "row" in page.split("nothing was changed")[1]
    assert files_of(page_state.config) == before and not (page_state.config / "boards").exists()
    assert link.applied == [] and link.journaled == []


def test_an_upload_without_the_form_token_is_refused(client: TestClient, page_state: PageState) -> None:
    before = files_of(page_state.config)
    status, _ = upload(client, "links.obz", csrf="wrong")
    assert status == 403
    assert files_of(page_state.config) == before


@pytest.mark.parametrize(("limit", "chunk"), [(1000, 4096), (100_000, 1024 * 1024)])
def test_a_file_over_the_limit_is_refused_with_a_clear_message(
    client: TestClient, page_state: PageState, monkeypatch: pytest.MonkeyPatch, limit: int, chunk: int
) -> None:
    # (1000, 4096): refused by the size the browser announces; (100_000, 1 MB): while reading it.
    monkeypatch.setattr(board_pages, "MAX_UPLOAD", limit)
    monkeypatch.setattr(board_pages, "CHUNK", chunk)
    before = files_of(page_state.config)
    status, page = upload(client, "lots_of_stuff.obz")
    assert status == 413
    assert "larger than" in page and "Nothing was imported" in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="board-help board-error"' in page
    assert files_of(page_state.config) == before


def test_the_export_is_a_valid_obz_that_imports_back_to_the_same_menus(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    assert upload(client, "lots_of_stuff.obz")[0] == 200  # pictures and other tools' fields too
    response = client.get("/boards/export.obz")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="companion-menus-')
    out = tmp_path / "export.obz"
    out.write_bytes(response.content)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None and "manifest.json" in archive.namelist()
    again = import_boards(out, tmp_path / "again")
    assert again.menus == len(menus(page_state.config).menus)
    assert with_files_read(tmp_path / "again") == with_files_read(page_state.config)


def test_menus_with_problems_are_not_exported(client: TestClient, page_state: PageState) -> None:
    home = page_state.config / "menus" / "home.yaml"
    home.write_text(home.read_text(encoding="utf-8").replace("menu: phrases", "menu: no_such_menu"))
    response = client.get("/boards/export.obz")
    assert response.status_code == 409
    assert "The menus have problems, so they cannot be exported" in response.text
    assert "no_such_menu" in response.text


def test_a_disk_that_fills_up_mid_import_leaves_the_config_as_it_was(
    client: TestClient, page_state: PageState, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files_of(page_state.config)

    def full(source: Path, target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)  # (the import copies its pictures with it)
    status, page = upload(client, "lots_of_stuff.obz")
    assert status == 422 and "the files could not be written: No space left on device" in page
    assert (
        files_of(page_state.config) == before
        and not (page_state.config / "boards" / "lots_of_stuff").exists()
    )
    assert [v.summary for v in page_state.history.listing()] == ["The config before the first change here"]
