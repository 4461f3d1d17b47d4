"""Page tests without a browser: the real app through Starlette's test client, a copy of the
built-in config, and a stand-in for the running companion that records what it was asked.

(The browser and the real companion process are in tests/e2e/test_caregiver_*.py.)
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver.auth import Locks
from accessible_companion.caregiver.history import History
from accessible_companion.caregiver.link import TraceLine
from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from accessible_companion.notify.ack_links import AckLinks

ROOT = Path(__file__).resolve().parents[2]


class RecordingLink:
    """Answers as the companion would: `apply` is followed by its `config` trace line."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.applied: list[str] = []
        self.journaled: list[object] = []
        self.paused: list[float] = []
        self.links = AckLinks()
        self.acknowledged: list[tuple[int, str]] = []
        self.heartbeat: dict[str, Any] | None = None
        self._listeners: list[Callable[[TraceLine], None]] = []

    def say(self, text: str, voice: str) -> None:
        self.said.append((text, voice))

    def apply(self, reason: str) -> None:
        self.applied.append(reason)
        self.emit({"t": 1.0, "event": "config", "reason": reason, "path": "x"})

    def listen(self, callback: Callable[[TraceLine], None]) -> Callable[[], None]:
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def journal(self, entry: object) -> None:
        self.journaled.append(entry)

    def pause_voice(self, seconds: float) -> None:
        self.paused.append(seconds)

    def acknowledgement(self, token: str, use: bool) -> dict[str, Any] | None:
        """As the companion answers (beside.py): the real links; a use that acknowledges is kept."""
        answer = self.links.use(token) if use else self.links.look(token)
        if answer.state == "acknowledged":
            self.acknowledged.append((answer.alert, answer.contact))
        return answer.fields()

    def last_heartbeat(self) -> dict[str, Any] | None:
        return self.heartbeat

    def emit(self, line: TraceLine) -> None:
        for callback in list(self._listeners):
            callback(line)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the built-in config to edit."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    return target


@pytest.fixture
def link() -> RecordingLink:
    return RecordingLink()


@pytest.fixture
def page_state(tmp_path: Path, config_dir: Path, link: RecordingLink) -> Iterator[PageState]:
    history = History(tmp_path / "state" / "history.sqlite3", config_dir)
    yield PageState(config_dir, history, Locks(), link)
    history.close()


@pytest.fixture
def client(page_state: PageState) -> Iterator[TestClient]:
    """A visitor on this machine (127.0.0.1, with no PIN set: signed in at the first page)."""
    app = build_app(page_state)
    with TestClient(app, base_url="http://127.0.0.1:8765", client=("127.0.0.1", 50000)) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)
