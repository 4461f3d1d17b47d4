"""PNG screenshots of the caregiver's page for the docs, in a real browser.

    python -m rigs.page_screenshots            # writes docs/images/page-*.png
    python -m rigs.page_screenshots --out DIR

Serves the page for a copy of the built-in config (no companion running) on a free port of
127.0.0.1 and photographs it with Debian's chromium through Playwright, at a phone's width.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from accessible_companion.caregiver.auth import Locks
from accessible_companion.caregiver.history import History
from accessible_companion.caregiver.server import PageServer
from accessible_companion.caregiver.state import PageState

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = ViewportSize(width=412, height=915)
SHOTS = {
    "page-item.png": ("menus/phrases/items/2", PHONE),
    "page-menus.png": ("menus", PHONE),
    "page-settings.png": ("settings", ViewportSize(width=1024, height=1100)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "config"
        shutil.copytree(ROOT / "config", folder)
        history = History(Path(temp) / "history.sqlite3", folder)
        server = PageServer(PageState(folder, history, Locks()), "127.0.0.1", 0)
        if not server.start():
            raise SystemExit(server.error)
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=FLAGS
                )
                for name, (path, size) in SHOTS.items():
                    page = browser.new_page(viewport=size, device_scale_factor=1)
                    page.goto(server.state.address + path)
                    page.screenshot(path=str(args.out / name))
                    page.close()
                    print(args.out / name)
                browser.close()
        finally:
            server.stop()
            history.close()


if __name__ == "__main__":
    main()
