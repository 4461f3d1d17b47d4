"""A real browser for the caregiver page's tests: Debian's chromium, driven by Playwright.

Playwright's own browser download is not used (not reachable from these machines):
`executable_path` points at the system's chromium. The flags keep it from reaching for
Google's services, which a closed network refuses many times a second.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless chromium for the session's tests (each test gets a fresh context)."""
    path = shutil.which("chromium") or CHROMIUM
    if not shutil.which(path):
        pytest.skip("chromium is not installed (scripts/setup --dev installs it)")
    launched = playwright.chromium.launch(executable_path=path, headless=True, args=FLAGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
