"""The caregiver's page in a real browser (Debian's chromium through Playwright) against the
real companion under Xvfb: an item added on the page is scanned without a restart, a blank
label is refused at its field with nothing written, an older version comes back, the PIN
locks the page on the home network, a real .obz is imported and scanned, and what the page
exports imports again to the same menus."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accessible_companion.config.document import ConfigDocument
from accessible_companion.config.loader import load_config
from rigs.page_visitor import config_folder
from tests.e2e.test_caregiver_lock import PIN, env_of, folder_digest
from tests.e2e.test_run_switch import press
from tests.support.browser import browser, page, playwright
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
__all__ = ["browser", "page", "playwright", "xvfb_display"]

ROOT = Path(__file__).resolve().parents[2]
BOARDS = ROOT / "tests" / "data" / "obf"


def from_page(line: TraceLine) -> bool:
    """A config the companion took from a save on the page."""
    return line.get("event") == "config" and str(line.get("reason", "")).startswith("page:")


class Running:
    """The companion in step mode (space moves on, Return selects) with its page."""

    def __init__(self, app: Companion, folder: Path, url: str, display: str) -> None:
        self.app, self.folder, self.url, self.display = app, folder, url, display

    def applied(self, after: int) -> str:
        """The reason of the first config the companion took from the page after trace line `after`."""
        line = self.app.wait_for(from_page, after=after)
        return str(line["reason"])

    def step_to(self, menu: str, label: str) -> None:
        """Press switch 1 until `label` is highlighted in `menu` (at most one pass)."""
        items = ConfigDocument.read(self.folder).items(menu)
        for _ in range(len(items) + 2):
            last = [line for line in self.app.lines() if line.get("event") == "highlight"]
            if last and last[-1].get("menu") == menu and last[-1].get("label") == label:
                return
            mark = len(self.app.lines())
            press(self.display, "space")
            self.app.wait_for(event("highlight"), after=mark)
            time.sleep(0.25)  # past debounce
        raise AssertionError(f"{label!r} never highlighted in {menu}")


@pytest.fixture
def running(tmp_path: Path, xvfb_display: str) -> Iterator[Running]:
    folder = config_folder(tmp_path)
    document = ConfigDocument.read(folder)
    document.set_setting("scanning.mode", "step")
    document.save()
    app = Companion.start(
        tmp_path,
        *("--config", str(folder), "--input", "x11", "--no-speech", "--no-voice"),
        env={"DISPLAY": xvfb_display},
        page=True,
    )
    try:
        url = str(app.wait_for(lambda line: line.get("event") == "caregiver_page" and "url" in line)["url"])
        app.wait_for(event("highlight", menu="home", index=0))
        yield Running(app, folder, url, xvfb_display)
    finally:
        app.stop()


def test_an_item_added_on_the_page_is_scanned_without_a_restart(running: Running, page: Page) -> None:
    page.goto(running.url + "menus")
    mark = len(running.app.lines())
    page.get_by_text("Add an item to Home", exact=True).click()
    page.fill("#add-label-home", "Blanket please")
    page.locator("form[action='/menus/home/items']").get_by_role("button", name="Add the item").click()
    expect(page.get_by_text("In use now")).to_be_visible()
    running.applied(mark)
    assert ConfigDocument.read(running.folder).items("home")[-1]["label"] == "Blanket please"
    running.step_to("home", "Blanket please")


def test_a_blank_label_is_refused_at_its_field_and_nothing_is_written(running: Running, page: Page) -> None:
    before = folder_digest(running.folder)
    page.goto(running.url + "menus/home/items/0")
    page.fill("#f-label", "")
    page.get_by_role("button", name="Save", exact=True).click()
    label = page.locator("#f-label")
    expect(label).to_have_attribute("aria-invalid", "true")
    described = (label.get_attribute("aria-describedby") or "").split()
    assert any("label" in page.locator(f"#{name}").inner_text().lower() for name in described if name)
    assert folder_digest(running.folder) == before
    assert not [line for line in running.app.lines() if from_page(line)]


def test_an_older_version_is_restored(running: Running, page: Page) -> None:
    original = folder_digest(running.folder)
    page.goto(running.url + "menus")
    page.get_by_text("Add an item to Home", exact=True).click()
    page.fill("#add-label-home", "Open the window")
    page.locator("form[action='/menus/home/items']").get_by_role("button", name="Add the item").click()
    expect(page.get_by_text("In use now")).to_be_visible()
    assert folder_digest(running.folder) != original

    page.goto(running.url + "history")
    mark = len(running.app.lines())
    # The oldest version is the config as it was before the page's first change.
    page.get_by_role("button", name="Restore this version").last.click()
    expect(page.get_by_text("In use now")).to_be_visible()
    running.applied(mark)
    assert folder_digest(running.folder) == original
    labels = [item["label"] for item in ConfigDocument.read(running.folder).items("home")]
    assert "Open the window" not in labels


def test_a_real_board_is_imported_and_scanned(running: Running, page: Page) -> None:
    page.goto(running.url + "boards")
    mark = len(running.app.lines())
    page.set_input_files("#board", str(BOARDS / "links.obz"))
    page.get_by_role("button", name="Import this board").click()
    expect(page.get_by_text("In use now")).to_be_visible()
    running.applied(mark)
    home = ConfigDocument.read(running.folder).items("home")
    opener = home[-1]
    root = str(opener.get("menu", ""))
    assert root, opener
    running.step_to("home", str(opener["label"]))
    mark = len(running.app.lines())
    press(running.display, "Return")
    running.app.wait_for(event("menu", menu=root), after=mark)
    first = running.app.wait_for(event("highlight", menu=root), after=mark)
    # The imported root is a grid, scanned row by row: its first row is named by its first items.
    assert str(ConfigDocument.read(running.folder).items(root)[0]["label"]) in str(first["label"])


def test_what_the_page_exports_imports_again_to_the_same_menus(
    running: Running, page: Page, tmp_path: Path
) -> None:
    page.goto(running.url + "boards")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export all menus as an .obz").click()
    exported = tmp_path / "exported.obz"
    download.value.save_as(exported)
    again = tmp_path / "again"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "accessible_companion",
            "boards",
            "import",
            str(exported),
            "--into",
            str(again),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    def shape(folder: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
        menus = load_config(folder).menus
        return [
            (m.id, m.title, [(i.label, i.say) for i in m.items])
            for m in sorted(menus.menus.values(), key=lambda m: m.id)
        ]

    assert shape(again) == shape(running.folder)


def test_on_the_home_network_the_page_asks_for_the_pin(tmp_path: Path, xvfb_display: str, page: Page) -> None:
    folder = config_folder(tmp_path, listen="0.0.0.0")
    pin = subprocess.run(
        [sys.executable, "-m", "accessible_companion", "caregiver", "pin", "--pin-stdin"],
        input=f"{PIN}\n",
        capture_output=True,
        text=True,
        env=env_of(tmp_path),
        timeout=60,
        check=False,
    )
    assert pin.returncode == 0, pin.stderr
    app = Companion.start(
        tmp_path,
        *("--config", str(folder), "--input", "x11", "--no-speech", "--no-voice", "--no-journal"),
        env={"DISPLAY": xvfb_display},
        page=True,
    )
    try:
        url = str(app.wait_for(lambda line: line.get("event") == "caregiver_page" and "url" in line)["url"])
        page.goto(url + "settings")
        expect(page).to_have_url(re.compile(r".*/login.*"))
        page.fill("#pin", "0000")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("That is not the PIN")).to_be_visible()
        assert "/login" in page.url
        page.fill("#pin", PIN)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Settings")
        cookie = next(c for c in page.context.cookies() if c["name"] == "companion_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    finally:
        app.stop()
